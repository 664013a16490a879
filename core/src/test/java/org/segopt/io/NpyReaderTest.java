package org.segopt.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.segopt.io.NpyTestFiles.concat;
import static org.segopt.io.NpyTestFiles.dict;
import static org.segopt.io.NpyTestFiles.encode;
import static org.segopt.io.NpyTestFiles.padded;
import static org.segopt.io.NpyTestFiles.write;
import static org.segopt.io.NpyTestFiles.writeBytes;
import static org.segopt.io.NpyTestFiles.writeHeader;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.segopt.ElementType;

class NpyReaderTest {

    @TempDir
    Path dir;

    private final Arena arena = Arena.ofConfined();
    private final NpyReader reader = new NpyReader();

    @AfterEach
    void closeArena() {
        arena.close();
    }

    static Stream<Arguments> dtypes() {
        ByteOrder le = ByteOrder.LITTLE_ENDIAN;
        ByteOrder be = ByteOrder.BIG_ENDIAN;
        ByteOrder nat = ByteOrder.nativeOrder();
        return Stream.of(
                Arguments.of("|b1", ElementType.BOOL, nat),
                Arguments.of("<b1", ElementType.BOOL, le),
                Arguments.of("|u1", ElementType.UINT8, nat),
                Arguments.of("<u1", ElementType.UINT8, le),
                Arguments.of(">u1", ElementType.UINT8, be),
                Arguments.of("=u1", ElementType.UINT8, nat),
                Arguments.of("<u2", ElementType.UINT16, le),
                Arguments.of(">u2", ElementType.UINT16, be),
                Arguments.of("=u2", ElementType.UINT16, nat),
                Arguments.of("<i2", ElementType.INT16, le),
                Arguments.of(">i2", ElementType.INT16, be),
                Arguments.of("<f2", ElementType.FLOAT16, le),
                Arguments.of(">f2", ElementType.FLOAT16, be),
                Arguments.of("<i4", ElementType.INT32, le),
                Arguments.of(">i4", ElementType.INT32, be),
                Arguments.of("<f4", ElementType.FLOAT32, le),
                Arguments.of(">f4", ElementType.FLOAT32, be),
                Arguments.of("=f4", ElementType.FLOAT32, nat),
                Arguments.of("<f8", ElementType.FLOAT64, le),
                Arguments.of(">f8", ElementType.FLOAT64, be));
    }

    private static double[] sampleValues(ElementType type) {
        return switch (type) {
            case BOOL -> new double[] {0, 1, 1, 0, 1, 0};
            case UINT8 -> new double[] {0, 1, 127, 128, 200, 255};
            case UINT16 -> new double[] {0, 1, 0x1234, 0x8000, 40000, 65535};
            case INT32 -> new double[] {0, -1, 0x12345678, 7, Integer.MIN_VALUE, Integer.MAX_VALUE};
            case FLOAT32 -> new double[] {0, -1.5, 0.1f, Float.MAX_VALUE, Float.NaN, Float.NEGATIVE_INFINITY};
            case FLOAT64 -> new double[] {0, -1.5, Math.PI, Double.MIN_VALUE, Double.NaN, 1e300};
            case INT16, FLOAT16, BFLOAT16 -> NrrdReaderTest.sample(type);
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dtypes")
    void roundTripsEveryDtype(String descr, ElementType type, ByteOrder order) throws Exception {
        double[] values = sampleValues(type);
        Path file = write(dir, "a.npy", 1, descr, false, new long[] {2, 3}, encode(type, order, values));

        NdArray array = reader.read(file, arena);

        assertEquals(type, array.type());
        assertEquals(order, array.order());
        assertArrayEquals(new long[] {2, 3}, array.shape());
        assertFalse(array.fortranOrder());
        assertEquals(file, array.source());
        assertEquals(values.length * (long) type.byteSize(), array.data().byteSize());
        assertTrue(array.data().isReadOnly());
        for (int i = 0; i < values.length; i++) {
            assertEquals(values[i], type.valueAt(array.data(), array.order(), i), "element " + i);
        }
    }

    @Test
    void byteOrderFollowsThePrefix() throws Exception {
        byte[] bytes = {0x12, 0x34};
        NdArray big = reader.read(write(dir, "b.npy", 1, ">u2", false, new long[] {1}, bytes), arena);
        NdArray little = reader.read(write(dir, "l.npy", 1, "<u2", false, new long[] {1}, bytes), arena);

        assertEquals(0x1234, big.type().valueAt(big.data(), big.order(), 0));
        assertEquals(0x3412, little.type().valueAt(little.data(), little.order(), 0));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void readsTheFortranOrderFlag(boolean fortranOrder) throws Exception {
        Path file = write(dir, "a.npy", 1, "|u1", fortranOrder, new long[] {2, 3, 4}, new byte[24]);

        NdArray array = reader.read(file, arena);

        assertEquals(fortranOrder, array.fortranOrder());
        assertArrayEquals(new long[] {2, 3, 4}, array.shape());
    }

    @Test
    void readsZeroDimensionalArray() throws Exception {
        Path file = write(dir, "a.npy", 1, "<f8", false, new long[0], encode(ElementType.FLOAT64,
                ByteOrder.LITTLE_ENDIAN, 2.5));

        NdArray array = reader.read(file, arena);

        assertArrayEquals(new long[0], array.shape());
        assertEquals(1, array.size());
        assertEquals(2.5, array.type().valueAt(array.data(), array.order(), 0));
    }

    static Stream<long[]> emptyShapes() {
        return Stream.of(new long[] {0}, new long[] {3, 0, 2}, new long[] {0, Long.MAX_VALUE});
    }

    @ParameterizedTest
    @MethodSource("emptyShapes")
    void readsEmptyArrays(long[] shape) throws Exception {
        Path file = write(dir, "a.npy", 1, "<i4", false, shape, new byte[0]);

        NdArray array = reader.read(file, arena);

        assertArrayEquals(shape, array.shape());
        assertEquals(0, array.size());
        assertEquals(0, array.data().byteSize());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void readsEveryFormatVersion(int major) throws Exception {
        Path file = write(dir, "a.npy", major, "<u2", true, new long[] {3},
                encode(ElementType.UINT16, ByteOrder.LITTLE_ENDIAN, 7, 8, 9));

        NdArray array = reader.read(file, arena);

        assertArrayEquals(new long[] {3}, array.shape());
        assertTrue(array.fortranOrder());
        assertEquals(9, array.type().valueAt(array.data(), array.order(), 2));
    }

    @Test
    void readsVersion2HeaderLongerThanVersion1Allows() throws Exception {
        String header = dict("|u1", false, 2) + " ".repeat(70_000);
        Path file = writeHeader(dir, "a.npy", 2, 0, padded(header, 2), new byte[] {5, 6});

        NdArray array = reader.read(file, arena);

        assertEquals(6, array.type().valueAt(array.data(), array.order(), 1));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{'shape': (2,), 'descr': '|u1', 'fortran_order': False}",
            "{\"descr\": \"|u1\", \"fortran_order\": False, \"shape\": (2,),}",
            "  {  'fortran_order' : False ,'descr':'|u1','shape':( 2 , ) }",
            "{'descr': '|u1', 'fortran_order': False, 'shape': (1, 2)}",
            "{'descr': '|u1', 'fortran_order': False, 'shape': (1, 1, 2,), }"})
    void acceptsAnyKeyOrderQuoteStyleAndSpacing(String header) throws Exception {
        byte[] unaligned = (header + "   \n").getBytes(StandardCharsets.US_ASCII);
        Path file = writeHeader(dir, "a.npy", 1, 0, unaligned, new byte[] {1, 2});

        NdArray array = reader.read(file, arena);

        assertEquals(2, array.size());
        assertEquals(ElementType.UINT8, array.type());
        assertEquals(2, array.type().valueAt(array.data(), array.order(), 1));
    }

    @Test
    void dataOutlivesNothingButTheArena() throws Exception {
        Path file = write(dir, "a.npy", 1, "|u1", false, new long[] {1}, new byte[] {1});
        NdArray array;
        try (Arena scoped = Arena.ofConfined()) {
            array = reader.read(file, scoped);
            assertEquals(1, array.type().valueAt(array.data(), array.order(), 0));
        }
        assertThrows(IllegalStateException.class, () -> array.type().valueAt(array.data(), array.order(), 0));
    }

    /** Creates a file (or not) in {@code dir} and returns its path. */
    @FunctionalInterface
    interface Fixture {
        Path create(Path dir) throws IOException;
    }

    private static Arguments bad(String label, String phrase, Fixture fixture) {
        return Arguments.of(label, phrase, fixture);
    }

    private static Fixture header(String dict) {
        return d -> writeHeader(d, "h.npy", 1, 0, padded(dict, 1), new byte[0]);
    }

    private static Fixture dtype(String descr) {
        return header(dict(descr, false, 0));
    }

    static Stream<Arguments> malformed() {
        byte[] ok = padded(dict("|u1", false, 0), 1);
        return Stream.of(
                bad("missing file", "no such file", d -> d.resolve("missing.npy")),
                bad("directory", "is a directory", d -> Files.createDirectory(d.resolve("dir.npy"))),
                bad("empty file", "not a NumPy .npy file (empty file)", d -> writeBytes(d, "e.npy", new byte[0])),
                bad("shorter than magic", "not a NumPy .npy file (too short: 3 bytes)",
                        d -> writeBytes(d, "s.npy", new byte[] {(byte) 0x93, 'N', 'U'})),
                bad("bad magic", "not a NumPy .npy file (bad magic)",
                        d -> writeBytes(d, "m.npy", "\u0093NUMPX\u0001\u0000\u0000\u0000"
                                .getBytes(StandardCharsets.ISO_8859_1))),
                bad("zip archive", "bad magic",
                        d -> writeBytes(d, "z.npy", new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0})),
                bad("magic only", "truncated header", d -> writeBytes(d, "t.npy", NpyTestFiles.MAGIC)),
                bad("length field cut", "truncated header",
                        d -> writeBytes(d, "t.npy", concat(NpyTestFiles.MAGIC, new byte[] {2, 0, 1}))),
                bad("version 4.0", "unsupported .npy format version 4.0",
                        d -> writeHeader(d, "v.npy", 4, 0, ok, new byte[0])),
                bad("version 0.0", "unsupported .npy format version 0.0",
                        d -> writeHeader(d, "v.npy", 0, 0, ok, new byte[0])),
                bad("version 1.1", "unsupported .npy format version 1.1",
                        d -> writeHeader(d, "v.npy", 1, 1, ok, new byte[0])),
                bad("header length past EOF", "header length 1000 extends past the end of the file",
                        d -> writeBytes(d, "l.npy", concat(NpyTestFiles.MAGIC, new byte[] {1, 0, (byte) 0xe8, 3},
                                ok))),
                bad("v2 header length 4 GiB", "header length 4294967295 extends past the end",
                        d -> writeBytes(d, "l.npy", concat(NpyTestFiles.MAGIC,
                                new byte[] {2, 0, -1, -1, -1, -1}, ok))),
                bad("header over the size limit", "exceeds the limit of 1048576 bytes",
                        d -> writeHeader(d, "l.npy", 2, 0, padded(" ".repeat(1 << 20), 2), new byte[0])),
                bad("header not terminated", "header is not terminated by a newline",
                        d -> writeHeader(d, "n.npy", 1, 0,
                                (dict("|u1", false, 0) + "    ").getBytes(StandardCharsets.US_ASCII), new byte[0])),
                bad("empty header", "header is not terminated by a newline",
                        d -> writeHeader(d, "n.npy", 1, 0, new byte[0], new byte[0])),
                bad("non-ASCII v1 header", "header is not ASCII (byte 0xc3",
                        d -> writeHeader(d, "a.npy", 1, 0, padded(dict("é", false, 0), 1), new byte[0])),
                bad("invalid UTF-8 v3 header", "header is not valid UTF-8",
                        d -> writeHeader(d, "u.npy", 3, 0, concat(new byte[] {'{', (byte) 0xff}, ok), new byte[0])),
                bad("valid UTF-8 v3 header, odd dtype", "unsupported dtype 'é'",
                        d -> writeHeader(d, "u.npy", 3, 0, padded(dict("é", false, 0), 3), new byte[0])),
                bad("missing descr", "header is missing key 'descr'",
                        header("{'fortran_order': False, 'shape': (0,), }")),
                bad("missing fortran_order", "header is missing key 'fortran_order'",
                        header("{'descr': '|u1', 'shape': (0,), }")),
                bad("missing shape", "header is missing key 'shape'",
                        header("{'descr': '|u1', 'fortran_order': False, }")),
                bad("extra key", "unexpected key 'extra' in header",
                        header("{'descr': '|u1', 'fortran_order': False, 'shape': (0,), 'extra': 1, }")),
                bad("duplicate key", "duplicate key 'shape'",
                        header("{'descr': '|u1', 'fortran_order': False, 'shape': (0,), 'shape': (0,), }")),
                bad("not a dict", "malformed header at column 1: expected '{'", header("['descr', '|u1']")),
                bad("unquoted key", "expected a quoted key",
                        header("{descr: '|u1', 'fortran_order': False, 'shape': (0,), }")),
                bad("missing comma", "expected ',' or '}'",
                        header("{'descr': '|u1' 'fortran_order': False, 'shape': (0,), }")),
                bad("double comma", "expected a quoted key",
                        header("{'descr': '|u1', 'fortran_order': False, 'shape': (0,),, }")),
                bad("unclosed dict", "expected a quoted key",
                        header("{'descr': '|u1', 'fortran_order': False, 'shape': (0,), ")),
                bad("text after dict", "unexpected text after the dict",
                        header("{'descr': '|u1', 'fortran_order': False, 'shape': (0,), } x")),
                bad("escape in string", "unsupported character or unterminated string",
                        header("{'descr': '|u\\1', 'fortran_order': False, 'shape': (0,), }")),
                bad("unterminated string", "unsupported character or unterminated string",
                        header("{'descr': '|u1")),
                bad("lowercase boolean", "expected True or False for 'fortran_order'",
                        header("{'descr': '|u1', 'fortran_order': false, 'shape': (0,), }")),
                bad("shape as list", "expected '('",
                        header("{'descr': '|u1', 'fortran_order': False, 'shape': [0], }")),
                bad("shape without comma", "'shape' (5) is not a tuple",
                        header("{'descr': '|u1', 'fortran_order': False, 'shape': (5), }")),
                bad("shape missing separator", "expected ',' or ')' in 'shape'",
                        header("{'descr': '|u1', 'fortran_order': False, 'shape': (2 3), }")),
                bad("float dimension", "expected ',' or ')' in 'shape'",
                        header("{'descr': '|u1', 'fortran_order': False, 'shape': (2.0,), }")),
                bad("Python 2 long", "expected ',' or ')' in 'shape'",
                        header("{'descr': '|u1', 'fortran_order': False, 'shape': (2L,), }")),
                bad("lone comma shape", "expected an integer in 'shape'",
                        header("{'descr': '|u1', 'fortran_order': False, 'shape': (,), }")),
                bad("leading zero", "leading zero",
                        header("{'descr': '|u1', 'fortran_order': False, 'shape': (07,), }")),
                bad("negative dimension", "negative dimension -3 in 'shape'",
                        header("{'descr': '|u1', 'fortran_order': False, 'shape': (2, -3), }")),
                bad("dimension beyond long", "dimension too large for a 64-bit integer",
                        header("{'descr': '|u1', 'fortran_order': False, 'shape': (99999999999999999999,), }")),
                bad("complex dtype", "unsupported dtype '<c8' (supported: |b1, |u1", dtype("<c8")),
                bad("object dtype", "unsupported dtype '|O' (supported: |b1", dtype("|O")),
                bad("int64 dtype", "unsupported dtype '<i8' (supported:", dtype("<i8")),
                bad("no byte order", "unsupported dtype 'f4'", dtype("f4")),
                bad("'|' on a multi-byte type", "unsupported dtype '|u2'", dtype("|u2")),
                bad("structured dtype", "unsupported dtype [('a', '<f4'), ('b', '<i4')] (structured dtypes",
                        header("{'descr': [('a', '<f4'), ('b', '<i4')], 'fortran_order': False, 'shape': (0,), }")),
                // a line break inside a structured dtype was quoted verbatim, breaking the one-line message
                bad("structured dtype across lines", "unsupported dtype [('a',\\x0a'<f4')] (structured dtypes",
                        header("{'descr': [('a',\n'<f4')], 'fortran_order': False, 'shape': (0,), }")),
                bad("truncated data", "truncated: header declares 4 elements (16 bytes) but only 12 bytes follow",
                        d -> write(d, "t.npy", 1, "<f4", false, new long[] {4}, new byte[12])),
                bad("trailing bytes", "trailing bytes: header declares 4 elements (16 bytes) but 20 bytes follow",
                        d -> write(d, "t.npy", 1, "<f4", false, new long[] {4}, new byte[20])),
                bad("10^12 elements in a tiny file",
                        "truncated: header declares 1000000000000 elements (8000000000000 bytes) but only 8",
                        d -> write(d, "t.npy", 2, "<f8", false, new long[] {1_000_000, 1_000_000}, new byte[8])),
                bad("element count overflows long", "shape (4294967296, 4294967296) is too large",
                        d -> write(d, "t.npy", 1, "|u1", false, new long[] {1L << 32, 1L << 32}, new byte[0])),
                bad("byte size overflows long", "shape (4611686018427387904,) is too large",
                        d -> write(d, "t.npy", 1, "<f8", false, new long[] {1L << 62}, new byte[0])));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void rejectsMalformedInput(String label, String phrase, Fixture fixture) throws Exception {
        Path file = fixture.create(dir);

        InputException e = assertThrows(InputException.class, () -> reader.read(file, arena));

        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(phrase), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void rejectsUnreadableFile() throws Exception {
        Path file = write(dir, "a.npy", 1, "|u1", false, new long[] {1}, new byte[1]);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
        assumeFalse(Files.isReadable(file), "permissions are not enforced for this user");

        InputException e = assertThrows(InputException.class, () -> reader.read(file, arena));

        assertEquals(file + ": permission denied", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a.npy", "A.NPY", "x.y.Npy"})
    void acceptsNpyNames(String name) {
        assertTrue(reader.accepts(Path.of(name)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a.npz", "npy", "a.npy.gz", "a.nrrd", "/"})
    void rejectsOtherNames(String name) {
        assertFalse(reader.accepts(Path.of(name)));
    }

    @Test
    void arrayReadersDispatchesByName() throws Exception {
        Path file = write(dir, "A.NPY", 1, "|u1", false, new long[] {1}, new byte[] {9});

        NdArray array = ArrayReaders.read(file, arena);

        assertEquals(9, array.type().valueAt(array.data(), array.order(), 0));
    }

    @Test
    void arrayReadersRejectsUnknownFormat() throws Exception {
        Path file = writeBytes(dir, "a.png", new byte[1]);

        InputException e = assertThrows(InputException.class, () -> ArrayReaders.read(file, arena));

        assertEquals(file + ": unsupported file format (expected .npy, .npz, .nrrd, .nhdr, .nii or .nii.gz)",
                e.getMessage());
    }
}
