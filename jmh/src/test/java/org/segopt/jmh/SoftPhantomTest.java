package org.segopt.jmh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segopt.ElementType;
import org.segopt.io.ArrayReaders;
import org.segopt.io.InputException;
import org.segopt.io.NdArray;

class SoftPhantomTest {
    private static final Phantom PHANTOM = new Phantom();
    /** Four slices through the organs' heights (z = 37.5, 112.5, 187.5, 262.5). */
    private static final Region SLICES = Region.volume(4);

    private static double sigmoid(double logit) {
        return 1 / (1 + Math.exp(-logit));
    }

    @Test
    void everyValueIsFractionalWithinTheDocumentedRange() {
        for (Soft.Network network : Soft.Network.values()) {
            double[] m = PHANTOM.softFloat64(network, SLICES);
            float[] f = PHANTOM.softFloat32(network, SLICES);
            double low = sigmoid(Soft.LOGIT_FLOOR - network.noise * VoxelNoise.BOUND) * (1 - 1e-4); // the logit is a float32
            double high = sigmoid(Soft.LOGIT_CEILING) * (1 + 1e-12);
            long tiny = 0;
            long above = 0;
            for (int i = 0; i < m.length; i++) {
                assertTrue(m[i] >= low && m[i] <= high, network + " m = " + m[i]);
                assertTrue(f[i] > 0 && f[i] < 1, network + " float32 m = " + f[i]);
                assertEquals((float) m[i], f[i]);
                tiny += m[i] < 1e-6 ? 1 : 0;
                above += m[i] > 0.5 ? 1 : 0;
            }
            // Most of a slice is far from the organs; a few per cent lies inside one.
            assertTrue(tiny > m.length / 2, network + ": " + tiny + " values below 1e-6");
            assertTrue(above > m.length / 100 && above < m.length / 10, network + ": " + above + " values above 1/2");
            assertTrue(Arrays.stream(m).min().orElseThrow() < 1e-30, network + " reaches below 1e-30");
        }
    }

    @Test
    void theNetworksDifferInSharpness() {
        double[] confident = PHANTOM.softFloat64(Soft.Network.CONFIDENT, SLICES);
        double[] uncertain = PHANTOM.softFloat64(Soft.Network.UNCERTAIN, SLICES);
        long confidentMiddle = Arrays.stream(confident).filter(v -> v > 0.1 && v < 0.9).count();
        long uncertainMiddle = Arrays.stream(uncertain).filter(v -> v > 0.1 && v < 0.9).count();
        assertTrue(uncertainMiddle > confidentMiddle * 1.2, uncertainMiddle + " vs " + confidentMiddle);
    }

    @Test
    void everyPrecisionRoundsTheSameDoubles() {
        Region region = Region.centralPatch(32);
        for (Soft.Network network : Soft.Network.values()) {
            double[] m = PHANTOM.softFloat64(network, region);
            short[] half = PHANTOM.softFloat16(network, region);
            short[] brain = PHANTOM.softBFloat16(network, region);
            for (int i = 0; i < m.length; i++) {
                assertEquals(HalfPrecision.float16(m[i]), half[i]);
                assertEquals(HalfPrecision.bfloat16(m[i]), brain[i]);
            }
        }
    }

    @Test
    void aPatchHoldsTheSameVoxelsAsTheVolume() {
        int edge = 16;
        Region patch = Region.centralPatch(edge);
        float[] volume = PHANTOM.softFloat32(Soft.Network.UNCERTAIN, Region.volume(edge));
        float[] expected = new float[edge * edge * edge];
        for (int z = 0; z < edge; z++) {
            for (int y = 0; y < edge; y++) {
                System.arraycopy(volume, (z * Phantom.SIZE + y + patch.row0()) * Phantom.SIZE + patch.column0(), expected,
                        (z * edge + y) * edge, edge);
            }
        }
        assertArrayEquals(expected, PHANTOM.softFloat32(Soft.Network.UNCERTAIN, patch));
        assertEquals(new Region(16, 248, 16, 248, 16), patch);
        assertEquals("patch16", patch.fileTag());
        assertEquals("N16", Region.volume(16).fileTag());
    }

    @Test
    void theSeedDecidesTheNoise() {
        Region region = Region.centralPatch(8);
        assertArrayEquals(new Phantom().softFloat64(Soft.Network.CONFIDENT, region),
                PHANTOM.softFloat64(Soft.Network.CONFIDENT, region));
        double[] other = new Phantom(Phantom.SEED + 1).softFloat64(Soft.Network.CONFIDENT, region);
        assertFalse(Arrays.equals(other, PHANTOM.softFloat64(Soft.Network.CONFIDENT, region)));
    }

    @Test
    void encodingsNameEachSoftMarginal() {
        assertEquals(8, Soft.all().size());
        for (Soft s : Soft.all()) {
            assertEquals(s, Soft.parse(s.encoding()));
        }
        assertEquals("soft-uncertain-bf16", new Soft(Soft.Network.UNCERTAIN, Soft.Precision.BFLOAT16).encoding());
        assertThrows(IllegalArgumentException.class, () -> Soft.parse("soft-sure-f32"));
        assertThrows(IllegalArgumentException.class, () -> new Region(4, 500, 16, 0, 512));
        assertThrows(IllegalArgumentException.class, () -> PHANTOM.soft(Soft.parse("soft-confident-f32"),
                Region.centralPatch(4), MemorySegment.ofArray(new float[63]), ByteOrder.nativeOrder()));
    }

    @Test
    void theWriterWritesWhatTheReadersRead(@TempDir Path dir) throws IOException, InputException {
        Region patch = Region.centralPatch(16);
        for (Soft.Network network : Soft.Network.values()) {
            Path f32 = PHANTOM.write(dir, new Soft(network, Soft.Precision.FLOAT32), patch);
            Path f64 = PHANTOM.write(dir, new Soft(network, Soft.Precision.FLOAT64), patch);
            Path bf16 = PHANTOM.write(dir, new Soft(network, Soft.Precision.BFLOAT16), patch);
            Path f16 = PHANTOM.write(dir, new Soft(network, Soft.Precision.FLOAT16), patch);
            assertEquals("phantom_soft-" + network.label() + "_float32_patch16.npy", f32.getFileName().toString());
            try (Arena arena = Arena.ofConfined()) {
                NdArray a = ArrayReaders.read(f32, arena);
                assertEquals(ElementType.FLOAT32, a.type());
                assertArrayEquals(new long[] {16, 16, 16}, a.shape());
                assertArrayEquals(PHANTOM.softFloat32(network, patch),
                        a.data().toArray(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(a.order())));
                NdArray d = ArrayReaders.read(f64, arena);
                assertArrayEquals(PHANTOM.softFloat64(network, patch),
                        d.data().toArray(ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(d.order())));
                NdArray b = ArrayReaders.read(bf16, arena);
                assertEquals(ElementType.UINT16, b.type());
                assertArrayEquals(PHANTOM.softBFloat16(network, patch),
                        b.data().toArray(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(b.order())));
            }
            // float16: the readers take <f2 only once core has float16; check the file's bytes.
            byte[] bytes = Files.readAllBytes(f16);
            String header = new String(bytes, 0, 128, StandardCharsets.US_ASCII);
            assertTrue(header.contains("'descr': '<f2', 'fortran_order': False, 'shape': (16, 16, 16), }"), header);
            assertArrayEquals(PHANTOM.softFloat16(network, patch), MemorySegment.ofArray(bytes)
                    .asSlice(bytes.length - 2L * 16 * 16 * 16).toArray(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN)));
        }
    }
}
