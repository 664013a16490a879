package org.segopt.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.segopt.Marginal;
import org.segopt.engine.BackendUnavailableException;
import org.segopt.engine.Backends;
import org.segopt.engine.Engine;

/** The "gpu" provider as {@link Backends} (and so the CLI) finds it, with and without a CUDA driver. */
class CudaBackendProviderTest {

    @Test
    void cpuIsTheParallelEngine() throws Exception {
        assertSame(Engine.parallel(), Backends.select("cpu", 1L << 40));
    }

    @Test
    void withoutADriverAutoIsTheCpuAndGpuFailsInOneLine() throws Exception {
        String reason = CudaBackend.unavailableReason();
        Assumptions.assumeTrue(reason != null, "a CUDA driver and device are present");
        assertFalse(reason.contains("\n"));
        assertSame(Engine.parallel(), Backends.select("auto", Long.MAX_VALUE));
        assertSame(Engine.parallel(), Backends.select("auto", 10));
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> Backends.select("gpu", 1));
        assertEquals(reason, e.getMessage());
        // the failure is remembered: the same line again
        assertEquals(reason, assertThrows(BackendUnavailableException.class, () -> Backends.select("gpu", 1)).getMessage());
        assertThrows(GpuUnavailableException.class, CudaBackend::open);
        assertThrows(GpuUnavailableException.class, DeviceCalibrator::open);
    }

    /** Here (this build machine) libcuda.so.1 is absent: the exact line of the issue. */
    @Test
    void missingDriverLibraryMessage() {
        GpuUnavailableException absent = CudaDriver.probe("libsegopt-no-such-driver.so.1");
        assertEquals("no CUDA driver (libsegopt-no-such-driver.so.1 not found)", absent.getMessage());
        GpuUnavailableException cuda = CudaDriver.probe("libcuda.so.1");
        Assumptions.assumeTrue(cuda != null, "libcuda.so.1 is installed here");
        assertEquals("no CUDA driver (libcuda.so.1 not found)", cuda.getMessage());
        assertEquals(GpuUnavailableException.NO_DRIVER, CudaBackend.unavailableReason());
    }

    @Test
    void messagesAreOneLine() {
        assertEquals("a; b; c", new GpuUnavailableException("a\n  b\r\nc\n").getMessage());
    }

    @Test
    @Tag("gpu")
    void withADeviceGpuAndLargeAutoAreCuda() throws Exception {
        Assumptions.assumeTrue(CudaBackend.unavailableReason() == null, "no CUDA driver or device");
        long threshold = new CudaBackendProvider().autoMinimumVoxels();
        Engine gpu = Backends.select("gpu", 1);
        assertEquals("cuda", gpu.backend());
        assertEquals("cuda", Backends.select("auto", threshold).backend());
        assertEquals(Engine.parallel(), Backends.select("auto", threshold - 1));
        Marginal m = Marginal.ofVotes(new byte[] {0, 1, 2, 3, 3}, 3);
        assertEquals(Engine.scalar().analyze(m), gpu.analyze(m));
    }
}
