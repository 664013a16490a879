package org.segopt.jmh;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;
import org.segopt.engine.Engine;

/**
 * The full exact analysis (Accuracy, Dice, volumes, Theorem 4, bounds) on each engine. All three
 * return the identical result; they differ only in how the histogram passes read the data.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class AnalyzeBenchmark {

    /** The scalar reference engine, one thread. */
    @Benchmark
    public long scalar(Volume v) {
        return Engine.scalar().analyze(v.marginal).dice().greatestVolume();
    }

    /** Vector API kernels, one thread. */
    @Benchmark
    public long simd(Volume v) {
        return Engine.simd().analyze(v.marginal).dice().greatestVolume();
    }

    /** Vector API kernels on all processors. */
    @Benchmark
    public long simdParallel(Volume v) {
        return Engine.parallel().analyze(v.marginal).dice().greatestVolume();
    }

    /**
     * {@link #simd} on a new volume every call: alternating between two anatomies, so the float32
     * bins the engine guesses from its previous call are the wrong ones (a first call's cost,
     * where the rows above show a repeated call's). Its yardstick reads the same two volumes
     * alternately ({@link ReadPassBenchmark#readPassSingleThreadNewVolume}).
     */
    @Benchmark
    public long simdNewVolume(Volume v, Alternation a) {
        return Engine.simd().analyze(a.next(v)).dice().greatestVolume();
    }

    /** {@link #simdParallel} on a new volume every call (see {@link #simdNewVolume}). */
    @Benchmark
    public long simdParallelNewVolume(Volume v, Alternation a) {
        return Engine.parallel().analyze(a.next(v)).dice().greatestVolume();
    }

}
