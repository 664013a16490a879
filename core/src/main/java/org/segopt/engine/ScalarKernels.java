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
            case UINT16 -> {
                ValueLayout.OfShort layout = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(m.byteOrder());
                for (long i = from; i < to; i++) {
                    int c = Short.toUnsignedInt(s.getAtIndex(layout, i));
                    if (c > max) {
                        return i;
                    }
                    hist[c]++;
                }
            }
            case INT32 -> {
                ValueLayout.OfInt layout = ValueLayout.JAVA_INT_UNALIGNED.withOrder(m.byteOrder());
                for (long i = from; i < to; i++) {
                    int c = s.getAtIndex(layout, i);
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

    @Override
    public long countFloats(Marginal m, long from, long to, long[] counts, long[] sumHigh, long[] sumLow) {
        MemorySegment s = m.segments().getFirst();
        if (m.encoding() == Encoding.FLOAT32) {
            ValueLayout.OfInt layout = ValueLayout.JAVA_INT_UNALIGNED.withOrder(m.byteOrder());
            for (long i = from; i < to; i++) {
                int bits = s.getAtIndex(layout, i);
                if (bits == Integer.MIN_VALUE) {
                    bits = 0; // -0.0 is 0
                }
                if (Integer.compareUnsigned(bits, F32_MAX) > 0) {
                    return i;
                }
                int bin = bits >>> 16;
                counts[bin]++;
                sumLow[bin] += bits & 0xFFFF;
            }
        } else {
            ValueLayout.OfLong layout = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(m.byteOrder());
            for (long i = from; i < to; i++) {
                long bits = s.getAtIndex(layout, i);
                if (bits == Long.MIN_VALUE) {
                    bits = 0;
                }
                if (Long.compareUnsigned(bits, F64_MAX) > 0) {
                    return i;
                }
                int bin = (int) (bits >>> 48);
                long rest = bits & 0xFFFF_FFFF_FFFFL;
                counts[bin]++;
                sumHigh[bin] += rest >>> 24;
                sumLow[bin] += rest & 0xFF_FFFF;
            }
        }
        return -1;
    }

    @Override
    public void refineFloats(Marginal m, long from, long to, int[] shifts, long[] prefixes,
                             long[] counts, long[] sumHigh, long[] sumLow) {
        KeyReader reader = KeyReader.of(m);
        for (long i = from; i < to; i++) {
            long key = reader.key(i);
            for (int j = 0; j < shifts.length; j++) {
                if (key >>> shifts[j] == prefixes[j]) {
                    int below = shifts[j] - 16;
                    int bin = j * DIGITS + (int) ((key >>> below) & 0xFFFF);
                    long rest = key & ((1L << below) - 1);
                    counts[bin]++;
                    sumHigh[bin] += rest >>> 24;
                    sumLow[bin] += rest & 0xFF_FFFF;
                    break;
                }
            }
        }
    }

    @Override
    public void select(Marginal m, long level, long quota, BitMask out) {
        KeyReader reader = KeyReader.of(m);
        long n = m.voxels();
        long remaining = quota;
        for (long word = 0; word * 64 < n; word++) {
            long bits = 0;
            long end = Math.min(64, n - word * 64);
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
