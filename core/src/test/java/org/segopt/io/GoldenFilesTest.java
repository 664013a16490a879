package org.segopt.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.segopt.ElementType;

/**
 * The golden files in {@code test-data/golden/}, written by {@link ArrayWriters}: each reads back as
 * the mask written, and the writers still produce the same files. Gzip-compressed parts (the data of
 * {@code .nrrd}, all of {@code .nii.gz}) are compared decompressed, since the compressed bytes may
 * differ between zlib versions. Regenerate with
 * {@code mvn -pl core test -Dtest=GoldenFilesTest -Dsegopt.golden.write=true} after an intended format change.
 */
class GoldenFilesTest {
    private static final Path GOLDEN = Path.of("..", "test-data", "golden");
    private static final long[] SHAPE = {2, 3};
    private static final byte[] MASK = {1, 0, 0, 1, 1, 0};

    @ParameterizedTest
    @ValueSource(strings = {"mask.npy", "mask.nrrd", "mask.nii", "mask.nii.gz"})
    void readsBackAndWritersAreUnchanged(String name, @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path golden = GOLDEN.resolve(name);
        if (Boolean.getBoolean("segopt.golden.write")) {
            Files.createDirectories(GOLDEN);
            ArrayWriters.write(golden, MASK, SHAPE, false, null);
        }
        try (Arena arena = Arena.ofConfined()) {
            NdArray a = ArrayReaders.read(golden, arena);
            assertEquals(ElementType.UINT8, a.type());
            assertArrayEquals(SHAPE, a.shape());
            assertFalse(a.fortranOrder());
            assertArrayEquals(MASK, a.data().toArray(ValueLayout.JAVA_BYTE));
        }
        Path fresh = dir.resolve(name);
        ArrayWriters.write(fresh, MASK, SHAPE, false, null);
        assertArrayEquals(canonical(name, Files.readAllBytes(golden)), canonical(name, Files.readAllBytes(fresh)),
                name + " as written now differs from " + golden);
    }

    /** {@code content} with its gzip-compressed part decompressed. */
    private static byte[] canonical(String name, byte[] content) {
        if (name.endsWith(".gz")) {
            return gunzip(content);
        }
        if (name.endsWith(".nrrd")) {
            for (int i = 1; i < content.length; i++) {
                if (content[i] == '\n' && content[i - 1] == '\n') {
                    byte[] header = Arrays.copyOf(content, i + 1);
                    return NpyTestFiles.concat(header, gunzip(Arrays.copyOfRange(content, i + 1, content.length)));
                }
            }
        }
        return content;
    }

    private static byte[] gunzip(byte[] gz) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
