package org.segopt.jmh;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.segopt.Marginal;
import org.segopt.engine.Engine;
import org.segopt.engine.ThresholdCalibrator;

/**
 * The training-loop question: how long does τ* of one 128³ patch take (the phantom's
 * fuzzy-bordered float32 marginal, or a network's soft output in float32 or, as mixed-precision
 * training emits it, float16 or bfloat16), and does it allocate (run with {@code -prof gc}: the
 * calibrator should show ≈ 0 B/op)? {@code readPass} is one Vector API read of the same patch on
 * the same thread, the physical limit.
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

    /**
     * The patch's encoding: {@code float32}, the fuzzy-bordered float marginal;
     * {@code soft-NETWORK-f32|f64|f16|bf16}, the same voxels of a network's sigmoid output
     * ({@link Soft}), every one fractional. (Not named {@code encoding}, so that
     * {@code -p encoding=...} for {@link Volume} leaves it alone; {@code jmh/run} tabulates it as
     * the encoding.)
     */
    @Param({"float32", "soft-confident-f32", "soft-uncertain-f32", "soft-confident-f16", "soft-confident-bf16"})
    public String patch;

    private Marginal marginal;
    private ThresholdCalibrator calibrator;

    /** The {@link Region#centralPatch central 128³} of the 128-slice phantom in the encoding. */
    @Setup(Level.Trial)
    public void build() {
        Phantom phantom = new Phantom();
        Region region = Region.centralPatch(EDGE);
        if (patch.equals("float32")) {
            float[] volume = phantom.marginal(EDGE);
            float[] values = new float[region.arrayLength()];
            for (int z = 0; z < EDGE; z++) {
                for (int y = 0; y < EDGE; y++) {
                    System.arraycopy(volume, (z * Phantom.SIZE + y + region.row0()) * Phantom.SIZE + region.column0(), values,
                            (z * EDGE + y) * EDGE, EDGE);
                }
            }
            marginal = Marginal.ofFloats(values);
        } else {
            Soft soft = Soft.parse(patch);
            marginal = switch (soft.precision()) {
                case FLOAT32 -> Marginal.ofFloats(phantom.softFloat32(soft.network(), region));
                case FLOAT64 -> Marginal.ofDoubles(phantom.softFloat64(soft.network(), region));
                case FLOAT16 -> Marginal.ofFloat16(phantom.softFloat16(soft.network(), region));
                case BFLOAT16 -> Marginal.ofBFloat16(phantom.softBFloat16(soft.network(), region));
            };
        }
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
        return calibrator.calibrate(marginal).diceGreatestVolume();
    }

    /**
     * The same as a first call: {@link ThresholdCalibrator#forgetGuesses} before each call leaves
     * no guess, so a refinement pass reads the patch again.
     */
    @Benchmark
    public long calibrateFirstCall() {
        calibrator.forgetGuesses();
        return calibrator.calibrate(marginal).diceGreatestVolume();
    }
}
