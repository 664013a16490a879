package org.segopt.gpu;

import org.segopt.Analysis;
import org.segopt.Marginal;
import org.segopt.engine.Engine;
import org.segopt.engine.PassBackend;

/**
 * Analyses marginals that live in CUDA device memory, for training loops: the data is read where
 * it is, on the caller's stream, and only the small histograms (and the few values a decision
 * needs) come back to the host. Results equal {@link org.segopt.engine.ThresholdCalibrator}'s and
 * {@link Engine#analyze}'s for the same values.
 *
 * <pre>{@code
 * try (DeviceCalibrator c = DeviceCalibrator.open()) {
 *     DeviceCalibration r = c.calibrate(DeviceArray.float32(tensor.data_ptr(), tensor.numel()), stream);
 *     float cut = (float) r.cut();   // s^D = (probs >= cut), computed on the device by the caller
 * }
 * }</pre>
 *
 * <p>The pointer must be memory of the device's primary context (what the CUDA runtime, and so
 * PyTorch or CuPy, allocates); {@code stream} is a CUstream handle (0: the legacy default stream).
 * Each call queues its kernels on that stream after the caller's pending work and returns once
 * its results are on the host. Thread-safe (calls are serialized); reuse one calibrator.
 */
public final class DeviceCalibrator implements AutoCloseable {
    private final CudaBackend backend;
    private final boolean ownsBackend;
    private final Engine engine;

    private DeviceCalibrator(CudaBackend backend, boolean ownsBackend) {
        this.backend = backend;
        this.ownsBackend = ownsBackend;
        this.engine = Engine.of(backend);
    }

    /**
     * A calibrator on CUDA device 0 with its own backend.
     *
     * @throws GpuUnavailableException without a CUDA driver or device
     */
    public static DeviceCalibrator open() {
        return new DeviceCalibrator(CudaBackend.open(), true);
    }

    /** A calibrator sharing {@code backend} (which it does not close). */
    public static DeviceCalibrator on(CudaBackend backend) {
        return new DeviceCalibrator(backend, false);
    }

    /**
     * Finds τ* and the optimal volumes of the marginal in {@code array}, as
     * {@link org.segopt.engine.ThresholdCalibrator#calibrate} does for host data.
     *
     * @throws org.segopt.InvalidMarginalException at the first voxel whose value is not allowed
     * @throws IllegalArgumentException            if the array is not inside device memory of this device
     */
    public DeviceCalibration calibrate(DeviceArray array, long stream) {
        return backend.withResident(array, stream, m -> {
            // Volume 0 asks for no Theorem 4 cut, so the passes are those of ThresholdCalibrator.
            Analysis a = engine.analyze(m, 0);
            long greatest = a.dice().greatestVolume();
            double cut = Double.POSITIVE_INFINITY;
            if (greatest > 0) {
                long key = backend.minKey(m, PassBackend.ceilKey(m, a.dice().threshold()));
                cut = PassBackend.keyValue(m, key);
            }
            return new DeviceCalibration(a.voxels(), a.mass().doubleValue(), a.dice().sup().doubleValue(),
                    a.dice().threshold().doubleValue(), cut, a.dice().leastVolume(), greatest,
                    a.accuracy().leastVolume(), a.accuracy().greatestVolume());
        });
    }

    /**
     * The full exact {@link Analysis} of the marginal in {@code array} (Theorem 4 at the default
     * volume), equal to {@link Engine#analyze(Marginal)} on the same values.
     */
    public Analysis analyze(DeviceArray array, long stream) {
        return backend.withResident(array, stream, engine::analyze);
    }

    /** The exact analysis with the Theorem 4 volume {@code volume}. */
    public Analysis analyze(DeviceArray array, long volume, long stream) {
        return backend.withResident(array, stream, m -> engine.analyze(m, volume));
    }

    /** The backend this calibrator runs on. */
    public CudaBackend backend() {
        return backend;
    }

    /** Closes the backend if this calibrator opened it. */
    @Override
    public void close() {
        if (ownsBackend) {
            backend.close();
        }
    }
}
