package org.segopt.jmh;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.segopt.Marginal;
import org.segopt.engine.Engine;
import org.segopt.engine.ThresholdCalibrator;

/**
 * The training-loop question: how long does τ* of one 128³ float32 patch take, and does it
 * allocate (run with {@code -prof gc}: the calibrator should show ≈ 0 B/op)? {@code readPass} is
 * one Vector API read of the same patch on the same thread, the physical limit.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Thread)
public class CalibratorBenchmark {
    /** Edge of the cubic patch. */
    static final int EDGE = 128;

    private float[] patch;
    private Marginal marginal;
    private ThresholdCalibrator calibrator;

    /** The central 128³ of the phantom's fuzzy-bordered float marginal. */
    @Setup(Level.Trial)
    public void build() {
        float[] volume = new Phantom().marginal(EDGE);
        patch = new float[EDGE * EDGE * EDGE];
        int offset = (Phantom.SIZE - EDGE) / 2;
        for (int z = 0; z < EDGE; z++) {
            for (int y = 0; y < EDGE; y++) {
                System.arraycopy(volume, (z * Phantom.SIZE + y + offset) * Phantom.SIZE + offset, patch, (z * EDGE + y) * EDGE, EDGE);
            }
        }
        marginal = Marginal.ofFloats(patch);
        calibrator = new ThresholdCalibrator();
    }

    /** One read of the patch. */
    @Benchmark
    public long readPass() {
        return Engine.simd().readPass(marginal);
    }

    /**
     * τ*, sup D and the optimal volumes of the patch, reusing the calibrator: a training loop's
     * steady state, where the float32 bins the previous call refined are refined during the first
     * pass and no refinement pass follows.
     */
    @Benchmark
    public long calibrate() {
        return calibrator.calibrate(patch).diceGreatestVolume();
    }

    /**
     * The same as a first call: {@link ThresholdCalibrator#forgetGuesses} before each call leaves
     * no guess, so a refinement pass reads the patch again.
     */
    @Benchmark
    public long calibrateFirstCall() {
        calibrator.forgetGuesses();
        return calibrator.calibrate(patch).diceGreatestVolume();
    }
}
