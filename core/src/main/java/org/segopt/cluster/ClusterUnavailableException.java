package org.segopt.cluster;

/** The cluster of {@code --spark MASTER} cannot run the job here (a bad master, no cluster there, another session). */
public final class ClusterUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ClusterUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
