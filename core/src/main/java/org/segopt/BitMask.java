package org.segopt;

import java.util.Arrays;

/**
 * A segmentation s over n voxels as a compact bit mask: bit i is voxel i (in the marginal's memory
 * order). Bits at and beyond n are always zero.
 */
public final class BitMask {
    private final long voxels;
    private final long[] words;

    /** An empty mask over {@code voxels} voxels (at most 64 * (2^31 - 1)). */
    public BitMask(long voxels) {
        if (voxels < 0 || (voxels + 63) / 64 > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("cannot hold a bit mask of " + voxels + " voxels");
        }
        this.voxels = voxels;
        this.words = new long[(int) ((voxels + 63) >>> 6)];
    }

    /** n, the number of voxels. */
    public long voxels() {
        return voxels;
    }

    /** Whether voxel {@code i} is in the segmentation. */
    public boolean get(long i) {
        java.util.Objects.checkIndex(i, voxels);
        return (words[(int) (i >>> 6)] & (1L << i)) != 0;
    }

    /** Puts voxel {@code i} into the segmentation. */
    public void set(long i) {
        java.util.Objects.checkIndex(i, voxels);
        words[(int) (i >>> 6)] |= 1L << i;
    }

    /** Sets 64 bits at once: voxels {@code 64 * word .. 64 * word + 63}; used by kernels. */
    public void setWord(int word, long bits) {
        words[word] = bits;
    }

    /** The 64 bits of voxels {@code 64 * word .. 64 * word + 63}. */
    public long word(int word) {
        return words[word];
    }

    /** ‖s‖, the number of voxels in the segmentation. */
    public long cardinality() {
        long c = 0;
        for (long w : words) {
            c += Long.bitCount(w);
        }
        return c;
    }

    /** One byte (0 or 1) per voxel, for writing as an image. */
    public byte[] toBytes() {
        byte[] out = new byte[Math.toIntExact(voxels)];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) ((words[i >>> 6] >>> i) & 1);
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BitMask b && voxels == b.voxels && Arrays.equals(words, b.words);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(words);
    }

    @Override
    public String toString() {
        return "BitMask[" + cardinality() + " of " + voxels + " voxels]";
    }
}
