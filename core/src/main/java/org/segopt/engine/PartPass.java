package org.segopt.engine;

import java.io.Serializable;
import java.util.Arrays;
import org.segopt.Encoding;
import org.segopt.Marginal;

/**
 * One of the engine's passes as it runs on one part of a pooled marginal (a case of a dataset),
 * on whatever machine holds the part: the vote histogram, the top-level float histogram, or the
 * refinement of a few float bins (see {@link PassBackend}). A part's {@link PartCounts} add
 * exactly to the other parts', so a pass over the union of the parts is the merge of the passes
 * over the parts. Immutable and serializable: it travels to the machines that hold the parts.
 */
public final class PartPass implements Serializable {
    private static final long serialVersionUID = 1L;

    private enum Kind { VOTES, TOP, REFINE }

    private final Kind kind;
    /** VOTES: the pooled R; a part's vote count v is counted at v · (raters / its R). */
    private final int raters;
    /** TOP, REFINE: the pooled float encoding (FLOAT32 or FLOAT64). */
    private final Encoding encoding;
    private final int[] shifts;
    private final long[] prefixes;

    private PartPass(Kind kind, int raters, Encoding encoding, int[] shifts, long[] prefixes) {
        this.kind = kind;
        this.raters = raters;
        this.encoding = encoding;
        this.shifts = shifts;
        this.prefixes = prefixes;
    }

    /** The vote histogram of a pooled vote marginal with {@code raters} raters (a multiple of every part's R). */
    public static PartPass votes(int raters) {
        if (raters < 1 || raters > Marginal.MAX_RATERS) {
            throw new IllegalArgumentException("raters must be in 1.." + Marginal.MAX_RATERS + ", got " + raters);
        }
        return new PartPass(Kind.VOTES, raters, null, null, null);
    }

    /** The top-level histogram of a pooled float32 or float64 marginal. */
    public static PartPass top(Encoding encoding) {
        return new PartPass(Kind.TOP, 0, requireFloat(encoding), null, null);
    }

    /** The refinement of the bins of {@code r} (its bins, not its tables) of a pooled float marginal. */
    static PartPass refine(Encoding encoding, Refinement r) {
        return new PartPass(Kind.REFINE, 0, requireFloat(encoding), Arrays.copyOf(r.shifts(), r.bins()),
                Arrays.copyOf(r.prefixes(), r.bins()));
    }

    private static Encoding requireFloat(Encoding e) {
        if (e != Encoding.FLOAT32 && e != Encoding.FLOAT64) {
            throw new IllegalArgumentException("pooled floats are float32 or float64, not " + e);
        }
        return e;
    }

    /** The pooled encoding this pass reads: FLOAT32, FLOAT64, or null for votes (any vote type). */
    public Encoding encoding() {
        return encoding;
    }

    /**
     * Runs the pass over {@code part} (a vote-type marginal whose R divides the pooled R, or a
     * marginal of the pass's float encoding, or a float16 / bfloat16 one: see {@link #isHalf}) on
     * the calling thread.
     *
     * @throws org.segopt.InvalidMarginalException at the part's first invalid voxel
     * @throws IllegalArgumentException            if the part does not fit the pass
     */
    public PartCounts run(Marginal part) {
        Tables t = TABLES.get();
        return switch (kind) {
            case VOTES -> {
                if (!part.encoding().isVoteType() || raters % part.raters() != 0) {
                    throw new IllegalArgumentException(part + " does not pool into votes of R = " + raters);
                }
                int levels = part.raters() + 1;
                if (t.votes.length < levels) {
                    t.votes = new long[levels];
                }
                long bad = LOCAL.countVotes(part, t.votes);
                PartCounts p = PartCounts.ofTables(t.votes, null, null, levels, raters / part.raters());
                Arrays.fill(t.votes, 0, levels, 0);
                if (bad >= 0) {
                    throw Validation.invalid(part, bad);
                }
                yield p;
            }
            case TOP -> {
                if (isHalf(part)) {
                    countHalves(part, t);
                    boolean f32 = encoding == Encoding.FLOAT32;
                    forEachWidened(part, t, (key, n) -> ScalarKernels.countKeys(key, n, f32, t.top.counts(),
                            t.top.sumHigh(), t.top.sumLow()));
                    PartCounts p = PartCounts.ofTables(t.top.counts(), t.top.sumHigh(), t.top.sumLow(), PassBackend.DIGITS, 1);
                    t.top.clear(PassBackend.DIGITS);
                    yield p;
                }
                requireEncoding(part);
                long bad = LOCAL.countFloats(part, t.top, null);
                PartCounts p = PartCounts.ofTables(t.top.counts(), t.top.sumHigh(), t.top.sumLow(), PassBackend.DIGITS, 1);
                t.top.clear(PassBackend.DIGITS);
                if (bad >= 0) {
                    throw Validation.invalid(part, bad);
                }
                yield p;
            }
            case REFINE -> {
                if (!isHalf(part)) {
                    requireEncoding(part);
                }
                t.refinement.clearBins();
                for (int j = 0; j < shifts.length; j++) {
                    t.refinement.addBin(shifts[j], prefixes[j]);
                }
                if (isHalf(part)) {
                    countHalves(part, t);
                    Refinement r = t.refinement;
                    forEachWidened(part, t, (key, n) -> ScalarKernels.refineKeys(key, n, r.shifts(), r.prefixes(),
                            r.bins(), r.counts(), r.sumHigh(), r.sumLow(), r.occupied()));
                } else {
                    t.ranges.reset(part.voxels()); // every block may hold a bin
                    LOCAL.refineFloats(part, t.refinement, t.ranges);
                }
                PartCounts p = PartCounts.ofRefinement(t.refinement);
                for (int j = 0; j < shifts.length; j++) {
                    t.refinement.clearTable(j);
                }
                yield p;
            }
        };
    }

    /**
     * Whether the part is float16 or bfloat16, which pools into either float encoding without a
     * widened copy: its at most 2^16 patterns are counted once ({@link #countHalves}), and each
     * one's voxels go into the pass's tables at the key of its value in the pooled encoding (every
     * 16-bit value is a float32 and a float64 exactly), as if the pass had read them widened.
     */
    private static boolean isHalf(Marginal part) {
        return part.encoding() == Encoding.FLOAT16 || part.encoding() == Encoding.BFLOAT16;
    }

    /** Counts a 16-bit part's patterns into the thread's pattern table. */
    private static void countHalves(Marginal part, Tables t) {
        Histogrammer.countHalves(LOCAL, Histogrammer.halfPatterns(part), part, t.halves);
    }

    /** What to do with the n voxels of one pooled key. */
    private interface KeyCounts {
        void add(long key, long n);
    }

    /** Hands each counted pattern's voxels, at their key in the pooled encoding, to {@code counts}; clears the table. */
    private void forEachWidened(Marginal part, Tables t, KeyCounts counts) {
        FloatFormat half = Keys.format(part);
        for (int p = 0; p <= half.maxKey; p++) {
            long n = t.halves[p];
            if (n != 0) {
                double v = half.approximate(p);
                counts.add(encoding == Encoding.FLOAT32 ? Float.floatToRawIntBits((float) v) : Double.doubleToRawLongBits(v), n);
                t.halves[p] = 0;
            }
        }
    }

    private void requireEncoding(Marginal part) {
        if (part.encoding() != encoding) {
            throw new IllegalArgumentException(part + " is not of the pooled encoding " + encoding);
        }
    }

    /** The single-threaded Vector API passes (scalar where the JVM lacks the module). */
    private static final PassBackend LOCAL = new Passes(Engine.simd().kernels(), 1);

    /** A thread's tables, zero between uses. */
    private static final class Tables {
        final FloatHistogram top = new FloatHistogram();
        final Refinement refinement = new Refinement();
        final BlockRanges ranges = new BlockRanges();
        final long[] halves = new long[PassBackend.DIGITS];
        long[] votes = new long[0];
    }

    private static final ThreadLocal<Tables> TABLES = ThreadLocal.withInitial(Tables::new);

    @Override
    public boolean equals(Object o) {
        return o instanceof PartPass p && kind == p.kind && raters == p.raters && encoding == p.encoding
                && Arrays.equals(shifts, p.shifts) && Arrays.equals(prefixes, p.prefixes);
    }

    @Override
    public int hashCode() {
        return (kind.hashCode() * 31 + raters) * 31 + Arrays.hashCode(prefixes);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case VOTES -> "votes(R = " + raters + ")";
            case TOP -> "top(" + encoding + ")";
            case REFINE -> "refine(" + encoding + ", " + shifts.length + " bins)";
        };
    }
}
