package org.segopt.engine;

/** A backend cannot run on this machine (no driver, no device, not on the class path); the message is one line. */
public final class BackendUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    public BackendUnavailableException(String message) {
        super(message);
    }

    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
