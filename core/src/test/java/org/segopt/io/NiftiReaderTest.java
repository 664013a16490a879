package org.segopt.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.segopt.io.MedicalTestFiles.gzip;
import static org.segopt.io.NpyTestFiles.encode;
import static org.segopt.io.NrrdReaderTest.sample;
import static org.segopt.io.NrrdReaderTest.values;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.segopt.ElementType;
import org.segopt.io.MedicalTestFiles.Nifti;

class NiftiReaderTest {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ByteOrder BE = ByteOrder.BIG_ENDIAN;

    @TempDir
    Path dir;

    private final Arena arena = Arena.ofConfined();
    private final NiftiReader reader = new NiftiReader();

    @AfterEach
    void closeArena() {
        arena.close();
    }

    static Stream<Arguments> datatypes() {
        return Stream.of(
                Arguments.of(2, 8, ElementType.UINT8),
                Arguments.of(512, 16, ElementType.UINT16),
                Arguments.of(8, 32, ElementType.INT32),
                Arguments.of(16, 32, ElementType.FLOAT32),
                Arguments.of(64, 64, ElementType.FLOAT64));
    }

    /** A header for 6 voxels, dim = (3, 2, 1). */
    private static Nifti header(int version, ByteOrder order, int datatype, int bitpix) {
        Nifti n = new Nifti(version, order);
        n.datatype = datatype;
        n.bitpix = bitpix;
        n.dim = new long[] {3, 3, 2, 1, 1, 1, 1, 1};
        return n;
    }

    @ParameterizedTest
    @MethodSource("datatypes")
    void readsEveryTypeInBothVersionsByteOrdersAndCompressions(int datatype, int bitpix, ElementType type) throws Exception {
        for (int version : List.of(1, 2)) {
            for (ByteOrder order : List.of(LE, BE)) {
                Nifti n = header(version, order, datatype, bitpix);
                byte[] content = n.bytes(encode(type, order, sample(type)));
                String name = "v" + version + (order == LE ? "le" : "be");
                for (Path file : List.of(Files.write(dir.resolve(name + ".nii"), content),
                        Files.write(dir.resolve(name + ".nii.gz"), gzip(content)))) {
                    NdArray a = reader.read(file, arena);
                    assertEquals(type, a.type(), file.toString());
                    assertEquals(order, a.order(), file.toString());
                    assertArrayEquals(new long[] {1, 2, 3}, a.shape());
                    assertFalse(a.fortranOrder());
                    assertArrayEquals(sample(type), values(a), file.toString());
                }
            }
        }
    }

    @Test
    void honoursVoxOffsetPastExtensions() throws Exception {
        for (int version : List.of(1, 2)) {
            Nifti n = header(version, LE, 2, 8);
            n.voxOffset = 1024;
            byte[] data = encode(ElementType.UINT8, LE, sample(ElementType.UINT8));
            Path file = Files.write(dir.resolve("ext" + version + ".nii.gz"), gzip(n.bytes(data)));
            assertArrayEquals(sample(ElementType.UINT8), values(reader.read(file, arena)));
            n.voxOffset = version == 1 ? 348 : 540;
            Path bare = Files.write(dir.resolve("bare" + version + ".nii"), n.bytes(data));
            assertArrayEquals(sample(ElementType.UINT8), values(reader.read(bare, arena)));
        }
    }

    @Test
    void keepsTransformsAndDerivesGeometryFromTheSform() throws Exception {
        Nifti n = header(1, BE, 2, 8);
        n.sformCode = 2;
        n.qformCode = 1;
        n.srow = new double[] {-0.5, 0, 0, 90, 0, 0.75, 0, -126, 0, 0, 2.5, -72};
        n.quatern = new double[] {0, 0, 1};
        Path file = Files.write(dir.resolve("s.nii"), n.bytes(new byte[6]));
        Geometry g = reader.read(file, arena).geometry();
        assertEquals("right-anterior-superior", g.space());
        assertEquals(List.of(List.of(-0.5, 0.0, 0.0), List.of(0.0, 0.75, 0.0), List.of(0.0, 0.0, 2.5)), g.directions());
        assertEquals(List.of(90.0, -126.0, -72.0), g.origin());
        Geometry.NiftiTransforms t = g.nifti();
        assertEquals(2, t.sformCode());
        assertEquals(1, t.qformCode());
        assertEquals(List.of(1.0, 0.5, 0.75, 2.5, 1.0, 1.0, 1.0, 1.0), t.pixdim());
        assertEquals(2, t.xyztUnits());
    }

    @Test
    void derivesGeometryFromTheQuaternionWithQfac() throws Exception {
        Nifti n = header(2, LE, 2, 8);
        n.qformCode = 1;
        n.quatern = new double[] {0, 0, 1};        // 180 degrees about z: x -> -x, y -> -y
        n.qoffset = new double[] {10, 20, 30};
        n.pixdim = new double[] {-1, 0.5, 0.75, 2.5, 1, 1, 1, 1};
        Path file = Files.write(dir.resolve("q.nii"), n.bytes(new byte[6]));
        Geometry g = reader.read(file, arena).geometry();
        assertEquals(List.of(List.of(-0.5, 0.0, 0.0), List.of(0.0, -0.75, 0.0), List.of(0.0, 0.0, -2.5)), g.directions());
        assertEquals(List.of(10.0, 20.0, 30.0), g.origin());
    }

    @Test
    void withoutTransformsKeepsOnlySpacings() throws Exception {
        Path file = Files.write(dir.resolve("plain.nii"), header(1, LE, 2, 8).bytes(new byte[6]));
        Geometry g = reader.read(file, arena).geometry();
        assertNull(g.space());
        assertEquals(List.of(), g.directions());
        assertEquals(List.of(0.5, 0.75, 2.5), g.spacings());
    }

    @Test
    void acceptsUnscaledSlopes() throws Exception {
        double[][] unscaled = {{0, 0}, {0, 7}, {1, 0}, {Double.NaN, Double.NaN}, {1, Double.NaN}};
        for (double[] s : unscaled) {
            Nifti n = header(1, LE, 16, 32);
            n.slope = s[0];
            n.inter = s[1];
            Path file = Files.write(dir.resolve("slope.nii"), n.bytes(encode(ElementType.FLOAT32, LE, sample(ElementType.FLOAT32))));
            assertArrayEquals(sample(ElementType.FLOAT32), values(reader.read(file, arena)), Arrays.toString(s));
        }
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                bad("sizeof_hdr", n -> n.dim[0] = 3, b -> b[0] = 1, "sizeof_hdr is neither 348 nor 540"),
                bad("bad magic", n -> n.magic = "nope", b -> { }, "bad NIfTI-1 magic"),
                bad("pair header", n -> n.magic = "ni1\0", b -> { }, "header of a .hdr/.img pair"),
                bad("dim0 0", n -> n.dim[0] = 0, b -> { }, "dim[0] = 0 is outside 1..7"),
                bad("dim0 8", n -> n.dim[0] = 8, b -> { }, "dim[0] = 8 is outside 1..7"),
                bad("negative dim", n -> n.dim[2] = -2, b -> { }, "dim[2] = -2 is not positive"),
                bad("int16", n -> { n.datatype = 4; n.bitpix = 16; }, b -> { },
                        "datatype 4 (int16) is not supported by segopt"),
                bad("rgb", n -> { n.datatype = 128; n.bitpix = 24; }, b -> { }, "datatype 128 (rgb24) is not supported"),
                bad("unknown datatype", n -> n.datatype = 3, b -> { }, "unknown datatype 3"),
                bad("bitpix", n -> n.bitpix = 16, b -> { }, "bitpix 16 does not match datatype 2 (uint8, 8 bits)"),
                bad("slope 2", n -> n.slope = 2, b -> { }, "scl_slope = 2.0, scl_inter = 0.0: the voxel values are stored scaled"),
                bad("intercept", n -> { n.slope = 1; n.inter = 0.5; }, b -> { }, "scl_slope = 1.0, scl_inter = 0.5"),
                bad("vox_offset inside", n -> n.voxOffset = 100, b -> { }, "vox_offset 100 lies inside the 348-byte header"),
                bad("vox_offset fraction", n -> n.voxOffset = 352, b -> putFloat(b, 108, 352.5f), "vox_offset 352.5 is not a byte offset"),
                bad("vox_offset past end", n -> n.voxOffset = 352, b -> putFloat(b, 108, 4096), "vox_offset 4096 lies past the end"),
                bad("truncated data", n -> { }, b -> { }, "truncated: header declares 6 bytes of data but only 5", 5),
                bad("trailing data", n -> { }, b -> { }, "trailing bytes: header declares 6 bytes of data but 9", 9),
                bad("huge dims", n -> n.dim = new long[] {3, 32767, 32767, 32767, 1, 1, 1, 1}, b -> { },
                        "truncated: header declares 35181150961663 bytes of data but only 6"));
    }

    private static Arguments bad(String name, Consumer<Nifti> header, Consumer<byte[]> patch, String phrase) {
        return bad(name, header, patch, phrase, 6);
    }

    private static Arguments bad(String name, Consumer<Nifti> header, Consumer<byte[]> patch, String phrase, int dataBytes) {
        Nifti n = header(1, LE, 2, 8);
        header.accept(n);
        byte[] content = n.bytes(new byte[dataBytes]);
        patch.accept(content);
        return Arguments.of(name, content, phrase);
    }

    private static void putFloat(byte[] b, int offset, float v) {
        java.nio.ByteBuffer.wrap(b).order(LE).putFloat(offset, v);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void rejectsMalformedFilesWithOneLine(String name, byte[] content, String phrase) throws IOException {
        assertMessage(Files.write(dir.resolve("bad.nii"), content), phrase);
    }

    static Stream<Arguments> malformedCompressed() {
        Nifti n = header(1, LE, 2, 8);
        byte[] ok = n.bytes(new byte[6]);
        Nifti huge = header(2, BE, 2, 8);
        huge.dim = new long[] {3, 1_000_000, 1_000_000, 1, 1, 1, 1, 1};
        return Stream.of(
                Arguments.of("not gzip", ok, "not gzip-compressed data"),
                Arguments.of("header cut", gzip(Arrays.copyOf(ok, 200)), "ends after 200 bytes, inside the header"),
                Arguments.of("data short", gzip(Arrays.copyOf(ok, ok.length - 1)),
                        "truncated: the decompressed data ends after 357 bytes but the header declares 358"),
                Arguments.of("data long", gzip(Arrays.copyOf(ok, ok.length + 1)), "longer than the 358 bytes the header declares"),
                Arguments.of("huge", gzip(huge.bytes(new byte[6])), "header declares 1000000000544 decompressed bytes, more than"),
                Arguments.of("corrupt", Arrays.copyOf(gzip(ok), 30), "truncated compressed data"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedCompressed")
    void rejectsMalformedCompressedFiles(String name, byte[] content, String phrase) throws IOException {
        assertMessage(Files.write(dir.resolve("bad.nii.gz"), content), phrase);
    }

    @Test
    void rejectsShortAndMissingFilesAndNiftiTwoMagic() throws IOException {
        assertMessage(Files.write(dir.resolve("tiny.nii"), new byte[3]), "not a NIfTI file (too short: 3 bytes)");
        assertMessage(Files.write(dir.resolve("cut.nii"), Arrays.copyOf(header(1, LE, 2, 8).bytes(new byte[6]), 300)),
                "truncated header: the file has 300 bytes, the header 348");
        Nifti two = header(2, BE, 2, 8);
        two.magic = "n+2\0\n\n\032\n";
        assertMessage(Files.write(dir.resolve("mangled.nii"), two.bytes(new byte[6])), "bad NIfTI-2 magic");
        assertMessage(dir.resolve("absent.nii.gz"), "no such file");
        assertMessage(Files.createDirectory(dir.resolve("d.nii")), "is a directory");
    }

    private void assertMessage(Path file, String phrase) {
        InputException e = assertThrows(InputException.class, () -> reader.read(file, arena));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(phrase), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }
}
