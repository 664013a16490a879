package org.segopt.gpu;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestTag;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TagFilter;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import org.segopt.Marginal;
import org.segopt.engine.Engine;

/**
 * The device check, for a machine with an NVIDIA GPU and no Maven (see {@code gpu-kernels/device-check}):
 *
 * <ol>
 *   <li>opens CUDA device 0, or prints the one-line reason and exits with 4;</li>
 *   <li>runs the tests tagged "gpu" (bit-identical results vs {@code Engine.scalar()} on every
 *       encoding, with and without shared-memory histograms and tile skipping; device-resident
 *       calibration; 10^4 calls without leaks) and fails (exit 1) unless all of them ran and passed;</li>
 *   <li>times 512×512×N float32, u8-vote and float16 inputs generated in-process, after checking
 *       that the GPU's analyses of each (from a host buffer and device-resident) equal
 *       {@code Engine.scalar()}'s: the GPU engine from a host
 *       buffer (copies included), device-resident calibration and analysis, a device read pass, the
 *       host-to-device copy and a device-to-device copy of the same size, and {@code Engine.parallel()}
 *       on the host; GB/s are input bytes per second.</li>
 * </ol>
 *
 * <p>Writes {@code status.txt}, {@code device.txt}, {@code tests.txt}, {@code timings.txt} and
 * {@code timings.json} under {@code --out}.
 *
 * <pre>java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp ... org.segopt.gpu.DeviceCheck
 *     --out DIR [--depths 64,256] [--budget-seconds 240] [--skip-tests] [--skip-timing]</pre>
 */
public final class DeviceCheck {
    /** Exit code without a usable GPU, as the CLI's {@code --backend gpu}. */
    static final int EXIT_GPU_UNAVAILABLE = 4;
    private final Path out;
    private final long deadline;
    private final PrintStream log = System.out;

    private DeviceCheck(Path out, double budgetSeconds) {
        this.out = out;
        this.deadline = System.nanoTime() + (long) (budgetSeconds * 1e9);
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of("device-check-out");
        int[] depths = {64, 256};
        double budget = 240;
        boolean tests = true;
        boolean timing = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--depths" -> depths = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--budget-seconds" -> budget = Double.parseDouble(args[++i]);
                case "--skip-tests" -> tests = false;
                case "--skip-timing" -> timing = false;
                default -> {
                    System.err.println("usage: DeviceCheck --out DIR [--depths 64,256] [--budget-seconds 240] [--skip-tests] [--skip-timing]");
                    System.exit(2);
                }
            }
        }
        Files.createDirectories(out);
        System.exit(new DeviceCheck(out, budget).run(depths, tests, timing));
    }

    private int run(int[] depths, boolean tests, boolean timing) throws IOException {
        String reason = CudaBackend.unavailableReason();
        if (reason != null) {
            System.err.println("segopt device-check: " + reason);
            write("status.txt", "unavailable: " + reason + "\n");
            return EXIT_GPU_UNAVAILABLE;
        }
        StringBuilder device = new StringBuilder();
        try (CudaBackend b = CudaBackend.open()) {
            CudaDevice d = (CudaDevice) b.device();
            long[] mem = d.memoryInfo();
            device.append(b.describe()).append('\n')
                    .append("driver ").append(d.driverVersion() / 1000).append('.').append(d.driverVersion() % 1000 / 10)
                    .append(", PTX ISA ").append(Ptx.isaVersion(Ptx.source()))
                    .append(", device memory ").append(mem[1] >> 20).append(" MiB (").append(mem[0] >> 20).append(" free)\n")
                    .append("java ").append(System.getProperty("java.version")).append(", ")
                    .append(Runtime.getRuntime().availableProcessors()).append(" processors, Engine.parallel() = ")
                    .append(Engine.parallel().backend()).append(" on ").append(Engine.parallel().threads()).append(" threads\n");
        } catch (GpuUnavailableException e) {
            System.err.println("segopt device-check: " + e.getMessage());
            write("status.txt", "unavailable: " + e.getMessage() + "\n");
            return EXIT_GPU_UNAVAILABLE;
        }
        log.print(device);
        write("device.txt", device.toString());
        boolean ok = true;
        String testLine = "tests skipped";
        if (tests) {
            TestOutcome t = runTests();
            ok = t.ok();
            testLine = t.summary();
        }
        log.println(testLine);
        String timingLine = "timing skipped";
        if (timing) {
            try {
                timingLine = timings(depths);
            } catch (RuntimeException | OutOfMemoryError e) {
                timingLine = "timing failed: " + e;
                ok = false;
                e.printStackTrace();
            }
        }
        write("status.txt", (ok ? "ok" : "FAILED") + "\n" + testLine + "\n" + timingLine + "\n");
        log.println(ok ? "device-check: ok" : "device-check: FAILED");
        return ok ? 0 : 1;
    }

    private void write(String name, String text) {
        try {
            Files.writeString(out.resolve(name), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- tests ---------------------------------------------------------------------------------

    record TestOutcome(boolean ok, String summary) {
    }

    private TestOutcome runTests() {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        int[] gpuPassed = {0};
        TestExecutionListener record = new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (id.isTest() || result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                    String cause = result.getThrowable().map(t -> "  " + t.toString().lines().findFirst().orElse("")).orElse("");
                    lines.add(result.getStatus() + "  " + id.getDisplayName() + "  [" + id.getUniqueId() + "]" + cause);
                }
                if (id.isTest() && result.getStatus() == TestExecutionResult.Status.SUCCESSFUL
                        && id.getTags().contains(TestTag.create("gpu"))) {
                    gpuPassed[0]++;
                }
            }

            @Override
            public void executionSkipped(TestIdentifier id, String reason) {
                lines.add("SKIPPED  " + id.getDisplayName() + "  " + reason);
            }
        };
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectClass(GpuBackendTest.class),
                        DiscoverySelectors.selectClass(GpuGlobalAtomicsTest.class),
                        DiscoverySelectors.selectClass(CudaBackendProviderTest.class))
                .filters(TagFilter.includeTags("gpu"))
                .build();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        long start = System.nanoTime();
        LauncherFactory.create().execute(request, summary, record);
        TestExecutionSummary s = summary.getSummary();
        StringBuilder text = new StringBuilder();
        for (String l : lines) {
            text.append(l).append('\n');
        }
        java.io.StringWriter failures = new java.io.StringWriter();
        s.printFailuresTo(new java.io.PrintWriter(failures), 30);
        text.append(failures);
        boolean ok = s.getTotalFailureCount() == 0 && s.getTestsAbortedCount() == 0 && s.getContainersFailedCount() == 0
                && gpuPassed[0] > 0;
        String line = String.format(Locale.ROOT, "gpu tests: %d found, %d passed, %d failed, %d aborted (skipped), %.1f s",
                s.getTestsFoundCount(), s.getTestsSucceededCount(), s.getTotalFailureCount(), s.getTestsAbortedCount(),
                (System.nanoTime() - start) / 1e9);
        write("tests.txt", line + "\n" + text);
        if (!ok) {
            log.print(failures);
        }
        return new TestOutcome(ok, line);
    }

    // ---- timing --------------------------------------------------------------------------------

    /** A 512×512×depth probability volume: a soft-edged ellipsoid with noise in its rim, exact 0 and 1 elsewhere. */
    static float[] volume(int depth, long seed) {
        int w = 512;
        float[] v = new float[w * w * depth];
        IntStream.range(0, depth).parallel().forEach(z -> {
            java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed * 31 + z);
            double dz = (z - depth / 2.0) / (depth * 0.35);
            for (int y = 0; y < w; y++) {
                double dy = (y - w * 0.48) / (w * 0.3);
                for (int x = 0; x < w; x++) {
                    double dx = (x - w * 0.52) / (w * 0.33);
                    double r = Math.sqrt(dx * dx + dy * dy + dz * dz);
                    double p = 1 / (1 + Math.exp((r - 1) / 0.04));
                    if (p > 1e-4 && p < 1 - 1e-4) {
                        p = Math.min(1, Math.max(0, p + (rnd.nextDouble() - 0.5) * 0.1));
                    } else {
                        p = p >= 0.5 ? 1 : 0;
                    }
                    v[(z * w + y) * w + x] = (float) p;
                }
            }
        });
        return v;
    }

    /** Median seconds of {@code body} after one warm-up, repeated up to 7 times or about 1.5 s. */
    private double time(Runnable body) {
        body.run();
        List<Double> t = new ArrayList<>();
        long until = System.nanoTime() + 1_500_000_000L;
        while (t.size() < 7 && (t.size() < 3 || System.nanoTime() < until) && System.nanoTime() < deadline) {
            long s = System.nanoTime();
            body.run();
            t.add((System.nanoTime() - s) / 1e9);
        }
        if (t.isEmpty()) {
            return Double.NaN;
        }
        Collections.sort(t);
        return t.get(t.size() / 2);
    }

    private record Row(String input, long voxels, long bytes, String what, double seconds) {
        double gbps() {
            return bytes / seconds / 1e9;
        }
    }

    private String timings(int[] depths) {
        List<Row> rows = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        try (CudaBackend backend = CudaBackend.open()) {
            Engine gpu = Engine.of(backend);
            Device d = backend.device();
            long stream = d.stream();
            for (int depth : depths) {
                if (System.nanoTime() > deadline) {
                    notes.add("budget spent: depth " + depth + " and later skipped");
                    break;
                }
                float[] probs = volume(depth, depth);
                byte[] votes = new byte[probs.length];
                short[] halves = new short[probs.length];
                for (int i = 0; i < probs.length; i++) {
                    votes[i] = (byte) Math.round(probs[i] * 7);
                    halves[i] = Float.floatToFloat16(probs[i]);
                }
                String shape = "512x512x" + depth;
                List<Supplier<Object[]>> inputs = List.of(
                        () -> new Object[] {"float32 " + shape, Marginal.ofFloats(probs)},
                        () -> new Object[] {"u8 votes R=7 " + shape, Marginal.ofVotes(votes, 7)},
                        () -> new Object[] {"float16 " + shape, Marginal.ofFloat16(halves)});
                for (Supplier<Object[]> in : inputs) {
                    Object[] pair = in.get();
                    String name = (String) pair[0];
                    Marginal m = (Marginal) pair[1];
                    long bytes = m.segments().getFirst().byteSize();
                    long n = m.voxels();
                    if (!Engine.scalar().analyze(m).equals(gpu.analyze(m))) {
                        throw new AssertionError(name + ": GPU analysis differs from Engine.scalar()");
                    }
                    long p = d.allocate(bytes);
                    long q = d.allocate(bytes);
                    try {
                        MemorySegment host = m.segments().getFirst();
                        d.upload(p, host, bytes, stream);
                        d.synchronize(stream);
                        rows.add(new Row(name, n, bytes, "Engine.parallel() analyze (host)", time(() -> Engine.parallel().analyze(m))));
                        rows.add(new Row(name, n, bytes, "GPU analyze from host buffer (copies included)", time(() -> gpu.analyze(m))));
                        DeviceArray array = switch (m.encoding()) {
                            case FLOAT32 -> DeviceArray.float32(p, n);
                            case FLOAT16 -> DeviceArray.float16(p, n);
                            default -> DeviceArray.votes(p, n, 7);
                        };
                        DeviceCalibrator calibrator = DeviceCalibrator.on(backend);
                        if (!Engine.scalar().analyze(m).equals(calibrator.analyze(array, stream))) {
                            throw new AssertionError(name + ": device-resident analysis differs from Engine.scalar()");
                        }
                        rows.add(new Row(name, n, bytes, "GPU analyze, device-resident", time(() -> calibrator.analyze(array, stream))));
                        rows.add(new Row(name, n, bytes, "GPU calibrate, device-resident",
                                time(() -> calibrator.calibrate(array, stream))));
                        rows.add(new Row(name, n, bytes, "GPU read pass, device-resident",
                                time(() -> backend.withResident(array, stream, gpu::readPass))));
                        rows.add(new Row(name, n, bytes, "host-to-device copy (pageable)", time(() -> {
                            d.upload(p, host, bytes, stream);
                            d.synchronize(stream);
                        })));
                        rows.add(new Row(name, n, bytes, "device-to-device copy (cuMemcpyDtoD)", time(() -> {
                            d.copy(q, p, bytes, stream);
                            d.synchronize(stream);
                        })));
                    } finally {
                        d.free(p);
                        d.free(q);
                    }
                }
            }
        }
        StringBuilder txt = new StringBuilder();
        StringBuilder json = new StringBuilder("[\n");
        txt.append(String.format(Locale.ROOT, "%-26s %-48s %10s %10s %9s %9s%n", "input", "measurement", "ms", "GB/s",
                "vs DtoD", "vs CPU"));
        for (Row r : rows) {
            double dtod = rows.stream().filter(o -> o.input.equals(r.input) && o.what.startsWith("device-to-device"))
                    .mapToDouble(Row::gbps).findFirst().orElse(Double.NaN);
            double cpu = rows.stream().filter(o -> o.input.equals(r.input) && o.what.startsWith("Engine.parallel"))
                    .mapToDouble(Row::gbps).findFirst().orElse(Double.NaN);
            txt.append(String.format(Locale.ROOT, "%-26s %-48s %10.3f %10.2f %9.3f %9.3f%n", r.input, r.what,
                    r.seconds * 1e3, r.gbps(), r.gbps() / dtod, r.gbps() / cpu));
            json.append(String.format(Locale.ROOT,
                    "  {\"input\": \"%s\", \"voxels\": %d, \"bytes\": %d, \"measurement\": \"%s\", \"seconds\": %.6g, "
                            + "\"gbPerSecond\": %.4g, \"ratioToDeviceCopy\": %.4g, \"ratioToCpuParallel\": %.4g},%n",
                    r.input, r.voxels, r.bytes, r.what, r.seconds, r.gbps(), r.gbps() / dtod, r.gbps() / cpu));
        }
        if (!rows.isEmpty()) {
            json.setLength(json.length() - 2);
            json.append('\n');
        }
        json.append("]\n");
        txt.append("GB/s = input bytes / median seconds; a device-to-device copy moves each byte twice (read + write).\n");
        for (String note : notes) {
            txt.append(note).append('\n');
        }
        write("timings.txt", txt.toString());
        write("timings.json", json.toString());
        log.print(txt);
        return "timings: " + rows.size() + " measurements" + (notes.isEmpty() ? "" : " (" + String.join("; ", notes) + ")");
    }
}
