package org.segopt.io;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.List;

/**
 * Picks the {@link ArrayReader} for a file by its name, so callers need not know the formats. A new
 * format is supported by adding its reader to {@link #READERS} and its extension to
 * {@link #EXPECTED}.
 */
public final class ArrayReaders {

    private static final List<ArrayReader> READERS =
            List.of(new NpyReader(), new NpzReader(), new NrrdReader(), new NiftiReader());
    private static final String EXPECTED = ".npy, .npz, .nrrd, .nhdr, .nii or .nii.gz";

    private ArrayReaders() {
    }

    /**
     * Reads {@code file} with the first registered reader that accepts its name; the data lives as
     * long as {@code arena}.
     *
     * @throws InputException if no reader accepts the name, or the chosen reader rejects the file
     */
    public static NdArray read(Path file, Arena arena) throws InputException {
        return read(file, arena, ReadLimits.DEFAULT);
    }

    /** As {@link #read(Path, Arena)}, holding compressed data in memory only within {@code limits}. */
    public static NdArray read(Path file, Arena arena, ReadLimits limits) throws InputException {
        for (ArrayReader reader : READERS) {
            if (reader.accepts(file)) {
                return reader.read(file, arena, limits);
            }
        }
        throw new InputException(file, "unsupported file format (expected " + EXPECTED + ")");
    }
}
