package org.segopt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.quicktheories.core.DetatchedRandomnessSource;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.impl.Constraint;

/**
 * The sizes the properties draw: every draw of the underlying value, in order, gives sizes in
 * order (what lets shrinking shrink a size), and the probabilities are the documented ones.
 */
class SizeDistributionTest {
    /** Evenly spaced draws over [0, 2^40): each stands for 2^-20 of the probability. */
    private static final int POINTS = 1 << 20;

    @Test
    void sizesGrowWithTheDrawFromMinToMax() {
        for (int[] range : new int[][] {{1, 1}, {1, 2}, {1, 12}, {0, 100}, {1, 150_000}, {1, 400_000}}) {
            int[] sizes = sweep(SizeDistribution.between(range[0], range[1]).gen());
            assertEquals(range[0], sizes[0]);
            assertEquals(range[1], sizes[POINTS]);
            for (int i = 1; i <= POINTS; i++) {
                assertTrue(sizes[i - 1] <= sizes[i], "draw " + i + " of [" + range[0] + ", " + range[1] + "]");
            }
        }
    }

    @Test
    void edgesTakeAFifthAndEachBandAnEqualShareOfTheRest() {
        int[] sizes = sweep(SizeDistribution.between(1, 150_000).gen());
        // ten bands: [1, 8], [9, 23], ..., [16 668, 50 000], [50 001, 150 000]; edges 1, 2, 3 and 150 000
        assertProbability(0.05 + 0.08 / 8, sizes, 1, 1);
        assertProbability(3 * 0.05 + 0.08, sizes, 1, 8);
        assertProbability(0.08, sizes, 9, 23);
        assertProbability(0.08, sizes, 16_668, 50_000);
        assertProbability(0.08, sizes, 50_001, 149_999);
        assertProbability(0.05, sizes, 150_000, 150_000);
    }

    @Test
    void weightsMixRangesAndEdgesShareAFifth() {
        int[] sizes = sweep(new SizeDistribution().banded(1, 16, 4).banded(1, 300, 3).banded(1, 2000, 2)
                .withEdges(1, 2, 3, 16, 300, 2000, 2000).gen());
        // ranges: 0.8 · (4, 3, 2) / 9; edges: 0.2 / 6 each (2000 listed twice counts once).
        // [1, 300]: bands [1, 12], [13, 34], [35, 100], [101, 300];
        // [1, 2000]: bands [1, 9], [10, 25], [26, 75], [76, 223], [224, 667], [668, 2000]
        double upTo16Of300 = 0.25 + 0.25 * 4 / 22;
        double upTo16Of2000 = 1.0 / 6 * (1 + 7.0 / 16);
        assertProbability(0.8 * (4.0 / 9 + 3.0 / 9 * upTo16Of300 + 2.0 / 9 * upTo16Of2000) + 0.2 * 4 / 6, sizes, 1, 16);
        assertProbability(0.8 * (3.0 / 9 / 4 / 200 + 2.0 / 9 / 6 / 444) + 0.2 / 6, sizes, 300, 300);
        assertProbability(0.8 * 2.0 / 9 / 6 / 1333 + 0.2 / 6, sizes, 2000, 2000);
        assertEquals(1, sizes[0]);
        assertEquals(2000, sizes[POINTS]);
    }

    /** The size at each of POINTS + 1 evenly spaced draws, the last being the largest draw. */
    private static int[] sweep(Gen<Integer> gen) {
        int[] sizes = new int[POINTS + 1];
        for (int i = 0; i <= POINTS; i++) {
            long draw = i == POINTS ? (1L << 40) - 1 : (long) i << 20;
            sizes[i] = gen.generate(new FixedDraw(draw));
        }
        return sizes;
    }

    private static void assertProbability(double expected, int[] sizes, int lo, int hi) {
        int hits = 0;
        for (int i = 0; i < POINTS; i++) {
            hits += sizes[i] >= lo && sizes[i] <= hi ? 1 : 0;
        }
        assertEquals(expected, hits / (double) POINTS, 1e-5, "P(" + lo + " ≤ n ≤ " + hi + ")");
    }

    /** A source whose one value is {@code draw}. */
    private record FixedDraw(long draw) implements RandomnessSource {
        @Override
        public long next(Constraint constraint) {
            assertTrue(constraint.allowed(draw));
            return draw;
        }

        @Override
        public DetatchedRandomnessSource detach() {
            throw new UnsupportedOperationException("a size takes one draw");
        }

        @Override
        public void registerFailedAssumption() {
            throw new UnsupportedOperationException("a size assumes nothing");
        }
    }
}
