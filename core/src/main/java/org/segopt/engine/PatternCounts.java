package org.segopt.engine;

import java.util.Arrays;

/**
 * What a float16 pattern pass ({@link PassBackend#countPatterns}) counts: the voxels of each bit
 * pattern, except that voxels whose pattern lies below {@link #LUMPED_BELOW} may be lumped, only
 * their number and the sum of their patterns counted. Such a pattern (a value below 2^−13: the
 * subnormals and the least normal binade) is its value's number of units of 2^−24, so the lump
 * has an exact count and an exact mass. Most voxels of a network's float16 output lie there
 * (86.2 % and 80.0 % of the 64-voxel groups of the soft-confident and soft-uncertain N = 100
 * phantoms hold only such values, NumPy over the files), and a lumped group costs a few vector
 * additions where counting its patterns costs 64 scattered increments (1.2 ns each on one
 * thread of this project's AMD EPYC, jmh/README.md).
 *
 * <p>The engine takes a first call's decisions from such counts (see {@link LevelTable#loadPatterns}):
 * the lump becomes one range level, and only a decision falling inside it (τ* or the Theorem 4
 * cut below 2^−13) sends the call to the exact histogram. Which voxels a backend lumps changes
 * only the time: the levels it leads to are the same.
 *
 * <p>Counts of disjoint voxel ranges {@linkplain #absorb merge} exactly. Not thread-safe;
 * reusable: the engine leaves it zeroed after each use.
 */
public final class PatternCounts {
    /** Patterns below this may be lumped (2^11: values below 2^−13). */
    public static final int LUMPED_BELOW = 1 << 11;
    /** Bit patterns of 16 bits. */
    static final int PATTERNS = 1 << 16;
    /**
     * Voxels a kernel counts into {@link #pending} between two {@link #flush}es, so that its int
     * entries stay below 2^31.
     */
    static final long FLUSH = 1L << 30;

    private final long[] counts = new long[PATTERNS];
    /** A kernel's int table (a scattered increment on ints costs less than on longs); folded in by {@link #flush}. */
    final int[] pending = new int[PATTERNS];
    /** Voxels counted into {@link #pending} since the last flush. */
    long pendingVoxels;
    private long lumpedVoxels;
    private long lumpedPatterns;

    /** Adds {@code voxels} voxels of bit pattern {@code pattern} (0 ≤ pattern < 2^16). */
    public void add(int pattern, long voxels) {
        counts[pattern] += voxels;
    }

    /**
     * Adds {@code voxels} voxels whose patterns all lie below {@link #LUMPED_BELOW}, their patterns
     * summing to {@code patternSum}.
     */
    public void lump(long voxels, long patternSum) {
        lumpedVoxels += voxels;
        lumpedPatterns += patternSum;
    }

    /** The voxels counted at {@code pattern}, lumped ones left out. */
    public long count(int pattern) {
        flush();
        return counts[pattern];
    }

    /** The lumped voxels. */
    public long lumpedVoxels() {
        return lumpedVoxels;
    }

    /** The sum of the lumped voxels' patterns. */
    public long lumpedPatterns() {
        return lumpedPatterns;
    }

    /** The count table, {@link #pending} folded in first: for the engine, which {@linkplain #clear zeroes} it after use. */
    long[] counts() {
        flush();
        return counts;
    }

    /** Folds the kernel's int table into the counts. */
    void flush() {
        if (pendingVoxels == 0) {
            return;
        }
        for (int p = 0; p < PATTERNS; p++) {
            counts[p] += pending[p];
            pending[p] = 0;
        }
        pendingVoxels = 0;
    }

    /** Adds {@code other}'s counts (of other voxels) to these and zeroes other. */
    void absorb(PatternCounts other) {
        long[] theirs = other.counts();
        for (int p = 0; p < PATTERNS; p++) {
            counts[p] += theirs[p];
        }
        Arrays.fill(theirs, 0);
        lump(other.lumpedVoxels, other.lumpedPatterns);
        other.lumpedVoxels = 0;
        other.lumpedPatterns = 0;
    }

    /**
     * Zeroes the lump and the counts of the valid patterns, 0 to 1.0's (the engine's checks leave
     * every other count zero: {@link Histogrammer#requireValidPatterns}).
     */
    void clear() {
        Arrays.fill(counts, 0, (int) FloatFormat.F16.maxKey + 1, 0);
        lumpedVoxels = 0;
        lumpedPatterns = 0;
    }
}
