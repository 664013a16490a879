package org.segopt.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.segopt.Analysis;
import org.segopt.BitMask;
import org.segopt.Encoding;
import org.segopt.Fraction;
import org.segopt.InvalidMarginalException;
import org.segopt.Marginal;
import org.segopt.Segmentation;
import org.segopt.engine.Calibration;
import org.segopt.engine.Engine;
import org.segopt.engine.ThresholdCalibrator;

/**
 * The checks every {@link CudaBackend} must pass, against {@link Engine#scalar()}: the same
 * analyses (every exact number), the same masks for every segmentation and threshold, the same
 * first invalid voxel, device-resident calibration equal to {@link ThresholdCalibrator}, and no
 * device memory growth over 10^4 calls. Subclasses provide the backend: emulated (always run) or
 * a real GPU (tagged "gpu", skipped without one).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ConformanceSuite {
    /** Voxels per generated case: several 4096-voxel tiles and many warps' worth. */
    static final int N = 150_001;

    CudaBackend backend;
    Engine engine;

    /** Opens the backend under test (or skips the class through an assumption). */
    abstract CudaBackend openBackend();

    /** Voxels of the larger generated cases. */
    int voxels() {
        return N;
    }

    /** Calls of the leak test. */
    int leakCalls() {
        return 10_000;
    }

    /** Seed of the generated cases. */
    long seed() {
        return 20260401L;
    }

    @BeforeAll
    void open() {
        backend = openBackend();
        engine = Engine.of(backend);
    }

    @AfterAll
    void close() {
        if (backend != null) {
            backend.close();
        }
    }

    Stream<Inputs.Case> validCases() {
        return Inputs.valid(seed(), voxels()).stream();
    }

    Stream<Inputs.Case> invalidCases() {
        return Inputs.invalid(seed() + 1, voxels()).stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validCases")
    void analysesAndMasksEqualScalar(Inputs.Case c) {
        Marginal m = c.marginal();
        Analysis expected = Engine.scalar().analyze(m);
        Analysis actual = engine.analyze(m);
        assertEquals(expected, actual, c.name());
        for (long v : new long[] {0, m.voxels() / 3, m.voxels()}) {
            assertEquals(Engine.scalar().analyze(m, v), engine.analyze(m, v), c.name() + " at volume " + v);
        }
        for (Segmentation s : Segmentation.values()) {
            assertEquals(Engine.scalar().segment(m, expected, s), engine.segment(m, actual, s), c.name() + " " + s);
        }
        Analysis third = Engine.scalar().analyze(m, m.voxels() / 3);
        assertEquals(Engine.scalar().segment(m, third, Segmentation.VOLUME_CONSTRAINED),
                engine.segment(m, third, Segmentation.VOLUME_CONSTRAINED), c.name() + " ties at volume n/3");
        for (Fraction t : List.of(Fraction.ZERO, Fraction.of(1, 3), Fraction.HALF, Fraction.ONE, Fraction.of(3, 2),
                expected.dice().threshold())) {
            for (boolean inclusive : new boolean[] {true, false}) {
                assertEquals(Engine.scalar().threshold(m, t, inclusive), engine.threshold(m, t, inclusive),
                        c.name() + " threshold " + t + (inclusive ? " inclusive" : ""));
            }
        }
        assertEquals(hostReadPass(m), engine.readPass(m), c.name() + " readPass checksum");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidCases")
    void firstInvalidVoxelEqualsScalar(Inputs.Case c) {
        InvalidMarginalException expected = assertThrows(InvalidMarginalException.class, () -> Engine.scalar().analyze(c.marginal()));
        InvalidMarginalException actual = assertThrows(InvalidMarginalException.class, () -> engine.analyze(c.marginal()));
        assertEquals(expected.getMessage(), actual.getMessage(), c.name());
        assertEquals(expected.voxel(), actual.voxel());
        assertEquals(expected.rater(), actual.rater());
        // the backend is left clean: a valid analysis right after is still exact
        Marginal ok = Marginal.ofFloats(Inputs.floats(new java.util.SplittableRandom(1), 5000));
        assertEquals(Engine.scalar().analyze(ok), engine.analyze(ok));
    }

    /**
     * A whole 4096-voxel block of −0.0 (key 0) must be counted like +0.0, also when refinement of
     * bin 0 may skip blocks. Compared with the scalar engine on the same data with +0.0, since
     * {@code Engine.scalar()} itself skips such blocks (its BlockRanges compares raw bit patterns:
     * a block of only −0.0, like the last partial block here, has hi < 0 and seems not to overlap
     * bin 0).
     */
    @Test
    void blocksOfNegativeZeroCountAsZero() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed());
        int n = 5 * 4096 + 17;
        float[] f = Inputs.floats(rnd, n);
        java.util.Arrays.fill(f, 4096, 2 * 4096, -0.0f);
        java.util.Arrays.fill(f, 3 * 4096, 4 * 4096, 0.0f);
        for (int i = 0; i < 40; i++) {
            f[4 * 4096 + 7 + i] = Float.MIN_VALUE * (i + 1); // subnormals share bin 0 with the zeros
        }
        java.util.Arrays.fill(f, 5 * 4096, n, -0.0f); // the last, partial block too
        float[] positive = f.clone();
        for (int i = 0; i < n; i++) {
            if (positive[i] == 0) {
                positive[i] = 0.0f;
            }
        }
        double[] d = new double[n];
        double[] dPositive = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = f[i];
            dPositive[i] = positive[i];
        }
        for (long v : new long[] {n, n - 4096 - 3, 0}) {
            assertEquals(Engine.scalar().analyze(Marginal.ofFloats(positive), v), engine.analyze(Marginal.ofFloats(f), v),
                    "float32 at volume " + v);
            assertEquals(Engine.scalar().analyze(Marginal.ofDoubles(dPositive), v), engine.analyze(Marginal.ofDoubles(d), v),
                    "float64 at volume " + v);
        }
    }

    /** Σ of the 64-bit little-endian words of every segment plus its trailing bytes, signed. */
    static long hostReadPass(Marginal m) {
        long total = 0;
        for (MemorySegment s : m.segments()) {
            long words = s.byteSize() / 8;
            for (long i = 0; i < words; i++) {
                total += s.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 8 * i);
            }
            for (long i = words * 8; i < s.byteSize(); i++) {
                total += s.get(ValueLayout.JAVA_BYTE, i);
            }
        }
        return total;
    }

    // ---- device-resident input ---------------------------------------------------------------------

    /** The cases a {@link DeviceArray} can describe: one little-endian array of floats or votes. */
    Stream<Inputs.Case> residentCases() {
        return validCases().filter(ConformanceSuite::describable);
    }

    private static boolean describable(Inputs.Case c) {
        Encoding e = c.marginal().encoding();
        return e != Encoding.RATER_MASKS && c.marginal().byteOrder().equals(ByteOrder.LITTLE_ENDIAN);
    }

    /** Copies m to device memory allocated through the backend's device. */
    long toDevice(Marginal m) {
        MemorySegment s = m.segments().getFirst();
        Device d = backend.device();
        long p = d.allocate(s.byteSize());
        d.upload(p, s, s.byteSize(), d.stream());
        d.synchronize(d.stream());
        return p;
    }

    static DeviceArray arrayOf(long pointer, Marginal m) {
        return new DeviceArray(pointer, m.voxels(), m.encoding(), m.elementType(), m.raters());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("residentCases")
    void residentCalibrationEqualsThresholdCalibrator(Inputs.Case c) {
        Marginal m = c.marginal();
        long p = toDevice(m);
        try {
            DeviceCalibrator calibrator = DeviceCalibrator.on(backend);
            DeviceCalibration r = calibrator.calibrate(arrayOf(p, m), backend.device().stream());
            Calibration expected = new ThresholdCalibrator(Engine.scalar()).calibrate(m);
            assertEquals(expected.voxels(), r.voxels());
            assertEquals(expected.diceLeastVolume(), r.diceLeastVolume(), c.name());
            assertEquals(expected.diceGreatestVolume(), r.diceGreatestVolume(), c.name());
            assertEquals(expected.accuracyLeastVolume(), r.accuracyLeastVolume(), c.name());
            assertEquals(expected.accuracyGreatestVolume(), r.accuracyGreatestVolume(), c.name());
            assertClose(expected.supDice(), r.supDice(), c.name() + " supDice");
            assertClose(expected.threshold(), r.threshold(), c.name() + " threshold");
            assertClose(expected.mass(), r.mass(), c.name() + " mass");
            if (m.encoding() == Encoding.VOTES || Double.isInfinite(expected.cut())) {
                assertEquals(expected.cut(), r.cut(), c.name() + " cut");
            } else {
                assertTrue(r.cut() >= expected.cut(), c.name() + " cut " + r.cut() + " below " + expected.cut());
            }
            assertEquals(r.diceGreatestVolume(), countAtLeast(m, r.cut()), c.name() + " voxels >= cut");
            assertEquals(Engine.scalar().analyze(m), calibrator.analyze(arrayOf(p, m), backend.device().stream()), c.name());
        } finally {
            backend.device().free(p);
        }
    }

    static void assertClose(double expected, double actual, String what) {
        assertTrue(Math.abs(expected - actual) <= 1e-9 * Math.max(1, Math.abs(expected)), what + ": " + expected + " vs " + actual);
    }

    /** #{m ≥ cut}, read on the host. */
    static long countAtLeast(Marginal m, double cut) {
        long count = 0;
        MemorySegment s = m.segments().getFirst();
        for (long i = 0; i < m.voxels(); i++) {
            double v = m.elementType().valueAt(s, m.byteOrder(), i);
            if (m.encoding() == Encoding.VOTES) {
                v = v / m.raters(); // as the calibrator computes c / R
            }
            if (v >= cut) {
                count++;
            }
        }
        return count;
    }

    Stream<Inputs.Case> residentInvalidCases() {
        return invalidCases().filter(ConformanceSuite::describable);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("residentInvalidCases")
    void residentInvalidVoxelEqualsScalar(Inputs.Case c) {
        assertResidentInvalidAsScalar(c.marginal(), c.name());
    }

    /** A device copy of m is refused with the scalar engine's message; returns the message. */
    String assertResidentInvalidAsScalar(Marginal m, String what) {
        long p = toDevice(m);
        try {
            InvalidMarginalException expected = assertThrows(InvalidMarginalException.class, () -> Engine.scalar().analyze(m));
            InvalidMarginalException actual = assertThrows(InvalidMarginalException.class,
                    () -> DeviceCalibrator.on(backend).calibrate(arrayOf(p, m), 0));
            assertEquals(expected.getMessage(), actual.getMessage(), what);
            return actual.getMessage();
        } finally {
            backend.device().free(p);
        }
    }

    /**
     * A resident float16 array's first invalid voxel lies past the first chunk of mask words the
     * backend fetches (and −0.0, a valid value, lies before it): found where the scalar engine
     * finds it, on both 16-bit types.
     */
    @Test
    void residentHalvesReportAnInvalidVoxelPastTheFirstMaskChunk() {
        int n = 600_003;
        for (boolean bfloat16 : new boolean[] {false, true}) {
            MemorySegment s = Inputs.halves(new java.util.SplittableRandom(seed()), n, bfloat16, ByteOrder.LITTLE_ENDIAN, 0);
            s.set(ValueLayout.JAVA_SHORT_UNALIGNED, 2L * 1000, (short) 0x8000); // −0.0
            s.set(ValueLayout.JAVA_SHORT_UNALIGNED, 2L * 570_001, (short) (bfloat16 ? 0x3F81 : 0x3C01)); // just above 1
            s.set(ValueLayout.JAVA_SHORT_UNALIGNED, 2L * 599_999, (short) 0x7E00); // NaN
            Marginal m = bfloat16 ? Marginal.ofBFloat16(s, ByteOrder.LITTLE_ENDIAN) : Marginal.ofFloat16(s, ByteOrder.LITTLE_ENDIAN);
            String message = assertResidentInvalidAsScalar(m, bfloat16 ? "bfloat16" : "float16");
            assertTrue(message.contains("570001"), message);
        }
    }

    @Test
    void residentArrayOutsideItsAllocationIsRejected() {
        Marginal m = Marginal.ofFloats(new float[1000]);
        long p = toDevice(m);
        try {
            DeviceCalibrator c = DeviceCalibrator.on(backend);
            long[] allocation = backend.device().allocationOf(p);
            long tooMany = (allocation[0] + allocation[1] - p) / 4 + 1;
            IllegalArgumentException past = assertThrows(IllegalArgumentException.class,
                    () -> c.calibrate(DeviceArray.float32(p, tooMany), 0));
            assertTrue(past.getMessage().contains("past the end"), past.getMessage());
            assertEquals(1000, c.calibrate(DeviceArray.float32(p, 1000), 0).voxels());
        } finally {
            backend.device().free(p);
        }
        IllegalArgumentException host = assertThrows(IllegalArgumentException.class,
                () -> DeviceCalibrator.on(backend).calibrate(DeviceArray.float32(0x1000, 10), 0));
        assertTrue(host.getMessage().contains("not device memory"), host.getMessage());
    }

    // ---- resources -------------------------------------------------------------------------------

    @Test
    void tenThousandCallsAllocateNothing() {
        int calls = leakCalls();
        float[] small = Inputs.floats(new java.util.SplittableRandom(7), 4096);
        byte[] votes = new byte[3000];
        for (int i = 0; i < votes.length; i++) {
            votes[i] = (byte) (i % 4);
        }
        Marginal f = Marginal.ofFloats(small);
        Marginal v = Marginal.ofVotes(votes, 3);
        Marginal big = Marginal.ofDoubles(Inputs.doubles(new java.util.SplittableRandom(8), 1 << 18));
        engine.segment(big, engine.analyze(big), Segmentation.VOLUME_CONSTRAINED); // buffers at their largest
        long allocations = backend.liveAllocations();
        long free = backend.device().memoryInfo()[0];
        Analysis expectedF = Engine.scalar().analyze(f);
        Analysis expectedV = Engine.scalar().analyze(v);
        long resident = toDevice(f);
        DeviceCalibrator calibrator = DeviceCalibrator.on(backend);
        long afterResident = backend.liveAllocations();
        for (int i = 0; i < calls; i++) {
            Marginal m = i % 2 == 0 ? f : v;
            Analysis a = engine.analyze(m);
            assertEquals(i % 2 == 0 ? expectedF : expectedV, a);
            if (i % 100 == 0) {
                engine.segment(m, a, Segmentation.VOLUME_CONSTRAINED);
                calibrator.calibrate(DeviceArray.float32(resident, small.length), 0);
            }
        }
        assertEquals(afterResident, backend.liveAllocations(), "device allocations after " + calls + " calls");
        backend.device().free(resident);
        assertEquals(allocations, backend.liveAllocations());
        long drift = free - backend.device().memoryInfo()[0];
        assertTrue(drift <= 4 << 20, "free device memory dropped by " + drift + " bytes");
    }

    @Test
    void closedBackendRefusesWork() {
        CudaBackend b = openBackend();
        b.close();
        b.close(); // idempotent
        Marginal m = Marginal.ofFloats(new float[10]);
        assertThrows(IllegalStateException.class, () -> Engine.of(b).analyze(m));
    }

    @Test
    void nameAndThreads() {
        assertEquals("cuda", backend.name());
        assertEquals(1, backend.threads());
        assertEquals("cuda", engine.backend());
        assertTrue(backend.describe().startsWith("cuda: "), backend.describe());
    }

    @Test
    void votesTableTooShortIsRejected() {
        Marginal m = Marginal.ofVotes(new byte[10], 5);
        assertThrows(IllegalArgumentException.class, () -> backend.countVotes(m, new long[3]));
        assertThrows(IllegalArgumentException.class, () -> backend.countFloats(m, new org.segopt.engine.FloatHistogram(),
                null));
        Marginal f = Marginal.ofFloats(new float[10]);
        org.segopt.engine.Refinement wide = new org.segopt.engine.Refinement();
        wide.addBin(17, 0); // float32 refinements shift by 16
        assertThrows(IllegalArgumentException.class, () -> backend.refineFloats(f, wide, new org.segopt.engine.BlockRanges()));
        assertThrows(IllegalArgumentException.class, () -> backend.select(f, 0, Long.MAX_VALUE, new BitMask(5)));
    }
}
