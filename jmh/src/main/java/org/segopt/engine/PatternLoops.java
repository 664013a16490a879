package org.segopt.engine;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.TreeMap;
import org.segopt.Marginal;
import org.segopt.io.ArrayReaders;
import org.segopt.io.NdArray;
import org.segopt.jmh.HotMethods;

/**
 * What the two loops of the float16 / bfloat16 pattern pass ({@code PanamaKernels.countPatterns})
 * cost on a file, range by range: for each whole range of {@link PanamaKernels#PATTERN_RANGE}
 * voxels, the uniform vectors its sample finds and the CPU time of the plain scatter and of the
 * vector loop into the int table, and of the scalar kernel's loop into a long histogram (what
 * the pass would be without the int table; medians of ROUNDS, one thread), against one read
 * pass of the same file. It prints
 * those per sample count, and the total time each threshold would give: the measurement behind
 * {@link PanamaKernels#UNIFORM_SAMPLES}, quoted in jmh/README.md. In this package to reach the
 * engine's loops themselves.
 *
 * <p>{@code java --add-modules jdk.incubator.vector -cp jmh/target/benchmarks.jar
 * org.segopt.engine.PatternLoops FILE.npy [--bfloat16] [ROUNDS]} (a float16 file, or with
 * {@code --bfloat16} a uint16/int16 one holding bfloat16 patterns; ROUNDS defaults to 9).
 */
public final class PatternLoops {
    private PatternLoops() {
    }

    public static void main(String[] args) throws Exception {
        HotMethods.reportingBadInput("PatternLoops", args.length > 0 ? args[0] : null, () -> run(args));
    }

    private static void run(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: PatternLoops FILE.npy [--bfloat16] [ROUNDS]");
            System.exit(2);
        }
        boolean bfloat16 = Arrays.asList(args).contains("--bfloat16");
        int rounds = args.length > (bfloat16 ? 2 : 1) ? Integer.parseInt(args[args.length - 1]) : 9;
        NdArray a = ArrayReaders.read(Path.of(args[0]), Arena.global());
        Marginal m = switch (a.type()) {
            case FLOAT16 -> Marginal.ofFloat16(a.data(), a.order());
            case UINT16, INT16 -> {
                if (!bfloat16) {
                    throw new IllegalArgumentException("a 16-bit integer file holds bfloat16 patterns only with --bfloat16");
                }
                yield Marginal.ofBFloat16(a.data(), a.order());
            }
            default -> throw new IllegalArgumentException("a float16 file (or bfloat16 patterns with --bfloat16), not " + a.type());
        };
        Marginal view = Histogrammer.halfPatterns(m);
        MemorySegment s = view.segments().getFirst();
        boolean swap = ScalarKernels.swap(view);
        int ranges = (int) (m.voxels() / PanamaKernels.PATTERN_RANGE);
        if (ranges == 0) {
            throw new IllegalArgumentException("fewer voxels than one range of " + PanamaKernels.PATTERN_RANGE);
        }
        PanamaKernels.PatternTables tables = new PanamaKernels.PatternTables();
        ThreadMXBean clock = ManagementFactory.getThreadMXBean();
        Engine engine = Engine.simd();
        double[][] plain = new double[ranges][rounds];
        double[][] vector = new double[ranges][rounds];
        double[][] wide = new double[ranges][rounds];
        long[] longCounts = new long[PassBackend.DIGITS];
        ScalarKernels scalar = new ScalarKernels();
        double[] read = new double[rounds];
        long sink = 0;
        for (int round = -3; round < rounds; round++) { // three rounds of warm-up
            long t = clock.getCurrentThreadCpuTime();
            sink += engine.readPass(m);
            if (round >= 0) {
                read[round] = (clock.getCurrentThreadCpuTime() - t) / 1e6;
            }
            for (int r = 0; r < ranges; r++) {
                long from = (long) r * PanamaKernels.PATTERN_RANGE;
                long to = from + PanamaKernels.PATTERN_RANGE;
                long t0 = clock.getCurrentThreadCpuTime();
                PanamaKernels.scatterPatterns(s, swap, from, to, tables.counts);
                long t1 = clock.getCurrentThreadCpuTime();
                sink += tables.counts[r & 0xFFFF];
                Arrays.fill(tables.counts, 0);
                long t2 = clock.getCurrentThreadCpuTime();
                PanamaKernels.scatterMixedVectors(view, from, to, tables);
                long t3 = clock.getCurrentThreadCpuTime();
                sink += tables.counts[r & 0xFFFF];
                Arrays.fill(tables.counts, 0);
                long t4 = clock.getCurrentThreadCpuTime();
                sink += scalar.countVotes(view, from, to, longCounts);
                long t5 = clock.getCurrentThreadCpuTime();
                sink += longCounts[r & 0xFFFF];
                Arrays.fill(longCounts, 0);
                if (round >= 0) {
                    plain[r][round] = (t1 - t0) / 1e6;
                    vector[r][round] = (t3 - t2) / 1e6;
                    wide[r][round] = (t5 - t4) / 1e6;
                }
            }
        }
        int[] sampled = new int[ranges];
        double[] p = new double[ranges];
        double[] v = new double[ranges];
        double wideTotal = 0;
        TreeMap<Integer, double[]> bySamples = new TreeMap<>(); // sample count → ranges, plain, vector
        for (int r = 0; r < ranges; r++) {
            long from = (long) r * PanamaKernels.PATTERN_RANGE;
            sampled[r] = PanamaKernels.uniformSamples(view, from, from + PanamaKernels.PATTERN_RANGE);
            p[r] = median(plain[r]);
            v[r] = median(vector[r]);
            wideTotal += median(wide[r]);
            double[] b = bySamples.computeIfAbsent(sampled[r], k -> new double[3]);
            b[0]++;
            b[1] += p[r];
            b[2] += v[r];
        }
        System.out.printf("%s: %d ranges of %d voxels, %s, one thread, CPU-time medians of %d rounds (sink %d)%n",
                args[0], ranges, PanamaKernels.PATTERN_RANGE, m.encoding(), rounds, sink);
        System.out.printf("  read pass of the whole file            %8.2f ms%n", median(read));
        System.out.printf("  the scalar loop into a long histogram  %8.2f ms (every range)%n", wideTotal);
        System.out.println("  uniform of " + PanamaKernels.PATTERN_SAMPLES + " sampled | ranges | plain ms | vector ms | vector / plain");
        bySamples.forEach((k, b) -> System.out.printf("  %17d | %6d | %8.2f | %9.2f | %.2f%n", k, (int) b[0], b[1], b[2], b[2] / b[1]));
        double oracle = 0;
        for (int r = 0; r < ranges; r++) {
            oracle += Math.min(p[r], v[r]);
        }
        StringBuilder totals = new StringBuilder("  total ms by threshold (vector loop from that many uniform):");
        for (int threshold = 0; threshold <= PanamaKernels.PATTERN_SAMPLES + 1; threshold++) {
            double total = 0;
            for (int r = 0; r < ranges; r++) {
                total += sampled[r] >= threshold ? v[r] : p[r];
            }
            totals.append(threshold % 12 == 0 ? "\n   " : "").append(String.format(" %d: %.2f", threshold, total));
        }
        System.out.println(totals);
        System.out.printf("  the faster loop in every range: %.2f ms; this build's threshold is %d%n", oracle,
                PanamaKernels.UNIFORM_SAMPLES);
    }

    private static double median(double[] x) {
        double[] c = x.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }
}
