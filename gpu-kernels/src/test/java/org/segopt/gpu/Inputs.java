package org.segopt.gpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.segopt.ElementType;
import org.segopt.Marginal;

/**
 * Small generators of marginals in every encoding, element type and byte order, shaped like real
 * data: long runs of one value (background 0, interior R or 1.0, which the kernels take warp-wise)
 * broken by stretches of varied values, ties at ½ and near τ*, −0.0 (also in float16 and bfloat16),
 * subnormals, and float64 values that agree
 * in their top 32 or 48 bits so that refinement goes three passes deep.
 */
final class Inputs {
    private Inputs() {
    }

    /** A named marginal. */
    record Case(String name, Marginal marginal) {
        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * Engine.scalar() (core's BlockRanges) skips, when it refines bin 0, a 4096-voxel block that
     * holds only −0.0, the last partial block included: its raw-bit bounds are both negative. Until
     * core fixes that, the generators never make such a block, so the comparisons with the scalar
     * engine stay valid; ConformanceSuite.blocksOfNegativeZeroCountAsZero checks the GPU on them.
     */
    static final int BLOCK = 4096;

    private static final ValueLayout.OfShort U16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Vote counts 0..max in runs, stored as {@code type} in {@code order}; {@code offset} bytes of padding first. */
    static MemorySegment votes(SplittableRandom rnd, long n, int max, ElementType type, ByteOrder order, int offset) {
        MemorySegment s = MemorySegment.ofArray(new byte[Math.toIntExact(n * type.byteSize() + offset)]).asSlice(offset);
        long i = 0;
        while (i < n) {
            long run = 1 + rnd.nextInt(rnd.nextInt(4) == 0 ? 3000 : 40);
            int kind = rnd.nextInt(4);
            int constant = kind == 0 ? 0 : kind == 1 ? max : rnd.nextInt(max + 1);
            for (long j = 0; j < run && i < n; j++, i++) {
                int c = kind == 3 ? rnd.nextInt(max + 1) : constant;
                putInt(s, type, order, i, c);
            }
        }
        return s;
    }

    static void putInt(MemorySegment s, ElementType type, ByteOrder order, long i, int c) {
        switch (type) {
            case BOOL, UINT8 -> s.set(ValueLayout.JAVA_BYTE, i, (byte) c);
            case UINT16, INT16 -> s.set(U16_LE.withOrder(order), 2 * i, (short) c);
            case INT32 -> s.set(I32_LE.withOrder(order), 4 * i, c);
            default -> throw new IllegalArgumentException(type.toString());
        }
    }

    /** float32 probabilities in runs; {@code tau} is a value to put ties at. */
    static float[] floats(SplittableRandom rnd, int n) {
        float[] v = new float[n];
        float tau = 0.25f + rnd.nextFloat() * 0.2f;
        int i = 0;
        while (i < n) {
            int run = 1 + rnd.nextInt(rnd.nextInt(4) == 0 ? 5000 : 50);
            int kind = rnd.nextInt(9);
            float constant = switch (kind) {
                case 0 -> 0f;
                case 1 -> 1f;
                case 2 -> 0.5f;
                case 3 -> tau;
                case 4 -> -0.0f;
                case 5 -> Float.MIN_VALUE * (1 + rnd.nextInt(1000)); // subnormal
                default -> rnd.nextFloat();
            };
            for (int j = 0; j < run && i < n; j++, i++) {
                v[i] = kind >= 6 ? (kind == 8 ? Math.nextUp(tau) - rnd.nextInt(3) * Math.ulp(tau) : rnd.nextFloat())
                        : kind == 4 && rnd.nextBoolean() ? 0.0f : constant;
            }
        }
        for (int b = 0; b < n; b += BLOCK) { // see NEGATIVE_ZERO_BLOCKS
            boolean allNegativeZero = true;
            for (int j = b; j < Math.min(n, b + BLOCK) && allNegativeZero; j++) {
                allNegativeZero = Float.floatToRawIntBits(v[j]) == Integer.MIN_VALUE;
            }
            if (allNegativeZero) {
                v[b] = 0.0f;
            }
        }
        return v;
    }

    /** float64 probabilities in runs, many sharing their top 32 or 48 bits. */
    static double[] doubles(SplittableRandom rnd, int n) {
        double[] v = new double[n];
        double base = 0.2 + rnd.nextDouble() * 0.3;
        int i = 0;
        while (i < n) {
            int run = 1 + rnd.nextInt(rnd.nextInt(4) == 0 ? 5000 : 50);
            int kind = rnd.nextInt(9);
            for (int j = 0; j < run && i < n; j++, i++) {
                v[i] = switch (kind) {
                    case 0 -> 0.0;
                    case 1 -> 1.0;
                    case 2 -> 0.5;
                    case 3 -> rnd.nextBoolean() ? -0.0 : 0.0;
                    case 4 -> Double.longBitsToDouble(Double.doubleToRawLongBits(base) + rnd.nextInt(1 << 12)); // same top 48 bits
                    case 5 -> Double.longBitsToDouble(Double.doubleToRawLongBits(base) + rnd.nextLong(1L << 28)); // same top 32 bits
                    case 6 -> Double.MIN_VALUE * (1 + rnd.nextInt(1000));
                    default -> rnd.nextDouble();
                };
            }
        }
        for (int b = 0; b < n; b += BLOCK) { // see NEGATIVE_ZERO_BLOCKS
            boolean allNegativeZero = true;
            for (int j = b; j < Math.min(n, b + BLOCK) && allNegativeZero; j++) {
                allNegativeZero = Double.doubleToRawLongBits(v[j]) == Long.MIN_VALUE;
            }
            if (allNegativeZero) {
                v[b] = 0.0;
            }
        }
        return v;
    }

    /**
     * float16 (or bfloat16) bit patterns of {@link #floats} values (ties at ½ and near τ*, −0.0),
     * every 97th a subnormal, in {@code order} after {@code offset} bytes of padding.
     */
    static MemorySegment halves(SplittableRandom rnd, int n, boolean bfloat16, ByteOrder order, int offset) {
        float[] f = floats(rnd, n);
        MemorySegment s = MemorySegment.ofArray(new byte[2 * n + offset]).asSlice(offset);
        for (int i = 0; i < n; i++) {
            int bits = bfloat16 ? Float.floatToRawIntBits(f[i]) >>> 16 : Float.floatToFloat16(f[i]);
            if (i % 97 == 0) {
                bits = 1 + rnd.nextInt(bfloat16 ? 0x7F : 0x3FF);
            }
            s.set(U16_LE.withOrder(order), 2L * i, (short) bits);
        }
        return s;
    }

    static MemorySegment floatBytes(float[] v, ByteOrder order, int offset) {
        MemorySegment s = MemorySegment.ofArray(new byte[v.length * 4 + offset]).asSlice(offset);
        for (int i = 0; i < v.length; i++) {
            s.set(I32_LE.withOrder(order), 4L * i, Float.floatToRawIntBits(v[i]));
        }
        return s;
    }

    static MemorySegment doubleBytes(double[] v, ByteOrder order, int offset) {
        MemorySegment s = MemorySegment.ofArray(new byte[v.length * 8 + offset]).asSlice(offset);
        for (int i = 0; i < v.length; i++) {
            s.set(I64_LE.withOrder(order), 8L * i, Double.doubleToRawLongBits(v[i]));
        }
        return s;
    }

    /** R masks of one type and order whose per-voxel sums come in runs. */
    static List<MemorySegment> masks(SplittableRandom rnd, long n, int raters, ElementType type, ByteOrder order) {
        MemorySegment votes = votes(rnd, n, raters, ElementType.INT32, ByteOrder.nativeOrder(), 0);
        List<MemorySegment> masks = new ArrayList<>();
        for (int r = 0; r < raters; r++) {
            masks.add(MemorySegment.ofArray(new byte[Math.toIntExact(n * type.byteSize())]));
        }
        for (long i = 0; i < n; i++) {
            int c = votes.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i);
            // c raters mark the voxel; which ones varies
            int first = rnd.nextInt(raters);
            for (int k = 0; k < c; k++) {
                putInt(masks.get((first + k) % raters), type, order, i, 1);
            }
        }
        return masks;
    }

    /** Every valid case, sizes around {@code n} (several exact sizes below 64 and around tiles too). */
    static List<Case> valid(long seed, int n) {
        SplittableRandom rnd = new SplittableRandom(seed);
        ByteOrder le = ByteOrder.LITTLE_ENDIAN;
        ByteOrder be = ByteOrder.BIG_ENDIAN;
        List<Case> cases = new ArrayList<>();
        for (int size : new int[] {1, 3, 64, 65, 4097}) {
            cases.add(new Case("f32 n=" + size, Marginal.ofFloats(floats(rnd, size))));
            cases.add(new Case("u8 votes R=5 n=" + size, Marginal.ofVotes(votes(rnd, size, 5, ElementType.UINT8, le, 0), ElementType.UINT8, le, 5)));
        }
        cases.add(new Case("u8 votes R=7", Marginal.ofVotes(votes(rnd, n, 7, ElementType.UINT8, le, 0), ElementType.UINT8, le, 7)));
        cases.add(new Case("u8 quantized R=255", Marginal.ofVotes(votes(rnd, n, 255, ElementType.UINT8, le, 1), ElementType.UINT8, le, 255)));
        cases.add(new Case("bool votes R=1", Marginal.ofVotes(votes(rnd, n, 1, ElementType.BOOL, le, 0), ElementType.BOOL, le, 1)));
        cases.add(new Case("bool votes R=4", Marginal.ofVotes(votes(rnd, n, 1, ElementType.BOOL, le, 0), ElementType.BOOL, le, 4)));
        cases.add(new Case("u16 votes R=1000", Marginal.ofVotes(votes(rnd, n, 1000, ElementType.UINT16, le, 0), ElementType.UINT16, le, 1000)));
        cases.add(new Case("u16 votes R=12000 big-endian", Marginal.ofVotes(votes(rnd, n, 12000, ElementType.UINT16, be, 0), ElementType.UINT16, be, 12000)));
        cases.add(new Case("u16 quantized R=65535 big-endian", Marginal.ofVotes(votes(rnd, n, 65535, ElementType.UINT16, be, 2), ElementType.UINT16, be, 65535)));
        cases.add(new Case("i32 votes R=9", Marginal.ofVotes(votes(rnd, n, 9, ElementType.INT32, le, 0), ElementType.INT32, le, 9)));
        cases.add(new Case("i32 votes R=3 big-endian", Marginal.ofVotes(votes(rnd, n, 3, ElementType.INT32, be, 0), ElementType.INT32, be, 3)));
        cases.add(new Case("u8 masks R=5", Marginal.ofRaterMasks(masks(rnd, n, 5, ElementType.UINT8, le), ElementType.UINT8, le)));
        cases.add(new Case("bool masks R=3", Marginal.ofRaterMasks(masks(rnd, n, 3, ElementType.BOOL, le), ElementType.BOOL, le)));
        cases.add(new Case("u16 masks R=4 big-endian", Marginal.ofRaterMasks(masks(rnd, n, 4, ElementType.UINT16, be), ElementType.UINT16, be)));
        cases.add(new Case("i32 masks R=2", Marginal.ofRaterMasks(masks(rnd, n, 2, ElementType.INT32, le), ElementType.INT32, le)));
        float[] f = floats(rnd, n);
        cases.add(new Case("f32 heap array", Marginal.ofFloats(f)));
        cases.add(new Case("f32 big-endian unaligned", Marginal.ofFloats(floatBytes(floats(rnd, n), be, 1), be)));
        MemorySegment offHeap = Arena.ofAuto().allocate(4L * n, 4);
        MemorySegment.copy(f, 0, offHeap, ValueLayout.JAVA_FLOAT, 0, n);
        cases.add(new Case("f32 off-heap", Marginal.ofFloats(offHeap, ByteOrder.nativeOrder())));
        cases.add(new Case("f64", Marginal.ofDoubles(doubles(rnd, n))));
        cases.add(new Case("f64 big-endian", Marginal.ofDoubles(doubleBytes(doubles(rnd, n), be, 0), be)));
        cases.add(new Case("f16", Marginal.ofFloat16(halves(rnd, n, false, le, 0), le)));
        cases.add(new Case("f16 big-endian unaligned", Marginal.ofFloat16(halves(rnd, n, false, be, 1), be)));
        cases.add(new Case("f16 n=65", Marginal.ofFloat16(halves(rnd, 65, false, le, 0), le)));
        cases.add(new Case("bf16", Marginal.ofBFloat16(halves(rnd, n, true, le, 2), le)));
        cases.add(new Case("bf16 big-endian", Marginal.ofBFloat16(halves(rnd, n, true, be, 0), be)));
        cases.add(new Case("i16 votes R=1000", Marginal.ofVotes(votes(rnd, n, 1000, ElementType.INT16, le, 0), ElementType.INT16, le, 1000)));
        cases.add(new Case("i16 votes 0..32767 of R=65535 big-endian",
                Marginal.ofVotes(votes(rnd, n, Short.MAX_VALUE, ElementType.INT16, be, 0), ElementType.INT16, be, 65535)));
        cases.add(new Case("f32 all zero", Marginal.ofFloats(new float[n])));
        float[] ones = new float[n];
        java.util.Arrays.fill(ones, 1f);
        cases.add(new Case("f32 all one", Marginal.ofFloats(ones)));
        float[] halves = new float[n];
        java.util.Arrays.fill(halves, 0.5f);
        halves[n / 2] = -0.0f;
        cases.add(new Case("f32 all half", Marginal.ofFloats(halves)));
        cases.add(new Case("u8 votes all zero", Marginal.ofVotes(new byte[n], 3)));
        return cases;
    }

    /** Cases with invalid voxels: the first (lowest index) must be reported. */
    static List<Case> invalid(long seed, int n) {
        SplittableRandom rnd = new SplittableRandom(seed);
        ByteOrder le = ByteOrder.LITTLE_ENDIAN;
        ByteOrder be = ByteOrder.BIG_ENDIAN;
        int first = n / 2 + rnd.nextInt(n / 4);
        int later = first + 1 + rnd.nextInt(n - first - 1);
        List<Case> cases = new ArrayList<>();
        float[] f = floats(rnd, n);
        f[later] = Float.NaN;
        f[first] = 1.0000001f;
        cases.add(new Case("f32 above 1", Marginal.ofFloats(f)));
        float[] g = floats(rnd, n);
        g[first] = -0.25f;
        g[later] = Float.POSITIVE_INFINITY;
        cases.add(new Case("f32 negative, big-endian", Marginal.ofFloats(floatBytes(g, be, 0), be)));
        float[] h = floats(rnd, n);
        h[first] = Float.NaN;
        cases.add(new Case("f32 NaN", Marginal.ofFloats(h)));
        double[] d = doubles(rnd, n);
        d[first] = Math.nextUp(1.0);
        d[later] = -1;
        cases.add(new Case("f64 above 1", Marginal.ofDoubles(d)));
        MemorySegment v = votes(rnd, n, 7, ElementType.UINT8, le, 0);
        v.set(ValueLayout.JAVA_BYTE, first, (byte) 8);
        v.set(ValueLayout.JAVA_BYTE, later, (byte) 255);
        cases.add(new Case("u8 votes above R", Marginal.ofVotes(v, ElementType.UINT8, le, 7)));
        MemorySegment b = votes(rnd, n, 1, ElementType.BOOL, le, 0);
        b.set(ValueLayout.JAVA_BYTE, first, (byte) 2);
        cases.add(new Case("bool votes of 2", Marginal.ofVotes(b, ElementType.BOOL, le, 3)));
        MemorySegment i32 = votes(rnd, n, 9, ElementType.INT32, be, 0);
        putInt(i32, ElementType.INT32, be, first, -1);
        cases.add(new Case("i32 negative big-endian", Marginal.ofVotes(i32, ElementType.INT32, be, 9)));
        MemorySegment u16 = votes(rnd, n, 300, ElementType.UINT16, le, 0);
        putInt(u16, ElementType.UINT16, le, first, 301);
        cases.add(new Case("u16 above R", Marginal.ofVotes(u16, ElementType.UINT16, le, 300)));
        MemorySegment f16 = halves(rnd, n, false, le, 0);
        f16.set(U16_LE, 2L * first, (short) 0x7E00); // NaN
        f16.set(U16_LE, 2L * later, (short) 0xB400); // -0.25
        cases.add(new Case("f16 NaN", Marginal.ofFloat16(f16, le)));
        MemorySegment negative16 = halves(rnd, n, false, be, 0);
        negative16.set(U16_LE.withOrder(be), 2L * first, (short) 0x8001); // the least negative subnormal
        cases.add(new Case("f16 negative subnormal, big-endian", Marginal.ofFloat16(negative16, be)));
        MemorySegment bf16 = halves(rnd, n, true, be, 0);
        bf16.set(U16_LE.withOrder(be), 2L * first, (short) 0x3F81); // just above 1
        bf16.set(U16_LE.withOrder(be), 2L * later, (short) 0x7F80); // +inf
        cases.add(new Case("bf16 above 1, big-endian", Marginal.ofBFloat16(bf16, be)));
        MemorySegment negativeBf16 = halves(rnd, n, true, le, 0);
        negativeBf16.set(U16_LE, 2L * first, (short) 0xBE80); // -0.25
        negativeBf16.set(U16_LE, 2L * later, (short) 0x7FC0); // NaN
        cases.add(new Case("bf16 negative", Marginal.ofBFloat16(negativeBf16, le)));
        MemorySegment i16 = votes(rnd, n, 9, ElementType.INT16, le, 0);
        putInt(i16, ElementType.INT16, le, first, -1); // 65535 read unsigned: a valid count of R = 65535
        cases.add(new Case("i16 negative with R=65535", Marginal.ofVotes(i16, ElementType.INT16, le, 65535)));
        List<MemorySegment> masks = masks(rnd, n, 4, ElementType.UINT8, le);
        masks.get(2).set(ValueLayout.JAVA_BYTE, first, (byte) 2);
        masks.get(0).set(ValueLayout.JAVA_BYTE, later, (byte) 7);
        cases.add(new Case("u8 mask of 2", Marginal.ofRaterMasks(masks, ElementType.UINT8, le)));
        List<MemorySegment> im = masks(rnd, n, 2, ElementType.INT32, le);
        putInt(im.get(1), ElementType.INT32, le, first, -1);
        cases.add(new Case("i32 mask of -1", Marginal.ofRaterMasks(im, ElementType.INT32, le)));
        return cases;
    }
}
