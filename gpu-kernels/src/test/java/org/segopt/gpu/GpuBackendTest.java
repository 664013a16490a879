package org.segopt.gpu;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;

/**
 * The conformance suite on CUDA device 0 with the default options: results bit-identical to
 * {@code Engine.scalar()} on every encoding. Skipped where there is no CUDA driver or device.
 */
@Tag("gpu")
class GpuBackendTest extends ConformanceSuite {
    @Override
    CudaBackend openBackend() {
        String reason = CudaBackend.unavailableReason();
        Assumptions.assumeTrue(reason == null, () -> "GPU tests skipped: " + reason);
        return new CudaBackend(CudaDevice.open(0), new CudaBackend.Options(true, true));
    }
}
