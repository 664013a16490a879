package org.segopt.engine;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.segopt.Analysis;
import org.segopt.BitMask;
import org.segopt.ElementType;
import org.segopt.Fraction;
import org.segopt.InvalidMarginalException;
import org.segopt.Marginal;
import org.segopt.Segmentation;

/** The paper's worked cases, degenerate marginals and invalid input. */
class PaperCasesTest {
    private static final Engine ENGINE = Engine.scalar();

    private static Fraction f(long p, long q) {
        return Fraction.of(p, q);
    }

    /** The whole analysis equals the brute-force reference, and every mask has the reported volume. */
    private static Analysis checked(Marginal m, ExactReference ref) {
        Analysis a = ENGINE.analyze(m);
        assertEquals(ref.analysis(), a, m.toString());
        assertEquals(a.accuracy().greatestVolume(), ENGINE.segment(m, a, Segmentation.ACCURACY_GREATEST).cardinality());
        assertEquals(a.accuracy().leastVolume(), ENGINE.segment(m, a, Segmentation.ACCURACY_LEAST).cardinality());
        assertEquals(a.dice().greatestVolume(), ENGINE.segment(m, a, Segmentation.DICE_GREATEST).cardinality());
        assertEquals(a.dice().leastVolume(), ENGINE.segment(m, a, Segmentation.DICE_LEAST).cardinality());
        assertEquals(a.volumeConstrained().volume(), ENGINE.segment(m, a, Segmentation.VOLUME_CONSTRAINED).cardinality());
        return a;
    }

    private static void assertBoundsHold(Analysis a) {
        assertTrue(a.bounds().accuracyHolds() && a.bounds().diceHolds() && a.bounds().accuracyBelowDice(), a::toString);
    }

    // ---- Figure 4: 7 raters, 112 voxels with 7 votes, 588 with 2 ---------------------------------------

    /** Voxel i has 7 votes when i mod 25 < 4 (112 of 700), else 2 (588). */
    private static long[] figure4Votes() {
        long[] c = new long[700];
        for (int i = 0; i < c.length; i++) {
            c[i] = i % 25 < 4 ? 7 : 2;
        }
        return c;
    }

    private static void assertFigure4(Analysis a) {
        assertAll(
                () -> assertEquals(700, a.voxels()),
                () -> assertEquals(f(280, 1), a.mass()),
                () -> assertEquals(f(4, 7), a.dice().sup()),
                () -> assertEquals(f(2, 7), a.dice().threshold()),
                () -> assertEquals(112, a.dice().leastVolume()),
                () -> assertEquals(700, a.dice().greatestVolume()), // numpy's float code says 112
                () -> assertEquals(f(5, 2), a.dice().ratio()),
                () -> assertEquals(f(19, 25), a.accuracy().sup()), // (2·112 − 280 + 700 − 112) / 700
                () -> assertEquals(112, a.accuracy().leastVolume()),
                () -> assertEquals(112, a.accuracy().greatestVolume()),
                () -> assertEquals(f(2, 5), a.accuracy().ratio()),
                () -> assertEquals(280, a.volumeConstrained().volume()), // ⌊280 + ½⌋
                () -> assertEquals(f(2, 7), a.volumeConstrained().level()),
                () -> assertEquals(168, a.volumeConstrained().tiesTaken()));
        assertBoundsHold(a);
    }

    @Test
    void figure4AsVotes() {
        long[] c = figure4Votes();
        ExactReference ref = ExactReference.ofCounts(c, 7);
        assertFigure4(checked(Marginal.ofVotes(MarginalCases.toBytes(c), 7), ref));
        assertFigure4(checked(Marginal.ofVotes(MarginalCases.toShorts(c), 7), ref));
        assertFigure4(checked(Marginal.ofVotes(MarginalCases.toInts(c), 7), ref));
    }

    @Test
    void figure4AsSevenRaterMasks() {
        long[] c = figure4Votes();
        byte[][] masks = new byte[7][c.length];
        for (int i = 0; i < c.length; i++) {
            for (int r = 0; r < 7; r++) {
                boolean marks = c[i] == 7 || r == i % 7 || r == (i + 3) % 7;
                masks[r][i] = (byte) (marks ? 1 : 0);
            }
        }
        Marginal m = Marginal.ofRaterMasks(masks);
        Analysis a = checked(m, ExactReference.ofCounts(c, 7));
        assertFigure4(a);
        // s^D = I{m ≥ 2/7} is everything; the Theorem-4 mask takes the 112 certain voxels and the
        // first 168 voxels with 2 votes.
        assertEquals(700, ENGINE.segment(m, a, Segmentation.DICE_GREATEST).cardinality());
        BitMask v = ENGINE.segment(m, a, Segmentation.VOLUME_CONSTRAINED);
        int taken = 0;
        for (int i = 0; i < c.length; i++) {
            if (c[i] == 2) {
                assertEquals(taken < 168, v.get(i), "voxel " + i);
                taken++;
            } else {
                assertTrue(v.get(i));
            }
        }
    }

    /**
     * Figure 4 as float64 1.0 and 2.0/7. The double nearest 2/7 is 0.28571428571428569842..., just
     * BELOW 2/7, so exactly: sup D = D(112) = 224 / (224 + 588 c) (slightly above 4/7), τ* = sup D / 2 is
     * above c, and the only Dice optimum is the 112 certain voxels: V^D = [112, 112]. (The exact
     * answer for the real 2/7 is 700; see the vote tests.)
     */
    @Test
    void figure4AsDoubles() {
        double c = 2.0 / 7;
        double[] values = Arrays.stream(figure4Votes()).mapToDouble(v -> v == 7 ? 1.0 : c).toArray();
        ExactReference ref = ExactReference.ofDoubles(values);
        Analysis a = checked(Marginal.ofDoubles(values), ref);
        Fraction cExact = Fraction.of(c);
        assertTrue(cExact.compareTo(f(2, 7)) < 0);
        // 224 / (224 + 588 c) with c = num/den: 224 den / (224 den + 588 num)
        Fraction expectedSup = Fraction.of(cExact.denominator().multiply(java.math.BigInteger.valueOf(224)),
                cExact.denominator().multiply(java.math.BigInteger.valueOf(224))
                        .add(cExact.numerator().multiply(java.math.BigInteger.valueOf(588))));
        assertEquals(expectedSup, a.dice().sup());
        assertTrue(a.dice().sup().compareTo(f(4, 7)) > 0);
        assertTrue(a.dice().threshold().compareTo(cExact) > 0);
        assertEquals(112, a.dice().leastVolume());
        assertEquals(112, a.dice().greatestVolume());
        assertBoundsHold(a);
        // Both byte orders through a MemorySegment give the same.
        for (ByteOrder order : List.of(ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 * values.length).order(order);
            for (double v : values) {
                b.putDouble(v);
            }
            assertEquals(a, ENGINE.analyze(Marginal.ofDoubles(MemorySegment.ofArray(b.array()), order)));
        }
    }

    /**
     * Figure 4 as float32 1.0f and 2f/7. The float nearest 2/7 is 0.2857142984867095947265625, just
     * ABOVE 2/7, so D(700) > D(112), τ* < c and V^D = [700, 700].
     */
    @Test
    void figure4AsFloats() {
        float c = 2f / 7;
        long[] votes = figure4Votes();
        float[] values = new float[votes.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = votes[i] == 7 ? 1f : c;
        }
        Analysis a = checked(Marginal.ofFloats(values), ExactReference.ofFloats(values));
        assertTrue(Fraction.of(c).compareTo(f(2, 7)) > 0);
        assertTrue(a.dice().threshold().compareTo(Fraction.of(c)) < 0);
        assertEquals(700, a.dice().leastVolume());
        assertEquals(700, a.dice().greatestVolume());
        assertBoundsHold(a);
    }

    // ---- Figure 3: m = ½ on 80% of the voxels, 0 elsewhere --------------------------------------------

    @Test
    void figure3() {
        int n = 1000;
        long[] votes = new long[n];
        double[] d = new double[n];
        float[] fl = new float[n];
        for (int i = 0; i < 800; i++) {
            votes[i] = 1;
            d[i] = 0.5;
            fl[i] = 0.5f;
        }
        ExactReference ref = ExactReference.ofCounts(votes, 2);
        for (Marginal m : List.of(Marginal.ofVotes(MarginalCases.toBytes(votes), 2), Marginal.ofDoubles(d),
                Marginal.ofFloats(fl))) {
            Analysis a = checked(m, ref);
            assertAll(m.toString(),
                    () -> assertEquals(0, a.accuracy().leastVolume()),
                    () -> assertEquals(800, a.accuracy().greatestVolume()), // V^A = [0, 0.8 n]
                    () -> assertEquals(f(3, 5), a.accuracy().sup()),
                    () -> assertEquals(f(2, 3), a.dice().sup()),
                    () -> assertEquals(f(1, 3), a.dice().threshold()),
                    () -> assertEquals(800, a.dice().leastVolume()),
                    () -> assertEquals(800, a.dice().greatestVolume()),
                    () -> assertEquals(f(2, 1), a.dice().ratio()));
            assertBoundsHold(a);
        }
    }

    // ---- m1 (noise-free) and m2 -------------------------------------------------------------------------

    @Test
    void m1NoiseFree() {
        int n = 1000;
        double[] d = new double[n];
        long[] votes = new long[n];
        for (int i = 300; i < 700; i++) {
            d[i] = 1;
            votes[i] = 1;
        }
        ExactReference ref = ExactReference.ofDoubles(d);
        for (Marginal m : List.of(Marginal.ofDoubles(d), Marginal.ofVotes(MarginalCases.toBytes(votes), 1),
                Marginal.ofRaterMasks(MarginalCases.toBytes(votes)))) {
            Analysis a = checked(m, ref);
            assertAll(m.toString(),
                    () -> assertEquals(Fraction.ONE, a.dice().sup()),
                    () -> assertEquals(Fraction.ONE, a.accuracy().sup()),
                    () -> assertEquals(Fraction.HALF, a.dice().threshold()),
                    () -> assertEquals(400, a.dice().leastVolume()),
                    () -> assertEquals(400, a.dice().greatestVolume()),
                    () -> assertEquals(400, a.accuracy().leastVolume()),
                    () -> assertEquals(400, a.accuracy().greatestVolume()),
                    () -> assertEquals(Fraction.ONE, a.dice().ratio()),
                    () -> assertEquals(400, a.volumeConstrained().volume()),
                    () -> assertEquals(Fraction.ONE, a.volumeConstrained().dice()));
            assertBoundsHold(a);
        }
    }

    /** m = ½ on [0.2, 0.4), 1 on [0.4, 0.6), ½ on [0.6, 0.8), 0 elsewhere, n = 1000. */
    @Test
    void m2() {
        int n = 1000;
        long[] votes = new long[n];
        for (int i = 200; i < 800; i++) {
            votes[i] = i >= 400 && i < 600 ? 2 : 1;
        }
        double[] d = Arrays.stream(votes).mapToDouble(v -> v / 2.0).toArray();
        ExactReference ref = ExactReference.ofCounts(votes, 2);
        for (Marginal m : List.of(Marginal.ofDoubles(d), Marginal.ofVotes(MarginalCases.toShorts(votes), 2))) {
            Analysis a = checked(m, ref);
            assertAll(m.toString(),
                    () -> assertEquals(f(400, 1), a.mass()),
                    () -> assertEquals(200, a.accuracy().leastVolume()),
                    () -> assertEquals(600, a.accuracy().greatestVolume()),
                    () -> assertEquals(f(4, 5), a.accuracy().sup()),
                    () -> assertEquals(f(4, 5), a.dice().sup()),
                    () -> assertEquals(f(2, 5), a.dice().threshold()),
                    () -> assertEquals(600, a.dice().leastVolume()),
                    () -> assertEquals(600, a.dice().greatestVolume()),
                    () -> assertEquals(f(3, 2), a.dice().ratio()),
                    () -> assertEquals(f(3, 2), a.accuracy().ratio()),
                    () -> assertEquals(400, a.volumeConstrained().volume()),
                    () -> assertEquals(f(4, 5), a.volumeConstrained().accuracy()),
                    () -> assertEquals(f(3, 4), a.volumeConstrained().dice()),
                    () -> assertEquals(Fraction.HALF, a.volumeConstrained().level()),
                    () -> assertEquals(200, a.volumeConstrained().tiesTaken()));
            BitMask v = ENGINE.segment(m, a, Segmentation.VOLUME_CONSTRAINED);
            for (int i = 0; i < n; i++) {
                assertEquals(i >= 200 && i < 600, v.get(i), "voxel " + i); // ties: lowest index first
            }
            assertBoundsHold(a);
        }
    }

    // ---- degenerate marginals ---------------------------------------------------------------------------

    @Test
    void singleVoxelZero() {
        for (Marginal m : List.of(Marginal.ofDoubles(new double[] {0}), Marginal.ofFloats(new float[] {-0f}),
                Marginal.ofVotes(new byte[] {0}, 3))) {
            Analysis a = checked(m, ExactReference.ofDoubles(new double[] {0}));
            assertAll(m.toString(),
                    () -> assertEquals(Fraction.ONE, a.dice().sup()),
                    () -> assertEquals(Fraction.HALF, a.dice().threshold()),
                    () -> assertEquals(0, a.dice().greatestVolume()),
                    () -> assertNull(a.dice().ratio()),
                    () -> assertNull(a.accuracy().ratio()),
                    () -> assertEquals(Fraction.ONE, a.accuracy().sup()),
                    () -> assertEquals(0, a.accuracy().greatestVolume()),
                    () -> assertEquals(0, a.volumeConstrained().volume()),
                    () -> assertNull(a.volumeConstrained().level()),
                    () -> assertEquals(Fraction.ONE, a.volumeConstrained().dice()));
        }
    }

    @Test
    void singleVoxelHalf() {
        for (Marginal m : List.of(Marginal.ofDoubles(new double[] {0.5}), Marginal.ofFloats(new float[] {0.5f}),
                Marginal.ofVotes(new byte[] {1}, 2), Marginal.ofRaterMasks(new byte[] {1}, new byte[] {0}))) {
            Analysis a = checked(m, ExactReference.ofDoubles(new double[] {0.5}));
            assertAll(m.toString(),
                    () -> assertEquals(f(2, 3), a.dice().sup()),
                    () -> assertEquals(f(1, 3), a.dice().threshold()),
                    () -> assertEquals(1, a.dice().leastVolume()),
                    () -> assertEquals(1, a.dice().greatestVolume()),
                    () -> assertEquals(Fraction.HALF, a.accuracy().sup()),
                    () -> assertEquals(0, a.accuracy().leastVolume()),
                    () -> assertEquals(1, a.accuracy().greatestVolume()),
                    () -> assertEquals(f(2, 1), a.accuracy().ratio()),
                    () -> assertEquals(1, a.volumeConstrained().volume())); // ⌊½ + ½⌋
        }
    }

    @Test
    void singleVoxelOne() {
        for (Marginal m : List.of(Marginal.ofDoubles(new double[] {1}), Marginal.ofFloats(new float[] {1f}),
                Marginal.ofVotes(new int[] {65535}, 65535))) {
            Analysis a = checked(m, ExactReference.ofDoubles(new double[] {1}));
            assertAll(m.toString(),
                    () -> assertEquals(Fraction.ONE, a.dice().sup()),
                    () -> assertEquals(Fraction.HALF, a.dice().threshold()),
                    () -> assertEquals(1, a.dice().leastVolume()),
                    () -> assertEquals(1, a.dice().greatestVolume()),
                    () -> assertEquals(Fraction.ONE, a.accuracy().sup()),
                    () -> assertEquals(1, a.accuracy().leastVolume()),
                    () -> assertEquals(Fraction.ONE, a.dice().ratio()));
        }
    }

    @Test
    void allZero() {
        int n = 100;
        for (Marginal m : List.of(Marginal.ofDoubles(new double[n]), Marginal.ofFloats(new float[n]),
                Marginal.ofVotes(new short[n], 9), Marginal.ofRaterMasks(new byte[n], new byte[n]))) {
            Analysis a = checked(m, ExactReference.ofDoubles(new double[n]));
            assertAll(m.toString(),
                    () -> assertEquals(Fraction.ZERO, a.mass()),
                    () -> assertEquals(Fraction.ONE, a.dice().sup()),
                    () -> assertEquals(Fraction.HALF, a.dice().threshold()),
                    () -> assertEquals(0, a.dice().leastVolume()),
                    () -> assertEquals(0, a.dice().greatestVolume()),
                    () -> assertNull(a.dice().ratio()),
                    () -> assertEquals(Fraction.ONE, a.accuracy().sup()),
                    () -> assertEquals(0, a.accuracy().greatestVolume()),
                    () -> assertNull(a.accuracy().ratio()),
                    () -> assertEquals(0, a.volumeConstrained().volume()),
                    () -> assertNull(a.volumeConstrained().level()),
                    () -> assertEquals(Fraction.ONE, a.volumeConstrained().dice()),
                    () -> assertEquals(Fraction.ONE, a.volumeConstrained().accuracy()),
                    () -> assertEquals(Fraction.ZERO, a.bounds().dice().lower()));
            assertBoundsHold(a);
            for (Segmentation s : Segmentation.values()) {
                assertEquals(0, ENGINE.segment(m, a, s).cardinality(), s.toString());
            }
            // With a forced volume the Dice of v zero voxels is 0 (not the empty-set convention).
            Analysis a5 = ENGINE.analyze(m, 5);
            assertEquals(Fraction.ZERO, a5.volumeConstrained().dice());
            assertEquals(f(95, 100), a5.volumeConstrained().accuracy());
            assertEquals(Fraction.ZERO, a5.volumeConstrained().level());
            assertEquals(5, a5.volumeConstrained().tiesTaken());
        }
    }

    @Test
    void allOne() {
        int n = 100;
        double[] d = new double[n];
        Arrays.fill(d, 1);
        float[] fl = new float[n];
        Arrays.fill(fl, 1f);
        byte[] ones = new byte[n];
        Arrays.fill(ones, (byte) 1);
        for (Marginal m : List.of(Marginal.ofDoubles(d), Marginal.ofFloats(fl), Marginal.ofRaterMasks(ones, ones, ones),
                Marginal.ofVotes(ones, 1))) {
            Analysis a = checked(m, ExactReference.ofDoubles(d));
            assertAll(m.toString(),
                    () -> assertEquals(f(100, 1), a.mass()),
                    () -> assertEquals(Fraction.ONE, a.dice().sup()),
                    () -> assertEquals(100, a.dice().leastVolume()),
                    () -> assertEquals(100, a.dice().greatestVolume()),
                    () -> assertEquals(Fraction.ONE, a.accuracy().sup()),
                    () -> assertEquals(100, a.accuracy().leastVolume()),
                    () -> assertEquals(100, a.volumeConstrained().volume()),
                    () -> assertEquals(100, a.volumeConstrained().tiesTaken()));
            assertBoundsHold(a);
        }
    }

    // ---- invalid input ----------------------------------------------------------------------------------

    private static InvalidMarginalException invalid(Marginal m) {
        return assertThrows(InvalidMarginalException.class, () -> ENGINE.analyze(m), m.toString());
    }

    private static void assertInvalid(Marginal m, long voxel, int rater, String value) {
        InvalidMarginalException e = invalid(m);
        assertAll(e.getMessage(),
                () -> assertEquals(voxel, e.voxel(), "voxel"),
                () -> assertEquals(rater, e.rater(), "rater"),
                () -> assertEquals(value, e.value(), "value"));
        // the other entry points read the data too
        assertThrows(InvalidMarginalException.class, () -> ENGINE.analyze(m, 0));
        assertThrows(InvalidMarginalException.class, () -> ENGINE.curves(m));
    }

    @Test
    void invalidFloats() {
        float[][] bad = {{Float.NaN}, {Float.POSITIVE_INFINITY}, {Float.NEGATIVE_INFINITY}, {-0.5f},
                {Math.nextUp(1f)}, {2f}, {-Float.MIN_VALUE}};
        String[] text = {"NaN", "Infinity", "-Infinity", "-0.5", "1.0000001", "2.0", "-1.4E-45"};
        for (int k = 0; k < bad.length; k++) {
            float[] v = {0.25f, 0.5f, 1f, 0f, -0f, bad[k][0], 0.75f, Float.NaN, 3f};
            assertInvalid(Marginal.ofFloats(v), 5, -1, text[k]);
            float[] first = v.clone();
            first[0] = bad[k][0];
            assertInvalid(Marginal.ofFloats(first), 0, -1, text[k]);
        }
        assertEquals(1.0000001f, Math.nextUp(1f));
    }

    @Test
    void invalidDoubles() {
        double[] bad = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.5, Math.nextUp(1.0),
                1.0000001f, -Double.MIN_VALUE};
        String[] text = {"NaN", "Infinity", "-Infinity", "-0.5", "1.0000000000000002", "1.0000001192092896",
                "-4.9E-324"};
        for (int k = 0; k < bad.length; k++) {
            double[] v = new double[3000];
            v[2500] = bad[k];
            v[2999] = Double.NaN;
            assertInvalid(Marginal.ofDoubles(v), 2500, -1, text[k]);
            for (ByteOrder order : List.of(ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN)) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 * v.length).order(order);
                for (double x : v) {
                    b.putDouble(x);
                }
                assertInvalid(Marginal.ofDoubles(MemorySegment.ofArray(b.array()), order), 2500, -1, text[k]);
            }
        }
    }

    @Test
    void votesAboveRaters() {
        assertInvalid(Marginal.ofVotes(new byte[] {0, 5, 2, 6, 7}, 5), 3, -1, "6");
        assertInvalid(Marginal.ofVotes(new byte[] {0, (byte) 255}, 254), 1, -1, "255");
        assertInvalid(Marginal.ofVotes(new short[] {1, 2, 3, 4, 1000, 9}, 999), 4, -1, "1000");
        assertInvalid(Marginal.ofVotes(new int[] {1, 70000}, 65535), 1, -1, "70000");
        assertInvalid(Marginal.ofVotes(new int[] {8, 3}, 7), 0, -1, "8");
        // u16 read through a segment in big-endian order: 0x0100 = 256 > 255
        MemorySegment s = MemorySegment.ofArray(new byte[] {0, 7, 1, 0});
        assertInvalid(Marginal.ofVotes(s, ElementType.UINT16, ByteOrder.BIG_ENDIAN, 255), 1, -1, "256");
        // ... which is 7·256 and 1 in little-endian order: voxel 0 is the bad one
        assertInvalid(Marginal.ofVotes(s, ElementType.UINT16, ByteOrder.LITTLE_ENDIAN, 255), 0, -1, "1792");
    }

    @Test
    void negativeInt32Vote() {
        assertInvalid(Marginal.ofVotes(new int[] {3, 0, -1, 2, -5}, 3), 2, -1, "-1");
        assertInvalid(Marginal.ofVotes(new int[] {Integer.MIN_VALUE}, 3), 0, -1, Integer.toString(Integer.MIN_VALUE));
    }

    @Test
    void raterMaskValueTwo() {
        int n = 5000;
        byte[] m1 = new byte[n];
        byte[] m2 = new byte[n];
        byte[] m3 = new byte[n];
        m3[37] = 2;
        m1[50] = 2;
        m3[4000] = 1;
        assertInvalid(Marginal.ofRaterMasks(m1, m2, m3), 37, 2, "2");

        // the first bad voxel wins over the first bad mask, also across the kernels' blocks
        m3[37] = 0;
        m1[50] = 0;
        m1[3000] = 2;
        m3[2100] = 2;
        assertInvalid(Marginal.ofRaterMasks(m1, m2, m3), 2100, 2, "2");

        // two masks bad at the same voxel: the first mask is named
        m1[2100] = 3;
        assertInvalid(Marginal.ofRaterMasks(m1, m2, m3), 2100, 0, "3");

        // through segments of int32 masks: -1 is not 0 or 1 either
        for (ByteOrder order : List.of(ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN)) {
            List<MemorySegment> masks = List.of(intMask(new int[] {0, 1, 0, 1}, order),
                    intMask(new int[] {1, 1, 0, 1}, order), intMask(new int[] {0, 1, 2, -1}, order));
            assertInvalid(Marginal.ofRaterMasks(masks, ElementType.INT32, order), 2, 2, "2");
        }
    }

    private static MemorySegment intMask(int[] values, ByteOrder order) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * values.length).order(order);
        for (int v : values) {
            b.putInt(v);
        }
        return MemorySegment.ofArray(b.array());
    }

    @Test
    void emptyMarginal() {
        List<Executable> empties = List.of(
                () -> ENGINE.analyze(Marginal.ofFloats(new float[0])),
                () -> ENGINE.analyze(Marginal.ofDoubles(new double[0])),
                () -> ENGINE.analyze(Marginal.ofVotes(new byte[0], 3)),
                () -> ENGINE.analyze(Marginal.ofQuantized(new short[0])),
                () -> ENGINE.analyze(Marginal.ofVotes(new int[0], 1)),
                () -> ENGINE.analyze(Marginal.ofRaterMasks(new byte[0], new byte[0])),
                () -> ENGINE.curves(Marginal.ofFloats(new float[0])));
        for (Executable e : empties) {
            IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
            assertTrue(!(x instanceof InvalidMarginalException), x.toString());
        }
    }

    @Test
    void otherBadArguments() {
        Marginal m = Marginal.ofFloats(new float[] {0.1f, 0.9f});
        assertThrows(IllegalArgumentException.class, () -> ENGINE.analyze(m, -1));
        assertThrows(IllegalArgumentException.class, () -> ENGINE.analyze(m, 3));
        assertEquals(2, ENGINE.analyze(m, 2).volumeConstrained().volume());
        Analysis other = ENGINE.analyze(Marginal.ofFloats(new float[] {0.5f}));
        assertThrows(IllegalArgumentException.class, () -> ENGINE.segment(m, other, Segmentation.DICE_GREATEST));
        assertThrows(IllegalArgumentException.class, () -> Marginal.ofVotes(new byte[] {0}, 0));
        assertThrows(IllegalArgumentException.class, () -> Marginal.ofVotes(new byte[] {0}, 65536));
        assertThrows(IllegalArgumentException.class, () -> Marginal.ofRaterMasks(new byte[2], new byte[3]));
        assertThrows(IllegalArgumentException.class, Marginal::ofRaterMasks);
    }
}
