package org.segopt.report;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for the per-case jobs of a dataset run, shared by {@code report} and {@code lidc}. */
public final class Jobs {
    private Jobs() {
    }

    /**
     * The job's result. Jobs catch their own input errors, so a failure here is a bug and is
     * rethrown unchecked; an interrupt becomes an IOException.
     */
    public static <T> T await(Future<T> job) throws IOException {
        try {
            return job.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }
}
