package org.segopt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.segopt.Analysis;
import org.segopt.BitMask;
import org.segopt.InvalidMarginalException;
import org.segopt.Marginal;

/**
 * The first pass refines the float32 bins the previous call needed (see {@link Histogrammer}).
 * Whatever the previous call was (the same marginal, a slightly different one, another encoding,
 * an invalid one), results equal the scalar engine's; and on a repeated call the guess saves the
 * refinement pass.
 */
class GuessingProperties {

    @Test
    void anySequenceOfCallsEqualsScalar() {
        Theories.check(25, Theories.sizes(1, 150_000), Theories.seeds(),
                GuessingProperties::anySequenceOfCallsEqualsScalar);
    }

    private static void anySequenceOfCallsEqualsScalar(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = fuzzy(n, r);
        float[] nudged = nudge(a, r);
        float[] other = fuzzy(1 + r.nextInt(n), r);
        float[] invalid = a.clone();
        invalid[r.nextInt(n)] = Float.NaN;
        Marginal bad = Marginal.ofFloats(invalid);
        List<Marginal> calls = List.of(Marginal.ofFloats(a), Marginal.ofFloats(a), Marginal.ofFloats(nudged),
                Marginal.ofFloats(a), Marginal.ofFloats(other), bad, Marginal.ofFloats(a),
                Marginal.ofVotes(new byte[] {0, 1, 2, 3}, 3), Marginal.ofFloats(a), Marginal.ofDoubles(toDoubles(a)),
                Marginal.ofFloats(nudged));
        List<Engine> engines = new ArrayList<>(List.of(Engine.simd(), Engine.parallel(2), Engine.parallel(3)));
        engines.add(Engine.of(new TwoPassBackend(new Passes(new PanamaKernels(), 2))));
        ThresholdCalibrator calibrator = new ThresholdCalibrator();
        for (Marginal m : calls) {
            if (m == bad) {
                InvalidMarginalException expected = assertThrows(InvalidMarginalException.class, () -> Engine.scalar().analyze(m));
                for (Engine e : engines) {
                    assertEquals(expected.getMessage(), assertThrows(InvalidMarginalException.class, () -> e.analyze(m)).getMessage());
                }
                assertThrows(InvalidMarginalException.class, () -> calibrator.calibrate(m));
                continue;
            }
            Analysis expected = Engine.scalar().analyze(m);
            for (Engine e : engines) {
                assertEquals(expected, e.analyze(m), e.backend() + " x" + e.threads());
            }
            Calibration c = calibrator.calibrate(m);
            assertEquals(expected.dice().greatestVolume(), c.diceGreatestVolume());
            assertEquals(expected.dice().leastVolume(), c.diceLeastVolume());
            assertEquals(expected.accuracy().greatestVolume(), c.accuracyGreatestVolume());
            assertEquals(expected.accuracy().leastVolume(), c.accuracyLeastVolume());
        }
    }

    @Test
    void aRepeatedCallSavesTheRefinementPass() {
        Marginal m = Marginal.ofFloats(fuzzy(300_000, new SplittableRandom(7)));
        for (int threads : new int[] {1, 2}) {
            CountingBackend passes = new CountingBackend(new Passes(new PanamaKernels(), threads));
            Engine engine = Engine.of(passes);
            Analysis first = engine.analyze(m);
            assertEquals(1, passes.plainFirstPasses);
            assertEquals(1, passes.refinementPasses, "the fuzzy volume needs refinement");
            assertEquals(first, engine.analyze(m));
            assertEquals(1, passes.guessingFirstPasses);
            assertEquals(1, passes.refinementPasses, "the guess covered every bin the call needed");
            assertEquals(Engine.scalar().analyze(m), first);
            // forgetGuesses makes the next call a first call again (jmh's "first call" rows).
            engine.forgetGuesses();
            assertEquals(first, engine.analyze(m));
            assertEquals(2, passes.plainFirstPasses);
            assertEquals(2, passes.refinementPasses);
        }
    }

    @Test
    void theDefaultTwoPassCountAndRefineEqualsTheOnePassOne() {
        Theories.check(10, Theories.sizes(1, 100_000), Theories.seeds(),
                GuessingProperties::theDefaultTwoPassCountAndRefineEqualsTheOnePassOne);
    }

    private static void theDefaultTwoPassCountAndRefineEqualsTheOnePassOne(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Marginal m = Marginal.ofFloats(fuzzy(n, r));
        int k = 1 + r.nextInt(4);
        int[] shifts = new int[k];
        long[] prefixes = new long[k];
        for (int j = 0; j < k; j++) {
            shifts[j] = 16;
            prefixes[j] = 0x3E00 + j * 0x40 + r.nextInt(0x40); // distinct bins in [0.125, 1)
        }
        PassBackend onePass = new Passes(new PanamaKernels(), 2);
        long[][] expected = countAndRefine(onePass, m, shifts, prefixes, k);
        long[][] actual = countAndRefine(new TwoPassBackend(onePass), m, shifts, prefixes, k);
        for (int t = 0; t < expected.length; t++) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(expected[t], actual[t], "table " + t);
        }
    }

    /**
     * Mass near 1 puts the Theorem 4 cut into the float32 bin just below 1, which the kernels
     * otherwise count with vector masks: refined by a pass, and by the next call's first pass.
     */
    @Test
    void theBinJustBelowOneIsRefinedLikeAnyOther() {
        Theories.check(10, Theories.sizes(1, 60_000), Theories.seeds(),
                GuessingProperties::theBinJustBelowOneIsRefinedLikeAnyOther);
    }

    private static void theBinJustBelowOneIsRefinedLikeAnyOther(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            int kind = r.nextInt(10);
            v[i] = kind < 2 ? 0f : kind < 3 ? 1f : 1f - (float) (r.nextDouble() * 0.0039);
        }
        Marginal m = Marginal.ofFloats(v);
        Analysis expected = Engine.scalar().analyze(m);
        for (Engine e : List.of(Engine.simd(), Engine.parallel(2))) {
            assertEquals(expected, e.analyze(m), e.backend() + " x" + e.threads());
            assertEquals(expected, e.analyze(m), e.backend() + " x" + e.threads() + ", repeated");
        }
    }

    @Test
    void aRefinementThatLosesAVoxelIsAnErrorNotAWrongAnswer() {
        Marginal m = Marginal.ofFloats(fuzzy(50_000, new SplittableRandom(3)));
        Engine broken = Engine.of(new TwoPassBackend(new Passes(new PanamaKernels(), 1)) {
            @Override
            public void refineFloats(Marginal m, Refinement r, BlockRanges ranges) {
                super.refineFloats(m, r, ranges);
                long[] counts = r.counts();
                for (int i = 0; i < counts.length; i++) {
                    if (counts[i] > 0) {
                        counts[i]--;
                        return;
                    }
                }
            }
        });
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> broken.analyze(m));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("the pass backend is broken"), e.getMessage());
    }

    /**
     * The three top-level tables, then the refinement counts, sums and occupancy, from one
     * countFloats with the bins as guesses.
     */
    private static long[][] countAndRefine(PassBackend b, Marginal m, int[] shifts, long[] prefixes, int k) {
        FloatHistogram top = new FloatHistogram();
        Refinement r = new Refinement();
        for (int j = 0; j < k; j++) {
            r.addBin(shifts[j], prefixes[j]);
        }
        assertEquals(-1, b.countFloats(m, top, r));
        int entries = k * PassBackend.DIGITS;
        return new long[][] {top.counts(), top.sumHigh(), top.sumLow(), java.util.Arrays.copyOf(r.counts(), entries),
            java.util.Arrays.copyOf(r.sumHigh(), entries), java.util.Arrays.copyOf(r.sumLow(), entries),
            java.util.Arrays.copyOf(r.occupied(), entries / 64)};
    }

    /** Background, a fuzzy rising shell, interior, a falling shell; offsets and widths vary per object. */
    static float[] fuzzy(int n, SplittableRandom r) {
        float[] v = new float[n];
        int i = 0;
        while (i < n) {
            i += r.nextInt(2500); // background 0
            double offset = r.nextDouble();
            double scale = 0.5 + r.nextDouble();
            for (int d = -8; d <= 12 && i < n; d++) {
                v[i++] = (float) (1 / (1 + Math.exp(-(d + offset) / scale)));
            }
            for (int end = Math.min(n, i + r.nextInt(2500)); i < end; ) {
                v[i++] = 1f;
            }
            for (int d = 12; d >= -8 && i < n; d--) {
                v[i++] = (float) (1 / (1 + Math.exp(-(d + offset) / scale)));
            }
        }
        return v;
    }

    /** A copy with a tenth of the fractional values moved by one ulp: some refined bins change, most do not. */
    private static float[] nudge(float[] a, SplittableRandom r) {
        float[] b = a.clone();
        for (int i = 0; i < b.length; i++) {
            if (b[i] > 0 && b[i] < 1 && r.nextInt(10) == 0) {
                b[i] = r.nextBoolean() ? Math.nextUp(b[i]) : Math.nextDown(b[i]);
            }
        }
        return b;
    }

    private static double[] toDoubles(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    /**
     * A backend that does not refine while counting: the engine does not guess with it (and two
     * passes serve a caller that asks).
     */
    static class TwoPassBackend extends DelegatingBackend {
        TwoPassBackend(PassBackend inner) {
            super(inner);
        }

        @Override
        public String name() {
            return "two-pass " + inner.name();
        }

        @Override
        public boolean refinesWhileCounting() {
            return false;
        }

        /** The top-level pass, then (for a caller that asks) a second pass for the guesses. */
        @Override
        public long countFloats(Marginal m, FloatHistogram top, Refinement guesses) {
            long bad = inner.countFloats(m, top, null);
            if (bad < 0 && guesses != null && guesses.bins() > 0) {
                inner.refineFloats(m, guesses, top.ranges());
            }
            return bad;
        }

        @Override
        public boolean summarizes() {
            return false;
        }
    }

    /** Counts the passes of each kind. */
    private static final class CountingBackend extends TwoPassBackend {
        int plainFirstPasses;
        int guessingFirstPasses;
        int refinementPasses;

        CountingBackend(PassBackend inner) {
            super(inner);
        }

        @Override
        public boolean refinesWhileCounting() {
            return inner.refinesWhileCounting();
        }

        @Override
        public long countFloats(Marginal m, FloatHistogram top, Refinement guesses) {
            if (guesses != null && guesses.bins() > 0) {
                guessingFirstPasses++;
                return inner.countFloats(m, top, guesses);
            }
            plainFirstPasses++;
            return super.countFloats(m, top, guesses);
        }

        @Override
        public void refineFloats(Marginal m, Refinement r, BlockRanges ranges) {
            refinementPasses++;
            super.refineFloats(m, r, ranges);
        }
    }
}
