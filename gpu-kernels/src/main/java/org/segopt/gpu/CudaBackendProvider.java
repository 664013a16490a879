package org.segopt.gpu;

import org.segopt.engine.BackendProvider;
import org.segopt.engine.BackendUnavailableException;
import org.segopt.engine.PassBackend;

/**
 * Registers the CUDA backend as "gpu" for {@link org.segopt.engine.Backends} (and so for the CLI's
 * {@code --backend gpu|auto}) through {@link java.util.ServiceLoader}.
 *
 * <p>The {@code auto} threshold: for input in host memory every GPU pass starts by copying the
 * data over PCIe (about 10-25 GB/s from pageable memory) after a fixed cost of some 0.1-0.5 ms per
 * pass (launches, synchronization, histogram downloads), while the CPU engine reads host memory
 * at roughly its bandwidth. Below some 2^24 voxels (a 256³ volume, 64 MiB of float32) the fixed
 * costs dominate and the CPU wins; above it the two are within a small factor and the GPU frees
 * the CPU. This is an estimate until {@code gpu-kernels/device-check} has measured it; override
 * with {@code -Dsegopt.gpu.autoMinVoxels=N}. Data already on the device ({@link DeviceCalibrator})
 * always belongs on the GPU.
 *
 * <p>The backend on device 0 is opened once per process and shared; a failure to open it is
 * remembered, so later requests fail at once with the same line.
 */
public final class CudaBackendProvider implements BackendProvider {
    private static final long AUTO_MIN_VOXELS = Long.getLong("segopt.gpu.autoMinVoxels", 1L << 24);
    private static Object shared; // the shared CudaBackend, or the GpuUnavailableException opening it threw

    @Override
    public String name() {
        return "gpu";
    }

    @Override
    public long autoMinimumVoxels() {
        return AUTO_MIN_VOXELS;
    }

    @Override
    public PassBackend open() throws BackendUnavailableException {
        synchronized (CudaBackendProvider.class) {
            if (shared == null) {
                try {
                    shared = CudaBackend.open(); // never closed: the driver frees it when the process exits
                } catch (GpuUnavailableException e) {
                    shared = e;
                }
            }
            if (shared instanceof GpuUnavailableException e) {
                throw new BackendUnavailableException(e.getMessage(), e);
            }
            return (CudaBackend) shared;
        }
    }
}
