package org.segopt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.segopt.Analysis;
import org.segopt.ElementType;
import org.segopt.InvalidMarginalException;
import org.segopt.Marginal;
import org.segopt.Segmentation;

/**
 * Every path (Vector API on one thread, on several threads, the calibrator and the batch
 * calibrator) gives results equal to the single-threaded scalar engine, on inputs large enough to
 * be split into chunks, with lengths that are not multiples of the vector width, both byte orders,
 * and structure like real volumes (runs of 0 and 1, fuzzy borders).
 */
class BackendEqualityProperties {
    private static final Engine[] ENGINES = {Engine.simd(), Engine.parallel(2), Engine.parallel(3)};

    enum Layout { VOTES_U8, VOTES_BOOL, VOTES_U16, VOTES_I32, MASKS_U8, F32, F32_SWAPPED, F64, F64_SWAPPED }

    @Test
    void everyBackendEqualsScalar() {
        Theories.check(40, layouts(), Theories.sizes(1, 400_000), Theories.seeds(),
                BackendEqualityProperties::everyBackendEqualsScalar);
    }

    private static void everyBackendEqualsScalar(Layout layout, int n, long seed) {
        Marginal m = build(layout, n, seed);
        Analysis expected = Engine.scalar().analyze(m);
        for (Engine e : ENGINES) {
            assertEquals(expected, e.analyze(m), e.backend() + " x" + e.threads());
            for (Segmentation s : Segmentation.values()) {
                assertEquals(Engine.scalar().segment(m, expected, s), e.segment(m, expected, s), s + " " + e.backend());
            }
        }
        Calibration c = new ThresholdCalibrator().calibrate(m);
        assertEquals(expected.dice().greatestVolume(), c.diceGreatestVolume());
        assertEquals(expected.dice().leastVolume(), c.diceLeastVolume());
        assertEquals(expected.accuracy().greatestVolume(), c.accuracyGreatestVolume());
        assertEquals(expected.accuracy().leastVolume(), c.accuracyLeastVolume());
        assertEquals(expected.dice().sup().doubleValue(), c.supDice(), 1e-12);
        assertEquals(expected.dice().threshold().doubleValue(), c.threshold(), 1e-12);
        if (c.diceGreatestVolume() > 0 && !m.encoding().isVoteType()) {
            // For float input, I{m ≥ cut} is s^D exactly.
            assertEquals(Engine.scalar().segment(m, expected, Segmentation.DICE_GREATEST),
                    Engine.scalar().threshold(m, org.segopt.Fraction.of(c.cut()), true));
        }
    }

    @Test
    void batchEqualsOneByOne() {
        Theories.check(10, Theories.sizes(1, 12), Theories.sizes(1, 5000), Theories.seeds(),
                BackendEqualityProperties::batchEqualsOneByOne);
    }

    private static void batchEqualsOneByOne(int patches, int voxels, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] all = new float[patches * voxels];
        for (int i = 0; i < all.length; i++) {
            all[i] = structuredFloat(r, i);
        }
        Calibration[] out = new Calibration[patches];
        for (int i = 0; i < patches; i++) {
            out[i] = new Calibration();
        }
        try (BatchCalibrator batch = new BatchCalibrator(3)) {
            batch.calibrate(all, voxels, out);
        }
        ThresholdCalibrator single = new ThresholdCalibrator(Engine.scalar());
        for (int p = 0; p < patches; p++) {
            float[] one = java.util.Arrays.copyOfRange(all, p * voxels, (p + 1) * voxels);
            assertEquals(single.calibrate(one).toString(), out[p].toString(), "patch " + p);
        }
    }

    @Test
    void firstBadVoxelIsFoundByEveryBackend() {
        Theories.check(30, layouts(), Theories.sizes(1, 300_000), Theories.seeds(),
                BackendEqualityProperties::firstBadVoxelIsFoundByEveryBackend);
    }

    private static void firstBadVoxelIsFoundByEveryBackend(Layout layout, int n, long seed) {
        Marginal m = build(layout, n, seed);
        SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
        long bad = r.nextLong(n);
        corrupt(m, bad, r.nextLong(n));
        InvalidMarginalException expected = assertThrows(InvalidMarginalException.class, () -> Engine.scalar().analyze(m));
        for (Engine e : ENGINES) {
            InvalidMarginalException actual = assertThrows(InvalidMarginalException.class, () -> e.analyze(m));
            assertEquals(expected.getMessage(), actual.getMessage());
        }
        assertEquals(expected.getMessage(), assertThrows(InvalidMarginalException.class,
                () -> new ThresholdCalibrator().calibrate(m)).getMessage());
    }

    /** A block holding only −0.0 (here the last, partial one) still holds key 0 for refinement. */
    @Test
    void blockOfNegativeZerosIsRefinedLikeZeros() {
        float[] withNegativeZero = new float[4097];
        java.util.Arrays.fill(withNegativeZero, 0.3f);
        withNegativeZero[100] = 0f;
        withNegativeZero[200] = Float.MIN_VALUE * 3;
        withNegativeZero[4096] = -0.0f;
        float[] withZero = withNegativeZero.clone();
        withZero[4096] = 0f;
        for (Engine e : new Engine[] {Engine.scalar(), Engine.simd(), Engine.parallel(2)}) {
            assertEquals(e.analyze(Marginal.ofFloats(withZero), 4097), e.analyze(Marginal.ofFloats(withNegativeZero), 4097));
        }
    }

    private static Gen<Layout> layouts() {
        return Generate.enumValues(Layout.class);
    }

    /** Background 0, interior 1, fuzzy borders: mostly long runs, like a segmentation marginal. */
    private static float structuredFloat(SplittableRandom r, int i) {
        return structuredFloat(r, i, 997);
    }

    /**
     * As {@link #structuredFloat(SplittableRandom, int)} with runs of {@code run} voxels; runs
     * longer than a block give whole blocks of 0, of 1 and of one fractional value.
     */
    private static float structuredFloat(SplittableRandom r, int i, int run) {
        int phase = (i / run) % 5;
        return switch (phase) {
            case 0 -> 0f;
            case 1 -> 1f;
            case 2 -> r.nextInt(4) == 0 ? 0.5f : (float) r.nextDouble();
            case 3 -> r.nextInt(5) / 5f;
            default -> ((i / run) % 7 + 1) / 10f;
        };
    }

    /** A run length for {@link #structuredFloat(SplittableRandom, int, int)}: shorter or longer than a block. */
    private static int runLength(SplittableRandom r) {
        return new int[] {997, 2500, 5000}[r.nextInt(3)];
    }

    static Marginal build(Layout layout, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int raters = switch (layout) {
            case VOTES_BOOL -> 1;
            case VOTES_U8, MASKS_U8 -> 1 + r.nextInt(9);
            case VOTES_U16 -> 1 + r.nextInt(65534); // 65535 must stay invalid
            case VOTES_I32 -> 1 + r.nextInt(300);
            default -> 0;
        };
        switch (layout) {
            case VOTES_U8, VOTES_BOOL -> {
                byte[] v = new byte[n];
                for (int i = 0; i < n; i++) {
                    v[i] = (byte) ((i / 700) % 3 == 0 ? 0 : (i / 700) % 3 == 1 ? raters : r.nextInt(raters + 1));
                }
                return Marginal.ofVotes(MemorySegment.ofArray(v), layout == Layout.VOTES_BOOL ? ElementType.BOOL : ElementType.UINT8,
                        ByteOrder.nativeOrder(), raters);
            }
            case VOTES_U16 -> {
                short[] v = new short[n];
                for (int i = 0; i < n; i++) {
                    v[i] = (short) ((i / 500) % 2 == 0 ? 0 : r.nextInt(raters + 1));
                }
                return Marginal.ofVotes(v, raters);
            }
            case VOTES_I32 -> {
                int[] v = new int[n];
                for (int i = 0; i < n; i++) {
                    v[i] = (i / 500) % 2 == 0 ? raters : r.nextInt(raters + 1);
                }
                return Marginal.ofVotes(v, raters);
            }
            case MASKS_U8 -> {
                List<byte[]> masks = new ArrayList<>();
                for (int k = 0; k < raters; k++) {
                    byte[] mask = new byte[n];
                    for (int i = 0; i < n; i++) {
                        mask[i] = (byte) ((i / 800) % 2 == 0 ? 0 : r.nextInt(4) == 0 ? 0 : 1);
                    }
                    masks.add(mask);
                }
                return Marginal.ofRaterMasks(masks.toArray(byte[][]::new));
            }
            case F32, F32_SWAPPED -> {
                ByteOrder order = layout == Layout.F32 ? ByteOrder.nativeOrder() : swapped();
                ByteBuffer b = ByteBuffer.allocate(n * 4).order(order);
                int run = runLength(r);
                for (int i = 0; i < n; i++) {
                    float f = structuredFloat(r, i, run);
                    b.putFloat(i * 4, f == 0 && r.nextInt(50) == 0 ? -0.0f : f);
                }
                return Marginal.ofFloats(MemorySegment.ofArray(b.array()), order);
            }
            case F64, F64_SWAPPED -> {
                ByteOrder order = layout == Layout.F64 ? ByteOrder.nativeOrder() : swapped();
                ByteBuffer b = ByteBuffer.allocate(n * 8).order(order);
                int run = runLength(r);
                for (int i = 0; i < n; i++) {
                    double d = (i / 900) % 3 == 2 ? r.nextDouble() : structuredFloat(r, i, run);
                    b.putDouble(i * 8, d);
                }
                return Marginal.ofDoubles(MemorySegment.ofArray(b.array()), order);
            }
            default -> throw new IllegalStateException();
        }
    }

    /** Puts invalid values at voxels {@code a} and {@code b} (for masks: into one rater each). */
    private static void corrupt(Marginal m, long a, long b) {
        for (long i : new long[] {a, b}) {
            MemorySegment s = m.segments().get((int) (i % m.segments().size()));
            long offset = i * m.elementType().byteSize();
            switch (m.elementType()) {
                case BOOL, UINT8 -> s.set(java.lang.foreign.ValueLayout.JAVA_BYTE, offset, (byte) 200);
                case UINT16 -> s.set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, offset, (short) -1);
                case INT32 -> s.set(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, offset, -3);
                case FLOAT32 -> s.set(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, offset, -1); // NaN in either byte order
                case FLOAT64 -> s.set(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, offset, -1L);
            }
        }
    }

    private static ByteOrder swapped() {
        return ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    }
}
