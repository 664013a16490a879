package org.segopt.jmh;

import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.segopt.Marginal;
import org.segopt.engine.Engine;
import org.segopt.engine.ThresholdCalibrator;
import org.segopt.io.ArrayReaders;
import org.segopt.io.NdArray;

/**
 * Which methods a steady stream of calls spends its time in, from Java Flight Recorder's
 * execution samples: where JMH gives one time per call, this divides a call between the kernels,
 * and the shares of one run hold even when other tenants change the time itself (jmh/README.md
 * quotes them). It warms up, records the calls that follow, and prints the call time and, per
 * top frame (the method running when sampled, inlined methods counted apart), the samples.
 *
 * <p>{@code java --add-modules jdk.incubator.vector -cp jmh/target/benchmarks.jar
 * org.segopt.jmh.HotMethods (calibrate | first-call | analyze) FILE.npy [CALLS]}: the
 * calibrator's repeated calls, its first calls ({@link ThresholdCalibrator#forgetGuesses} before
 * each), or {@link Engine#simd()}'s analyses (one thread) of a float32, float64 or float16 file.
 */
public final class HotMethods {
    private HotMethods() {
    }

    /**
     * The float marginal of an array file, for this and {@code SummaryPieces}: float32 and
     * float64, and float16 when {@code halves} (the summary pass takes no 16-bit type).
     */
    public static Marginal floatFile(Path file, boolean halves) throws Exception {
        NdArray a = ArrayReaders.read(file, Arena.global());
        return switch (a.type()) {
            case FLOAT32 -> Marginal.ofFloats(a.data(), a.order());
            case FLOAT64 -> Marginal.ofDoubles(a.data(), a.order());
            case FLOAT16 -> {
                if (!halves) {
                    throw new IllegalArgumentException("a float32 or float64 file, not float16");
                }
                yield Marginal.ofFloat16(a.data(), a.order());
            }
            default -> throw new IllegalArgumentException("a float file, not " + a.type());
        };
    }

    public static void main(String[] args) throws Exception {
        reportingBadInput("HotMethods", args.length > 1 ? args[1] : null, () -> run(args));
    }

    /** A tool's work on one file. */
    public interface Tool {
        void run() throws Exception;
    }

    /**
     * Runs {@code tool} on {@code file}, answering bad input (a file the readers refuse, an
     * invalid voxel, a file of no float type) with one line naming the file and exit code 3.
     */
    public static void reportingBadInput(String name, String file, Tool tool) throws Exception {
        try {
            tool.run();
        } catch (org.segopt.io.InputException e) { // its message names the file
            System.err.println(name + ": " + e.getMessage());
            System.exit(3);
        } catch (IllegalArgumentException e) { // an invalid voxel, or not a float file
            System.err.println(name + ": " + (file == null ? "" : file + ": ") + e.getMessage());
            System.exit(3);
        }
    }

    private static void run(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: HotMethods (calibrate | first-call | analyze) FILE.npy [CALLS]");
            System.exit(2);
        }
        String what = args[0];
        Marginal m = floatFile(Path.of(args[1]), true);
        int calls = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
        Runnable call = switch (what) {
            case "calibrate" -> {
                ThresholdCalibrator c = new ThresholdCalibrator();
                yield () -> c.calibrate(m);
            }
            case "first-call" -> {
                ThresholdCalibrator c = new ThresholdCalibrator();
                yield () -> {
                    c.forgetGuesses();
                    c.calibrate(m);
                };
            }
            case "analyze" -> () -> Engine.simd().analyze(m);
            default -> throw new IllegalArgumentException("calibrate, first-call or analyze, not " + what);
        };
        for (int i = 0; i < Math.max(50, calls / 2); i++) { // warm-up: the JIT's final code
            call.run();
        }
        Path file = Files.createTempFile("segopt-hot", ".jfr");
        Map<String, Integer> samples = new HashMap<>();
        int total = 0;
        long nanos;
        try (Recording recording = new Recording(Configuration.getConfiguration("profile"))) {
            recording.enable("jdk.ExecutionSample");
            recording.start();
            long t0 = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                call.run();
            }
            nanos = System.nanoTime() - t0;
            recording.stop();
            recording.dump(file);
            for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
                if (e.getEventType().getName().equals("jdk.ExecutionSample") && e.getStackTrace() != null
                        && !e.getStackTrace().getFrames().isEmpty()) {
                    RecordedFrame top = e.getStackTrace().getFrames().getFirst();
                    samples.merge(top.getMethod().getType().getName() + "." + top.getMethod().getName(), 1, Integer::sum);
                    total++;
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
        int all = total;
        System.out.printf("%s %s: %d calls, %.3f ms a call, %d samples%n", what, args[1], calls, nanos / 1e6 / calls, all);
        samples.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(15)
                .forEach(s -> System.out.printf("  %6d  %5.1f %%  %s%n", s.getValue(), 100.0 * s.getValue() / all, s.getKey()));
    }
}
