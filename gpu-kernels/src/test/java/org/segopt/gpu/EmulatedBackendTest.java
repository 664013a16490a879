package org.segopt.gpu;

/** The conformance suite on an emulated device with H100-sized shared memory (histograms privatized). */
class EmulatedBackendTest extends ConformanceSuite {
    @Override
    CudaBackend openBackend() {
        return new CudaBackend(new EmulatedDevice(227 * 1024), new CudaBackend.Options(true, true));
    }
}
