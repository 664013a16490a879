package org.segopt.gpu;

import java.util.List;

/**
 * The kernels of {@code segopt_kernels.cu} the host launches, with their parameter lists: every
 * parameter is a 64-bit value (a device pointer or an unsigned long long) or a 32-bit unsigned
 * int. A test checks names and parameter lists against the PTX resource.
 */
enum Kernel {
    VOTES_U8("segopt_votes_u8", "P data, U64 n, U32 swap, U32 masks, U64 stride, U32 max, U32 sharedBins, P hist, P firstBad"),
    VOTES_U16("segopt_votes_u16", "P data, U64 n, U32 swap, U32 masks, U64 stride, U32 max, U32 sharedBins, P hist, P firstBad"),
    VOTES_I32("segopt_votes_i32", "P data, U64 n, U32 swap, U32 masks, U64 stride, U32 max, U32 sharedBins, P hist, P firstBad"),
    FLOATS_F32("segopt_floats_f32", "P data, U64 n, U32 swap, U32 sharedBins, P counts, P sumHigh, P sumLow, P firstBad, P rangeLo, P rangeHi"),
    FLOATS_F64("segopt_floats_f64", "P data, U64 n, U32 swap, U32 sharedBins, P counts, P sumHigh, P sumLow, P firstBad, P rangeLo, P rangeHi"),
    REFINE_F32("segopt_refine_f32", "P data, U64 n, U32 swap, U32 k, P shifts, P prefixes, P counts, P sumHigh, P sumLow, P rangeLo, P rangeHi"),
    REFINE_F64("segopt_refine_f64", "P data, U64 n, U32 swap, U32 k, P shifts, P prefixes, P counts, P sumHigh, P sumLow, P rangeLo, P rangeHi"),
    SELECT("segopt_select", "P data, U64 n, U32 type, U32 swap, U32 masks, U64 stride, U64 level, U32 inclusive, P words, P eqWords"),
    MIN_KEY("segopt_min_key", "P data, U64 n, U32 type, U32 swap, U32 masks, U64 stride, U64 floor, P out"),
    SUM_WORDS("segopt_sum_words", "P data, U64 words, P out");

    /** Element type codes of the kernels' {@code type} parameter. */
    static final int T_U8 = 0;
    static final int T_U16 = 1;
    static final int T_I32 = 2;
    static final int T_F32 = 3;
    static final int T_F64 = 4;
    static final int T_I16 = 5;
    /** float16 or bfloat16: the bit pattern, −0.0 read as 0 (both order like their unsigned patterns). */
    static final int T_H16 = 6;

    /** Threads per block the histogram kernels are compiled for ({@code __launch_bounds__(1024)}). */
    static final int HISTOGRAM_THREADS = 1024;
    /** Threads per block of the other kernels ({@code __launch_bounds__(256)}). */
    static final int THREADS = 256;

    /** A parameter's width: 64 bits (pointer or u64) or 32 bits. */
    enum Width {
        B64, B32
    }

    /** The entry point's name in the PTX. */
    final String symbol;
    final List<Width> params;
    final List<String> paramNames;

    Kernel(String symbol, String signature) {
        this.symbol = symbol;
        List<String> parts = List.of(signature.split(",\\s*"));
        this.params = parts.stream().map(p -> p.startsWith("U32") ? Width.B32 : Width.B64).toList();
        this.paramNames = parts.stream().map(p -> p.substring(p.indexOf(' ') + 1)).toList();
    }

    int threads() {
        return switch (this) {
            case VOTES_U8, VOTES_U16, VOTES_I32, FLOATS_F32, FLOATS_F64 -> HISTOGRAM_THREADS;
            default -> THREADS;
        };
    }
}
