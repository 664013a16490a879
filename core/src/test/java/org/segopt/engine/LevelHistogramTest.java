package org.segopt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.segopt.Fraction;
import org.segopt.Marginal;

/**
 * {@link Engine#levels} and {@link Engine#refine}: refined until every level is exact, the
 * histogram is the one counted directly from the values (distinct values, counts, exact sums),
 * on the scalar and the parallel engine, which refine alike; histograms of two halves merge into the whole's.
 */
class LevelHistogramTest {
    private static final float[] POOL = {0f, Float.MIN_VALUE, 1e-30f, 0.125f, 0.3f, 0.5f, 1f};

    @Test
    void zerosIsTheHistogramOfAnAllZeroVoteMarginal() {
        for (int raters : new int[] {1, 3, 300}) {
            Marginal m = raters <= 255 ? Marginal.ofVotes(new byte[1000], raters) : Marginal.ofVotes(new short[1000], raters);
            LevelHistogram expected = Engine.scalar().levels(m);
            LevelHistogram zeros = LevelHistogram.zeros(1000, raters);
            assertEquals(expected.size(), zeros.size());
            assertEquals(expected.voxels(), zeros.voxels());
            assertEquals(expected.count(0), zeros.count(0));
            assertEquals(expected.lo(0), zeros.lo(0));
            assertEquals(expected.hi(0), zeros.hi(0));
            assertEquals(expected.mass(0), zeros.mass(0));
            assertEquals(expected.refinable(0), zeros.refinable(0));
        }
    }

    @Test
    void refinedToExactLevelsIsTheDirectHistogram() {
        Random rnd = new Random(3);
        for (Engine engine : new Engine[] {Engine.scalar(), Engine.parallel(2)}) {
            for (int trial = 0; trial < 6; trial++) {
                float[] f = new float[1 + rnd.nextInt(5000)];
                double[] d = new double[f.length];
                for (int i = 0; i < f.length; i++) {
                    f[i] = rnd.nextBoolean() ? POOL[rnd.nextInt(POOL.length)] : rnd.nextFloat();
                    d[i] = rnd.nextBoolean() ? f[i] : rnd.nextDouble();
                }
                check(engine, Marginal.ofFloats(f), IntStream.range(0, f.length).mapToDouble(i -> f[i]).toArray());
                check(engine, Marginal.ofDoubles(d), d);
            }
        }
    }

    @Test
    void parallelPassesRefineAsTheScalarOne() {
        Random rnd = new Random(9);
        float[] f = new float[1 << 18]; // large enough to be split over threads
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) Math.pow(rnd.nextFloat(), 4);
        }
        Marginal m = Marginal.ofFloats(f);
        LevelHistogram scalar = Engine.scalar().levels(m);
        LevelHistogram parallel = Engine.parallel(2).levels(m);
        int[] some = IntStream.range(0, scalar.size()).filter(i -> !scalar.exact(i)).limit(20).toArray();
        assertEquals(20, some.length);
        assertSame(Engine.scalar().refine(m, scalar, some), Engine.parallel(2).refine(m, parallel, some));
    }

    private static void assertSame(LevelHistogram a, LevelHistogram b) {
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.count(i), b.count(i), "level " + i);
            assertEquals(a.lo(i), b.lo(i), "level " + i);
            assertEquals(a.hi(i), b.hi(i), "level " + i);
            assertEquals(a.mass(i), b.mass(i), "level " + i);
        }
    }

    @Test
    void votesAreExactAndNotRefinable() {
        LevelHistogram h = Engine.scalar().levels(Marginal.ofVotes(new byte[] {0, 3, 3, 1}, 3));
        assertEquals(3, h.size());
        assertEquals(Fraction.ONE, h.lo(0));
        assertEquals(Fraction.of(2, 1), h.mass(0));
        assertTrue(IntStream.range(0, h.size()).allMatch(i -> h.exact(i) && !h.refinable(i)));
        assertThrows(IllegalArgumentException.class,
                () -> Engine.scalar().refine(Marginal.ofVotes(new byte[] {0, 3, 3, 1}, 3), h, 0));
    }

    @Test
    void mergedHistogramsOfTwoHalvesHoldWhatTheWholeHolds() {
        Random rnd = new Random(5);
        float[] whole = new float[3000];
        for (int i = 0; i < whole.length; i++) {
            whole[i] = rnd.nextInt(3) == 0 ? POOL[rnd.nextInt(POOL.length)] : rnd.nextFloat();
        }
        Engine e = Engine.scalar();
        LevelHistogram all = e.levels(Marginal.ofFloats(whole));
        LevelHistogram merged = e.levels(Marginal.ofFloats(Arrays.copyOfRange(whole, 0, 1234)))
                .merge(e.levels(Marginal.ofFloats(Arrays.copyOfRange(whole, 1234, whole.length))));
        assertEquals(all.size(), merged.size());
        for (int i = 0; i < all.size(); i++) {
            assertEquals(all.count(i), merged.count(i), "level " + i);
            assertEquals(all.mass(i), merged.mass(i), "level " + i);
            assertTrue(all.lo(i).compareTo(merged.lo(i)) <= 0 && merged.hi(i).compareTo(all.hi(i)) <= 0, "level " + i);
        }
        byte[] votes = new byte[100];
        for (int i = 0; i < votes.length; i++) {
            votes[i] = (byte) rnd.nextInt(6);
        }
        LevelHistogram v = e.levels(Marginal.ofVotes(votes, 5));
        LevelHistogram vm = e.levels(Marginal.ofVotes(Arrays.copyOfRange(votes, 0, 40), 5))
                .merge(e.levels(Marginal.ofVotes(Arrays.copyOfRange(votes, 40, 100), 5)));
        assertEquals(v.size(), vm.size());
        for (int i = 0; i < v.size(); i++) {
            assertEquals(v.count(i), vm.count(i));
            assertEquals(v.lo(i), vm.lo(i));
            assertEquals(v.mass(i), vm.mass(i));
        }
        assertThrows(IllegalArgumentException.class, () -> v.merge(all));
    }

    /** Refines every level that is not exact until none is left; compares with the values counted directly. */
    private static void check(Engine engine, Marginal m, double[] values) {
        LevelHistogram h = engine.levels(m);
        for (int round = 0; round < 4; round++) {
            LevelHistogram current = h;
            int[] open = IntStream.range(0, h.size()).filter(i -> !current.exact(i)).toArray();
            if (open.length == 0) {
                break;
            }
            h = engine.refine(m, h, open);
        }
        TreeMap<Double, long[]> direct = new TreeMap<>();
        for (double v : values) {
            direct.computeIfAbsent(v, k -> new long[1])[0]++;
        }
        assertEquals(direct.size(), h.size());
        int i = 0;
        for (Map.Entry<Double, long[]> e : direct.descendingMap().entrySet()) {
            assertTrue(h.exact(i), "level " + i);
            Fraction value = Fraction.of(e.getKey());
            assertEquals(value, h.lo(i));
            assertEquals(e.getValue()[0], h.count(i));
            assertEquals(Fraction.of(value.numerator().multiply(java.math.BigInteger.valueOf(e.getValue()[0])),
                    value.denominator()), h.mass(i));
            i++;
        }
    }
}
