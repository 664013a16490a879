package org.segopt.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.segopt.io.MedicalTestFiles.gzip;
import static org.segopt.io.MedicalTestFiles.nrrd;
import static org.segopt.io.NpyTestFiles.concat;
import static org.segopt.io.NpyTestFiles.encode;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.segopt.ElementType;

class NrrdReaderTest {
    private static final double[] U8 = {0, 1, 7, 128, 200, 255};

    @TempDir
    Path dir;

    private final Arena arena = Arena.ofConfined();
    private final NrrdReader reader = new NrrdReader();

    @AfterEach
    void closeArena() {
        arena.close();
    }

    static double[] sample(ElementType type) {
        return switch (type) {
            case BOOL -> new double[] {0, 1, 1, 0, 1, 0};
            case UINT8 -> U8;
            case UINT16 -> new double[] {0, 1, 0x1234, 0x8000, 40000, 65535};
            case INT32 -> new double[] {0, -1, 0x12345678, 7, Integer.MIN_VALUE, Integer.MAX_VALUE};
            case FLOAT32 -> new double[] {0, -1.5, 0.1f, Float.MAX_VALUE, Float.NaN, 0.5};
            case FLOAT64 -> new double[] {0, -1.5, Math.PI, Double.MIN_VALUE, Double.NaN, 1e300};
            case INT16 -> new double[] {0, -1, 0x1234, 7, Short.MIN_VALUE, Short.MAX_VALUE};
            case FLOAT16 -> new double[] {0, -1.5, Float.float16ToFloat((short) 0x2E66), 65504, Float.NaN, 0x1p-24};
            case BFLOAT16 -> new double[] {0, -1.5, Float.intBitsToFloat(0x3DCD << 16), 0x1p-133, Float.NaN, 1e38f};
        };
    }

    static double[] values(NdArray a) {
        double[] v = new double[(int) a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.type().valueAt(a.data(), a.order(), i);
        }
        return v;
    }

    static Stream<Arguments> types() {
        return Stream.of(
                Arguments.of("uchar", ElementType.UINT8, null),
                Arguments.of("unsigned char", ElementType.UINT8, "big"),
                Arguments.of("uint8_t", ElementType.UINT8, null),
                Arguments.of("ushort", ElementType.UINT16, "little"),
                Arguments.of("unsigned short int", ElementType.UINT16, "big"),
                Arguments.of("uint16", ElementType.UINT16, "big"),
                Arguments.of("int", ElementType.INT32, "little"),
                Arguments.of("signed int", ElementType.INT32, "big"),
                Arguments.of("int32_t", ElementType.INT32, "little"),
                Arguments.of("float", ElementType.FLOAT32, "little"),
                Arguments.of("float", ElementType.FLOAT32, "big"),
                Arguments.of("double", ElementType.FLOAT64, "little"),
                Arguments.of("double", ElementType.FLOAT64, "big"));
    }

    @ParameterizedTest
    @MethodSource("types")
    void readsEveryTypeRawAndGzipAttachedAndDetached(String typeName, ElementType type, String endian) throws Exception {
        ByteOrder order = "big".equals(endian) ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        byte[] data = encode(type, order, sample(type));
        String fields = "type: " + typeName + "\ndimension: 2\nsizes: 3 2\n" + (endian == null ? "" : "endian: " + endian + "\n");
        for (String encoding : List.of("raw", "gzip", "gz")) {
            byte[] stored = encoding.equals("raw") ? data : gzip(data);
            Path attached = Files.write(dir.resolve(encoding + ".nrrd"), nrrd(fields + "encoding: " + encoding + "\n", stored));
            Files.write(dir.resolve(encoding + ".data"), stored);
            Path detached = Files.write(dir.resolve(encoding + ".nhdr"),
                    ("NRRD0005\n" + fields + "encoding: " + encoding + "\ndata file: " + encoding + ".data\n").getBytes());
            for (Path file : List.of(attached, detached)) {
                NdArray a = reader.read(file, arena);
                assertEquals(type, a.type(), file.toString());
                if (type.byteSize() > 1) {
                    assertEquals(order, a.order());
                }
                assertArrayEquals(new long[] {2, 3}, a.shape());
                assertFalse(a.fortranOrder());
                assertArrayEquals(sample(type), values(a), file + " " + typeName);
                assertNull(a.geometry());
            }
        }
    }

    @Test
    void readsPlastimatchStyleGeometry() throws Exception {
        byte[] data = gzip(new byte[24]);
        Path file = Files.write(dir.resolve("Heart.nrrd"), nrrd("""
                # Complete NRRD file format specification at:
                # http://teem.sourceforge.net/nrrd/format.html
                type: unsigned char
                dimension: 3
                space: left-posterior-superior
                sizes: 4 3 2
                space directions: (0.9765625,0,0) (0,0.9765625,0) (0,0,2.5)
                kinds: domain domain domain
                encoding: gzip
                space origin: (-249.51171875,-408.51171875,-626.5)
                ITK_InputFilterName:=NrrdImageIO
                """, data));
        NdArray a = reader.read(file, arena);
        assertArrayEquals(new long[] {2, 3, 4}, a.shape());
        assertEquals(ElementType.UINT8, a.type());
        Geometry g = a.geometry();
        assertEquals("left-posterior-superior", g.space());
        assertEquals(List.of(List.of(0.9765625, 0.0, 0.0), List.of(0.0, 0.9765625, 0.0), List.of(0.0, 0.0, 2.5)),
                g.directions());
        assertEquals(List.of(-249.51171875, -408.51171875, -626.5), g.origin());
        assertEquals(List.of("domain", "domain", "domain"), g.kinds());
        assertEquals(2.5, g.spacing(2));
        assertNull(g.nifti());
    }

    @Test
    void readsSpacesByAbbreviationAndSpaceDimensionAndSpacings() throws Exception {
        Path a = Files.write(dir.resolve("a.nrrd"), nrrd("TYPE: uchar\ndimension: 2\nspace: RAS\nsizes: 3 2\n"
                + "space directions: (1, 0, 0)\tnone\nspacings: nan 4\nencoding: raw\n", new byte[6]));
        Geometry g = reader.read(a, arena).geometry();
        assertEquals("right-anterior-superior", g.space());
        assertEquals(List.of(List.of(1.0, 0.0, 0.0), List.of()), g.directions());
        assertEquals(4.0, g.spacing(1));
        Path b = Files.write(dir.resolve("b.nrrd"), nrrd("type: uchar\ndimension: 1\nspace dimension: 2\nsizes: 6\n"
                + "space directions: (0.5,0.5)\nspace origin: (1e-3,-2E+2)\nencoding: raw\n", new byte[6]));
        Geometry h = reader.read(b, arena).geometry();
        assertNull(h.space());
        assertEquals(List.of(0.001, -200.0), h.origin());
    }

    @Test
    void toleratesCrlfLineEndsAndCommentsAndIgnoredFields() throws Exception {
        Path file = Files.write(dir.resolve("crlf.nrrd"), concat(("NRRD0004\r\n# comment\r\ntype: uchar\r\n"
                + "content: a \"mask\"\r\ndimension: 1\r\nsizes: 6\r\nlabels: \"x\"\r\nencoding: raw\r\n\r\n").getBytes(),
                encode(ElementType.UINT8, ByteOrder.LITTLE_ENDIAN, U8)));
        assertArrayEquals(U8, values(reader.read(file, arena)));
    }

    /** Header fields that are valid for a 6-voxel uchar image; cases replace or append lines. */
    private static final String OK = "type: uchar\ndimension: 2\nsizes: 3 2\nencoding: raw\n";

    static Stream<Arguments> malformed() {
        byte[] six = new byte[6];
        return Stream.of(
                Arguments.of("empty", new byte[0], "empty file"),
                Arguments.of("bad magic", "P5\n3 2\n255\n".getBytes(), "bad magic"),
                Arguments.of("future magic", ("NRRD0009\n" + OK + "\n").getBytes(),
                        "unsupported NRRD magic 'NRRD0009'"),
                Arguments.of("no blank line", ("NRRD0004\n" + OK).getBytes(), "no blank line ends the header"),
                Arguments.of("missing type", nrrd("dimension: 1\nsizes: 6\nencoding: raw\n", six), "required field 'type'"),
                Arguments.of("missing encoding", nrrd("type: uchar\ndimension: 1\nsizes: 6\n", six), "required field 'encoding'"),
                Arguments.of("missing endian", nrrd("type: ushort\ndimension: 1\nsizes: 3\nencoding: raw\n", six),
                        "missing the field 'endian'"),
                Arguments.of("bad endian", nrrd(OK + "endian: middle\n", six), "unknown endian 'middle'"),
                Arguments.of("not a field", nrrd(OK + "garbage\n", six), "malformed header line 6"),
                Arguments.of("unknown field", nrrd(OK + "colour: red\n", six), "unknown field 'colour'"),
                Arguments.of("duplicate field", nrrd(OK + "Type: uchar\n", six), "duplicate field 'type'"),
                Arguments.of("signed char", nrrd(OK.replace("uchar", "signed char"), six),
                        "type 'signed char' (int8) is not supported by segopt"),
                Arguments.of("short", nrrd(OK.replace("uchar", "short") + "endian: little\n", six),
                        "type 'short' (int16) is not supported"),
                Arguments.of("uint", nrrd(OK.replace("uchar", "uint") + "endian: little\n", six), "(uint32) is not supported"),
                Arguments.of("int64", nrrd(OK.replace("uchar", "long long") + "endian: little\n", six), "(int64) is not supported"),
                Arguments.of("block", nrrd(OK.replace("uchar", "block"), six), "(block) is not supported"),
                Arguments.of("unknown type", nrrd(OK.replace("uchar", "quaternion"), six), "unknown type 'quaternion'"),
                Arguments.of("ascii", nrrd(OK.replace("raw", "ascii"), "0 1 2 3 4 5".getBytes()),
                        "encoding 'ascii' is not supported by segopt (supported: raw, gzip)"),
                Arguments.of("bzip2", nrrd(OK.replace("raw", "bz2"), six), "encoding 'bz2' is not supported"),
                Arguments.of("unknown encoding", nrrd(OK.replace("raw", "lz4"), six), "unknown encoding 'lz4'"),
                Arguments.of("dimension 0", nrrd(OK.replace("dimension: 2", "dimension: 0"), six), "'dimension' value 0 is outside 1..16"),
                Arguments.of("dimension 17", nrrd(OK.replace("dimension: 2", "dimension: 17"), six), "outside 1..16"),
                Arguments.of("sizes count", nrrd(OK.replace("3 2", "6"), six), "'sizes' has 1 entries, but the dimension is 2"),
                Arguments.of("size 0", nrrd(OK.replace("3 2", "3 0"), six), "'sizes' value 0 is outside 1.."),
                Arguments.of("negative size", nrrd(OK.replace("3 2", "3 -2"), six), "'sizes' value -2 is outside"),
                Arguments.of("non-integer size", nrrd(OK.replace("3 2", "3 2.0"), six), "malformed integer '2.0'"),
                Arguments.of("size beyond long", nrrd(OK.replace("3 2", "3 99999999999999999999"), six), "does not fit a 64-bit"),
                Arguments.of("overflowing sizes", nrrd(OK.replace("3 2", "4294967296 4294967296 4294967296")
                        .replace("dimension: 2", "dimension: 3"), six), "overflows a 64-bit integer"),
                Arguments.of("huge raw", nrrd(OK.replace("3 2", "1000000 1000000"), six),
                        "truncated: header declares 1000000000000 bytes of data but only 6 bytes follow"),
                Arguments.of("huge gzip", nrrd(OK.replace("3 2", "1000000 1000000").replace("raw", "gzip"), gzip(six)),
                        "header declares 1000000000000 decompressed bytes, more than"),
                Arguments.of("truncated raw", nrrd(OK, new byte[5]), "truncated: header declares 6 bytes of data but only 5"),
                Arguments.of("trailing raw", nrrd(OK, new byte[7]), "trailing bytes: header declares 6 bytes of data but 7"),
                Arguments.of("gzip too short", nrrd(OK.replace("raw", "gzip"), gzip(new byte[5])),
                        "truncated: the decompressed data ends after 5 bytes but the header declares 6"),
                Arguments.of("gzip too long", nrrd(OK.replace("raw", "gzip"), gzip(new byte[7])),
                        "trailing bytes: the decompressed data is longer than the 6 bytes"),
                Arguments.of("gzip cut off", nrrd(OK.replace("raw", "gzip"), Arrays.copyOf(gzip(new byte[6]), 15)),
                        "truncated compressed data"),
                Arguments.of("not gzip", nrrd(OK.replace("raw", "gzip"), six), "not gzip-compressed data"),
                Arguments.of("LIST data file", nrrd(OK + "data file: LIST\n", new byte[0]), "multi-file data ('data file: LIST')"),
                Arguments.of("pattern data file", nrrd(OK + "data file: slice%03d.raw 1 2 1\n", new byte[0]),
                        "multi-file data"),
                Arguments.of("missing data file", nrrd(OK + "data file: nowhere.raw\n", new byte[0]),
                        "data file nowhere.raw: no such file"),
                Arguments.of("byte skip", nrrd(OK + "byte skip: 4\n", six), "'byte skip: 4' is not supported"),
                Arguments.of("line skip", nrrd(OK + "line skip: 1\n", six), "'line skip: 1' is not supported"),
                Arguments.of("space twice", nrrd(OK + "space: RAS\nspace dimension: 3\n", six), "both 'space' and 'space dimension'"),
                Arguments.of("unknown space", nrrd(OK + "space: up-down\n", six), "unknown space 'up-down'"),
                Arguments.of("directions without space", nrrd(OK + "space directions: (1,0,0) (0,1,0)\n", six),
                        "needs a 'space' or 'space dimension'"),
                Arguments.of("directions count", nrrd(OK + "space: RAS\nspace directions: (1,0,0)\n", six),
                        "'space directions' has 1 entries, but the dimension is 2"),
                Arguments.of("direction length", nrrd(OK + "space: RAS\nspace directions: (1,0) (0,1)\n", six),
                        "has 2 components, but the space has 3 dimensions"),
                Arguments.of("direction garbage", nrrd(OK + "space: RAS\nspace directions: [1,0,0] (0,1,0)\n", six),
                        "malformed 'space directions' entry '[1,0,0]'"),
                Arguments.of("unterminated vector", nrrd(OK + "space: RAS\nspace directions: (1,0,0 none\n", six),
                        "'space directions' has 1 entries"),
                Arguments.of("NUL in data file", nrrd(OK + "data file: a\0b.raw\n", new byte[0]), "not a valid file name"),
                Arguments.of("bad number", nrrd(OK + "space: RAS\nspace origin: (1,0x10,2)\n", six), "malformed number '0x10'"),
                Arguments.of("infinite number", nrrd(OK + "space: RAS\nspace origin: (1,inf,2)\n", six), "malformed number 'inf'"),
                Arguments.of("kinds count", nrrd(OK + "kinds: domain\n", six), "'kinds' has 1 entries"),
                Arguments.of("invalid UTF-8", concat("NRRD0004\ncontent: ".getBytes(), new byte[] {(byte) 0xff, '\n'}, (OK + "\n").getBytes(), six),
                        "header line 2 is not valid UTF-8"),
                // found by ReaderFuzzTest: the field name, with its carriage return, was quoted in the message
                Arguments.of("carriage return inside a line", nrrd(OK + "sizes\r]: 3 2\n", six),
                        "header line 6 contains a carriage return"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void rejectsMalformedFilesWithOneLine(String name, byte[] content, String phrase) throws IOException {
        Path file = Files.write(dir.resolve("bad.nrrd"), content);
        InputException e = assertThrows(InputException.class, () -> reader.read(file, arena));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(phrase), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    @Test
    void rejectsDetachedProblems() throws IOException {
        Path noData = Files.write(dir.resolve("a.nhdr"), ("NRRD0004\n" + OK).getBytes());
        assertMessage(noData, "detached header has no 'data file' field");
        Files.write(dir.resolve("short.raw"), new byte[4]);
        Path shortData = Files.write(dir.resolve("b.nhdr"), ("NRRD0004\n" + OK + "data file: short.raw\n").getBytes());
        assertMessage(shortData, "data file short.raw: truncated: header declares 6 bytes of data but only 4");
        Files.createDirectory(dir.resolve("sub"));
        Path isDir = Files.write(dir.resolve("c.nhdr"), ("NRRD0004\n" + OK + "data file: sub\n").getBytes());
        assertMessage(isDir, "data file sub: is a directory");
        assertMessage(dir.resolve("sub"), "is a directory");
        assertMessage(dir.resolve("absent.nrrd"), "no such file");
        Path longHeader = Files.write(dir.resolve("long.nrrd"),
                ("NRRD0004\n" + "# padding\n".repeat(NrrdReader.MAX_HEADER_BYTES / 10 + 1)).getBytes());
        assertMessage(longHeader, "no blank line ends the header within its first 1048576 bytes");
    }

    @Test
    void detachedDataFileIsRelativeToTheHeaderNotTheWorkingDirectory() throws IOException, InputException {
        Path sub = Files.createDirectories(dir.resolve("deep/er"));
        Files.write(sub.resolve("img.raw"), encode(ElementType.UINT8, ByteOrder.LITTLE_ENDIAN, U8));
        Path header = Files.write(sub.resolve("img.nhdr"), ("NRRD0004\n" + OK + "data file: ./img.raw\n").getBytes());
        assertArrayEquals(U8, values(reader.read(header, arena)));
        Path absolute = Files.write(dir.resolve("abs.nhdr"),
                ("NRRD0004\n" + OK + "data file: " + sub.resolve("img.raw").toAbsolutePath() + "\n").getBytes());
        assertArrayEquals(U8, values(reader.read(absolute, arena)));
    }

    private void assertMessage(Path file, String phrase) {
        InputException e = assertThrows(InputException.class, () -> reader.read(file, arena));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(phrase), e.getMessage());
    }
}
