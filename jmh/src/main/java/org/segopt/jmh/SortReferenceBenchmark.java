package org.segopt.jmh;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The baseline: the paper's numpy method, redone in Java step by step as numpy executes it, in
 * float64 — copy m to double[] (votes: c / 5.0), sort, cumulative sum from the largest value down,
 * d(k) = 2 · cumsum(k) / (k + M) for every k = 1..n, argmax (the first maximum, as np.argmax),
 * τ = max d / 2 and the greatest Dice-optimal volume as the paper counts it, #{m ≥ τ} in floating
 * point. It is not exact (ties at τ are decided by rounding); that is the point of segopt.
 *
 * <p>The three n-sized double arrays are allocated once per trial, so the timing leaves out the
 * allocation and page faults numpy pays on every call: a lower bound for the numpy code in Java.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class SortReferenceBenchmark {
    private double[] sorted;
    private double[] cumsum;
    private double[] d;

    @Setup(Level.Trial)
    public void allocate(Volume v) {
        int n = v.voxels();
        sorted = new double[n];
        cumsum = new double[n];
        d = new double[n];
    }

    @Benchmark
    public void sortReference(Volume v, Blackhole bh) {
        long[] result = greatestDiceVolume(v, sorted, cumsum, d);
        bh.consume(result[0]);
        bh.consume(result[1]);
    }

    /**
     * The paper's method on v, in the given work arrays; returns {the greatest Dice-optimal volume
     * #{m ≥ max d / 2}, the argmax k}.
     */
    static long[] greatestDiceVolume(Volume v, double[] sorted, double[] cumsum, double[] d) {
        int n = sorted.length;
        // m as float64 (np.asarray(m, dtype=np.float64); votes as counts / R)
        v.toDoubles(sorted);
        // np.sort(m)[::-1]; np.cumsum (sequential)
        Arrays.sort(sorted);
        double running = 0;
        for (int j = 0; j < n; j++) {
            running += sorted[n - 1 - j];
            cumsum[j] = running;
        }
        double mass = cumsum[n - 1];
        // d = 2 * cumsum / (k + M), k = 1..n
        for (int j = 0; j < n; j++) {
            d[j] = 2 * cumsum[j] / ((j + 1) + mass);
        }
        // np.argmax(d): the first maximum
        int best = 0;
        double max = d[0];
        for (int j = 1; j < n; j++) {
            if (d[j] > max) {
                max = d[j];
                best = j;
            }
        }
        // greatest volume = (m >= max(d) / 2).sum(), in float64
        double tau = max / 2;
        long count = 0;
        for (int i = 0; i < n; i++) {
            if (sorted[i] >= tau) {
                count++;
            }
        }
        return new long[] {count, best + 1};
    }
}
