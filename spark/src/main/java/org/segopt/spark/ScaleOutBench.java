package org.segopt.spark;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.segopt.Analysis;
import org.segopt.Marginal;
import org.segopt.engine.Engine;
import org.segopt.io.ArrayReaders;
import org.segopt.io.ReadLimits;
import org.segopt.pool.Pool;
import org.segopt.report.CaseSpec;
import org.segopt.report.Datasets;
import org.segopt.report.Progress;
import org.segopt.report.Report;

/**
 * Times, in one run, the dataset report without and with Spark ({@code local[2]}, in this
 * process: Spark's overhead on one machine) and the pooled analysis in-process, on Spark and
 * against one analysis of the concatenated volume (and one read pass of it in memory); prints a
 * Markdown table of medians with cases/s and GB/s of input files.
 *
 * <p>Usage: {@code ScaleOutBench DIR [REPEATS]}, DIR written by {@code spark/bench/make_dataset.py}.
 */
public final class ScaleOutBench {
    private static final String MASTER = "local[2]";

    private ScaleOutBench() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        List<CaseSpec> masks = Datasets.manifest(dir.resolve("masks.csv")).cases();
        List<CaseSpec> soft = Datasets.manifest(dir.resolve("soft.csv")).cases();
        Path concatenated = dir.resolve("soft-concatenated.npy");
        Path out = Files.createTempDirectory("segopt-bench");
        int jobs = Math.min(4, Runtime.getRuntime().availableProcessors());
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        SparkJobs spark = new SparkJobs();
        List<String> rows = new ArrayList<>();

        long start = System.nanoTime();
        try (SparkSessions session = SparkSessions.open(MASTER)) {
            double startup = (System.nanoTime() - start) / 1e9;
            rows.add(row("Spark session start (local[2])", startup, 0, 0));
            long maskBytes = bytes(masks);
            rows.add(row("report, in-process (--jobs " + jobs + ")", median(repeats, () -> Report.run(masks, List.of(),
                    out.resolve("a"), jobs, Engine.parallel(), ReadLimits.DEFAULT, new Progress(quiet, "", masks.size(), false),
                    List.of())), masks.size(), maskBytes));
            rows.add(row("report --spark local[2]", median(repeats, () -> spark.report(MASTER, masks, List.of(),
                    out.resolve("b"), ReadLimits.DEFAULT, new Progress(quiet, "", masks.size(), false), List.of())), masks.size(),
                    maskBytes));
            long softBytes = bytes(soft);
            Analysis[] results = new Analysis[3];
            rows.add(row("pool, in-process (--jobs " + jobs + ")", median(repeats,
                    () -> results[0] = Pool.run(soft, ReadLimits.DEFAULT, jobs).analysis()), soft.size(), softBytes));
            rows.add(row("pool --spark local[2]", median(repeats,
                    () -> results[1] = spark.pool(MASTER, soft, ReadLimits.DEFAULT).analysis()), soft.size(), softBytes));
            long concatBytes = Files.size(concatenated);
            rows.add(row("analyze of the concatenated volume (read + analyze)", median(repeats, () -> {
                try (Arena arena = Arena.ofShared()) {
                    results[2] = Engine.parallel().analyze(marginal(concatenated, arena));
                }
            }), soft.size(), concatBytes));
            try (Arena arena = Arena.ofShared()) {
                Marginal m = marginal(concatenated, arena);
                rows.add(row("one read pass of the concatenated volume in memory", median(repeats,
                        () -> Engine.parallel().readPass(m)), soft.size(), concatBytes));
            }
            if (!results[0].equals(results[2]) || !results[1].equals(results[2])) {
                throw new IllegalStateException("the pooled analyses differ from the concatenated volume's");
            }
        }
        System.out.println("| what | median s | cases/s | GB/s |");
        System.out.println("|---|---:|---:|---:|");
        rows.forEach(System.out::println);
        System.out.printf(Locale.ROOT, "%n%d mask cases (%d MB), %d soft cases (%d MB), %d runs each, %d processors%n",
                masks.size(), bytes(masks) >> 20, soft.size(), bytes(soft) >> 20, repeats,
                Runtime.getRuntime().availableProcessors());
    }

    private static Marginal marginal(Path file, Arena arena) throws Exception {
        var a = ArrayReaders.read(file, arena, ReadLimits.DEFAULT);
        return Marginal.ofFloats(a.data(), a.order());
    }

    /** A timed step. */
    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    /** The median of {@code repeats} timed runs after one untimed run, in seconds. */
    private static double median(int repeats, Step step) throws Exception {
        step.run();
        double[] t = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long s = System.nanoTime();
            step.run();
            t[i] = (System.nanoTime() - s) / 1e9;
        }
        Arrays.sort(t);
        return t[repeats / 2];
    }

    private static String row(String what, double seconds, int cases, long bytes) {
        return String.format(Locale.ROOT, "| %s | %.3f | %s | %s |", what, seconds,
                cases == 0 ? "" : String.format(Locale.ROOT, "%.1f", cases / seconds),
                bytes == 0 ? "" : String.format(Locale.ROOT, "%.2f", bytes / seconds / 1e9));
    }

    private static long bytes(List<CaseSpec> cases) throws IOException {
        long total = 0;
        for (CaseSpec c : cases) {
            for (Path f : c.raters()) {
                total += Files.size(f);
            }
        }
        return total;
    }
}
