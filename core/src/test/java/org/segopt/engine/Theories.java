package org.segopt.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.quicktheories.QuickTheory;
import org.quicktheories.api.Pair;
import org.quicktheories.api.TriConsumer;
import org.quicktheories.api.Tuple3;
import org.quicktheories.core.Gen;

/**
 * How the engine's properties run under QuickTheories, and the generators they share.
 *
 * <p>Each run draws a fresh seed; a failure reports the smallest falsifying value found by
 * shrinking (a marginal case prints its kind, n and seed: {@link MarginalCases#build} rebuilds
 * it) and the run's seed. {@code mvn -pl core test -Dtest=Class#method -DQT_SEED=<seed>} replays the run.
 */
final class Theories {
    /**
     * Shrink steps after a failure; each reruns the property, so this bounds a failing run of the
     * slowest property (a few tenths of a second a case) to under a minute.
     */
    private static final int SHRINK_CYCLES = 100;

    /** The three boundary values QuickTheories tries first, which may repeat one another. */
    private static final int SPARE_EXAMPLES = 3;

    private Theories() {
    }

    /**
     * Checks {@code property} on at least {@code count} generated values, then shrinks a failure.
     * QuickTheories skips a value it has already tried (the boundary values it tries first can
     * coincide) without trying another, so the run asks for {@link #SPARE_EXAMPLES} more and
     * asserts that {@code count} were checked; no time limit cuts it short.
     */
    static <A> void check(int count, Gen<A> values, Consumer<A> property) {
        int[] checked = {0};
        QuickTheory.qt().withExamples(count + SPARE_EXAMPLES).withUnlimitedTestingTime()
                .withShrinkCycles(SHRINK_CYCLES).forAll(values).checkAssert(a -> {
                    checked[0]++;
                    property.accept(a);
                });
        assertTrue(checked[0] >= count, () -> "only " + checked[0] + " of " + count + " generated values were checked");
    }

    static <A, B> void check(int count, Gen<A> a, Gen<B> b, BiConsumer<A, B> property) {
        check(count, a.zip(b, Pair::of), p -> property.accept(p._1, p._2));
    }

    static <A, B, C> void check(int count, Gen<A> a, Gen<B> b, Gen<C> c, TriConsumer<A, B, C> property) {
        check(count, a.zip(b, c, Tuple3::of), t -> property.accept(t._1, t._2, t._3));
    }

    /** Seeds for {@link java.util.SplittableRandom}: any long. */
    static Gen<Long> seeds() {
        return longs().all();
    }

    /** Integers in [min, max], small ones more often and the edges planted: see {@link SizeDistribution#between}. */
    static Gen<Integer> sizes(int min, int max) {
        return SizeDistribution.between(min, max).gen();
    }

    /** Hundredths in [0, 1], small ones more often (see {@link #sizes}): a relative position or volume. */
    static Gen<Double> hundredths() {
        return sizes(0, 100).map(k -> k / 100.0);
    }
}
