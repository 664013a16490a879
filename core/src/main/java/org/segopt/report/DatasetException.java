package org.segopt.report;

/** A dataset that cannot be enumerated at all: a missing directory, an unreadable or malformed manifest. */
public final class DatasetException extends Exception {
    private static final long serialVersionUID = 1L;

    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
