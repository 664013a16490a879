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
     * Reads {@code file}; the returned data lives as long as {@code arena}.
     *
     * @throws InputException if the file is missing, unreadable, truncated or malformed
     */
    NdArray read(Path file, Arena arena) throws InputException;
}
