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
     * float marginal of the pass's encoding or a narrower one: see {@link #widens}) on the calling
     * thread.
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
                boolean f32 = encoding == Encoding.FLOAT32;
                long bad = widens(part) ? countWidened(part, t, (key, n) -> ScalarKernels.countKeys(key, n, f32,
                        t.top.counts(), t.top.sumHigh(), t.top.sumLow())) : LOCAL.countFloats(part, t.top, null);
                PartCounts p = PartCounts.ofTables(t.top.counts(), t.top.sumHigh(), t.top.sumLow(), PassBackend.DIGITS, 1);
                t.top.clear(PassBackend.DIGITS);
                if (bad >= 0) {
                    throw Validation.invalid(part, bad);
                }
                yield p;
            }
            case REFINE -> {
                Refinement r = t.refinement;
                r.clearBins();
                for (int j = 0; j < shifts.length; j++) {
                    r.addBin(shifts[j], prefixes[j]);
                }
                long bad = -1;
                if (widens(part)) {
                    bad = countWidened(part, t, (key, n) -> ScalarKernels.refineKeys(key, n, r.shifts(), r.prefixes(),
                            r.bins(), r.counts(), r.sumHigh(), r.sumLow(), r.occupied()));
                } else {
                    t.ranges.reset(part.voxels()); // every block may hold a bin
                    LOCAL.refineFloats(part, r, t.ranges);
                }
                PartCounts p = PartCounts.ofRefinement(r);
                for (int j = 0; j < shifts.length; j++) {
                    r.clearTable(j);
                }
                if (bad >= 0) {
                    throw Validation.invalid(part, bad);
                }
                yield p;
            }
        };
    }

    /** What to do with the n voxels of one key of the pooled encoding. */
    private interface KeyCounts {
        void add(long key, long n);
    }

    /**
     * Whether the part is of a narrower float type than the pooled one, which {@link #countWidened}
     * reads; false for a part of the pooled encoding.
     *
     * @throws IllegalArgumentException if the part is of no type this pass reads
     */
    private boolean widens(Marginal part) {
        Encoding e = part.encoding();
        if (e == encoding) {
            return false;
        }
        if (e == Encoding.FLOAT16 || e == Encoding.BFLOAT16 || (e == Encoding.FLOAT32 && encoding == Encoding.FLOAT64)) {
            return true;
        }
        throw new IllegalArgumentException(part + " does not pool into " + encoding);
    }

    /**
     * Hands the voxels of each key of a part of a narrower float type ({@link #widens}), at the key
     * of their value in the pooled encoding (every narrower value converts exactly), to
     * {@code counts}, as a pass over a widened copy would count them. None is copied: a float16
     * or bfloat16 part has at most 2^16 patterns, counted once (see
     * {@link Histogrammer#countHalves}); a float32 part of a float64 pool is read voxel by voxel
     * (a scalar loop).
     *
     * @return the index of the part's first invalid float32 voxel (the tables then hold the
     *         voxels before it), or −1
     * @throws org.segopt.InvalidMarginalException at a 16-bit part's first invalid voxel (nothing counted)
     */
    private long countWidened(Marginal part, Tables t, KeyCounts counts) {
        if (part.encoding() == Encoding.FLOAT32) {
            KeyReader keys = KeyReader.of(part);
            long maxKey = FloatFormat.F32.maxKey;
            for (long i = 0; i < part.voxels(); i++) {
                long key = keys.key(i);
                if (key > maxKey) {
                    return i;
                }
                counts.add(pooledKey(Float.intBitsToFloat((int) key)), 1);
            }
            return -1;
        }
        Histogrammer.countHalves(LOCAL, Histogrammer.halfPatterns(part), part, t.halves);
        FloatFormat half = Keys.format(part);
        for (int p = 0; p <= half.maxKey; p++) {
            long n = t.halves[p];
            if (n != 0) {
                counts.add(pooledKey(half.approximate(p)), n);
                t.halves[p] = 0;
            }
        }
        return -1;
    }

    /** The key of a value in [0, 1] in the pooled encoding. */
    private long pooledKey(double v) {
        return encoding == Encoding.FLOAT32 ? Float.floatToRawIntBits((float) v) : Double.doubleToRawLongBits(v);
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
