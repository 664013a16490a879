package org.segopt.gpu;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;

/**
 * The conformance suite on CUDA device 0 with every histogram update a global 64-bit atomic (no
 * shared-memory privatization) and refinement reading every tile: the fallback paths of smaller
 * GPUs, checked on this one. Skipped where there is no CUDA driver or device.
 */
@Tag("gpu")
class GpuGlobalAtomicsTest extends ConformanceSuite {
    @Override
    CudaBackend openBackend() {
        String reason = CudaBackend.unavailableReason();
        Assumptions.assumeTrue(reason == null, () -> "GPU tests skipped: " + reason);
        return new CudaBackend(CudaDevice.open(0), new CudaBackend.Options(false, false));
    }

    @Override
    long seed() {
        return 991L;
    }
}
