package org.segopt.gpu;

/**
 * The conformance suite on the fake CUDA driver with every histogram update a global atomic and
 * refinement reading every tile (the kernels' fallback paths).
 */
class FakeDriverGlobalAtomicsTest extends FakeDriverSuite {
    @Override
    CudaBackend.Options options() {
        return new CudaBackend.Options(false, false);
    }

    @Override
    long seed() {
        return 4242L;
    }
}
