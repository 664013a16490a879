package org.segopt.engine;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.segopt.Encoding;
import org.segopt.Marginal;
import org.segopt.jmh.HotMethods;

/**
 * Where a float analysis from one summary pass spends its time, on one thread (CPU time of the
 * calling thread, so other tenants of a shared machine matter less): a read pass, the summary
 * kernel with nothing but the exact mass to compute, the same kernel with a repeated call's
 * request (its cuts and brackets: the second loops and captures), the engine's whole decision from a summary
 * on a repeated call (brackets from the previous call) and on a first call (a new
 * {@link Summarizer}: probes, the sample (1/64 of the voxels, at most 2^19), the pass, loading the captured keys, solving),
 * and the sample alone, and the loading and solving of a first call's summary alone; then how
 * far the sample's τ* and Theorem 4 cut lie from the exact ones, and the cut's bracket.
 * In this package to reach the engine's internals; jmh/README.md quotes its medians.
 *
 * <p>{@code java --add-modules jdk.incubator.vector -cp jmh/target/benchmarks.jar
 * org.segopt.engine.SummaryPieces FILE.npy [ROUNDS]} (float32, float64 or float16 files; float16 has no first-call rows: its first call takes the pattern histogram).
 */
public final class SummaryPieces {
    private SummaryPieces() {
    }

    public static void main(String[] args) throws Exception {
        HotMethods.reportingBadInput("SummaryPieces", args.length > 0 ? args[0] : null, () -> run(args));
    }

    private static void run(String[] args) throws Exception {
        Marginal m = HotMethods.floatFile(Path.of(args[0]), true);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        ThreadMXBean clock = ManagementFactory.getThreadMXBean();
        Passes passes = new Passes(new PanamaKernels(), 1);
        LevelSummary massOnly = new LevelSummary(0);
        LevelSummary request = new LevelSummary(Summarizer.CAPACITY);
        Summarizer repeated = new Summarizer(passes);
        LevelTable table = new LevelTable();
        Solver solver = new Solver();
        int[] unresolved = new int[LevelTable.MAX_REFINED_PER_PASS];
        double[][] ms = new double[7][rounds];
        long sink = 0;
        Summarizer first = null;
        long target = -1;
        // A float16 first call takes the pattern histogram, which leaves the brackets for the next.
        boolean halves = m.encoding() == Encoding.FLOAT16;
        if (halves) {
            new Histogrammer(passes).histogram(m, table);
            solver.solve(table, null);
            target = solver.defaultVolume();
            repeated.remember(m, solver, target);
        }
        for (int r = -5; r < rounds; r++) { // five warm-up rounds
            long t0 = clock.getCurrentThreadCpuTime();
            sink += ReadPass.sum(m.segments().getFirst(), 0, m.segments().getFirst().byteSize());
            long t1 = clock.getCurrentThreadCpuTime();
            massOnly.clearResults();
            sink += passes.summarize(m, massOnly);
            long t2 = clock.getCurrentThreadCpuTime();
            sink += repeated.solve(m, table, solver, -1, false, unresolved);
            long t3 = clock.getCurrentThreadCpuTime();
            if (!halves) {
                first = new Summarizer(passes);
                target = first.solve(m, table, solver, -1, false, unresolved);
                sink += target;
            }
            long t4 = clock.getCurrentThreadCpuTime();
            request.setRequest(repeated.summary());
            long t5 = clock.getCurrentThreadCpuTime();
            sink += passes.summarize(m, request);
            long t6 = clock.getCurrentThreadCpuTime();
            if (r >= 0) {
                ms[0][r] = (t1 - t0) / 1e6;
                ms[1][r] = (t2 - t1) / 1e6;
                ms[2][r] = (t6 - t5) / 1e6;
                ms[3][r] = (t3 - t2) / 1e6;
                ms[4][r] = (t4 - t3) / 1e6;
            }
            if (halves) {
                continue;
            }
            sink += (long) repeated.sampledEstimates(m)[0];
            long t7 = clock.getCurrentThreadCpuTime();
            table.loadSummary(m, first.summary());
            solver.solve(table, null);
            long t8 = clock.getCurrentThreadCpuTime();
            if (r >= 0) {
                ms[5][r] = (t7 - t6) / 1e6;
                ms[6][r] = (t8 - t7) / 1e6;
            }
        }
        double exact = solver.threshold(); // of the last (first-call) decision: τ* itself
        double exactCut = solver.valueAtVolume(target);
        String[] names = {"read pass", "summary pass, exact mass only", "summary pass, a repeated call's request",
            "decision from a summary, repeated call", "decision from a summary, first call",
            "of which the sample", "of which loading its keys and solving"};
        System.out.printf(Locale.ROOT, "%s: %d voxels, %s, one thread, CPU-time medians of %d rounds (sink %d)%n",
                args[0], m.voxels(), m.encoding(), rounds, sink);
        for (int p = 0; p < (halves ? 4 : names.length); p++) {
            double[] v = ms[p].clone();
            Arrays.sort(v);
            System.out.printf(Locale.ROOT, "  %-40s %8.2f ms  %5.2f× the read pass%n", names[p], v[rounds / 2],
                    v[rounds / 2] / median(ms[0]));
        }
        if (halves) {
            System.out.printf(Locale.ROOT, "  keys captured: repeated call %s; tau* %.6f, Theorem 4 cut at volume %d: %.6f"
                    + " (a float16 first call takes the pattern histogram: no sample)%n", captures(repeated.summary(), Keys.format(m)),
                    exact, target, exactCut);
            return;
        }
        double[] sampled = repeated.sampledEstimates(m);
        System.out.printf(Locale.ROOT, "  keys captured: repeated call %s, first call %s%n", captures(repeated.summary(), Keys.format(m)),
                captures(first.summary(), Keys.format(m)));
        System.out.printf(Locale.ROOT, "  tau* %.6f; the sample estimates %.6f (%+.3f %%)%n", exact, sampled[0],
                100 * (sampled[0] / exact - 1));
        System.out.printf(Locale.ROOT, "  Theorem 4 cut at volume %d: %.6f; the sample estimates %.6f (%+.3f %%), bracket"
                + " [%+.2f %%, %+.2f %%] around the exact cut%n", target, exactCut, sampled[1], 100 * (sampled[1] / exactCut - 1),
                100 * (sampled[2] / exactCut - 1), 100 * (sampled[3] / exactCut - 1));
    }

    /** Each bracket's width (relative to its upper end) and the keys it captured. */
    private static String captures(LevelSummary s, FloatFormat f) {
        StringBuilder b = new StringBuilder();
        for (int j = 0; j < s.bracketCount(); j++) {
            double lo = f.approximate(s.bracketLo(j));
            double hi = f.approximate(s.bracketHi(j));
            b.append(String.format(Locale.ROOT, "%s[%.4f, %.4f): %d", j == 0 ? "" : ", ", lo, hi, s.capturedCount(j)));
        }
        return b.toString();
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }
}
