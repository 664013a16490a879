package org.segopt.io;

import java.nio.file.Path;

/**
 * A file that cannot be used as input: unreadable, truncated, malformed, or holding values the
 * chosen encoding forbids. The message is one line that starts with the file name, both made safe
 * by {@link OneLine}.
 */
public final class InputException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with message {@code "<file>: <problem>"}. */
    public InputException(Path file, String problem) {
        super(OneLine.of(file + ": " + problem));
    }

    /** As {@link #InputException(Path, String)}, keeping the underlying cause. */
    public InputException(Path file, String problem, Throwable cause) {
        super(OneLine.of(file + ": " + problem), cause);
    }
}
