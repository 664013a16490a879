package org.segopt.cli;

import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.segopt.Marginal;
import org.segopt.engine.BackendUnavailableException;
import org.segopt.engine.Engine;
import org.segopt.io.InputException;
import org.segopt.io.OneLine;

/**
 * {@code segopt bench}: times the full analysis of one input inside this process after warm-up,
 * next to one read pass of the same memory on the same threads, and reports medians.
 */
final class BenchCommand {
    /** The least warm-up time, and the most warm-up calls. */
    private static final long WARMUP_NANOS = 2_000_000_000L;
    /** The warm-up also lasts until the JIT has compiled nothing for this long (or MAX_WARMUP_NANOS passed). */
    private static final long QUIET_NANOS = 500_000_000L;
    private static final long MAX_WARMUP_NANOS = 20_000_000_000L;
    private static final int MAX_WARMUP_CALLS = 200_000;
    static final String USAGE = """
            Usage: segopt bench [--json] [--votes R | --bfloat16] [--repeat K] [--backend B] [--threads T] FILE...

            Times the full analysis (Accuracy + Dice + volumes) of the input after warm-up (at
            least 2 s, so that small inputs are timed compiled, and until the JIT has compiled
            nothing for 0.5 s, at most 20 s), and one read pass of the same
            memory (a Vector API sum: the physical limit) on the same threads; prints the medians
            of K runs of each, their ratio and GB/s, and names the CPU model and the vector width.
            The analysis is timed twice: repeated (float32/float64/float16: the engine brackets
            tau* and the Theorem 4 cut where the previous call found them, so one pass usually
            decides everything) and as a first call (no such guess, as for a new volume: the
            brackets come from a sample of 1/64 of the voxels; float16 takes its exact
            histogram of bit patterns instead).

              FILE...       as for 'segopt analyze'
              --votes R     the one FILE holds vote counts 0..R
              --bfloat16    the one FILE holds bfloat16 bit patterns as uint16/int16 (NumPy has
                            no bfloat16 dtype)
              --max-decompressed BYTES
                            the most a compressed FILE (.npz, .nii.gz, gzip NRRD) may decompress
                            to in memory; default 1073741824 (1 GiB)
              --repeat K    timed runs of each (default 21)
              --backend B   auto (default), cpu, gpu, scalar (one thread)
              --threads T   CPU threads (default: all processors)
              --json        print one JSON object
            """;

    private BenchCommand() {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) throws UsageException, BackendUnavailableException {
        boolean json = false;
        int repeat = 21;
        Integer threads = null;
        MarginalArgs input = new MarginalArgs(true);
        Options options = new Options(args);
        while (options.hasNext()) {
            String a = options.next();
            switch (a) {
                case "--json" -> json = true;
                case "--repeat" -> repeat = (int) options.integer(a, 1, 10_000);
                case "--threads" -> threads = (int) options.integer(a, 1, 1024);
                case "-h", "--help" -> {
                    out.print(USAGE);
                    return 0;
                }
                default -> input.take(a, options);
            }
        }
        if (threads != null && !input.backend().equals("cpu")) {
            throw new UsageException("--threads needs --backend cpu");
        }
        try (Arena arena = Arena.ofShared()) {
            Inputs inputs = input.load(arena);
            Marginal m = inputs.marginal();
            Engine engine = threads != null ? Engine.parallel(threads) : input.engine(m.voxels());
            inputs.check(() -> engine.analyze(m)); // invalid values end here, before any timing
            long bytes = m.voxels() * m.elementType().byteSize() * m.segments().size();
            // Warm-up until the JIT has compiled the hot paths: at least WARMUP_NANOS and 5 calls
            // (a small input needs thousands of calls; a few calls of a large one take the time),
            // and until its compiler threads have been idle for QUIET_NANOS: on two cores they
            // would otherwise take time from the timed runs (C2 was still compiling the float16
            // paths 2.5 s into a run, and its read passes took 3.1-3.8 ms instead of 2.2-2.3).
            long sink = 0;
            long warmStart = System.nanoTime();
            long compiled = compilationMillis();
            long quietSince = warmStart;
            for (int i = 0; i < 5 || (warmingUp(warmStart, quietSince) && i < MAX_WARMUP_CALLS); i++) {
                sink += engine.analyze(m).dice().greatestVolume() + engine.readPass(m);
                if (i % 2 == 1) {
                    engine.forgetGuesses();
                }
                long now = compilationMillis();
                if (now != compiled) {
                    compiled = now;
                    quietSince = System.nanoTime();
                }
            }
            double[] engineMs = new double[repeat];
            double[] firstCallMs = new double[repeat];
            double[] readMs = new double[repeat];
            for (int i = 0; i < repeat; i++) {
                long t0 = System.nanoTime();
                sink += engine.readPass(m);
                long t1 = System.nanoTime();
                sink += engine.analyze(m).dice().greatestVolume();
                long t2 = System.nanoTime();
                engine.forgetGuesses();
                long t3 = System.nanoTime();
                sink += engine.analyze(m).dice().greatestVolume();
                long t4 = System.nanoTime();
                readMs[i] = (t1 - t0) / 1e6;
                engineMs[i] = (t2 - t1) / 1e6;
                firstCallMs[i] = (t4 - t3) / 1e6;
            }
            double median = median(engineMs);
            double firstCall = median(firstCallMs);
            double read = median(readMs);
            double gbs = bytes / (median / 1e3) / 1e9;
            if (json) {
                out.println(Json.object()
                        .put("medianMs", median)
                        .put("readPassMs", read)
                        .put("ratio", median / read)
                        .put("firstCallMs", firstCall)
                        .put("firstCallRatio", firstCall / read)
                        .put("gbPerSecond", gbs)
                        .put("voxels", m.voxels())
                        .put("bytes", bytes)
                        .put("encoding", m.encoding().name().toLowerCase(Locale.ROOT))
                        .put("backend", engine.backend())
                        .put("threads", engine.threads())
                        .put("repeat", repeat)
                        .put("cpu", Machine.cpuModel())
                        .put("vectorBits", Machine.vectorBits())
                        .put("checksum", sink));
            } else {
                out.printf(Locale.ROOT, "%s: %d voxels, %.1f MB, %s, backend %s, %d thread(s), %d runs%n",
                        inputs.label(), m.voxels(), bytes / 1e6, m.encoding().name().toLowerCase(Locale.ROOT),
                        engine.backend(), engine.threads(), repeat);
                out.printf(Locale.ROOT, "  on %s, %d-bit vectors (Vector API preferred species)%n", Machine.cpuModel(),
                        Machine.vectorBits());
                out.printf(Locale.ROOT, "  engine (full analysis)  median %9.3f ms  %6.2f GB/s%n", median, gbs);
                out.printf(Locale.ROOT, "  engine, first call      median %9.3f ms  %6.2f GB/s%n", firstCall,
                        bytes / (firstCall / 1e3) / 1e9);
                out.printf(Locale.ROOT, "  read pass (limit)       median %9.3f ms  %6.2f GB/s%n", read, bytes / (read / 1e3) / 1e9);
                out.printf(Locale.ROOT, "  ratio engine / read pass %.2f, first call %.2f   (checksum %d)%n", median / read,
                        firstCall / read, sink);
            }
            return 0;
        } catch (InputException e) {
            err.println(OneLine.of(e.getMessage()));
            return Main.EXIT_INPUT;
        }
    }

    /** Whether the warm-up goes on: under WARMUP_NANOS, or the JIT compiled within QUIET_NANOS, until MAX_WARMUP_NANOS. */
    private static boolean warmingUp(long warmStart, long quietSince) {
        long now = System.nanoTime();
        return now - warmStart < WARMUP_NANOS || (now - quietSince < QUIET_NANOS && now - warmStart < MAX_WARMUP_NANOS);
    }

    /** The JIT's total compilation time so far, in ms (0 where the JVM does not report it: the warm-up is then timed only). */
    private static long compilationMillis() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
