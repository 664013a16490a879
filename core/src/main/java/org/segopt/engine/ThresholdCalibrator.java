package org.segopt.engine;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.segopt.Marginal;

/**
 * Finds the Dice-optimal threshold τ* = sup D / 2 (and the optimal volumes) of one marginal after
 * another, for training loops: it keeps its tables, levels and solver between calls, so in the
 * steady state a call allocates only what an exact tie-break needs, BigIntegers for boundaries
 * whose scores agree to about 14 digits (JMH {@code -prof gc}: 8-21 B a call on the phantom's
 * and two soft networks' 128³ patches, about what the benchmark's own read pass shows).
 * Decisions are exact, as in {@link Engine#analyze}; only τ* and sup D are reported as doubles.
 *
 * <p>Thread-confined: use one calibrator per thread ({@link BatchCalibrator} does that for
 * batches). It runs on the calling thread with the Vector API kernels where available.
 */
public final class ThresholdCalibrator {
    private final Histogrammer histogrammer;
    private final Summarizer summarizer;
    private final LevelTable table = new LevelTable();
    private final Solver solver = new Solver();
    private final int[] unresolved = new int[LevelTable.MAX_REFINED_PER_PASS];
    private final Calibration result = new Calibration();
    /** The last array, buffer or segment wrapped, and its wrapper: training loops reuse buffers. */
    private Object lastInput;
    private Marginal lastMarginal;
    private int lastPosition;
    private int lastLimit;

    /** A calibrator with the Vector API kernels (scalar where the JVM lacks the vector module). */
    public ThresholdCalibrator() {
        this(Engine.simd());
    }

    /** A calibrator with the kernels of {@code engine}, on the calling thread. */
    public ThresholdCalibrator(Engine engine) {
        Passes passes = new Passes(engine.kernels(), 1);
        this.histogrammer = new Histogrammer(passes);
        this.summarizer = new Summarizer(passes);
    }

    /** Calibrates float32 probabilities; the same array passed again is wrapped without allocating. */
    public Calibration calibrate(float[] m) {
        if (m != lastInput) {
            remember(m, Marginal.ofFloats(m));
        }
        return calibrate(lastMarginal);
    }

    /**
     * Calibrates float32 probabilities from position to limit of {@code m}; the same buffer with the
     * same position and limit is wrapped again without allocating.
     */
    public Calibration calibrate(FloatBuffer m) {
        if (m != lastInput || m.position() != lastPosition || m.limit() != lastLimit) {
            remember(m, Marginal.ofFloats(m));
            lastPosition = m.position();
            lastLimit = m.limit();
        }
        return calibrate(lastMarginal);
    }

    /**
     * Calibrates float32 probabilities stored in {@code m} in byte order {@code order}; the same
     * segment (the same object) in the same order is wrapped again without allocating.
     */
    public Calibration calibrate(MemorySegment m, ByteOrder order) {
        if (m != lastInput || !order.equals(lastMarginal.byteOrder())) {
            remember(m, Marginal.ofFloats(m, order));
        }
        return calibrate(lastMarginal);
    }

    private void remember(Object input, Marginal marginal) {
        lastInput = input;
        lastMarginal = marginal;
    }

    /**
     * Makes the next call run as a first call would: forgets the brackets and float32 bins the
     * last call used (see {@link Engine#forgetGuesses}).
     */
    public void forgetGuesses() {
        histogrammer.forgetGuesses();
        summarizer.forget();
    }

    /**
     * Calibrates any marginal. The returned holder belongs to this calibrator and is overwritten by
     * its next call; use {@link #calibrate(Marginal, Calibration)} to keep results.
     *
     * @throws org.segopt.InvalidMarginalException at the first voxel whose value is not allowed
     */
    public Calibration calibrate(Marginal m) {
        return calibrate(m, result);
    }

    /** Calibrates m into {@code into}, which it returns. */
    public Calibration calibrate(Marginal m, Calibration into) {
        if (m.voxels() == 0) {
            throw new IllegalArgumentException("the marginal has no voxels");
        }
        boolean trySummary = summarizer.serves(m);
        if (!trySummary || summarizer.solve(m, table, solver, -1, true, unresolved) == Summarizer.NOT_SOLVED) {
            histogrammer.histogram(m, table);
            solver.solve(table, null);
            for (int k; (k = solver.unresolved(-1, unresolved)) > 0; ) {
                histogrammer.refine(m, table, unresolved, k);
                solver.solve(table, null);
            }
            if (trySummary) { // no summary, or a bracket missed: the next call brackets the τ* found here
                summarizer.remember(m, solver, -1);
            }
        }
        int greatest = solver.lastAboveThreshold(false);
        into.voxels = m.voxels();
        into.mass = solver.approximateMass();
        into.supDice = solver.sup();
        into.threshold = solver.threshold();
        into.cut = greatest < 0 ? Double.POSITIVE_INFINITY : table.lo[greatest];
        into.diceGreatestVolume = solver.volumeAfter(greatest);
        into.diceLeastVolume = solver.volumeAfter(solver.lastAboveThreshold(true));
        into.accuracyGreatestVolume = solver.volumeAfter(solver.lastAboveHalf(false));
        into.accuracyLeastVolume = solver.volumeAfter(solver.lastAboveHalf(true));
        return into;
    }
}
