package org.segopt.engine;

import java.util.Arrays;

/**
 * For each block of {@link #BLOCK} voxels, bounds on the raw bit patterns it holds, recorded by the
 * first float pass: a refinement pass then reads only the blocks that may hold a refined bin, and
 * skips background and interior blocks. How much that saves depends on how much of the volume is
 * border: on the jmh phantom (fuzzy shells 20 voxels thick, 22 % of the blocks) a refinement pass
 * over 512 × 512 × 100 float32 took 1.6-2.0 ms on one thread against a 4-6 ms read (a probe timing
 * the pass alone, 2026-11-26; jmh/README.md's first-call rows include it). Bounds are
 * conservative: a block may be read needlessly, never skipped wrongly.
 *
 * <p>Size n / 1024: not an n-sized temporary. Part of the {@link PassBackend} interface; a backend
 * that does not record bounds leaves every block "may hold anything".
 */
public final class BlockRanges {
    /** Voxels per block; chunk boundaries are multiples of it. */
    public static final int BLOCK = 1024;

    private long[] min = new long[0];
    private long[] max = new long[0];

    /** Makes room for the blocks of n voxels and marks them all as "may hold anything". */
    public void reset(long voxels) {
        int blocks = Math.toIntExact((voxels + BLOCK - 1) / BLOCK);
        if (min.length < blocks) {
            min = new long[blocks];
            max = new long[blocks];
        }
        Arrays.fill(min, 0, blocks, Long.MIN_VALUE);
        Arrays.fill(max, 0, blocks, Long.MAX_VALUE);
    }

    /** Records that block {@code block} holds raw bit patterns (read as signed) in [lo, hi]. */
    public void set(long block, long lo, long hi) {
        min[(int) block] = lo;
        // A negative pattern is −0.0, whose key is 0: the block then holds key 0 even when every
        // other pattern in it is negative too.
        max[(int) block] = lo < 0 ? Math.max(hi, 0) : hi;
    }

    /** Whether block {@code block} may hold a key in one of the bins {@code key >>> shifts[j] == prefixes[j]}, j < k. */
    public boolean mayHold(long block, int[] shifts, long[] prefixes, int k) {
        long lo = min[(int) block];
        long hi = max[(int) block];
        for (int j = 0; j < k; j++) {
            long first = prefixes[j] << shifts[j];
            long last = first + ((1L << shifts[j]) - 1);
            // −0.0 reads as the most negative pattern, so a block holding it has lo < 0 ≤ hi
            // (see set) and overlaps bin 0, where its key 0 belongs.
            if (lo <= last && hi >= first) {
                return true;
            }
        }
        return false;
    }
}
