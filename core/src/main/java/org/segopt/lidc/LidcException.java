package org.segopt.lidc;

/** An LIDC XML file or scan that cannot be used: malformed XML, a missing element, a coordinate outside the image. */
public final class LidcException extends Exception {
    private static final long serialVersionUID = 1L;

    public LidcException(String message) {
        super(message);
    }

    public LidcException(String message, Throwable cause) {
        super(message, cause);
    }
}
