package org.segopt.engine;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.segopt.BitMask;
import org.segopt.ElementType;
import org.segopt.Encoding;
import org.segopt.Marginal;

/** Plain-Java passes: the fallback on every machine and the oracle the other kernels are tested against. */
final class ScalarKernels implements Kernels {
    private static final int F32_MAX = 0x3F80_0000;
    private static final long F64_MAX = 0x3FF0_0000_0000_0000L;
    /** Voxels per block when summing rater masks: small enough to stay in L1. */
    private static final int MASK_BLOCK = 2048;

    @Override
    public long countVotes(Marginal m, long from, long to, long[] hist) {
        if (m.encoding() == Encoding.RATER_MASKS) {
            return countMaskVotes(m, from, to, hist);
        }
        MemorySegment s = m.segments().getFirst();
        long max = m.elementType() == ElementType.BOOL ? Math.min(1, m.raters()) : m.raters();
        switch (m.elementType()) {
            case BOOL, UINT8 -> {
                for (long i = from; i < to; i++) {
                    int c = Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, i));
                    if (c > max) {
                        return i;
                    }
                    hist[c]++;
                }
            }
            case UINT16, INT16 -> {
                boolean swap = swap(m);
                int limit = votes16Limit(m);
                for (long i = from; i < to; i++) {
                    short raw = s.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i);
                    int c = Short.toUnsignedInt(swap ? Short.reverseBytes(raw) : raw);
                    if (c > limit) {
                        return i;
                    }
                    hist[c]++;
                }
            }
            case INT32 -> {
                boolean swap = swap(m);
                for (long i = from; i < to; i++) {
                    int raw = s.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i);
                    int c = swap ? Integer.reverseBytes(raw) : raw;
                    if (c < 0 || c > max) {
                        return i;
                    }
                    hist[c]++;
                }
            }
            default -> throw new IllegalStateException("not a vote type: " + m.elementType());
        }
        return -1;
    }

    /**
     * The largest valid u16 / i16 vote count read unsigned: R, and for i16 at most 32767, since
     * read unsigned an int16 count is above 32767 exactly when it is negative.
     */
    static int votes16Limit(Marginal m) {
        return m.elementType() == ElementType.INT16 ? Math.min(m.raters(), Short.MAX_VALUE) : m.raters();
    }

    /** Sums the masks block by block (each mask read sequentially), then histograms the block. */
    private static long countMaskVotes(Marginal m, long from, long to, long[] hist) {
        List<MemorySegment> masks = m.segments();
        KeyReader[] readers = masks.stream().map(s -> KeyReader.integer(s, m.elementType(), m.byteOrder())).toArray(KeyReader[]::new);
        int[] block = new int[MASK_BLOCK];
        for (long start = from; start < to; start += MASK_BLOCK) {
            int len = (int) Math.min(MASK_BLOCK, to - start);
            java.util.Arrays.fill(block, 0, len, 0);
            long firstBad = Long.MAX_VALUE;
            for (KeyReader r : readers) {
                for (int k = 0; k < len; k++) {
                    long v = r.key(start + k);
                    if (v > 1 || v < 0) {
                        firstBad = Math.min(firstBad, start + k);
                        break;
                    }
                    block[k] += (int) v;
                }
            }
            if (firstBad != Long.MAX_VALUE) {
                return firstBad;
            }
            for (int k = 0; k < len; k++) {
                hist[block[k]]++;
            }
        }
        return -1;
    }

    /**
     * Whether m's bytes must be reversed: hot loops read with the constant native-order layouts
     * (a layout built at run time defeats the JIT) and swap when the data's order differs.
     */
    static boolean swap(Marginal m) {
        return !m.byteOrder().equals(java.nio.ByteOrder.nativeOrder());
    }

    @Override
    public long countFloats(Marginal m, long from, long to, FloatHistogram top, BlockRanges ranges,
                            Refinement guesses) {
        long bad = countFloats(m, from, to, top.counts(), top.sumHigh(), top.sumLow(), ranges);
        if (bad < 0 && guesses != null && guesses.bins() > 0) {
            refineRange(m, from, to, guesses);
        }
        return bad;
    }

    /** The top-level histogram of [from, to) into the given tables, recording block ranges. */
    static long countFloats(Marginal m, long from, long to, long[] counts, long[] sumHigh, long[] sumLow,
                            BlockRanges ranges) {
        MemorySegment s = m.segments().getFirst();
        boolean swap = swap(m);
        boolean f32 = m.encoding() == Encoding.FLOAT32;
        for (long start = from; start < to; start += BlockRanges.BLOCK) {
            long end = Math.min(to, start + BlockRanges.BLOCK);
            long lo = Long.MAX_VALUE;
            long hi = Long.MIN_VALUE;
            for (long i = start; i < end; i++) {
                long bits;
                boolean ok;
                if (f32) {
                    int raw = s.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i);
                    int b = swap ? Integer.reverseBytes(raw) : raw;
                    ok = addFloat32(b, counts, sumLow);
                    bits = b;
                } else {
                    long raw = s.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, i);
                    bits = swap ? Long.reverseBytes(raw) : raw;
                    ok = addFloat64(bits, counts, sumHigh, sumLow);
                }
                if (!ok) {
                    return i;
                }
                lo = Math.min(lo, bits);
                hi = Math.max(hi, bits);
            }
            ranges.set(start / BlockRanges.BLOCK, lo, hi);
        }
        return -1;
    }

    @Override
    public long summarize(Marginal m, long from, long to, LevelSummary summary) {
        KeyReader keys = KeyReader.of(m);
        FloatFormat format = Keys.format(m);
        for (long i = from; i < to; i++) {
            long key = keys.key(i);
            if (Long.compareUnsigned(key, format.maxKey) > 0) {
                return i;
            }
            summarizeKey(key, format.approximate(key), summary);
        }
        return -1;
    }

    /** The reference pattern pass: every voxel's raw u16 pattern counted, none lumped. */
    @Override
    public void countPatterns(Marginal m, long from, long to, PatternCounts counts) {
        MemorySegment s = m.segments().getFirst();
        boolean swap = swap(m);
        for (long i = from; i < to; i++) {
            short raw = s.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i);
            counts.add(Short.toUnsignedInt(swap ? Short.reverseBytes(raw) : raw), 1);
        }
    }

    /** Adds one valid key of value v to a summary: the reference every summary kernel must equal. */
    static void summarizeKey(long key, double v, LevelSummary summary) {
        summary.mass().add(v);
        for (int c = 0; c < summary.cutCount() && key >= summary.cut(c); c++) {
            summary.addAbove(c, 1);
            summary.aboveMass(c).add(v);
        }
        for (int j = 0; j < summary.bracketCount(); j++) {
            if (key >= summary.bracketLo(j) && key < summary.bracketHi(j)) {
                summary.capture(j, key);
            }
        }
    }

    /** Counts one float32 bit pattern in the top-level histogram; false if it is not in [0, 1]. */
    static boolean addFloat32(int bits, long[] counts, long[] sumLow) {
        int key = bits == Integer.MIN_VALUE ? 0 : bits; // -0.0 is 0
        if (Integer.compareUnsigned(key, F32_MAX) > 0) {
            return false;
        }
        int bin = key >>> 16;
        counts[bin]++;
        sumLow[bin] += key & 0xFFFF;
        return true;
    }

    /** Counts n voxels of one valid float32 ({@code f32}) or float64 key in the top-level histogram. */
    static void countKeys(long key, long n, boolean f32, long[] counts, long[] sumHigh, long[] sumLow) {
        int bin = (int) (key >>> (f32 ? 16 : 48));
        long rest = key & (f32 ? 0xFFFFL : 0xFFFF_FFFF_FFFFL);
        counts[bin] += n;
        sumHigh[bin] += n * (rest >>> 24);
        sumLow[bin] += n * (rest & 0xFF_FFFF);
    }

    /** Counts one float64 bit pattern in the top-level histogram; false if it is not in [0, 1]. */
    static boolean addFloat64(long bits, long[] counts, long[] sumHigh, long[] sumLow) {
        long key = bits == Long.MIN_VALUE ? 0 : bits;
        if (Long.compareUnsigned(key, F64_MAX) > 0) {
            return false;
        }
        countKeys(key, 1, false, counts, sumHigh, sumLow);
        return true;
    }

    @Override
    public void refineFloats(Marginal m, long from, long to, Refinement r, BlockRanges ranges) {
        for (long start = from; start < to; start += BlockRanges.BLOCK) {
            if (ranges.mayHold(start / BlockRanges.BLOCK, r.shifts(), r.prefixes(), r.bins())) {
                refineRange(m, start, Math.min(to, start + BlockRanges.BLOCK), r);
            }
        }
    }

    /** Refines every voxel of [from, to), without consulting block ranges. */
    static void refineRange(Marginal m, long from, long to, Refinement r) {
        refineRange(m, from, to, r.shifts(), r.prefixes(), r.bins(), r.counts(), r.sumHigh(), r.sumLow(), r.occupied());
    }

    /** {@link #refineRange(Marginal, long, long, Refinement)} on a refinement's arrays. */
    static void refineRange(Marginal m, long from, long to, int[] shifts, long[] prefixes, int k,
                            long[] counts, long[] sumHigh, long[] sumLow, long[] occupied) {
        KeyReader reader = KeyReader.of(m);
        for (long i = from; i < to; i++) {
            refineKeys(reader.key(i), 1, shifts, prefixes, k, counts, sumHigh, sumLow, occupied);
        }
    }

    /** Counts n voxels of one key in the refinement table of the refined bin it falls into, if any. */
    static void refineKeys(long key, long n, int[] shifts, long[] prefixes, int k, long[] counts, long[] sumHigh,
                           long[] sumLow, long[] occupied) {
        for (int j = 0; j < k; j++) {
            if (key >>> shifts[j] == prefixes[j]) {
                int below = shifts[j] - 16;
                int bin = j * DIGITS + (int) ((key >>> below) & 0xFFFF);
                long rest = key & ((1L << below) - 1);
                counts[bin] += n;
                if (rest != 0) { // never for float32, whose refined bins hold one value each
                    sumHigh[bin] += n * (rest >>> 24);
                    sumLow[bin] += n * (rest & 0xFF_FFFF);
                }
                occupied[bin >>> 6] |= 1L << bin;
                return;
            }
        }
    }

    @Override
    public void select(Marginal m, long from, long to, long level, long quota, BitMask out) {
        KeyReader reader = KeyReader.of(m);
        long remaining = quota;
        for (long word = from / 64; word * 64 < to; word++) {
            long bits = 0;
            long end = Math.min(64, to - word * 64);
            for (int b = 0; b < end; b++) {
                long key = reader.key(word * 64 + b);
                if (key > level || (key == level && remaining > 0)) {
                    bits |= 1L << b;
                    if (key == level) {
                        remaining--;
                    }
                }
            }
            out.setWord((int) word, bits);
        }
    }
}
