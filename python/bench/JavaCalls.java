import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Arrays;
import org.segopt.Marginal;
import org.segopt.engine.Calibration;
import org.segopt.engine.Engine;
import org.segopt.engine.ThresholdCalibrator;
import org.segopt.io.ArrayReaders;
import org.segopt.io.NdArray;

/**
 * The Java side of overhead.py: times the calls the Python package makes (the calibrator into a
 * kept holder, the parallel engine's analysis) on a float32 .npy marginal, in a JVM of its own.
 * Prints one JSON object of median seconds. Run with the jars on the class path:
 * {@code java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp JARS JavaCalls.java FILE REPEATS}.
 */
public final class JavaCalls {
    public static void main(String[] args) throws Exception {
        int repeats = Integer.parseInt(args[1]);
        try (Arena arena = Arena.ofShared()) {
            NdArray array = ArrayReaders.read(Path.of(args[0]), arena);
            Marginal m = Marginal.ofFloats(array.data(), array.order()).withShape(array.shape());
            ThresholdCalibrator calibrator = new ThresholdCalibrator();
            Calibration into = new Calibration();
            Engine engine = Engine.parallel();
            double calibrate = median(repeats, () -> calibrator.calibrate(m, into));
            double analyze = median(repeats, () -> engine.analyze(m));
            System.out.printf("{\"calibrate\": %.9f, \"analyze\": %.9f}%n", calibrate, analyze);
        }
    }

    /** The median of {@code repeats} timed runs after a warm-up of as many runs and at least a second. */
    private static double median(int repeats, Runnable call) {
        long warmUpEnd = System.nanoTime() + 1_000_000_000L;
        for (int i = 0; i < repeats || System.nanoTime() < warmUpEnd; i++) {
            call.run();
        }
        long[] nanos = new long[repeats];
        for (int i = 0; i < repeats; i++) {
            long start = System.nanoTime();
            call.run();
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        return nanos[repeats / 2] / 1e9;
    }
}
