package org.segopt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.segopt.Analysis;
import org.segopt.Fraction;
import org.segopt.InvalidMarginalException;
import org.segopt.Marginal;
import org.segopt.Segmentation;

/**
 * float16 and bfloat16 marginals against the same values widened to float32 (every half value is
 * exactly a float32, so the float32 path, with its bins and refinement, is an independent exact
 * oracle): equal analyses, masks and calibrations on every engine, every memory layout and byte
 * order; the first invalid voxel and its message; and, on small cases, the brute-force
 * {@link ExactReference}. Cases are seeded, so a failure names everything needed to rebuild it.
 */
class HalfPrecisionTest {
    private static final Engine PARALLEL = Engine.parallel(3);

    /** The two 16-bit formats: bit patterns, their float32 widening and the Marginal factory. */
    enum Format {
        FLOAT16(0x3C00, 0x3800, 0x3400, 0x3FF, 0x7E00, 0x7C00, 0x3C01),
        BFLOAT16(0x3F80, 0x3F00, 0x3E80, 0x7F, 0x7FC0, 0x7F80, 0x3F81);

        final int one;
        final int half;
        final int quarter;
        /** The largest subnormal pattern. */
        final int subnormals;
        final int nan;
        final int infinity;
        final int aboveOne;

        Format(int one, int half, int quarter, int subnormals, int nan, int infinity, int aboveOne) {
            this.one = one;
            this.half = half;
            this.quarter = quarter;
            this.subnormals = subnormals;
            this.nan = nan;
            this.infinity = infinity;
            this.aboveOne = aboveOne;
        }

        float widen(short bits) {
            return this == FLOAT16 ? Float.float16ToFloat(bits) : Float.intBitsToFloat(bits << 16);
        }

        Marginal of(MemorySegment s, ByteOrder order) {
            return this == FLOAT16 ? Marginal.ofFloat16(s, order) : Marginal.ofBFloat16(s, order);
        }

        Marginal of(short[] bits) {
            return this == FLOAT16 ? Marginal.ofFloat16(bits) : Marginal.ofBFloat16(bits);
        }
    }

    record Case(String name, Format format, short[] bits) {
        @Override
        public String toString() {
            return name;
        }

        float[] widened() {
            float[] f = new float[bits.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = format.widen(bits[i]);
            }
            return f;
        }
    }

    // ---- generators ------------------------------------------------------------------------------

    /** Valid patterns in runs: 0, −0.0, 1, ½, subnormals, values near the quarter and random ones. */
    static short[] soft(Format f, SplittableRandom rnd, int n) {
        short[] v = new short[n];
        int i = 0;
        while (i < n) {
            int run = 1 + rnd.nextInt(rnd.nextInt(4) == 0 ? 3000 : 30);
            int kind = rnd.nextInt(8);
            for (int j = 0; j < run && i < n; j++, i++) {
                v[i] = (short) switch (kind) {
                    case 0 -> 0;
                    case 1 -> KeyReader.HALF_NEGATIVE_ZERO;
                    case 2 -> f.one;
                    case 3 -> f.half;
                    case 4 -> 1 + rnd.nextInt(f.subnormals);
                    case 5 -> f.quarter - 3 + rnd.nextInt(7);
                    default -> rnd.nextInt(f.one + 1);
                };
            }
        }
        return v;
    }

    /** Valid patterns drawn anew for each voxel (−0.0 among them), as in a soft bfloat16 volume. */
    static short[] scattered(Format f, SplittableRandom rnd, int n) {
        short[] v = new short[n];
        for (int i = 0; i < n; i++) {
            v[i] = (short) (rnd.nextInt(64) == 0 ? KeyReader.HALF_NEGATIVE_ZERO : rnd.nextInt(f.one + 1));
        }
        return v;
    }

    /** Every valid pattern 0 .. 1.0 once, and −0.0, shuffled. */
    static short[] everyPattern(Format f, SplittableRandom rnd) {
        short[] v = new short[f.one + 2];
        for (int p = 0; p <= f.one; p++) {
            v[p] = (short) p;
        }
        v[f.one + 1] = (short) KeyReader.HALF_NEGATIVE_ZERO;
        shuffle(v, rnd);
        return v;
    }

    /**
     * a voxels at 1 and 8a at ¼ (among zeros and −0.0): then D({m = 1}) = D({m ≥ ¼}) = ½, so
     * τ* = ¼ exactly and the quarters are free (a Dice tie, as in the paper's Figure 4).
     */
    static short[] tieAtTau(Format f, SplittableRandom rnd, int a, int zeros) {
        short[] v = new short[9 * a + zeros];
        for (int i = 0; i < v.length; i++) {
            v[i] = (short) (i < a ? f.one : i < 9 * a ? f.quarter : rnd.nextBoolean() ? 0 : KeyReader.HALF_NEGATIVE_ZERO);
        }
        shuffle(v, rnd);
        return v;
    }

    /** Ones, halves and zeros: Accuracy ties at ½, and the Theorem 4 cut ⌊M + ½⌋ inside the halves. */
    static short[] tieAtHalf(Format f, SplittableRandom rnd, int n) {
        short[] v = new short[n];
        for (int i = 0; i < n; i++) {
            int k = rnd.nextInt(5);
            v[i] = (short) (k == 0 ? f.one : k < 3 ? f.half : 0);
        }
        return v;
    }

    private static void shuffle(short[] v, SplittableRandom rnd) {
        for (int i = v.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            short t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
    }

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (Format f : Format.values()) {
            SplittableRandom rnd = new SplittableRandom(20261201L + f.ordinal());
            for (int n : new int[] {1, 2, 7, 63, 64, 65, 300}) {
                cases.add(new Case(f + " soft n=" + n, f, soft(f, rnd, n)));
            }
            cases.add(new Case(f + " soft n=300001 (chunked over threads)", f, soft(f, rnd, 300_001)));
            cases.add(new Case(f + " soft n=600001 (int pattern tables on one thread)", f, soft(f, rnd, 600_001)));
            cases.add(new Case(f + " a new pattern at every voxel, n=600001", f, scattered(f, rnd, 600_001)));
            cases.add(new Case(f + " every pattern in [0, 1]", f, everyPattern(f, rnd)));
            cases.add(new Case(f + " tie at tau = 1/4", f, tieAtTau(f, rnd, 40, 700)));
            cases.add(new Case(f + " ties at 1/2 and the Theorem 4 cut", f, tieAtHalf(f, rnd, 70_001)));
            cases.add(new Case(f + " all -0.0", f, filled(1000, KeyReader.HALF_NEGATIVE_ZERO)));
            cases.add(new Case(f + " all 1", f, filled(1000, f.one)));
            short[] subnormals = new short[f.subnormals + 1];
            for (int p = 0; p <= f.subnormals; p++) {
                subnormals[p] = (short) p;
            }
            cases.add(new Case(f + " zero and every subnormal", f, subnormals));
        }
        return cases.stream();
    }

    private static short[] filled(int n, int bits) {
        short[] v = new short[n];
        java.util.Arrays.fill(v, (short) bits);
        return v;
    }

    /** The same patterns in memory in every layout the factories take. */
    static List<Marginal> layouts(Case c) {
        short[] bits = c.bits();
        List<Marginal> out = new ArrayList<>();
        out.add(c.format().of(bits));
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            MemorySegment unaligned = Arena.ofAuto().allocate(2L * bits.length + 1, 8).asSlice(1);
            for (int i = 0; i < bits.length; i++) {
                unaligned.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order), 2L * i, bits[i]);
            }
            out.add(c.format().of(unaligned, order));
            ByteBuffer direct = ByteBuffer.allocateDirect(2 * bits.length + 4).order(order);
            direct.position(4);
            ByteBuffer window = direct.slice().order(order);
            window.asShortBuffer().put(bits);
            out.add(c.format() == Format.FLOAT16 ? Marginal.ofFloat16(window.asShortBuffer())
                    : Marginal.ofBFloat16(window.asShortBuffer()));
        }
        return out;
    }

    // ---- properties ------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void analysesEqualTheWidenedFloat32OnEveryEngineAndLayout(Case c) {
        Marginal wide = Marginal.ofFloats(c.widened());
        Analysis expected = Engine.scalar().analyze(wide);
        long n = wide.voxels();
        for (Marginal m : layouts(c)) {
            for (Engine e : List.of(Engine.scalar(), Engine.simd(), PARALLEL)) {
                String where = c + " " + m + " on " + e.backend() + "/" + e.threads();
                Analysis actual = e.analyze(m);
                assertEquals(expected, actual, where);
                for (long v : new long[] {0, n / 3, n}) {
                    assertEquals(Engine.scalar().analyze(wide, v), e.analyze(m, v), where + " at volume " + v);
                }
                for (Segmentation s : Segmentation.values()) {
                    assertEquals(Engine.scalar().segment(wide, expected, s), e.segment(m, actual, s), where + " " + s);
                }
                for (Fraction t : List.of(Fraction.ZERO, Fraction.of(1, 3), Fraction.HALF, Fraction.ONE, Fraction.of(3, 2),
                        Fraction.of(1, 1L << 40), expected.dice().threshold())) {
                    for (boolean inclusive : new boolean[] {true, false}) {
                        assertEquals(Engine.scalar().threshold(wide, t, inclusive), e.threshold(m, t, inclusive),
                                where + " threshold " + t + (inclusive ? " inclusive" : ""));
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void calibrationsEqualTheWidenedFloat32(Case c) {
        Calibration expected = new ThresholdCalibrator(Engine.scalar()).calibrate(Marginal.ofFloats(c.widened()));
        for (Engine e : List.of(Engine.scalar(), Engine.simd())) {
            Calibration actual = new ThresholdCalibrator(e).calibrate(c.format().of(c.bits()));
            String where = c + " on " + e.backend();
            assertEquals(expected.diceLeastVolume(), actual.diceLeastVolume(), where);
            assertEquals(expected.diceGreatestVolume(), actual.diceGreatestVolume(), where);
            assertEquals(expected.accuracyLeastVolume(), actual.accuracyLeastVolume(), where);
            assertEquals(expected.accuracyGreatestVolume(), actual.accuracyGreatestVolume(), where);
            assertEquals(expected.cut(), actual.cut(), where);
            assertEquals(expected.supDice(), actual.supDice(), 1e-12, where);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void smallCasesEqualTheBruteForceReference(Case c) {
        if (c.bits().length > 300) {
            return;
        }
        ExactReference ref = ExactReference.ofFloats(c.widened());
        assertEquals(ref.analysis(), Engine.scalar().analyze(c.format().of(c.bits())), c.name());
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void aPlantedTieAtTauIsFree(Format f) {
        short[] bits = tieAtTau(f, new SplittableRandom(5), 40, 700);
        Analysis a = Engine.simd().analyze(f.of(bits));
        assertEquals(Fraction.of(1, 4), a.dice().threshold());
        assertEquals(40, a.dice().leastVolume());
        assertEquals(360, a.dice().greatestVolume());
    }

    /** Invalid patterns of each kind, planted after valid data; the first one is reported. */
    @ParameterizedTest
    @EnumSource(Format.class)
    void theFirstInvalidVoxelIsReportedAsForFloat32(Format f) {
        int[] invalid = {f.nan, f.infinity, f.aboveOne, 0xBC00, 0x8001, f.one | 0x8000};
        SplittableRandom rnd = new SplittableRandom(77);
        for (int bad : invalid) {
            for (int at : new int[] {0, 63, 64, 1025, 199_999}) {
                short[] bits = soft(f, rnd, 200_000);
                bits[at] = (short) bad;
                bits[Math.min(bits.length - 1, at + 1 + rnd.nextInt(5000))] = (short) f.nan; // a later one too
                Case c = new Case(f + " invalid 0x" + Integer.toHexString(bad) + " at " + at, f, bits);
                InvalidMarginalException expected = assertThrows(InvalidMarginalException.class,
                        () -> Engine.scalar().analyze(Marginal.ofFloats(c.widened())));
                for (Marginal m : layouts(c)) {
                    for (Engine e : List.of(Engine.scalar(), Engine.simd(), PARALLEL)) {
                        InvalidMarginalException actual = assertThrows(InvalidMarginalException.class, () -> e.analyze(m), c.name());
                        assertEquals(at, actual.voxel(), c.name());
                        assertEquals(expected.getMessage(), actual.getMessage(), c.name());
                    }
                }
                // the engine is left clean: a valid analysis right after is still exact
                short[] ok = soft(f, rnd, 5000);
                assertEquals(Engine.scalar().analyze(Marginal.ofFloats(new Case("ok", f, ok).widened())),
                        PARALLEL.analyze(f.of(ok)), c.name() + ", then a valid one");
            }
        }
    }

    /** As above over 600 000 voxels, which one thread counts through the int pattern tables. */
    @ParameterizedTest
    @EnumSource(Format.class)
    void theFirstInvalidVoxelOfALongInputIsReported(Format f) {
        SplittableRandom rnd = new SplittableRandom(78);
        for (int at : new int[] {300_001, 599_999}) {
            short[] bits = rnd.nextBoolean() ? soft(f, rnd, 600_000) : scattered(f, rnd, 600_000);
            bits[at] = (short) f.nan;
            Case c = new Case(f + " NaN at " + at + " of 600000", f, bits);
            for (Marginal m : layouts(c)) {
                for (Engine e : List.of(Engine.scalar(), Engine.simd(), PARALLEL)) {
                    InvalidMarginalException actual = assertThrows(InvalidMarginalException.class, () -> e.analyze(m), c.name());
                    assertEquals(at, actual.voxel(), c.name() + " on " + e.backend());
                }
            }
            short[] ok = scattered(f, rnd, 600_000);
            assertEquals(Engine.scalar().analyze(Marginal.ofFloats(new Case("ok", f, ok).widened())),
                    Engine.simd().analyze(f.of(ok)), c.name() + ", then a valid one");
        }
    }

    @Test
    void negativeZeroIsZero() {
        for (Format f : Format.values()) {
            Marginal m = f.of(filled(10, KeyReader.HALF_NEGATIVE_ZERO));
            Analysis a = Engine.scalar().analyze(m, 10);
            assertEquals(Fraction.ZERO, a.mass(), f.name());
            assertEquals(0, a.dice().greatestVolume(), f.name());
            assertEquals(Fraction.ZERO, a.volumeConstrained().level(), f.name());
            assertEquals(10, a.volumeConstrained().tiesTaken(), f.name());
            assertEquals(10, Engine.simd().threshold(m, Fraction.ZERO, true).cardinality(), f.name());
            assertEquals(0, Engine.simd().threshold(m, Fraction.ZERO, false).cardinality(), f.name());
        }
    }
}
