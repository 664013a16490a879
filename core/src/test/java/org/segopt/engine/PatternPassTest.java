package org.segopt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.segopt.Analysis;
import org.segopt.Marginal;

/**
 * The float16 pattern pass of a first call ({@link PatternCounts}): the vector kernel on one and
 * three threads counts what the scalar reference counts, up to which voxels below
 * {@link PatternCounts#LUMPED_BELOW} it lumps; a first call takes that one pass and nothing else
 * when its decisions lie above the lump, and falls back to the exact histogram, with the same
 * results, when τ* or the Theorem 4 cut lies inside it. Every case is drawn from a seed printed
 * in its name.
 */
class PatternPassTest {
    private static final Engine HISTOGRAMS = SummaryPassTest.HISTOGRAMS;
    private static final int ONE = (int) FloatFormat.F16.maxKey;
    private static final int LUMP = PatternCounts.LUMPED_BELOW;

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.segopt.engine.HalfSummaryTest#seeds")
    void vectorAndParallelCountsEqualTheScalarOnes(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = r.nextInt(4) == 0 ? r.nextInt(200) : 1 + r.nextInt(600_000);
        boolean dense = r.nextInt(3) == 0; // few lumpable groups: ranges of 2^18 take the plain loop
        short[] patterns = dense ? denseGroups(r, n) : mixedGroups(r, n);
        Marginal m = marginal(patterns, r.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        PatternCounts scalar = count(new Passes(new ScalarKernels(), 1), m);
        assertEquals(0, scalar.lumpedVoxels(), "the reference lumps nothing");
        for (PassBackend b : new PassBackend[] {new Passes(new PanamaKernels(), 1), new Passes(new PanamaKernels(), 3)}) {
            PatternCounts vector = count(b, m);
            assertSameLevels(scalar, vector, b.threads() + " threads, seed " + seed);
            if (patterns.length >= 64 * 64 && !dense) {
                assertTrue(vector.lumpedVoxels() > 0, "whole groups of tiny keys are lumped, seed " + seed);
            }
        }
    }

    /** A first call on a soft output takes one pattern pass, no histogram and no sample, and equals the histogram engine. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.segopt.engine.HalfSummaryTest#seeds")
    void aFirstCallTakesOnePatternPass(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        short[] patterns = halves(SummaryPassTest.softValues(r, 70_000 + r.nextInt(200_000)));
        Marginal m = marginal(patterns, ByteOrder.nativeOrder());
        Analysis expected = HISTOGRAMS.analyze(m);
        SummaryPassTest.Counting passes = new SummaryPassTest.Counting(new Passes(new PanamaKernels(), 2));
        Engine e = Engine.of(passes);
        assertEquals(expected, e.analyze(m), "seed " + seed);
        boolean inside = insideLump(expected.dice().threshold(), patterns)
                || insideLump(expected.volumeConstrained().level(), patterns);
        assertEquals(1, passes.patterns, "seed " + seed);
        assertEquals(inside ? 1 : 0, passes.histograms, "seed " + seed);
        assertEquals(0, passes.summaries, "seed " + seed);
    }

    /**
     * Values all below 2^−13 put τ* inside the lump, and a volume near n puts the Theorem 4 cut
     * there: the call falls back to the exact histogram and gets its results.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.segopt.engine.HalfSummaryTest#seeds")
    void decisionsInsideTheLumpFallBackToTheHistogram(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        boolean tiny = r.nextBoolean();
        short[] patterns = tiny ? tinyPatterns(r, 5_000 + r.nextInt(100_000))
                : halves(SummaryPassTest.softValues(r, 5_000 + r.nextInt(100_000)));
        Marginal m = marginal(patterns, r.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        long volume = tiny ? -1 : m.voxels() - r.nextInt(100);
        Analysis expected = volume < 0 ? HISTOGRAMS.analyze(m) : HISTOGRAMS.analyze(m, volume);
        SummaryPassTest.Counting passes = new SummaryPassTest.Counting(new Passes(new PanamaKernels(), 2));
        Engine e = Engine.of(passes);
        assertEquals(expected, volume < 0 ? e.analyze(m) : e.analyze(m, volume), "seed " + seed);
        boolean inside = insideLump(expected.dice().threshold(), patterns)
                || insideLump(expected.volumeConstrained().level(), patterns);
        assertTrue(!tiny || inside, "τ* lies inside the lump, seed " + seed);
        assertEquals(1, passes.patterns, "seed " + seed);
        assertEquals(inside ? 1 : 0, passes.histograms, "a decision inside the lump, seed " + seed);
        if (inside && volume < 0) { // after a miss, the summary around the histogram's τ* and cut
            assertEquals(expected, e.analyze(m), "seed " + seed);
            assertEquals(1, passes.patterns, "seed " + seed);
            assertEquals(1, passes.summaries, "seed " + seed);
            assertEquals(1, passes.histograms, "seed " + seed);
        }
        ThresholdCalibrator calibrator = new ThresholdCalibrator();
        for (int call = 0; call < 2; call++) {
            Calibration c = calibrator.calibrate(m);
            assertEquals(HISTOGRAMS.analyze(m).dice().greatestVolume(), c.diceGreatestVolume(), "calibrator, seed " + seed);
            assertEquals(HISTOGRAMS.analyze(m).dice().leastVolume(), c.diceLeastVolume(), "calibrator, seed " + seed);
        }
    }

    /** A first call reports the first invalid voxel, wherever the pattern pass counted it. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.segopt.engine.HalfSummaryTest#seeds")
    void aFirstCallReportsTheFirstInvalidVoxel(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        short[] patterns = mixedValid(r, 1 + r.nextInt(100_000));
        int bad = HalfSummaryTest.plantInvalid(r, patterns);
        Marginal m = marginal(patterns, ByteOrder.nativeOrder());
        Engine e = Engine.parallel(2);
        e.forgetGuesses();
        assertEquals(bad, assertThrows(org.segopt.InvalidMarginalException.class, () -> e.analyze(m)).voxel(), "seed " + seed);
        ThresholdCalibrator calibrator = new ThresholdCalibrator();
        assertEquals(bad, assertThrows(org.segopt.InvalidMarginalException.class, () -> calibrator.calibrate(m)).voxel(),
                "calibrator, seed " + seed);
    }

    /** Inputs of 1 to 300 voxels of any valid pattern, few per block: every engine equals the histogram engine. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.segopt.engine.HalfSummaryTest#seeds")
    void smallInputsEqualTheHistogramEngine(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int round = 0; round < 50; round++) {
            short[] patterns = new short[1 + r.nextInt(300)];
            int lowest = r.nextBoolean() ? 0 : r.nextInt(ONE);
            for (int i = 0; i < patterns.length; i++) {
                patterns[i] = (short) (lowest + r.nextInt(ONE - lowest + 1));
            }
            Marginal m = marginal(patterns, r.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
            Analysis expected = HISTOGRAMS.analyze(m);
            for (Engine e : new Engine[] {Engine.scalar(), Engine.simd(), Engine.parallel(2)}) {
                e.forgetGuesses();
                assertEquals(expected, e.analyze(m), e.backend() + ", seed " + seed + " round " + round);
            }
        }
    }

    /** −0.0 counts at 0: the marginal with −0.0 analyses as the one with +0.0. */
    @Test
    void negativeZeroCountsAtZero() {
        SplittableRandom r = new SplittableRandom(11);
        short[] patterns = halves(SummaryPassTest.softValues(r, 100_000));
        short[] positive = patterns.clone();
        for (int k = 0; k < 3000; k++) {
            int i = r.nextInt(patterns.length);
            patterns[i] = (short) KeyReader.HALF_NEGATIVE_ZERO;
            positive[i] = 0;
        }
        Engine e = Engine.parallel(2);
        e.forgetGuesses();
        Analysis withNegative = e.analyze(marginal(patterns, ByteOrder.nativeOrder()));
        assertEquals(HISTOGRAMS.analyze(marginal(positive, ByteOrder.nativeOrder())), withNegative);
    }

    /** A backend that keeps {@link PassBackend#countPatterns}'s default (no lump) gives the same analyses. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.segopt.engine.HalfSummaryTest#seeds")
    void theDefaultPatternPassLumpsNothingAndAgrees(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Marginal m = marginal(mixedValid(r, 1 + r.nextInt(100_000)), r.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        PassBackend backend = new DelegatingBackend(new Passes(new PanamaKernels(), 2)); // it keeps the default
        PatternCounts counts = count(backend, m);
        assertEquals(0, counts.lumpedVoxels(), "seed " + seed);
        assertSameLevels(count(new Passes(new ScalarKernels(), 1), m), counts, "seed " + seed);
        assertEquals(HISTOGRAMS.analyze(m), Engine.of(backend).analyze(m), "seed " + seed);
    }

    /** A backend whose counts miss a voxel is reported as broken, not analysed. */
    @Test
    void countsThatMissVoxelsAreRejected() {
        Marginal m = marginal(halves(SummaryPassTest.softValues(new SplittableRandom(2), 10_000)), ByteOrder.nativeOrder());
        PassBackend broken = new DelegatingBackend(new Passes(new PanamaKernels(), 1)) {
            @Override
            public void countPatterns(Marginal marginal, PatternCounts counts) {
                inner.countPatterns(marginal, counts);
                counts.lump(-1, 0);
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Engine.of(broken).analyze(m));
        assertTrue(e.getMessage().contains("pass backend is broken"), e.getMessage());
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** Counts of {@code b}'s pattern pass over m. */
    private static PatternCounts count(PassBackend b, Marginal m) {
        PatternCounts counts = new PatternCounts();
        b.countPatterns(m, counts);
        return counts;
    }

    /** The same count at every pattern from the lump on, and the same voxels and pattern sum below it. */
    private static void assertSameLevels(PatternCounts expected, PatternCounts actual, String message) {
        for (int p = LUMP; p < PatternCounts.PATTERNS; p++) {
            assertEquals(expected.count(p), actual.count(p), "pattern " + p + ", " + message);
        }
        long[] e = below(expected);
        long[] a = below(actual);
        assertEquals(e[0], a[0], "voxels below the lump, " + message);
        assertEquals(e[1], a[1], "patterns below the lump, " + message);
    }

    /** Voxels below the lump and the sum of their patterns, lumped or counted. */
    private static long[] below(PatternCounts c) {
        long voxels = c.lumpedVoxels();
        long sum = c.lumpedPatterns();
        for (int p = 0; p < LUMP; p++) {
            voxels += c.count(p);
            sum += c.count(p) * p;
        }
        return new long[] {voxels, sum};
    }

    /**
     * Groups of 64 of every kind, in random order: tiny keys only, zeros, runs of 1.0, tiny keys
     * with one key of 2^11 (just past the lump), −0.0 among tiny keys, soft values, and any
     * 16-bit pattern (invalid ones too, which the pass counts as they are).
     */
    private static short[] mixedGroups(SplittableRandom r, int n) {
        short[] p = new short[n];
        double[] soft = SummaryPassTest.softValues(r, 64);
        for (int g = 0; g < n; g += 64) {
            int kind = r.nextInt(7);
            for (int i = g; i < Math.min(n, g + 64); i++) {
                p[i] = (short) switch (kind) {
                    case 0 -> r.nextInt(LUMP);
                    case 1 -> 0;
                    case 2 -> ONE;
                    case 3 -> i == g + r.nextInt(64) ? LUMP : r.nextInt(LUMP);
                    case 4 -> r.nextInt(10) == 0 ? KeyReader.HALF_NEGATIVE_ZERO : r.nextInt(LUMP);
                    case 5 -> Float.floatToFloat16((float) soft[i - g]);
                    default -> r.nextInt(1 << 16);
                };
            }
        }
        return p;
    }

    /** {@link #mixedGroups} with every invalid pattern replaced by a valid one (−0.0 stays). */
    private static short[] mixedValid(SplittableRandom r, int n) {
        short[] patterns = mixedGroups(r, n);
        for (int i = 0; i < patterns.length; i++) {
            if (Short.toUnsignedInt(patterns[i]) > ONE && patterns[i] != (short) KeyReader.HALF_NEGATIVE_ZERO) {
                patterns[i] = (short) r.nextInt(ONE + 1);
            }
        }
        return patterns;
    }

    /** Keys from the lump to 1.0, with one group in 40 lumpable and an invalid pattern now and then. */
    private static short[] denseGroups(SplittableRandom r, int n) {
        short[] p = new short[n];
        for (int g = 0; g < n; g += 64) {
            boolean lumpable = r.nextInt(40) == 0;
            for (int i = g; i < Math.min(n, g + 64); i++) {
                p[i] = (short) (lumpable ? r.nextInt(LUMP) : r.nextInt(1000) == 0 ? r.nextInt(1 << 16) : LUMP + r.nextInt(ONE - LUMP + 1));
            }
        }
        return p;
    }

    /** Values below 2^−13 only (keys below the lump), some zeros. */
    private static short[] tinyPatterns(SplittableRandom r, int n) {
        short[] p = new short[n];
        for (int i = 0; i < n; i++) {
            p[i] = (short) (r.nextInt(5) == 0 ? 0 : r.nextInt(LUMP));
        }
        return p;
    }

    /** Whether a decision at {@code level} falls inside a lump of m that holds more than zeros: then the call falls back. */
    private static boolean insideLump(org.segopt.Fraction level, short[] patterns) {
        boolean nonZero = false;
        for (short p : patterns) {
            nonZero |= p != 0 && p != (short) KeyReader.HALF_NEGATIVE_ZERO && Short.toUnsignedInt(p) < LUMP;
        }
        return nonZero && level.doubleValue() < 0x1p-13;
    }

    private static short[] halves(double[] values) {
        return HalfSummaryTest.halves(values);
    }

    private static Marginal marginal(short[] patterns, ByteOrder order) {
        return HalfSummaryTest.marginal(patterns, order);
    }
}
