package org.segopt.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.segopt.io.MedicalTestFiles.gzip;
import static org.segopt.io.MedicalTestFiles.nrrd;
import static org.segopt.io.NrrdReaderTest.values;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.segopt.ElementType;
import org.segopt.io.MedicalTestFiles.Nifti;

class ArrayWritersTest {
    /** A 2x3x4 mask, slowest first, in C order. */
    private static final long[] SHAPE = {2, 3, 4};
    private static final byte[] MASK = new byte[24];

    static {
        for (int i = 0; i < MASK.length; i++) {
            MASK[i] = (byte) (i % 3 == 0 || i == 23 ? 1 : 0);
        }
    }

    @TempDir
    Path dir;

    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void closeArena() {
        arena.close();
    }

    private static double[] asDoubles(byte[] mask) {
        double[] d = new double[mask.length];
        for (int i = 0; i < mask.length; i++) {
            d[i] = mask[i];
        }
        return d;
    }

    @ParameterizedTest
    @ValueSource(strings = {"m.npy", "m.nrrd", "m.nhdr", "m.nii", "m.nii.gz", "M.NII.GZ"})
    void everyFormatReadsBackTheSameVoxelsAndShape(String name) throws Exception {
        Path out = dir.resolve(name);
        ArrayWriters.write(out, MASK, SHAPE, false, null);
        NdArray a = ArrayReaders.read(out, arena);
        assertEquals(ElementType.UINT8, a.type());
        assertArrayEquals(SHAPE, a.shape());
        assertFalse(a.fortranOrder());
        assertArrayEquals(asDoubles(MASK), values(a));
    }

    @Test
    void fortranOrderIsKeptInNpyAndBecomesTheFileAxisOrderElsewhere() throws Exception {
        ArrayWriters.write(dir.resolve("f.npy"), MASK, SHAPE, true, null);
        NdArray npy = ArrayReaders.read(dir.resolve("f.npy"), arena);
        assertTrue(npy.fortranOrder());
        assertArrayEquals(SHAPE, npy.shape());
        ArrayWriters.write(dir.resolve("f.nrrd"), MASK, SHAPE, true, null);
        NdArray nrrd = ArrayReaders.read(dir.resolve("f.nrrd"), arena);
        assertArrayEquals(new long[] {4, 3, 2}, nrrd.shape());
        assertArrayEquals(asDoubles(MASK), values(nrrd));
    }

    @Test
    void zeroDimensionalArraysStayScalarInNpyAndBecomeOneVoxelElsewhere() throws Exception {
        ArrayWriters.write(dir.resolve("s.npy"), new byte[] {1}, new long[0], false, null);
        assertArrayEquals(new long[0], ArrayReaders.read(dir.resolve("s.npy"), arena).shape());
        ArrayWriters.write(dir.resolve("s.nii"), new byte[] {1}, new long[0], false, null);
        assertArrayEquals(new long[] {1}, ArrayReaders.read(dir.resolve("s.nii"), arena).shape());
    }

    @Test
    void nrrdHeaderIsExactlyAsSpecified() throws Exception {
        Geometry g = new Geometry("left-posterior-superior",
                List.of(List.of(0.9765625, 0.0, 0.0), List.of(0.0, 0.9765625, 0.0), List.of(0.0, 0.0, 2.5)),
                List.of(-249.51171875, -408.51171875, -626.5), List.of(), List.of("domain", "domain", "domain"), null);
        Path out = dir.resolve("golden.nrrd");
        ArrayWriters.write(out, MASK, SHAPE, false, g);
        String expected = """
                NRRD0004
                # a 0/1 segmentation mask written by segopt
                type: unsigned char
                dimension: 3
                space: left-posterior-superior
                sizes: 4 3 2
                space directions: (0.9765625,0.0,0.0) (0.0,0.9765625,0.0) (0.0,0.0,2.5)
                kinds: domain domain domain
                encoding: gzip
                space origin: (-249.51171875,-408.51171875,-626.5)

                """;
        byte[] bytes = Files.readAllBytes(out);
        assertEquals(expected, new String(bytes, 0, expected.length(), StandardCharsets.US_ASCII));
        byte[] data = new GZIPInputStream(new java.io.ByteArrayInputStream(bytes, expected.length(),
                bytes.length - expected.length())).readAllBytes();
        assertArrayEquals(MASK, data);
        assertEquals(g, ArrayReaders.read(out, arena).geometry());
    }

    @Test
    void detachedNrrdWritesHeaderAndRawDataBesideIt() throws Exception {
        ArrayWriters.write(dir.resolve("d.nhdr"), MASK, SHAPE, false, null);
        assertArrayEquals(MASK, Files.readAllBytes(dir.resolve("d.raw")));
        assertTrue(Files.readString(dir.resolve("d.nhdr")).contains("encoding: raw\ndata file: d.raw\n"));
    }

    @Test
    void niftiHeaderFieldsAreAsSpecified() throws Exception {
        Path out = dir.resolve("golden.nii");
        ArrayWriters.write(out, MASK, SHAPE, false, null);
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(352 + 24, b.capacity());
        assertEquals(348, b.getInt(0));
        assertEquals(3, b.getShort(40));
        assertEquals(List.of(4, 3, 2), List.of((int) b.getShort(42), (int) b.getShort(44), (int) b.getShort(46)));
        assertEquals(2, b.getShort(70));
        assertEquals(8, b.getShort(72));
        assertEquals(352f, b.getFloat(108));
        assertEquals(1f, b.getFloat(112));
        assertEquals(0f, b.getFloat(116));
        assertEquals("n+1\0", new String(Arrays.copyOfRange(b.array(), 344, 348), StandardCharsets.US_ASCII));
    }

    @Test
    void niftiTransformsSurviveVerbatim() throws Exception {
        for (int version : List.of(1, 2)) {
            Nifti n = new Nifti(version, ByteOrder.BIG_ENDIAN);
            n.datatype = 2;
            n.bitpix = 8;
            n.dim = new long[] {3, 4, 3, 2, 1, 1, 1, 1};
            n.qformCode = 1;
            n.sformCode = 2;
            n.quatern = new double[] {0.25, -0.5, 0.125};
            n.qoffset = new double[] {1.5, -2.25, 3};
            n.pixdim = new double[] {-1, 0.5, 0.75, 2.5, 1, 1, 1, 1};
            n.srow = new double[] {-0.5, 0, 0, 90, 0, 0.75, 0, -126, 0, 0, 2.5, -72};
            Path in = Files.write(dir.resolve("in" + version + ".nii.gz"), gzip(n.bytes(new byte[24])));
            Geometry g = ArrayReaders.read(in, arena).geometry();
            Path out = dir.resolve("out" + version + ".nii.gz");
            ArrayWriters.write(out, MASK, SHAPE, false, g);
            assertEquals(g, ArrayReaders.read(out, arena).geometry());
            ArrayWriters.write(dir.resolve("out.nrrd"), MASK, SHAPE, false, g);
            Geometry viaNrrd = ArrayReaders.read(dir.resolve("out.nrrd"), arena).geometry();
            assertEquals(g.space(), viaNrrd.space());
            assertEquals(g.directions(), viaNrrd.directions());
            assertEquals(g.origin(), viaNrrd.origin());
        }
    }

    @Test
    void nrrdGeometryBecomesARasSformInNifti() throws Exception {
        Path in = Files.write(dir.resolve("lps.nrrd"), nrrd("type: uchar\ndimension: 3\nspace: LPS\nsizes: 4 3 2\n"
                + "space directions: (0,1.5,0) (-2,0,0) (0,0,3)\nspace origin: (10,20,30)\nencoding: raw\n", MASK));
        Geometry g = ArrayReaders.read(in, arena).geometry();
        ArrayWriters.write(dir.resolve("ras.nii"), MASK, SHAPE, false, g);
        Geometry ras = ArrayReaders.read(dir.resolve("ras.nii"), arena).geometry();
        assertEquals("right-anterior-superior", ras.space());
        assertEquals(List.of(List.of(0.0, -1.5, 0.0), List.of(2.0, 0.0, 0.0), List.of(0.0, 0.0, 3.0)), ras.directions());
        assertEquals(List.of(-10.0, -20.0, 30.0), ras.origin());
        assertEquals(List.of(1.0, 1.5, 2.0, 3.0, 1.0, 1.0, 1.0, 1.0), ras.nifti().pixdim());
        assertEquals(1, ras.nifti().sformCode());
        Path plain = Files.write(dir.resolve("plain.nrrd"), nrrd("type: uchar\ndimension: 3\nsizes: 4 3 2\n"
                + "spacings: 0.5 nan 2\nencoding: raw\n", MASK));
        ArrayWriters.write(dir.resolve("plain.nii"), MASK, SHAPE, false, ArrayReaders.read(plain, arena).geometry());
        Geometry spacings = ArrayReaders.read(dir.resolve("plain.nii"), arena).geometry();
        assertNull(spacings.space());
        assertEquals(List.of(0.5, 1.0, 2.0), spacings.spacings());
    }

    @Test
    void rejectsUnsupportedNamesShapesAndUnwritablePaths() throws IOException {
        assertFalse(ArrayWriters.supports(dir.resolve("m.png")));
        assertMessage(dir.resolve("m.png"), MASK, SHAPE, "unsupported output format");
        assertMessage(dir.resolve("none/m.nii"), MASK, SHAPE, "cannot write");
        assertMessage(Files.createDirectory(dir.resolve("d.npy")), MASK, SHAPE, "cannot write");
        assertMessage(dir.resolve("wide.nii"), new byte[40000], new long[] {40000}, "exceeds NIfTI-1's limit of 32767");
        assertMessage(dir.resolve("deep.nii"), new byte[1], new long[] {1, 1, 1, 1, 1, 1, 1, 1}, "at most 7 dimensions");
        assertThrows(IllegalArgumentException.class, () -> ArrayWriters.write(dir.resolve("m.npy"), MASK, new long[] {5}, false, null));
    }

    private static void assertMessage(Path out, byte[] mask, long[] shape, String phrase) {
        InputException e = assertThrows(InputException.class, () -> ArrayWriters.write(out, mask, shape, false, null));
        assertTrue(e.getMessage().startsWith(out + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(phrase), e.getMessage());
    }
}
