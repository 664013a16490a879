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
 * The physical limit: one Vector API read of every byte of the input (a sum of its 64-bit words).
 * No exact analysis can beat {@link #readPass} on the same threads; every other benchmark is
 * reported as a ratio to it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class ReadPassBenchmark {

    /** One read pass on all processors ({@link Engine#parallel()}): the bar for {@code simdParallel}. */
    @Benchmark
    public long readPass(Volume v) {
        return Engine.parallel().readPass(v.marginal);
    }

    /** One read pass on the calling thread ({@link Engine#simd()}): the bar for {@code scalar} and {@code simd}. */
    @Benchmark
    public long readPassSingleThread(Volume v) {
        return Engine.simd().readPass(v.marginal);
    }
}
