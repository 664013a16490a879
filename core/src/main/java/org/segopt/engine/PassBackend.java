package org.segopt.engine;

import org.segopt.BitMask;
import org.segopt.Fraction;
import org.segopt.Marginal;

/**
 * Where the engine's passes over voxel data run: the service-provider interface behind
 * {@link Engine#of(PassBackend)}. The CPU backend splits each pass over threads with Vector API
 * kernels; a GPU backend runs them on a device. Every method produces integers only, so any
 * correct backend gives results bit-identical to {@link Engine#scalar()}; the exact decisions
 * stay in the engine.
 *
 * <p>Keys: a voxel's key orders like m: its vote count for vote-type marginals, its IEEE bit
 * pattern for floats (−0.0 read as 0).
 */
public interface PassBackend {

    /** Bins per float histogram table: one per 16-bit digit. */
    int DIGITS = FloatHistogram.DIGITS;

    /**
     * The smallest key of m's encoding whose value is ≥ t (t in [0, 1]): the key form of a
     * threshold, for a backend that compares keys where the data is (a device).
     */
    static long ceilKey(Marginal m, Fraction t) {
        return Keys.ceilKey(m, t);
    }

    /** The value of m's encoding at {@code key} as a double: exact for floats, c / R for votes. */
    static double keyValue(Marginal m, long key) {
        FloatFormat f = Keys.format(m);
        return f != null ? f.approximate(key) : key / (double) m.raters();
    }

    /** A short name for reports, e.g. "simd-512bit" or "cuda". */
    String name();

    /** Threads (or devices) a pass is split over, for reports. */
    int threads();

    /**
     * Adds the vote histogram of all voxels to {@code hist[0..R]} (index = votes, R = m.raters()).
     *
     * @return the index of the first voxel whose value is invalid for the encoding, or −1
     */
    long countVotes(Marginal m, long[] hist);

    /**
     * Adds the top-level float histogram of all voxels to {@code top} (see {@link FloatHistogram});
     * may record per-block bounds in its ranges (a backend that does not leaves them unknown).
     * With {@code guesses} holding bins (only when {@link #refinesWhileCounting()}), also refines
     * them as {@link #refineFloats} would, in the same pass.
     *
     * @return the index of the first invalid voxel, or −1 (the refinement tables may then hold
     *         partial counts, their occupancy bits set as usual)
     */
    long countFloats(Marginal m, FloatHistogram top, Refinement guesses);

    /**
     * Refines the bins of {@code refinement} over every voxel (see {@link Refinement}). Values are
     * valid (the top-level pass checked them); blocks that {@code ranges} proves hold none of the
     * bins may be skipped.
     */
    void refineFloats(Marginal m, Refinement refinement, BlockRanges ranges);

    /**
     * Whether {@link #countFloats} refines guessed bins while it counts, reading the data once.
     * Only then does the engine guess the bins its decisions will need (those of the previous
     * call): with two passes a wrong guess would cost one.
     */
    default boolean refinesWhileCounting() {
        return false;
    }

    /**
     * Whether {@link #summarize} runs here. Only then does the engine analyse float marginals
     * from a summary (one pass whose cost does not grow with the number of distinct values);
     * otherwise it uses histograms. Results are the same either way.
     */
    default boolean summarizes() {
        return false;
    }

    /**
     * Fills {@code summary}'s results (cleared by the caller) for every voxel of the float32,
     * float64 or float16 marginal m: exact mass, volume and mass at and above each cut, captured
     * bracket keys.
     *
     * @return the index of the first invalid voxel, or −1
     * @throws UnsupportedOperationException if {@link #summarizes()} is false
     */
    default long summarize(Marginal m, LevelSummary summary) {
        throw new UnsupportedOperationException(name() + " has no summary pass");
    }

    /**
     * Adds the bit patterns of every voxel of the float16 marginal m to {@code counts} (see
     * {@link PatternCounts}: a backend may lump the voxels below {@link PatternCounts#LUMPED_BELOW}).
     * −0.0 and invalid patterns are counted like any other: the engine checks them afterwards.
     * This default lumps nothing: it takes the vote histogram of m's patterns read as u16.
     */
    default void countPatterns(Marginal m, PatternCounts counts) {
        countVotes(Histogrammer.halfPatterns(m), counts.counts());
    }

    /**
     * The first voxel of m whose key exceeds {@code key}, or −1: the error path of a float16 or
     * bfloat16 histogram, whose counts showed an invalid pattern but not where. This default
     * scans the data on the host; a backend whose data the host cannot read (device-resident
     * input) overrides it.
     */
    default long firstKeyAbove(Marginal m, long key) {
        KeyReader keys = KeyReader.of(m);
        for (long i = 0; i < m.voxels(); i++) {
            if (keys.key(i) > key) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Writes into {@code out} the voxels with {@code key > level}, plus the first {@code quota}
     * voxels (lowest index first) with {@code key == level}.
     */
    void select(Marginal m, long level, long quota, BitMask out);

    /** Reads every byte of m once (the physical limit of a pass); returns a checksum. */
    long readPass(Marginal m);
}
