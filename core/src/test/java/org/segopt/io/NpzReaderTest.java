package org.segopt.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.segopt.io.MedicalTestFiles.zip;
import static org.segopt.io.NpyTestFiles.concat;
import static org.segopt.io.NpyTestFiles.dict;
import static org.segopt.io.NpyTestFiles.encode;
import static org.segopt.io.NpyTestFiles.padded;
import static org.segopt.io.NrrdReaderTest.sample;
import static org.segopt.io.NrrdReaderTest.values;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
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

class NpzReaderTest {

    @TempDir
    Path dir;

    private final Arena arena = Arena.ofConfined();
    private final NpzReader reader = new NpzReader();

    @AfterEach
    void closeArena() {
        arena.close();
    }

    /** A .npy image as NumPy writes it. */
    static byte[] npy(String descr, boolean fortranOrder, long[] shape, byte[] data) {
        byte[] header = padded(dict(descr, fortranOrder, shape), 1);
        byte[] length = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) header.length).array();
        return concat(NpyTestFiles.MAGIC, new byte[] {1, 0}, length, header, data);
    }

    @Test
    void readsOneStoredOrDeflatedMember() throws Exception {
        for (String descr : List.of("<f4", ">f8", "|u1", ">u2", "<i4", ">f2", "<i2")) {
            ElementType type = NpyReader.dtype(dir, descr).type();
            ByteOrder order = descr.startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            byte[] member = npy(descr, true, new long[] {2, 3}, encode(type, order, sample(type)));
            for (boolean deflated : List.of(true, false)) {
                Path file = Files.write(dir.resolve("a.npz"), zip(deflated, "arr_0.npy", member));
                NdArray a = reader.read(file, arena);
                assertEquals(type, a.type());
                assertArrayEquals(new long[] {2, 3}, a.shape());
                assertTrue(a.fortranOrder());
                assertArrayEquals(sample(type), values(a), descr + " deflated=" + deflated);
                assertEquals(file, a.source());
            }
        }
    }

    static Stream<Arguments> malformed() {
        byte[] ok = npy("<f4", false, new long[] {3}, new byte[12]);
        return Stream.of(
                Arguments.of("not a zip", ok, "not a valid .npz (zip) archive"),
                Arguments.of("empty", zip(true), "the archive is empty"),
                Arguments.of("two members", zip(true, "a.npy", ok, "b.npy", ok),
                        "the archive holds 2 members (a.npy, b.npy); segopt reads a .npz with exactly one .npy member"),
                Arguments.of("not npy", zip(false, "notes.txt", ok), "member 'notes.txt' is not a .npy file"),
                Arguments.of("truncated member", zip(true, "m.npy", Arrays.copyOf(ok, ok.length - 1)),
                        "m.npy: truncated: header declares 3 elements (12 bytes) but only 11 bytes follow"),
                Arguments.of("bad member", zip(false, "m.npy", "garbage".getBytes()), "m.npy: not a NumPy .npy file"),
                Arguments.of("cut archive", Arrays.copyOf(zip(true, "m.npy", ok), 40), "not a valid .npz (zip) archive"),
                // found by ReaderFuzzTest: member names, line breaks included, were quoted verbatim
                Arguments.of("line break in member name", zip(false, "a\nb.npy", "garbage".getBytes()),
                        "bad.npz/a?b.npy: not a NumPy .npy file"),
                Arguments.of("line break in other name", zip(false, "a\r\n.txt", ok), "member 'a??.txt' is not a .npy file"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void rejectsMalformedArchivesWithOneLine(String name, byte[] content, String phrase) throws IOException {
        assertMessage(Files.write(dir.resolve("bad.npz"), content), phrase);
    }

    @Test
    void rejectsALyingMemberSize() throws IOException {
        byte[] ok = npy("|u1", false, new long[] {100}, new byte[100]);
        byte[] archive = zip(false, "m.npy", ok);
        // Patch the sizes in the central directory entry (compressed at +20, uncompressed at +24).
        int central = indexOf(archive, new byte[] {'P', 'K', 1, 2});
        ByteBuffer.wrap(archive).order(ByteOrder.LITTLE_ENDIAN).putInt(central + 24, 1 << 30);
        assertMessage(Files.write(dir.resolve("lie.npz"), archive), "the archive declares impossible sizes");
        assertMessage(dir.resolve("absent.npz"), "no such file");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }

    private void assertMessage(Path file, String phrase) {
        InputException e = assertThrows(InputException.class, () -> reader.read(file, arena));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(phrase), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }
}
