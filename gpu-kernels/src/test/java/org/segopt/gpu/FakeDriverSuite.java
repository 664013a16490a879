package org.segopt.gpu;

/**
 * The conformance suite on the fake CUDA driver, which runs the kernels' CUDA source on the CPU
 * (every CUDA thread a fiber): smaller inputs and fewer leak-test calls than on a GPU. Subclasses
 * choose the kernel options.
 */
abstract class FakeDriverSuite extends ConformanceSuite {
    /** Shared-memory histograms and tile skipping on, or the global-atomics fallbacks. */
    abstract CudaBackend.Options options();

    @Override
    CudaBackend openBackend() {
        return new CudaBackend(CudaDevice.open(FakeDriver.driver(), 0), options());
    }

    @Override
    int voxels() {
        return 20_011;
    }

    @Override
    int leakCalls() {
        return 1_000;
    }
}
