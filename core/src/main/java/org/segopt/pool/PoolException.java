package org.segopt.pool;

/** The cases of a pool cannot be pooled exactly (no usable case, masks mixed with probabilities, R too large). */
public final class PoolException extends Exception {
    private static final long serialVersionUID = 1L;

    public PoolException(String message) {
        super(message);
    }
}
