package org.segopt.gpu;

/**
 * The conformance suite on an emulated device with 48 KiB of shared memory per block (float
 * histograms in global memory) and without tile bounds (refinement reads everything).
 */
class EmulatedGlobalAtomicsTest extends ConformanceSuite {
    @Override
    CudaBackend openBackend() {
        return new CudaBackend(new EmulatedDevice(48 * 1024), new CudaBackend.Options(false, true));
    }

    @Override
    long seed() {
        return 77L;
    }
}
