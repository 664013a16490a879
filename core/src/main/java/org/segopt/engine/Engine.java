package org.segopt.engine;

import java.math.BigInteger;
import java.util.Arrays;
import org.segopt.Analysis;
import org.segopt.Analysis.Optimum;
import org.segopt.BitMask;
import org.segopt.Curves;
import org.segopt.Fraction;
import org.segopt.InvalidMarginalException;
import org.segopt.Marginal;
import org.segopt.Metric;
import org.segopt.Segmentation;

/**
 * The exact optimal-segmentation engine: analyses a {@link Marginal} without sorting its voxels.
 *
 * <p>Vote-type and 16-bit float marginals: one pass builds their exact histogram (at most R + 1 or
 * 2^16 levels) and the solver decides by exact rational comparisons. A float16 analysis counts
 * only its patterns from 2^−13 up, the values below lumped into one exact range
 * ({@link PatternCounts}), or, on a dense output after a first call, takes the summary pass
 * below, bracketing the previous call's τ* and cut.
 * float32 and float64 take one of two exact strategies, with identical results:
 * <ul>
 *   <li>a <em>summary pass</em> ({@link Summarizer}) for network outputs, where every voxel is
 *   fractional: exact mass on fixed grids, counts and masses at ½ and at the ends of two narrow
 *   brackets around τ* and the Theorem 4 cut, and the keys inside the brackets, in one pass whose
 *   cost does not grow with the number of distinct values. The brackets come from the previous
 *   call on the same thread or from a 1/64 sample; a decision outside them falls back to
 *   histograms;</li>
 *   <li><em>histograms</em> for mostly uniform volumes (exact zeros and ones): the top 16 bits of
 *   the IEEE pattern, then only the bins a decision falls into (τ*, ½, the Theorem 4 cut, or a bin
 *   that might hide a better Dice boundary) refined by further passes on the next 16 bits. The
 *   float32 bins one call refined are refined again during the next call's first pass.</li>
 * </ul>
 * Either way repeated calls on similar volumes (a training loop, a benchmark) usually read the
 * data once; results never depend on the guesses, only the time does (jmh/README.md times both
 * cases, using {@link #forgetGuesses}). The optima of other metrics of the Tversky family
 * ({@link #optimum}) are decided the same way, from histograms only.
 *
 * <p>Every engine gives bit-identical results: all accumulators are integers. Instances are
 * immutable and thread-safe; a parallel engine owns a fixed pool of daemon threads.
 */
public final class Engine {
    private static final Engine SCALAR = new Engine(new ScalarKernels(), 1);
    /** Whether the JVM was started with the Vector API module and its kernels pay off here. */
    private static final boolean VECTORS = ReadPass.VECTOR_MODULE
            && PanamaKernels.supported();
    private static final Engine SIMD = VECTORS ? new Engine(new PanamaKernels(), 1) : SCALAR;
    private static volatile Engine parallel;

    private final PassBackend passes;
    private final ThreadLocal<Workspace> workspaces;

    private Engine(PassBackend passes) {
        this.passes = passes;
        this.workspaces = ThreadLocal.withInitial(() -> new Workspace(passes));
    }

    private Engine(Kernels kernels, int threads) {
        this(new Passes(kernels, threads));
    }

    /**
     * An engine whose passes run on {@code backend} (e.g. a GPU); the exact decisions stay here,
     * so results equal {@link #scalar()}'s whenever the backend's integers do.
     */
    public static Engine of(PassBackend backend) {
        return new Engine(backend);
    }

    /** The single-threaded scalar engine: the reference every other path must equal. */
    public static Engine scalar() {
        return SCALAR;
    }

    /**
     * Vector API kernels on the calling thread; the scalar engine where the JVM lacks
     * {@code --add-modules jdk.incubator.vector}.
     */
    public static Engine simd() {
        return SIMD;
    }

    /** Vector API kernels on all available processors; shared, created on first use. */
    public static Engine parallel() {
        Engine e = parallel;
        if (e == null) {
            synchronized (Engine.class) {
                e = parallel;
                if (e == null) {
                    e = parallel(Runtime.getRuntime().availableProcessors());
                    parallel = e;
                }
            }
        }
        return e;
    }

    /** Vector API kernels on a new fixed pool of {@code threads} threads. */
    public static Engine parallel(int threads) {
        if (threads == 1) {
            return SIMD;
        }
        return new Engine(VECTORS ? new PanamaKernels() : new ScalarKernels(), threads);
    }

    /** The backend's name ("scalar", "simd-512bit", ...), for reports. */
    public String backend() {
        return passes.name();
    }

    /** The CPU kernels of this engine, for a single-threaded calibrator (Vector API ones otherwise). */
    Kernels kernels() {
        return passes instanceof Passes p ? p.kernels : SIMD.kernels();
    }

    /** Threads this engine splits each pass over. */
    public int threads() {
        return passes.threads();
    }

    /**
     * Analyses m with the Theorem 4 volume v = ⌊M + ½⌋.
     *
     * @throws InvalidMarginalException at the first voxel whose value the encoding forbids
     * @throws IllegalArgumentException if m has no voxels
     */
    public Analysis analyze(Marginal m) {
        Workspace w = solve(m, -1, true, Weights.DICE);
        return w.solver.analysis(w.target);
    }

    /**
     * The exact optima of {@code metric} on m: its sup, its threshold τ = sup·α / (1 − sup·(1 − α − β)),
     * the least and greatest optimal volumes #{m > τ} and #{m ≥ τ} (every optimal segmentation
     * lies between the two threshold sets) and the ratio of the greatest to M. For Dice this is
     * {@code analyze(m).dice()}; every other metric is decided from histograms refined where τ
     * may lie (the summary pass brackets Dice's τ* only), so for float32/float64 it reads the data
     * more often than Dice's one summary pass: a histogram pass and refinement passes. As for Dice, the score of s = ∅ against m ≡ 0 is 1, τ is then α / (α + β)
     * and the ratio undefined (null).
     *
     * @throws InvalidMarginalException at the first voxel whose value the encoding forbids
     * @throws IllegalArgumentException if m has no voxels
     */
    public Optimum optimum(Marginal m, Metric metric) {
        if (Weights.isDice(metric)) {
            return analyze(m).dice();
        }
        return solve(m, 0, false, Weights.of(metric)).solver.optimum();
    }

    /**
     * Analyses m with the Theorem 4 volume {@code volume} (0 ≤ volume ≤ n).
     *
     * @throws InvalidMarginalException at the first voxel whose value the encoding forbids
     */
    public Analysis analyze(Marginal m, long volume) {
        if (volume < 0 || volume > m.voxels()) {
            throw new IllegalArgumentException("volume " + volume + " is outside 0.." + m.voxels());
        }
        Workspace w = solve(m, volume, true, Weights.DICE);
        return w.solver.analysis(w.target);
    }

    /**
     * The first-pass histogram of m: exact levels for vote-type and 16-bit float marginals, bins of
     * the top 16 key bits for float32 and float64 (see {@link LevelHistogram}).
     *
     * @throws InvalidMarginalException at the first voxel whose value the encoding forbids
     * @throws IllegalArgumentException if m has no voxels
     */
    public LevelHistogram levels(Marginal m) {
        if (m.voxels() == 0) {
            throw new IllegalArgumentException("the marginal has no voxels");
        }
        Workspace w = workspaces.get();
        w.histogrammer.histogram(m, w.table);
        return w.table.histogram();
    }

    /**
     * {@code levels} (a histogram of m) with the levels {@code indices} split into their sub-bins
     * on the next 16 key bits: one pass over m per {@link Refinement#MAX_BINS} levels.
     *
     * @throws IllegalArgumentException if levels is not of m or an index is not a {@linkplain LevelHistogram#refinable refinable} level
     */
    public LevelHistogram refine(Marginal m, LevelHistogram levels, int... indices) {
        int[] sorted = Arrays.stream(indices).sorted().distinct().toArray();
        if (levels.voxels() != m.voxels() || levels.format() != Keys.format(m)) {
            throw new IllegalArgumentException("the histogram is not of this marginal");
        }
        for (int i : sorted) {
            if (i < 0 || i >= levels.size() || !levels.refinable(i)) {
                throw new IllegalArgumentException("level " + i + " cannot be refined");
            }
        }
        if (sorted.length == 0) {
            return levels;
        }
        Workspace w = workspaces.get(); // its refinement tables are left zeroed by every reader
        Refinement refinement = w.refinement;
        BlockRanges anywhere = w.anywhere;
        anywhere.reset(m.voxels());
        LevelTable table = w.table;
        int[] tables = new int[Refinement.MAX_BINS];
        int[] all = new int[Refinement.MAX_BINS];
        LevelHistogram.Builder out = new LevelHistogram.Builder(levels.size() + 64);
        int next = 0; // the next level of levels to copy
        for (int from = 0; from < sorted.length; from += Refinement.MAX_BINS) {
            int to = Math.min(sorted.length, from + Refinement.MAX_BINS);
            refinement.clearBins();
            for (int j = from; j < to; j++) {
                int i = sorted[j];
                refinement.addBin(levels.refineShift(i), levels.keyLo(i) >>> levels.refineShift(i));
                tables[j - from] = j - from;
                all[j - from] = j - from;
            }
            passes.refineFloats(m, refinement, anywhere);
            table.loadBins(m, levels, sorted, from, to);
            table.refine(all, tables, to - from, refinement);
            LevelHistogram parts = table.histogram();
            int part = 0;
            for (int j = from; j < to; j++) { // copy up to each refined level, then its sub-bins
                for (; next < sorted[j]; next++) {
                    out.add(levels.count(next), levels.keyLo(next), levels.keyHi(next), levels.depth(next),
                            levels.massNumerator(next));
                }
                next++;
                for (; part < parts.size() && parts.keyLo(part) >= levels.keyLo(sorted[j]); part++) {
                    out.add(parts.count(part), parts.keyLo(part), parts.keyHi(part), parts.depth(part),
                            parts.massNumerator(part));
                }
            }
        }
        for (; next < levels.size(); next++) {
            out.add(levels.count(next), levels.keyLo(next), levels.keyHi(next), levels.depth(next), levels.massNumerator(next));
        }
        return out.build(levels.format(), levels.raters(), levels.unit());
    }

    /** F_m, a_m and d_m at the histogram's breakpoints (see {@link Curves}). */
    public Curves curves(Marginal m) {
        return solve(m, -1, false, Weights.DICE).solver.curves();
    }

    /**
     * The optimal segmentation {@code which} of m, from an {@code analysis} of the same m, as a bit
     * mask (one more pass over the data).
     */
    public BitMask segment(Marginal m, Analysis analysis, Segmentation which) {
        if (analysis.voxels() != m.voxels()) {
            throw new IllegalArgumentException("the analysis is of " + analysis.voxels() + " voxels, the marginal has " + m.voxels());
        }
        return switch (which) {
            case ACCURACY_GREATEST -> threshold(m, analysis.accuracy().threshold(), true);
            case ACCURACY_LEAST -> threshold(m, analysis.accuracy().threshold(), false);
            case DICE_GREATEST -> threshold(m, analysis.dice().threshold(), true);
            case DICE_LEAST -> threshold(m, analysis.dice().threshold(), false);
            case VOLUME_CONSTRAINED -> {
                Analysis.VolumeConstrained v = analysis.volumeConstrained();
                BitMask out = new BitMask(m.voxels());
                if (v.volume() > 0) {
                    passes.select(m, Keys.ceilKey(m, v.level()), v.tiesTaken(), out);
                }
                yield out;
            }
        };
    }

    /**
     * The greatest ({@code greatest}: I{m ≥ τ}) or the least (I{m > τ}) optimal segmentation of a
     * metric whose {@code optimum} on m {@link #optimum} or {@link #analyze} computed (one more pass).
     *
     * @throws IllegalArgumentException when the mask's volume is not the optimum's: an optimum of
     *                                  another marginal
     */
    public BitMask segment(Marginal m, Optimum optimum, boolean greatest) {
        BitMask mask = threshold(m, optimum.threshold(), greatest);
        long expected = greatest ? optimum.greatestVolume() : optimum.leastVolume();
        if (mask.cardinality() != expected) {
            throw new IllegalArgumentException("the optimum has volume " + expected + ", its threshold selects "
                    + mask.cardinality() + " voxels of this marginal: it is the optimum of another marginal");
        }
        return mask;
    }

    /** I{m ≥ t} ({@code inclusive}) or I{m > t}, decided exactly. */
    public BitMask threshold(Marginal m, Fraction t, boolean inclusive) {
        BitMask out = new BitMask(m.voxels());
        long key = inclusive ? Keys.ceilKey(m, t) : Keys.aboveKey(m, t);
        passes.select(m, key, Long.MAX_VALUE, out);
        return out;
    }

    /**
     * Makes this engine's next call on the calling thread run as a first call would: it forgets
     * the brackets and float32 bins its last call there used, which the next pass would otherwise
     * start from. For timing first calls; results do not depend on it.
     */
    public void forgetGuesses() {
        Workspace w = workspaces.get();
        w.histogrammer.forgetGuesses();
        w.summarizer.forget();
    }

    /**
     * Reads every byte of m once, with this engine's threads and the widest vectors: the physical
     * limit its passes are measured against. Returns a checksum so the read cannot be optimized away.
     */
    public long readPass(Marginal m) {
        return passes.readPass(m);
    }

    /** What one analysis works in, kept per calling thread so that a call allocates no tables. */
    private static final class Workspace {
        final Histogrammer histogrammer;
        final Summarizer summarizer;
        final LevelTable table = new LevelTable();
        final Solver solver = new Solver();
        final int[] unresolved = new int[LevelTable.MAX_REFINED_PER_PASS];
        /** For {@link #refine}: its bins' tables, and block bounds that skip nothing. */
        final Refinement refinement = new Refinement();
        final BlockRanges anywhere = new BlockRanges();
        long target;

        Workspace(PassBackend passes) {
            histogrammer = new Histogrammer(passes);
            summarizer = new Summarizer(passes);
        }
    }

    /**
     * Leaves the solver of this thread's workspace ready for {@code metric} with every decision
     * exact: from one summary pass where it serves m and decides everything ({@code summary}
     * allowed, for Dice only: the curves need histogram levels), else from histograms refined
     * until nothing is unresolved.
     */
    private Workspace solve(Marginal m, long volume, boolean summary, Weights metric) {
        if (m.voxels() == 0) {
            throw new IllegalArgumentException("the marginal has no voxels");
        }
        Workspace w = workspaces.get();
        boolean trySummary = summary && metric == Weights.DICE && w.summarizer.serves(m);
        if (trySummary) {
            long target = w.summarizer.solve(m, w.table, w.solver, volume, false, w.unresolved);
            if (target != Summarizer.NOT_SOLVED) {
                w.target = target;
                return w;
            }
        }
        w.histogrammer.histogram(m, w.table);
        w.solver.solve(w.table, null, metric);
        BigInteger mass = w.solver.exactMass(); // over the first, smallest table; refinement keeps it
        w.target = volume >= 0 ? volume : w.solver.defaultVolume();
        for (int k; (k = w.solver.unresolved(w.target, w.unresolved)) > 0; ) {
            w.histogrammer.refine(m, w.table, w.unresolved, k);
            w.solver.solve(w.table, mass, metric);
        }
        if (trySummary) { // no summary, or a bracket missed: the next call brackets the values found here
            w.summarizer.remember(m, w.solver, w.target);
        }
        return w;
    }
}
