package org.segopt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigDecimal;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.segopt.Analysis;
import org.segopt.BitMask;
import org.segopt.InvalidMarginalException;
import org.segopt.Marginal;

/**
 * The summary pass and the engine's analysis from it: the kernels agree with the scalar
 * reference bit for bit, and analyses (including those where a bracket misses and the engine
 * falls back to histograms) equal the exact sort-based reference and the histogram-only engine.
 * Every case is drawn from a seed printed in its name.
 */
class SummaryPassTest {
    /** The engine's passes without a summary pass: analyses from histograms only, the oracle. */
    static final Engine HISTOGRAMS = Engine.of(new HistogramsOnly(new Passes(new ScalarKernels(), 1)));
    private static final Engine PARALLEL = Engine.parallel(2);

    static Stream<Long> seeds() {
        return LongStream.range(0, 60).boxed();
    }

    // ---- ExactSum -------------------------------------------------------------------------------

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void exactSumsEqualBigDecimalSumsInAnyOrder(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = 1 + r.nextInt(5000);
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = anyUnitDouble(r);
        }
        ExactSum forward = new ExactSum();
        BigDecimal exact = BigDecimal.ZERO;
        for (double v : values) {
            forward.add(v);
            exact = exact.add(new BigDecimal(v));
        }
        ExactSum backward = new ExactSum();
        for (int i = n - 1; i >= 0; i--) {
            backward.add(values[i]);
        }
        assertEquals(forward, backward, "seed " + seed);
        int unit = ExactSum.GRID_BITS * ExactSum.GRIDS;
        assertEquals(exact.multiply(new BigDecimal(java.math.BigInteger.ONE.shiftLeft(unit))).toBigIntegerExact(),
                forward.numerator(unit), "seed " + seed);
    }

    /** A level's mass added at once (n · significand · 2^exponent) equals its values added one by one. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void scaledSumsEqualRepeatedSums(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        FloatFormat[] formats = FloatFormat.values();
        ExactSum once = new ExactSum();
        ExactSum oneByOne = new ExactSum();
        for (int level = 0; level < 50; level++) {
            FloatFormat f = formats[r.nextInt(formats.length)];
            long key = 1 + r.nextLong(f.maxKey);
            long n = 1 + r.nextInt(r.nextBoolean() ? 3 : 3000);
            long significand = f.significand(key);
            if (significand > Integer.MAX_VALUE) {
                continue; // float64: one voxel at a time, as the table adds it
            }
            once.addScaled(n * significand, f.exponent(key));
            for (long q = 0; q < n; q++) {
                oneByOne.add(f.approximate(key));
            }
        }
        assertEquals(oneByOne, once, "seed " + seed);
        assertThrows(IllegalArgumentException.class, () -> once.addScaled(-1, -3));
        assertThrows(IllegalArgumentException.class, () -> once.addScaled(1, 1));
    }

    // ---- kernels ------------------------------------------------------------------------------

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void vectorAndParallelSummariesEqualTheScalarOne(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        boolean f64 = r.nextBoolean();
        ByteOrder order = r.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        double[] values = softValues(r, 1 + r.nextInt(300_000));
        LevelSummary request = randomRequest(r, f64);
        for (int c = 0; c < request.cutCount(); c++) { // voxels at the cuts, which count at and above them
            double v = (f64 ? FloatFormat.F64 : FloatFormat.F32).approximate(request.cut(c));
            for (int k = 0; k < 20 && v <= 1; k++) {
                values[r.nextInt(values.length)] = v;
            }
        }
        assertKernelsAgree(marginal(values, f64, order), request, seed);
    }

    /**
     * A float32 block whose values all reach 2^−79 takes two grids, any other three, and a block
     * runs again when it needs more than the previous one: runs of each kind of block, the others
     * holding values just below 2^−79 (whose last bit only the third grid holds), subnormals and
     * zeros, sum as the scalar kernel sums them.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void blocksOfTwoAndThreeGridsSumAsTheScalarKernel(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double least = 0x1p-79;
        double[] below = {Math.nextDown(0x1p-79f), Float.MIN_VALUE, 0x1.abcdefp-100, 0.0};
        double[] values = new double[1 + r.nextInt(100_000)];
        for (int i = 0; i < values.length; ) {
            boolean two = r.nextBoolean();
            double low = below[r.nextInt(below.length)]; // one kind per run, now and then
            int rarity = 1 + r.nextInt(1024);
            for (int k = 1 + r.nextInt(3 * PanamaSummary.BLOCK); k > 0 && i < values.length; k--, i++) {
                double v = Math.min(1, Math.scalb(1 + r.nextDouble(), -r.nextInt(80))); // [2^−79, 1]
                values[i] = two || r.nextInt(rarity) > 0 ? v : low;
            }
            if (two && r.nextBoolean()) {
                values[i - 1] = least; // the least value two grids take, last in its run
            }
        }
        ByteOrder order = r.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        assertKernelsAgree(marginal(values, false, order), randomRequest(r, false), seed);
    }

    /** The vector kernel, on one thread and on three, summarizes m as the scalar kernel does. */
    private static void assertKernelsAgree(Marginal m, LevelSummary request, long seed) {
        LevelSummary scalar = summarize(new Passes(new ScalarKernels(), 1), m, request);
        if (PanamaSummary.supported()) {
            assertSameSummary(scalar, summarize(new Passes(new PanamaKernels(), 1), m, request), "simd, seed " + seed);
        }
        assertSameSummary(scalar, summarize(new Passes(new PanamaKernels(), 3), m, request), "3 threads, seed " + seed);
    }

    /**
     * The vector kernels sum a cut's values exactly only from 2^−24 (float32; float64: 2^−28) on,
     * so a lower cut must reach the scalar kernel.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void cutsBelowTheVectorKernelsLeastAreSummedExactly(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        boolean f64 = r.nextBoolean();
        double[] values = softValues(r, 1 + r.nextInt(50_000));
        Marginal m = marginal(values, f64, ByteOrder.nativeOrder());
        double low = Math.scalb(1.0, (f64 ? -29 : -25) - r.nextInt(90));
        long key = f64 ? Double.doubleToRawLongBits(low) : Float.floatToRawIntBits((float) low);
        assertKernelsAgree(m, cuts(key, f64 ? Double.doubleToRawLongBits(0.5) : Float.floatToRawIntBits(0.5f)), seed);
    }

    /**
     * The float32 second loops' double lane sums at their limits: a cut at 2^−24 under values
     * just above it (odd significands, the finest multiples of 2^−47) and sub-parts of 1.0s (a
     * total of 2^6, the most 53 bits hold), in every sub-part alignment.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void float32CutSumsAtTheLeastCutAreExact(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] values = new double[20_000 + r.nextInt(5000)];
        for (int i = 0; i < values.length; i++) {
            values[i] = switch ((i / (1 + r.nextInt(200))) % 3) {
                case 0 -> 1.0;
                case 1 -> Float.intBitsToFloat(Float.floatToRawIntBits(0x1p-24f) + 1 + 2 * r.nextInt(1 << 22));
                default -> r.nextDouble() * 0x1p-23;
            };
        }
        LevelSummary request = cuts(Float.floatToRawIntBits(0x1p-24f), Float.floatToRawIntBits(0.5f),
                Float.floatToRawIntBits(1.0f));
        assertKernelsAgree(marginal(values, false, ByteOrder.nativeOrder()), request, seed);
    }

    /** A request of these cut keys (ascending) and no bracket. */
    private static LevelSummary cuts(long... keys) {
        LevelSummary request = new LevelSummary(Summarizer.CAPACITY);
        request.setCuts(keys, keys.length);
        return request;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyKernelReportsTheFirstInvalidVoxel(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        boolean f64 = r.nextBoolean();
        double[] values = softValues(r, 1 + r.nextInt(100_000));
        int bad = r.nextInt(values.length);
        // The smallest negative value and the next value above 1 of the element type.
        double tinyNegative = f64 ? -Double.MIN_VALUE : -Float.MIN_VALUE;
        double aboveOne = f64 ? Math.nextUp(1.0) : Math.nextUp(1.0f);
        double[] invalid = {Double.NaN, -0.25, 1.5, Double.POSITIVE_INFINITY, tinyNegative, aboveOne};
        values[bad] = invalid[r.nextInt(invalid.length)];
        if (r.nextBoolean() && bad + 1 < values.length) {
            values[bad + 1 + r.nextInt(values.length - bad - 1)] = -1; // a later one too
        }
        assertEveryKernelReports(bad, marginal(values, f64, ByteOrder.nativeOrder()), randomRequest(r, f64), seed);
    }

    /** The scalar and vector kernels (one and three threads) and the engine report voxel {@code bad} of m. */
    static void assertEveryKernelReports(int bad, Marginal m, LevelSummary request, long seed) {
        for (PassBackend b : new PassBackend[] {new Passes(new ScalarKernels(), 1), new Passes(new PanamaKernels(), 1),
                new Passes(new PanamaKernels(), 3)}) {
            LevelSummary s = new LevelSummary(Summarizer.CAPACITY);
            s.setRequest(request);
            assertEquals(bad, b.summarize(m, s), b.name() + ", seed " + seed);
        }
        InvalidMarginalException e = assertThrows(InvalidMarginalException.class, () -> PARALLEL.analyze(m));
        assertEquals(bad, e.voxel(), "seed " + seed);
    }

    // ---- analyses -----------------------------------------------------------------------------

    /**
     * Voxels planted within 10^−17 .. 10^−11 of τ* (relatively), so that the boundary after
     * them scores within a few units in the 14th digit of the best: the solver's double filter
     * (128 · 2^−53 wide) must order them right or hand them to the exact comparison.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void levelsPlantedNextToTauAreDecidedExactly(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] values = softValues(r, 200 + r.nextInt(8000));
        int copies = 1 + r.nextInt(40);
        int[] at = r.ints(copies, 0, values.length).toArray();
        double delta = Math.pow(10, -11 - 6 * r.nextDouble()) * (r.nextBoolean() ? 1 : -1);
        double tau = Double.NaN;
        for (int round = 0; round < 40; round++) { // τ* moves with the planted values (by a factor of about copies / M a round)
            double next = HISTOGRAMS.analyze(marginal(values, true, ByteOrder.nativeOrder())).dice().threshold().doubleValue();
            if (next == tau) {
                break;
            }
            tau = next;
            for (int i : at) {
                values[i] = Math.min(1, tau * (1 + delta));
            }
        }
        Marginal m = marginal(values, true, r.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        Analysis expected = ExactReference.ofDoubles(values).analysis();
        for (Engine e : new Engine[] {HISTOGRAMS, Engine.scalar(), Engine.simd(), PARALLEL}) {
            assertEquals(expected, e.analyze(m), e.backend() + ", seed " + seed + ", delta " + delta);
        }
        ThresholdCalibrator calibrator = new ThresholdCalibrator();
        Calibration c = calibrator.calibrate(m);
        assertEquals(expected.dice().greatestVolume(), c.diceGreatestVolume(), "calibrator, seed " + seed);
        assertEquals(expected.dice().leastVolume(), c.diceLeastVolume(), "calibrator, seed " + seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void analysesOfSoftMarginalsEqualTheExactReference(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] values = softValues(r, 1 + r.nextInt(r.nextBoolean() ? 2000 : 200_000));
        if (r.nextInt(3) == 0) {
            plantTies(r, values);
        }
        boolean f64 = r.nextBoolean();
        Marginal m = marginal(values, f64, r.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        Analysis expected = HISTOGRAMS.analyze(m);
        if (values.length <= 20_000) {
            ExactReference ref = f64 ? ExactReference.ofDoubles(values) : ExactReference.ofFloats(floats(values));
            assertEquals(ref.analysis(), expected, "oracle disagrees, seed " + seed);
        }
        Engine[] engines = {Engine.scalar(), Engine.simd(), PARALLEL};
        for (Engine e : engines) {
            e.forgetGuesses();
            assertEquals(expected, e.analyze(m), e.backend() + " first call, seed " + seed);
            assertEquals(expected, e.analyze(m), e.backend() + " repeated call, seed " + seed);
        }
        long volume = r.nextLong(values.length + 1);
        assertEquals(HISTOGRAMS.analyze(m, volume), PARALLEL.analyze(m, volume), "volume " + volume + ", seed " + seed);
        for (org.segopt.Segmentation which : org.segopt.Segmentation.values()) {
            Analysis a = PARALLEL.analyze(m);
            assertSameMask(HISTOGRAMS.segment(m, expected, which), PARALLEL.segment(m, a, which), m,
                    which + ", seed " + seed);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aGuessFromAnotherMarginalMissesAndFallsBackExactly(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Engine e = r.nextBoolean() ? Engine.simd() : PARALLEL;
        e.forgetGuesses();
        for (int call = 0; call < 4; call++) {
            double[] values = softValues(r, 1 + r.nextInt(100_000));
            if (call % 2 == 1) {
                for (int i = 0; i < values.length; i++) {
                    values[i] *= 0.25; // τ* moves far from the previous call's bracket
                }
            }
            Marginal m = marginal(values, r.nextBoolean(), ByteOrder.nativeOrder());
            assertEquals(HISTOGRAMS.analyze(m), e.analyze(m), "call " + call + ", seed " + seed);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void calibrationsEqualTheAnalysis(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        ThresholdCalibrator calibrator = new ThresholdCalibrator();
        for (int call = 0; call < 3; call++) {
            double[] values = softValues(r, 1 + r.nextInt(50_000));
            if (r.nextBoolean()) {
                plantTies(r, values);
            }
            float[] f = floats(values);
            Analysis a = HISTOGRAMS.analyze(Marginal.ofFloats(f));
            Calibration c = calibrator.calibrate(f);
            assertEquals(a.dice().greatestVolume(), c.diceGreatestVolume(), "seed " + seed);
            assertEquals(a.dice().leastVolume(), c.diceLeastVolume(), "seed " + seed);
            assertEquals(a.accuracy().greatestVolume(), c.accuracyGreatestVolume(), "seed " + seed);
            assertEquals(a.accuracy().leastVolume(), c.accuracyLeastVolume(), "seed " + seed);
            float smallestAbove = Float.POSITIVE_INFINITY;
            for (float v : f) {
                if (v > 0 && FloatFormat.F32.value(Float.floatToRawIntBits(v)).compareTo(a.dice().threshold()) >= 0) {
                    smallestAbove = Math.min(smallestAbove, v);
                }
            }
            assertEquals(smallestAbove, (float) c.cut(), "seed " + seed);
        }
    }

    @Test
    void oneSummaryPassDecidesSoftMarginals() {
        int fallbacks = 0;
        for (long seed = 0; seed < 20; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            Counting passes = new Counting(new Passes(new PanamaKernels(), 2));
            Engine e = Engine.of(passes);
            boolean f64 = r.nextBoolean();
            ByteOrder order = r.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN; // the sample copies either
            Marginal m = marginal(softValues(r, 200_000 + r.nextInt(100_000)), f64, order);
            Analysis first = e.analyze(m);
            assertEquals(1, passes.summaries, "seed " + seed);
            fallbacks += passes.histograms;
            assertEquals(HISTOGRAMS.analyze(m), first, "seed " + seed);
            passes.histograms = 0;
            assertEquals(first, e.analyze(m), "seed " + seed);
            assertEquals(2, passes.summaries, "seed " + seed);
            assertEquals(0, passes.histograms, "a repeated call brackets the previous call's values, seed " + seed);
        }
        assertTrue(fallbacks <= 2, fallbacks + " of 20 first calls fell back to histograms");
    }

    /**
     * A volume past the sample's cap (2^25 voxels: at most 8192 groups, each of more than 4096
     * voxels, one block jittered over the whole group) is still decided by one summary pass on a
     * first call, and exactly: the capped sample's brackets hold τ* and the Theorem 4 cut. Rows of
     * 512 voxels, some crossing an organ, as a slice of a network's output would.
     */
    @Test
    void aFirstCallPastTheSampleCapTakesOneSummaryPass() {
        int n = (1 << 25) + (1 << 23) + 17;
        float[] values = new float[n];
        SplittableRandom r = new SplittableRandom(25);
        for (int row = 0; row * 512 < n; row++) {
            int center = r.nextInt(512);
            int halfWidth = row % 5 == 0 ? 10 + r.nextInt(80) : -400;
            for (int x = 0; x < 512 && row * 512 + x < n; x++) {
                double logit = -(Math.abs(x - center) - halfWidth) / 3.0 + 2 * (r.nextDouble() - 0.5);
                values[row * 512 + x] = (float) (1 / (1 + Math.exp(-logit)));
            }
        }
        Marginal m = Marginal.ofFloats(values);
        Counting passes = new Counting(new Passes(new PanamaKernels(), 2));
        Analysis first = Engine.of(passes).analyze(m);
        assertEquals(1, passes.summaries);
        assertEquals(0, passes.histograms, "the capped sample's brackets missed");
        assertEquals(HISTOGRAMS.analyze(m), first);
    }

    /**
     * A first call's sample reads the same voxels whatever the layout: float32 and float64, in
     * either byte order (native memory is copied as bytes, the other order through its layout),
     * or a Java array give the same estimates, and τ*'s lies near the exact one. Rows of 512
     * voxels, as a slice of a network's output, so that a block read from the wrong place moves
     * the estimates.
     */
    @Test
    void theSampleReadsTheSameVoxelsInEveryLayout() {
        SplittableRandom r = new SplittableRandom(5);
        double[] values = new double[(1 << 21) + 77];
        for (int row = 0; row * 512 < values.length; row++) {
            int center = r.nextInt(512);
            int halfWidth = row % 3 == 0 ? 10 + r.nextInt(80) : -400;
            for (int x = 0; x < 512 && row * 512 + x < values.length; x++) {
                double logit = -(Math.abs(x - center) - halfWidth) / 3.0 + 2 * (r.nextDouble() - 0.5);
                values[row * 512 + x] = (float) (1 / (1 + Math.exp(-logit)));
            }
        }
        Summarizer summarizer = new Summarizer(new Passes(new PanamaKernels(), 2));
        double[] expected = summarizer.sampledEstimates(Marginal.ofFloats(floats(values)));
        for (boolean f64 : new boolean[] {false, true}) {
            for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
                assertArrayEquals(expected, summarizer.sampledEstimates(marginal(values, f64, order)),
                        (f64 ? "float64 " : "float32 ") + order);
            }
        }
        double tau = HISTOGRAMS.analyze(Marginal.ofFloats(floats(values))).dice().threshold().doubleValue();
        assertEquals(tau, expected[0], 0.02 * tau);
    }

    @Test
    void aBracketPastItsCapacityFallsBackToHistogramsExactly() {
        // 1.2 M distinct values packed around τ*: whatever bracket the sample plans holds more
        // than Summarizer.CAPACITY of them, so the summary overflows and histograms decide.
        SplittableRandom r = new SplittableRandom(11);
        int n = 1_200_000;
        double[] values = new double[n + 272_000]; // ones: enough for τ* ≈ 0.301, inside the band
        for (int i = 0; i < n; i++) {
            values[i] = 0.30 + 0.004 * r.nextDouble();
        }
        Arrays.fill(values, n, values.length, 1.0);
        Counting passes = new Counting(new Passes(new PanamaKernels(), 2));
        Marginal m = marginal(values, false, ByteOrder.nativeOrder());
        assertEquals(HISTOGRAMS.analyze(m), Engine.of(passes).analyze(m));
        assertEquals(1, passes.summaries);
        assertEquals(1, passes.histograms, "the overflowing summary fell back to one histogram pass");
    }

    @Test
    void requestsThatTheLoaderCannotUseAreRefused() {
        LevelSummary s = new LevelSummary(16);
        assertThrows(IllegalArgumentException.class, () -> s.setCuts(new long[] {5, 5}, 2));
        assertThrows(IllegalArgumentException.class, () -> s.setCuts(new long[] {0}, 1));
        assertThrows(IllegalArgumentException.class, () -> s.setBrackets(new long[] {4, 6}, new long[] {8, 9}, 2));
        assertThrows(IllegalArgumentException.class, () -> s.setBrackets(new long[] {4}, new long[] {4}, 1));
        s.setCuts(new long[] {10, 20}, 2);
        s.setBrackets(new long[] {5}, new long[] {15}, 1); // cut 10 inside, and no cut at 15
        Marginal m = Marginal.ofFloats(new float[] {0.5f});
        assertThrows(IllegalArgumentException.class, () -> new LevelTable().loadSummary(m, s));
    }

    @Test
    void aTieAtTauStarIsFreeInTheSummaryPath() {
        // a ones, 8a quarters, b × (one 1 and sixteen 1/8), zeros: τ* = 1/4 exactly, V^D = [#{m > ¼}, #{m ≥ ¼}].
        int a = 300;
        int b = 200;
        double[] values = new double[a + 8 * a + 17 * b + 50_000];
        int i = 0;
        for (int k = 0; k < a; k++) {
            values[i++] = 1;
        }
        for (int k = 0; k < 8 * a; k++) {
            values[i++] = 0.25;
        }
        for (int k = 0; k < b; k++) {
            values[i++] = 1;
            for (int q = 0; q < 16; q++) {
                values[i++] = 0.125;
            }
        }
        shuffle(new SplittableRandom(7), values);
        Marginal m = marginal(values, false, ByteOrder.nativeOrder());
        Analysis analysis = PARALLEL.analyze(m);
        assertEquals(org.segopt.Fraction.of(1, 4), analysis.dice().threshold());
        assertEquals(a + b, analysis.dice().leastVolume());
        assertEquals(9L * a + b, analysis.dice().greatestVolume());
        assertEquals(HISTOGRAMS.analyze(m), analysis);
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** A network-like marginal: sigmoid of noisy logits, every value fractional, many tiny. */
    static double[] softValues(SplittableRandom r, int n) {
        double scale = 1 + 4 * r.nextDouble();
        double noise = r.nextDouble() * 1.5;
        double inside = 0.01 + 0.2 * r.nextDouble();
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            double distance = r.nextDouble() < inside ? -30 * r.nextDouble() : 60 * r.nextDouble() * r.nextDouble() * 4;
            double logit = -distance / scale + noise * r.nextGaussian();
            values[i] = 1 / (1 + Math.exp(-logit));
        }
        int specials = r.nextInt(4);
        for (int k = 0; k < specials * 3 && n > 0; k++) {
            double[] special = {0.0, -0.0, 1.0, 0.5, Double.MIN_VALUE, Float.MIN_VALUE, 0x1p-120, 0x1p-28, 0x1p-1000,
                0x1p-24, 0x1.fffffep-25, 0x1.000002p-24};
            values[r.nextInt(n)] = special[r.nextInt(special.length)];
        }
        return values;
    }

    /** Copies some values onto many voxels: ties at whatever τ*, ½ or cut they land on. */
    static void plantTies(SplittableRandom r, double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        for (int k = 0; k < 3; k++) {
            double v = k == 0 ? 0.5 : sorted[sorted.length - 1 - r.nextInt(Math.max(1, sorted.length / 10))];
            int copies = 1 + r.nextInt(Math.max(1, values.length / 20));
            for (int c = 0; c < copies; c++) {
                values[r.nextInt(values.length)] = v;
            }
        }
    }

    private static double anyUnitDouble(SplittableRandom r) {
        return switch (r.nextInt(4)) {
            case 0 -> r.nextDouble();
            case 1 -> Math.scalb(1 + r.nextDouble(), -r.nextInt(1075));
            case 2 -> Double.longBitsToDouble(r.nextLong(0x3FF0_0000_0000_0001L));
            default -> Float.intBitsToFloat(r.nextInt(0x3F80_0001));
        };
    }

    private static void shuffle(SplittableRandom r, double[] values) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            double t = values[i];
            values[i] = values[j];
            values[j] = t;
        }
    }

    static float[] floats(double[] values) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return f;
    }

    /** The values as float32 or float64 in native memory of the given byte order (odd offset: unaligned). */
    static Marginal marginal(double[] values, boolean f64, ByteOrder order) {
        int size = f64 ? 8 : 4;
        MemorySegment s = Arena.ofAuto().allocate((long) values.length * size + size, 8).asSlice(size);
        for (int i = 0; i < values.length; i++) {
            if (f64) {
                s.setAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(order), i, values[i]);
            } else {
                s.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(order), i, (float) values[i]);
            }
        }
        return f64 ? Marginal.ofDoubles(s, order) : Marginal.ofFloats(s, order);
    }

    /**
     * Cuts and brackets at random keys of the data's range from 2^−28 on, a quarter of the time
     * with a cut at the vector kernels' least one (2^−24 for float32, 2^−28 for float64), below
     * which they leave the request to the scalar kernel, and a quarter of the time with two
     * adjacent cut keys.
     */
    private static LevelSummary randomRequest(SplittableRandom r, boolean f64) {
        FloatFormat f = f64 ? FloatFormat.F64 : FloatFormat.F32;
        long min = f64 ? Double.doubleToRawLongBits(0x1p-28) : Float.floatToRawIntBits(0x1p-28f);
        long least = f64 ? min : Float.floatToRawIntBits(0x1p-24f);
        long[] random = r.longs(3, min, f.maxKey + 2).toArray();
        if (r.nextInt(4) == 0) {
            random[0] = least;
        }
        long[] keys = java.util.stream.LongStream.of(random).sorted().distinct().toArray();
        if (keys.length == 3 && r.nextInt(3) == 0) { // a pair like ½ and the key just above it
            keys[2] = keys[1] + 1;
        }
        LevelSummary s = new LevelSummary(Summarizer.CAPACITY);
        s.setCuts(keys, keys.length);
        long lo = r.nextLong(0, keys[0]);
        s.setBrackets(new long[] {lo}, new long[] {keys[0]}, 1);
        return s;
    }

    static LevelSummary summarize(PassBackend b, Marginal m, LevelSummary request) {
        LevelSummary s = new LevelSummary(Summarizer.CAPACITY);
        s.setRequest(request);
        assertEquals(-1, b.summarize(m, s));
        return s;
    }

    static void assertSameSummary(LevelSummary expected, LevelSummary actual, String what) {
        assertEquals(expected.mass(), actual.mass(), what);
        for (int c = 0; c < expected.cutCount(); c++) {
            assertEquals(expected.above(c), actual.above(c), what + " cut " + c);
            assertEquals(expected.aboveMass(c), actual.aboveMass(c), what + " cut " + c);
        }
        for (int j = 0; j < expected.bracketCount(); j++) {
            assertArrayEquals(sortedKeys(expected, j), sortedKeys(actual, j), what + " bracket " + j);
        }
        assertTrue(!actual.overflowed(), what);
    }

    private static long[] sortedKeys(LevelSummary s, int j) {
        long[] keys = Arrays.copyOf(s.capturedKeys(j), s.capturedCount(j));
        Arrays.sort(keys);
        return keys;
    }

    /** Equal masks, or a message naming the first voxel where they differ and its value. */
    static void assertSameMask(BitMask expected, BitMask actual, Marginal m, String what) {
        boolean[] e = ExactReference.bits(expected);
        boolean[] a = ExactReference.bits(actual);
        int i = Arrays.mismatch(e, a);
        if (i >= 0) {
            MemorySegment s = m.segments().getFirst();
            double v = m.elementType().valueAt(s, m.byteOrder(), i);
            throw new AssertionError(what + ": masks differ first at voxel " + i + " of " + e.length + " (m = " + v
                    + ", " + m.byteOrder() + ", expected " + e[i] + ")");
        }
    }

    /** The engine's passes, counting summary passes and first histogram passes (float and 16-bit pattern). */
    static final class Counting extends DelegatingBackend {
        int summaries;
        int histograms;
        int patterns;

        Counting(PassBackend passes) {
            super(passes);
        }

        @Override
        public long countFloats(Marginal m, FloatHistogram top, Refinement guesses) {
            histograms++;
            return super.countFloats(m, top, guesses);
        }

        @Override
        public long countVotes(Marginal m, long[] hist) {
            histograms++;
            return super.countVotes(m, hist);
        }

        @Override
        public void countPatterns(Marginal m, PatternCounts counts) {
            patterns++;
            inner.countPatterns(m, counts);
        }

        @Override
        public long summarize(Marginal m, LevelSummary summary) {
            summaries++;
            return super.summarize(m, summary);
        }
    }

    /** The engine's passes without the summary pass: analyses from histograms only. */
    static final class HistogramsOnly extends DelegatingBackend {
        HistogramsOnly(PassBackend passes) {
            super(passes);
        }

        @Override
        public boolean summarizes() {
            return false;
        }
    }
}
