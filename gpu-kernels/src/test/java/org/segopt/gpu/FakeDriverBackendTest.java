package org.segopt.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.segopt.Marginal;
import org.segopt.engine.Engine;

/**
 * The conformance suite through the real host path (FFM bindings, {@link CudaDevice}) on the fake
 * CUDA driver with shared-memory histograms and tile skipping, plus the older-driver PTX fallback.
 */
class FakeDriverBackendTest extends FakeDriverSuite {
    @Override
    CudaBackend.Options options() {
        return new CudaBackend.Options(true, true);
    }

    @Test
    void olderDriversGetThePtxAtTheirIsaVersion() {
        Marginal m = Marginal.ofFloats(Inputs.floats(new java.util.SplittableRandom(3), 3000));
        try {
            for (int[] driver : new int[][] {{12040, 84}, {12080, 87}, {11080, 78}}) {
                FakeDriver.setDriver(driver[0], driver[1]);
                try (CudaBackend b = new CudaBackend(CudaDevice.open(FakeDriver.driver(), 0), CudaBackend.Options.DEFAULT)) {
                    assertEquals(Engine.scalar().analyze(m), Engine.of(b).analyze(m), "driver " + driver[0]);
                }
            }
            FakeDriver.setDriver(12040, 80); // claims 12.4 but accepts only ISA 8.0: the rewrite is not enough
            GpuUnavailableException e = assertThrows(GpuUnavailableException.class,
                    () -> new CudaBackend(CudaDevice.open(FakeDriver.driver(), 0), CudaBackend.Options.DEFAULT));
            assertTrue(e.getMessage().contains("CUDA_ERROR_UNSUPPORTED_PTX_VERSION"), e.getMessage());
            assertTrue(!e.getMessage().contains("\n"));
        } finally {
            FakeDriver.setDriver(13000, 90);
        }
    }

    @Test
    void closingReleasesEverything() {
        long before = FakeDriver.liveAllocations();
        int contexts = FakeDriver.contextReferences();
        CudaBackend b = new CudaBackend(CudaDevice.open(FakeDriver.driver(), 0), CudaBackend.Options.DEFAULT);
        Engine.of(b).analyze(Marginal.ofDoubles(Inputs.doubles(new java.util.SplittableRandom(4), 9000)));
        assertTrue(FakeDriver.liveAllocations() > before);
        assertEquals(contexts + 1, FakeDriver.contextReferences());
        b.close();
        assertEquals(before, FakeDriver.liveAllocations());
        assertEquals(contexts, FakeDriver.contextReferences());
    }

    @Test
    void missingDeviceOrdinal() {
        GpuUnavailableException e = assertThrows(GpuUnavailableException.class, () -> CudaDevice.open(FakeDriver.driver(), 3));
        assertEquals("no CUDA device 3 (1 present)", e.getMessage());
    }
}
