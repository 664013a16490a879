package org.segopt.gpu;

/**
 * The conformance suite on the fake CUDA driver with every histogram update a global atomic and
 * refinement reading every tile (the kernels' fallback paths).
 */
class FakeDriverGlobalAtomicsTest extends ConformanceSuite {
    @Override
    CudaBackend openBackend() {
        return new CudaBackend(CudaDevice.open(FakeDriver.driver(), 0), new CudaBackend.Options(false, false));
    }

    @Override
    int voxels() {
        return 20_011;
    }

    @Override
    int leakCalls() {
        return 1_000;
    }

    @Override
    long seed() {
        return 4242L;
    }
}
