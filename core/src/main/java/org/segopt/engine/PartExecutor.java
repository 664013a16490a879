package org.segopt.engine;

/**
 * Runs a {@link PartPass} over every part of a pooled marginal and merges the parts' results:
 * threads of one process, or the executors of a cluster. Parts are read where the pass runs.
 */
public interface PartExecutor {
    /** The merged {@link PartCounts} of {@code pass} over every part. */
    PartCounts run(PartPass pass);

    /** Parts processed at once, for reports. */
    int parallelism();
}
