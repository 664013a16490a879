package org.segopt.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.segopt.io.MedicalTestFiles.gzip;
import static org.segopt.io.MedicalTestFiles.nrrd;
import static org.segopt.io.NpyTestFiles.concat;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.segopt.ElementType;

/**
 * The readers' defences against hostile files (issue 11): nothing but regular files is opened,
 * header parsing is linear, memory grows only with what a file holds, archives are verified,
 * detached data stays in the header's folder, geometry is finite, and messages are one line.
 * The timeouts only turn a hang into a failure; no test measures speed.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class InputSafetyTest {
    private static final String U8_FIELDS = "type: uint8\ndimension: 1\nsizes: 4\n";

    @TempDir
    Path dir;

    private InputException refused(Path file) {
        return refused(file, ReadLimits.DEFAULT);
    }

    private InputException refused(Path file, ReadLimits limits) {
        try (Arena arena = Arena.ofConfined()) {
            InputException e = assertThrows(InputException.class, () -> ArrayReaders.read(file, arena, limits));
            assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            return e;
        }
    }

    private static void assertContains(String expected, InputException e) {
        assertTrue(e.getMessage().contains(expected), () -> "'" + expected + "' not in: " + e.getMessage());
    }

    private Path fifo(String name) throws IOException, InterruptedException {
        Path fifo = dir.resolve(name);
        Process p;
        try {
            p = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        } catch (IOException e) {
            assumeTrue(false, "mkfifo is not available: " + e);
            throw e;
        }
        assumeTrue(p.waitFor() == 0, "mkfifo failed");
        return fifo;
    }

    @ParameterizedTest
    @ValueSource(strings = {"f.npy", "f.npz", "f.nrrd", "f.nhdr", "f.nii", "f.nii.gz"})
    void refusesAFifoBeforeOpeningIt(String name) throws Exception {
        assertContains("not a regular file", refused(fifo(name)));
    }

    @Test
    void refusesADataFileThatIsAFifo() throws Exception {
        fifo("data.raw");
        Path header = Files.write(dir.resolve("h.nhdr"), nrrd(U8_FIELDS + "encoding: raw\ndata file: data.raw\n", new byte[0]));
        assertContains("data file data.raw: not a regular file", refused(header));
    }

    /** A backtracking regular expression took time quadratic in the digits (94 s for 100 000); a scan is linear. */
    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void parsesALongNumberInLinearTime() throws Exception {
        Path file = Files.write(dir.resolve("slow.nrrd"), nrrd(U8_FIELDS + "encoding: raw\nspacings: "
                + "1".repeat(65_000) + "x\n", new byte[4]));
        assertContains("malformed number", refused(file));
    }

    @Test
    void refusesAHeaderLineOverTheLimit() throws Exception {
        Path file = Files.write(dir.resolve("long.nrrd"), nrrd(U8_FIELDS + "encoding: raw\n# "
                + "x".repeat(NrrdReader.MAX_LINE_BYTES) + "\n", new byte[4]));
        assertContains("longer than the limit of 65536 bytes", refused(file));
    }

    @Test
    void refusesMoreDimensionsThanNumPyAllows() throws Exception {
        String shape = "(" + "1, ".repeat(65) + ")";
        Path file = NpyTestFiles.writeHeader(dir, "many.npy", 2, 0, NpyTestFiles.padded(
                "{'descr': '|u1', 'fortran_order': False, 'shape': " + shape + ", }", 2), new byte[1]);
        assertContains("more than 64 dimensions", refused(file));
    }

    @Test
    void refusesDecompressedDataBeyondTheLimitNamingTheOption() throws Exception {
        ReadLimits small = new ReadLimits(1000);
        Path nrrd = Files.write(dir.resolve("bomb.nrrd"), nrrd("type: uint8\ndimension: 1\nsizes: 4000\nencoding: gzip\n",
                gzip(new byte[4000])));
        Path nii = Files.write(dir.resolve("bomb.nii.gz"), gzip(niftiU8(4000)));
        Path npz = Files.write(dir.resolve("bomb.npz"), MedicalTestFiles.zip(true, "arr_0.npy", npyU8(4000)));
        for (Path file : new Path[] {nrrd, nii, npz}) {
            InputException e = refused(file, small);
            assertContains("more than the limit of 1000 bytes", e);
            assertContains(ReadLimits.OPTION, e);
        }
        try (Arena arena = Arena.ofConfined()) {
            for (Path file : new Path[] {nrrd, nii, npz}) {
                assertEquals(4000, ArrayReaders.read(file, arena, new ReadLimits(8192)).size());
            }
        }
    }

    @Test
    void aLyingSizeFailsBeforeItsMemoryIsAllocated() throws Exception {
        long declared = 200L << 20;
        byte[] padding = new byte[(int) (declared / GzipInput.MAX_RATIO) + 1024];
        Path file = Files.write(dir.resolve("liar.nrrd"), nrrd("type: uint8\ndimension: 1\nsizes: " + declared
                + "\nencoding: gzip\n", concat(gzip(new byte[1000]), padding)));
        try (ReaderFuzzTest.CountingArena arena = new ReaderFuzzTest.CountingArena()) {
            InputException e = assertThrows(InputException.class, () -> new NrrdReader().read(file, arena));
            assertContains("trailing bytes after the gzip stream", e);
            assertTrue(arena.largest < 1 << 20, "allocated " + arena.largest + " bytes");
        }
    }

    @Test
    void verifiesTheCrcOfStoredAndDeflatedNpzMembers() throws Exception {
        byte[] npy = npyU8(500);
        for (boolean deflated : new boolean[] {false, true}) {
            byte[] zip = MedicalTestFiles.zip(deflated, "arr_0.npy", npy);
            CRC32 crc = new CRC32();
            crc.update(npy);
            byte[] wrong = replaceAll(zip, littleEndian(crc.getValue()), littleEndian(crc.getValue() ^ 1));
            assertFalse(Arrays.equals(zip, wrong));
            assertContains("CRC-32 mismatch", refused(Files.write(dir.resolve("crc" + deflated + ".npz"), wrong)));
        }
    }

    @Test
    void verifiesTheGzipTrailerAndRefusesTrailingBytes() throws Exception {
        String fields = "type: uint8\ndimension: 1\nsizes: 4\nencoding: gzip\n";
        byte[] z = gzip(new byte[] {1, 2, 3, 4});
        byte[] badCrc = z.clone();
        badCrc[z.length - 8] ^= 1;
        byte[] badLength = z.clone();
        badLength[z.length - 4] ^= 1;
        assertContains("CRC-32 mismatch", refused(Files.write(dir.resolve("crc.nrrd"), nrrd(fields, badCrc))));
        assertContains("length in the trailer", refused(Files.write(dir.resolve("len.nrrd"), nrrd(fields, badLength))));
        assertContains("trailing bytes after the gzip stream", refused(Files.write(dir.resolve("tail.nrrd"),
                nrrd(fields, concat(z, "garbage".getBytes(StandardCharsets.US_ASCII))))));
        byte[] twoMembers = concat(gzip(new byte[] {1, 2}), gzip(new byte[] {3, 4}));
        try (Arena arena = Arena.ofConfined()) {
            NdArray a = ArrayReaders.read(Files.write(dir.resolve("two.nrrd"), nrrd(fields, twoMembers)), arena);
            assertArrayEquals(new byte[] {1, 2, 3, 4}, a.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"../outside.raw", "/etc/passwd", "sub/../../outside.raw", "."})
    void refusesADataFileOutsideTheHeadersFolder(String name) throws Exception {
        Path folder = Files.createDirectories(dir.resolve("headers"));
        Files.write(dir.resolve("outside.raw"), new byte[4]);
        Path header = Files.write(folder.resolve("h.nhdr"), nrrd(U8_FIELDS + "encoding: raw\ndata file: " + name + "\n",
                new byte[0]));
        assertContains("lies outside the header's folder", refused(header));
    }

    @Test
    void readsADataFileBelowTheHeadersFolderAndNamesIt() throws Exception {
        Path data = Files.write(Files.createDirectories(dir.resolve("sub")).resolve("d.raw"), new byte[] {0, 1, 0, 1});
        Path header = Files.write(dir.resolve("h.nhdr"), nrrd(U8_FIELDS + "encoding: raw\ndata file: sub/d.raw\n",
                new byte[0]));
        try (Arena arena = Arena.ofConfined()) {
            NdArray a = ArrayReaders.read(header, arena);
            assertEquals(data.toAbsolutePath(), a.dataFile());
            assertEquals(header, a.source());
        }
    }

    @Test
    void refusesAnAttachedHeaderThatAlsoNamesADataFile() throws Exception {
        Files.write(dir.resolve("d.raw"), new byte[4]);
        Path file = Files.write(dir.resolve("both.nrrd"), nrrd(U8_FIELDS + "encoding: raw\ndata file: d.raw\n",
                new byte[4]));
        assertContains("either attached data or a data file", refused(file));
    }

    @ParameterizedTest
    @ValueSource(strings = {"space directions: (1e999,0,0)", "space origin: (0,-1e999,0)"})
    void refusesGeometryThatIsNotFinite(String field) throws Exception {
        String fields = U8_FIELDS + "encoding: raw\nspace: RAS\n" + (field.startsWith("space origin")
                ? "space directions: (1,0,0)\n" : "") + field + "\n";
        assertContains("is not finite", refused(Files.write(dir.resolve("inf.nrrd"), nrrd(fields, new byte[4]))));
    }

    @Test
    void refusesANiftiSformThatIsNotFinite() throws Exception {
        MedicalTestFiles.Nifti h = new MedicalTestFiles.Nifti(1, ByteOrder.LITTLE_ENDIAN);
        h.sformCode = 1;
        h.srow = new double[] {1, 0, 0, Double.NaN, 0, 1, 0, 0, 0, 0, 1, 0};
        Path file = Files.write(dir.resolve("nan.nii"), h.bytes(new byte[4 * 3 * 2 * 4]));
        assertContains("not finite", refused(file));
    }

    @Test
    void refusesToWriteMoreDimensionsThanNrrdHolds() {
        long[] shape = new long[20];
        Arrays.fill(shape, 1);
        InputException e = assertThrows(InputException.class,
                () -> ArrayWriters.write(dir.resolve("o.nrrd"), new byte[1], shape, false, null));
        assertTrue(e.getMessage().contains("at most 16 dimensions"), e.getMessage());
    }

    @Test
    void escapesControlCharactersAndCapsMessages() throws Exception {
        Path file = Files.write(dir.resolve("nul.nrrd"), nrrd("type: float\0\u001b[2J\ndimension: 1\nsizes: 1\nencoding: raw\n",
                new byte[4]));
        InputException e = refused(file);
        assertContains("float\\x00\\x1b[2J", e);
        String line = OneLine.of("a\nb\r\u2028" + "x".repeat(5000));
        assertTrue(line.startsWith("a\\x0ab\\x0d\\u2028x"), line);
        assertTrue(line.length() < OneLine.MAX_LENGTH + 40 && line.endsWith(" more characters)"), line);
    }

    @Test
    void readsSmallDataIntoMemoryAndMapsLargeData() throws Exception {
        int small = (int) IoSupport.COPIED_BYTES;
        try (Arena arena = Arena.ofConfined()) {
            for (int n : new int[] {small, small + 1}) {
                Path file = Files.write(dir.resolve("d" + n + ".nrrd"), nrrd("type: uint8\ndimension: 1\nsizes: " + n
                        + "\nencoding: raw\n", new byte[n]));
                NdArray a = ArrayReaders.read(file, arena);
                assertEquals(n > small, a.data().isMapped(), "data of " + n + " bytes");
                assertEquals(n, a.data().byteSize());
            }
        }
    }

    @Test
    void decimalSyntaxIsPlainDecimal() {
        for (String ok : new String[] {"1", "-1.5", "+.5", "2.", "1e3", "1.5E-7", "007"}) {
            assertTrue(DecimalSyntax.isDecimal(ok), ok);
        }
        for (String bad : new String[] {"", ".", "-", "0x1p3", "-188d", "1f", "Infinity", "NaN", "1e", "1e+", "1..2", " 1"}) {
            assertFalse(DecimalSyntax.isDecimal(bad), bad);
        }
        assertTrue(DecimalSyntax.isInteger("-12"));
        assertFalse(DecimalSyntax.isInteger("1.0"));
        assertFalse(DecimalSyntax.isInteger("+"));
    }

    private byte[] npyU8(int n) throws IOException {
        return Files.readAllBytes(NpyTestFiles.writeHeader(dir, "member.npy", 1, 0,
                NpyTestFiles.padded(NpyTestFiles.dict("|u1", false, n), 1), new byte[n]));
    }

    private static byte[] niftiU8(int n) {
        MedicalTestFiles.Nifti h = new MedicalTestFiles.Nifti(1, ByteOrder.LITTLE_ENDIAN);
        h.datatype = 2;
        h.bitpix = 8;
        h.dim = new long[] {1, n, 1, 1, 1, 1, 1, 1};
        return h.bytes(new byte[n]);
    }

    private static byte[] littleEndian(long v) {
        return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
    }

    private static byte[] replaceAll(byte[] b, byte[] from, byte[] to) {
        byte[] r = b.clone();
        for (int i = 0; i + from.length <= r.length; i++) {
            if (Arrays.equals(r, i, i + from.length, from, 0, from.length)) {
                System.arraycopy(to, 0, r, i, to.length);
            }
        }
        return r;
    }
}
