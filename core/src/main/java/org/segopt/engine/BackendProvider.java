package org.segopt.engine;

/**
 * A pass backend that lives outside the core (the GPU one in {@code gpu-kernels}), found with
 * {@link java.util.ServiceLoader} so that the core and the CLI need no compile-time dependency on
 * it. Register an implementation in {@code META-INF/services/org.segopt.engine.BackendProvider}.
 */
public interface BackendProvider {

    /** The name a user selects it by, e.g. "gpu". */
    String name();

    /** The smallest input (voxels) for which {@code auto} prefers this backend over the CPU. */
    long autoMinimumVoxels();

    /**
     * Opens the backend (driver, device, context).
     *
     * @throws BackendUnavailableException with a one-line reason when it cannot run here
     */
    PassBackend open() throws BackendUnavailableException;
}
