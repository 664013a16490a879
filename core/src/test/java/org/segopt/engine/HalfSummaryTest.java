package org.segopt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.segopt.Analysis;
import org.segopt.Marginal;
import org.segopt.Segmentation;

/**
 * The float16 summary pass: the vector kernel ({@link PanamaHalfSummary}) on one and three
 * threads equals the scalar reference bit for bit, whatever the request (cuts straddling a
 * group or below all of it, brackets from key 1 up, adjacent cuts), and analyses and
 * calibrations from it equal the histogram-only engine's. Every case is drawn from a seed
 * printed in its name.
 */
class HalfSummaryTest {
    private static final Engine HISTOGRAMS = SummaryPassTest.HISTOGRAMS;
    private static final Engine PARALLEL = Engine.parallel(2);
    private static final int ONE = (int) FloatFormat.F16.maxKey;
    /** Invalid float16 patterns: NaN, −0.25, 1.5, +∞, the smallest negative value, the next value above 1. */
    static final short[] INVALID = {0x7E00, (short) 0xB400, 0x3E00, 0x7C00, (short) 0x8001, 0x3C01};

    /** Puts one of the {@link #INVALID} patterns at a random voxel of {@code patterns}; returns which. */
    static int plantInvalid(SplittableRandom r, short[] patterns) {
        int bad = r.nextInt(patterns.length);
        patterns[bad] = INVALID[r.nextInt(INVALID.length)];
        return bad;
    }

    static Stream<Long> seeds() {
        return LongStream.range(0, 60).boxed();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void vectorAndParallelSummariesEqualTheScalarOne(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        short[] patterns = softPatterns(r, 1 + r.nextInt(300_000));
        LevelSummary request = randomRequest(r);
        for (int c = 0; c < request.cutCount(); c++) { // voxels at the cuts, which count at and above them
            for (int k = 0; k < 20 && request.cut(c) <= ONE; k++) {
                patterns[r.nextInt(patterns.length)] = (short) request.cut(c);
            }
        }
        Marginal m = marginal(patterns, r.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        LevelSummary scalar = SummaryPassTest.summarize(new Passes(new ScalarKernels(), 1), m, request);
        SummaryPassTest.assertSameSummary(scalar, SummaryPassTest.summarize(new Passes(new PanamaKernels(), 1), m, request),
                "simd, seed " + seed);
        SummaryPassTest.assertSameSummary(scalar, SummaryPassTest.summarize(new Passes(new PanamaKernels(), 3), m, request),
                "3 threads, seed " + seed);
    }

    /** Groups of every tier: tiny keys only (some below a low request), ones, −0.0, every key. */
    @Test
    void everyKindOfGroupIsSummarizedExactly() {
        SplittableRandom r = new SplittableRandom(3);
        short[] patterns = new short[64 * 4000 + 37];
        for (int i = 0; i < patterns.length; i++) {
            int kind = (i / 64) % 5;
            patterns[i] = (short) switch (kind) {
                case 0 -> r.nextInt(1 << 11); // units = key
                case 1 -> r.nextInt(8); // below a request starting at key 8
                case 2 -> ONE;
                case 3 -> r.nextInt(20) == 0 ? KeyReader.HALF_NEGATIVE_ZERO : r.nextInt(1 << 11);
                default -> r.nextInt(ONE + 1);
            };
        }
        for (long[] cuts : new long[][] {{8, 0x3800, 0x3801}, {0x0400, 0x3C00}, {1, 2, 3, 0x3C00, 0x3C01}, {0x07FF, 0x0800}}) {
            LevelSummary request = new LevelSummary(Summarizer.CAPACITY);
            request.setCuts(cuts, cuts.length);
            request.setBrackets(new long[] {cuts[0] - 1 == 0 ? 1 : cuts[0] - 1}, new long[] {cuts[0]}, cuts[0] > 1 ? 1 : 0);
            for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
                Marginal m = marginal(patterns, order);
                LevelSummary scalar = SummaryPassTest.summarize(new Passes(new ScalarKernels(), 1), m, request);
                SummaryPassTest.assertSameSummary(scalar, SummaryPassTest.summarize(new Passes(new PanamaKernels(), 1), m, request),
                        java.util.Arrays.toString(cuts) + " " + order);
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyKernelReportsTheFirstInvalidVoxel(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        short[] patterns = softPatterns(r, 1 + r.nextInt(100_000));
        int bad = plantInvalid(r, patterns);
        if (r.nextBoolean() && bad + 1 < patterns.length) {
            patterns[bad + 1 + r.nextInt(patterns.length - bad - 1)] = (short) 0xBC00; // a later −1 too
        }
        SummaryPassTest.assertEveryKernelReports(bad, marginal(patterns, ByteOrder.nativeOrder()), randomRequest(r), seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void analysesEqualTheHistogramEngine(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] values = SummaryPassTest.softValues(r, 1 + r.nextInt(r.nextBoolean() ? 2000 : 200_000));
        if (r.nextInt(3) == 0) {
            SummaryPassTest.plantTies(r, values);
        }
        Marginal m = marginal(halves(values), r.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        Analysis expected = HISTOGRAMS.analyze(m);
        for (Engine e : new Engine[] {Engine.scalar(), Engine.simd(), PARALLEL}) {
            e.forgetGuesses();
            assertEquals(expected, e.analyze(m), e.backend() + " first call, seed " + seed);
            assertEquals(expected, e.analyze(m), e.backend() + " repeated call, seed " + seed);
        }
        long volume = r.nextLong(values.length + 1);
        assertEquals(HISTOGRAMS.analyze(m, volume), PARALLEL.analyze(m, volume), "volume " + volume + ", seed " + seed);
        for (Segmentation which : Segmentation.values()) {
            SummaryPassTest.assertSameMask(HISTOGRAMS.segment(m, expected, which), PARALLEL.segment(m, PARALLEL.analyze(m), which),
                    m, which + ", seed " + seed);
        }
        ThresholdCalibrator calibrator = new ThresholdCalibrator();
        for (int call = 0; call < 2; call++) {
            Calibration c = calibrator.calibrate(m);
            assertEquals(expected.dice().greatestVolume(), c.diceGreatestVolume(), "calibrator, seed " + seed);
            assertEquals(expected.dice().leastVolume(), c.diceLeastVolume(), "calibrator, seed " + seed);
            assertEquals(expected.accuracy().greatestVolume(), c.accuracyGreatestVolume(), "calibrator, seed " + seed);
        }
    }

    /**
     * A first call counts the patterns (one pass, the tiny ones lumped, no sample) and, as it
     * lumped fewer than a quarter of the voxels, a repeated call is decided by one summary pass
     * bracketing the first call's τ* and cut.
     */
    @Test
    void repeatedCallsTakeOneSummaryPass() {
        for (long seed = 0; seed < 20; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            SummaryPassTest.Counting passes = new SummaryPassTest.Counting(new Passes(new PanamaKernels(), 2));
            Engine e = Engine.of(passes);
            Marginal m = marginal(halves(SummaryPassTest.softValues(r, 200_000 + r.nextInt(100_000))), ByteOrder.nativeOrder());
            PatternCounts counts = new PatternCounts();
            new Passes(new PanamaKernels(), 2).countPatterns(m, counts);
            assertTrue(4 * counts.lumpedVoxels() < m.voxels(), "independent voxels are rarely lumped, seed " + seed);
            Analysis first = e.analyze(m);
            assertEquals(0, passes.summaries, "seed " + seed);
            assertEquals(1, passes.patterns, "seed " + seed);
            assertEquals(0, passes.histograms, "seed " + seed);
            assertEquals(HISTOGRAMS.analyze(m), first, "seed " + seed);
            assertEquals(first, e.analyze(m), "seed " + seed);
            assertEquals(1, passes.summaries, "seed " + seed);
            assertEquals(1, passes.patterns, "a repeated call brackets the previous call's values, seed " + seed);
            assertEquals(0, passes.histograms, "seed " + seed);
        }
    }

    /**
     * A network's float16 output whose background underflowed to 0 takes a pattern pass on every
     * call, as its first one lumped most voxels (a repeated call takes the summary only after a
     * pattern pass that lumped fewer, see {@link #repeatedCallsTakeOneSummaryPass}); a clean label map of 0s and 1s stays
     * with the pattern histogram, where the bracket at the Theorem 4 cut would capture every 1.
     */
    @Test
    void zerosAreSummarizedAndCleanLabelMapsHistogrammed() {
        SplittableRandom r = new SplittableRandom(5);
        short[] soft = new short[1 << 20];
        short[] clean = new short[soft.length];
        for (int row = 0; row * 512 < soft.length; row++) { // rows of 512 voxels, some crossing an organ
            int center = r.nextInt(512);
            int halfWidth = row % 5 == 0 ? 10 + r.nextInt(80) : -400;
            for (int x = 0; x < 512; x++) {
                double logit = -(Math.abs(x - center) - halfWidth) / 3.0 + 2 * (r.nextDouble() - 0.5);
                soft[row * 512 + x] = Float.floatToFloat16((float) (1 / (1 + Math.exp(-logit))));
            }
        }
        for (int i = 0; i < clean.length; i++) { // organs of 4096 voxels, one in 8
            clean[i] = (i / 4096) % 8 == 0 ? (short) ONE : 0;
        }
        for (short[] patterns : new short[][] {soft, clean}) {
            SummaryPassTest.Counting passes = new SummaryPassTest.Counting(new Passes(new PanamaKernels(), 2));
            Engine e = Engine.of(passes);
            Marginal m = marginal(patterns, ByteOrder.nativeOrder());
            Analysis expected = HISTOGRAMS.analyze(m);
            assertEquals(expected, e.analyze(m));
            assertEquals(expected, e.analyze(m));
            assertEquals(0, passes.summaries);
            assertEquals(patterns == soft ? 2 : 0, passes.patterns);
            assertEquals(patterns == soft ? 0 : 2, passes.histograms);
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** Soft values rounded to float16 patterns (−0.0, 0, subnormals and 1 among them). */
    private static short[] softPatterns(SplittableRandom r, int n) {
        return halves(SummaryPassTest.softValues(r, n));
    }

    static short[] halves(double[] values) {
        short[] p = new short[values.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = Float.floatToFloat16((float) values[i]);
        }
        return p;
    }

    /** The patterns as float16 in native memory of the given byte order (odd offset: unaligned). */
    static Marginal marginal(short[] patterns, ByteOrder order) {
        MemorySegment s = Arena.ofAuto().allocate(2L * patterns.length + 1, 8).asSlice(1);
        for (int i = 0; i < patterns.length; i++) {
            s.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order), i, patterns[i]);
        }
        return Marginal.ofFloat16(s, order);
    }

    /**
     * Up to three cuts at random keys from 1 to just past 1.0, a third of the time two of them
     * adjacent (like ½ and the key above it), and one bracket below the first cut, sometimes
     * from key 0 (which the vector kernel leaves to the scalar one).
     */
    private static LevelSummary randomRequest(SplittableRandom r) {
        long[] random = r.longs(1 + r.nextInt(3), 1, ONE + 2).toArray();
        if (r.nextInt(4) == 0) {
            random[0] = 1 + r.nextInt(1 << 11); // among the keys that count their own units
        }
        long[] keys = LongStream.of(random).sorted().distinct().toArray();
        if (keys.length == 3 && r.nextInt(3) == 0) {
            keys[2] = keys[1] + 1;
        }
        LevelSummary s = new LevelSummary(Summarizer.CAPACITY);
        s.setCuts(keys, keys.length);
        long lo = r.nextInt(8) == 0 ? 0 : r.nextLong(Math.max(1, keys[0] - 600), keys[0]);
        s.setBrackets(new long[] {lo}, new long[] {keys[0]}, lo < keys[0] ? 1 : 0);
        return s;
    }
}
