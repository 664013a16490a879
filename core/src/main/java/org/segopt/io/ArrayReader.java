package org.segopt.io;

import java.lang.foreign.Arena;
import java.nio.file.Path;

/**
 * Reads one array-valued file format. Implementations validate the header against the file size
 * before touching any data, so a header that declares more elements than the file holds is an
 * {@link InputException}, never an allocation.
 */
public interface ArrayReader {

    /** Whether this reader handles {@code file}, judged by its name. */
    boolean accepts(Path file);

    /**
     * Reads {@code file}; the returned data lives as long as {@code arena}. Compressed data is held
     * in memory only within {@code limits}.
     *
     * @throws InputException if the file is missing, not a regular file, unreadable, truncated,
     *                        malformed, or beyond {@code limits}
     */
    NdArray read(Path file, Arena arena, ReadLimits limits) throws InputException;

    /** {@link #read(Path, Arena, ReadLimits)} with the {@link ReadLimits#DEFAULT default limits}. */
    default NdArray read(Path file, Arena arena) throws InputException {
        return read(file, arena, ReadLimits.DEFAULT);
    }
}
