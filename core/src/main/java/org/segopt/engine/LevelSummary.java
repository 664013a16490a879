package org.segopt.engine;

import java.util.Arrays;

/**
 * What a summary pass counts and where it writes: the request (cut keys, key brackets) and the
 * results (the exact mass, the volume and exact mass at and above each cut, the keys of the
 * voxels inside each bracket). Keys are those of {@link Kernels}; a float summary never needs a
 * histogram, so its cost does not grow with the number of distinct values.
 *
 * <p>The engine asks for cuts at ½ and just above it (Accuracy) and for narrow brackets around
 * its estimates of τ* and of the Theorem 4 cut, each bracket's upper end being a cut; the exact
 * decisions are then taken over the captured keys (see {@link LevelTable#loadSummary}). A
 * bracket that holds more than {@link #capacity()} voxels sets {@link #overflowed()}, and the
 * engine falls back to histograms.
 *
 * <p>Summaries of disjoint voxel ranges {@linkplain #merge merge} exactly (every result is an
 * integer or an {@link ExactSum}), so threads and devices may split a pass freely. Not
 * thread-safe; reusable: {@link #clearResults()} keeps the request and the buffers.
 */
public final class LevelSummary {
    /** The most cuts one pass counts. */
    public static final int MAX_CUTS = 6;
    /** The most brackets one pass captures. */
    public static final int MAX_BRACKETS = 2;
    /**
     * The least float32 and float64 cut keys the vector kernels sum exactly ({@code
     * PanamaSummary}: float32 values from 2^−24 on are multiples of 2^−47, which a sub-part's
     * double lanes hold exactly; float64 values from 2^−28 on lie on the first two grids). A
     * request with a lower cut is summarized by the scalar kernel, so the engine's requests stay
     * at or above them.
     */
    static final long LEAST_VECTOR_CUT_F32 = Float.floatToRawIntBits(0x1p-24f);
    static final long LEAST_VECTOR_CUT_F64 = Double.doubleToRawLongBits(0x1p-28);

    private final long[] cuts = new long[MAX_CUTS];
    private int cutCount;
    private final long[] lo = new long[MAX_BRACKETS];
    private final long[] hi = new long[MAX_BRACKETS];
    private int bracketCount;
    private int capacity;

    private final ExactSum mass = new ExactSum();
    private final long[] above = new long[MAX_CUTS];
    private final ExactSum[] aboveMass = new ExactSum[MAX_CUTS];
    private final long[][] captured = new long[MAX_BRACKETS][];
    private final int[] capturedCount = new int[MAX_BRACKETS];
    private boolean overflowed;

    /** An empty request: no cuts, no brackets, the given capture capacity per bracket. */
    public LevelSummary(int capacity) {
        for (int i = 0; i < MAX_CUTS; i++) {
            aboveMass[i] = new ExactSum();
        }
        for (int j = 0; j < MAX_BRACKETS; j++) {
            captured[j] = new long[0];
        }
        setCapacity(capacity);
    }

    // ---- the request -----------------------------------------------------------------------------

    /** Sets the cut keys (strictly ascending, each ≥ 1) and clears the results. */
    public void setCuts(long[] keys, int count) {
        if (count > MAX_CUTS) {
            throw new IllegalArgumentException("at most " + MAX_CUTS + " cuts, got " + count);
        }
        for (int i = 0; i < count; i++) {
            if (keys[i] < 1 || (i > 0 && keys[i] <= keys[i - 1])) {
                throw new IllegalArgumentException("cut keys must be ascending and positive: " + Arrays.toString(Arrays.copyOf(keys, count)));
            }
        }
        System.arraycopy(keys, 0, cuts, 0, count);
        cutCount = count;
        clearResults();
    }

    /** Sets the brackets [lo[j], hi[j]) of keys (disjoint, each non-empty) and clears the results. */
    public void setBrackets(long[] los, long[] his, int count) {
        if (count > MAX_BRACKETS) {
            throw new IllegalArgumentException("at most " + MAX_BRACKETS + " brackets, got " + count);
        }
        for (int j = 0; j < count; j++) {
            if (los[j] < 0 || los[j] >= his[j]) {
                throw new IllegalArgumentException("empty bracket [" + los[j] + ", " + his[j] + ")");
            }
            for (int i = 0; i < j; i++) {
                if (los[j] < his[i] && los[i] < his[j]) {
                    throw new IllegalArgumentException("brackets overlap");
                }
            }
        }
        System.arraycopy(los, 0, lo, 0, count);
        System.arraycopy(his, 0, hi, 0, count);
        bracketCount = count;
        clearResults();
    }

    /** Copies {@code other}'s request (cuts, brackets, capacity) and clears the results. */
    public void setRequest(LevelSummary other) {
        setCapacity(other.capacity);
        setCuts(other.cuts, other.cutCount);
        setBrackets(other.lo, other.hi, other.bracketCount);
    }

    /** Sets the most voxels a bracket may capture; the buffers grow to it only as voxels arrive. */
    public void setCapacity(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("negative capacity " + capacity);
        }
        this.capacity = capacity;
    }

    public int cutCount() {
        return cutCount;
    }

    /** Cut key i (ascending). */
    public long cut(int i) {
        return cuts[i];
    }

    public int bracketCount() {
        return bracketCount;
    }

    /** The first key of bracket j. */
    public long bracketLo(int j) {
        return lo[j];
    }

    /** The key just past bracket j. */
    public long bracketHi(int j) {
        return hi[j];
    }

    public int capacity() {
        return capacity;
    }

    /** The smallest key any cut or bracket looks at: voxels below it only add to the mass. */
    public long lowestKey() {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < cutCount; i++) {
            min = Math.min(min, cuts[i]);
        }
        for (int j = 0; j < bracketCount; j++) {
            min = Math.min(min, lo[j]);
        }
        return min;
    }

    // ---- the results ---------------------------------------------------------------------------

    /** Zeroes the results (keeps the request and the capture buffers). */
    public void clearResults() {
        mass.clear();
        Arrays.fill(above, 0);
        for (ExactSum s : aboveMass) {
            s.clear();
        }
        Arrays.fill(capturedCount, 0);
        overflowed = false;
    }

    /** Σ m over every voxel summarized. */
    public ExactSum mass() {
        return mass;
    }

    /** The voxels with key ≥ cut i. */
    public long above(int i) {
        return above[i];
    }

    /** Adds {@code count} voxels to those with key ≥ cut i. */
    public void addAbove(int i, long count) {
        above[i] += count;
    }

    /** Σ m over the voxels with key ≥ cut i. */
    public ExactSum aboveMass(int i) {
        return aboveMass[i];
    }

    /** Records the key of a voxel inside bracket j (or, past the capacity, that it overflowed). */
    public void capture(int j, long key) {
        int n = capturedCount[j];
        if (n == captured[j].length) {
            if (n >= capacity) {
                overflowed = true;
                return;
            }
            captured[j] = Arrays.copyOf(captured[j], Math.min(capacity, Math.max(1024, 2 * n)));
        }
        captured[j][n] = key;
        capturedCount[j] = n + 1;
    }

    /** How many keys bracket j captured. */
    public int capturedCount(int j) {
        return capturedCount[j];
    }

    /** The captured keys of bracket j, in no particular order, in {@code [0, capturedCount(j))}. */
    long[] capturedKeys(int j) {
        return captured[j];
    }

    /** Whether a bracket held more voxels than the capacity (its captured keys are then incomplete). */
    public boolean overflowed() {
        return overflowed;
    }

    /** Adds the results of a summary of other voxels under the same request. */
    public void merge(LevelSummary other) {
        mass.add(other.mass);
        for (int i = 0; i < cutCount; i++) {
            above[i] += other.above[i];
            aboveMass[i].add(other.aboveMass[i]);
        }
        overflowed |= other.overflowed;
        for (int j = 0; j < bracketCount && !overflowed; j++) {
            for (int q = 0; q < other.capturedCount[j]; q++) {
                capture(j, other.captured[j][q]);
            }
        }
    }
}
