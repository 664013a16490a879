package org.segopt.engine;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.segopt.Marginal;

/**
 * Calibrates a batch of marginals (e.g. the 3D patches of a training batch) in parallel across
 * volumes: a fixed pool of threads, each with its own {@link ThresholdCalibrator}, takes the next
 * volume until the batch is done. Results are identical to calibrating one by one. Thread-safe;
 * close it to stop its threads.
 */
public final class BatchCalibrator implements AutoCloseable {
    private final int threads;
    private final ExecutorService pool;
    private final ThreadLocal<ThresholdCalibrator> calibrators = ThreadLocal.withInitial(ThresholdCalibrator::new);

    /** A batch calibrator on all available processors. */
    public BatchCalibrator() {
        this(Runtime.getRuntime().availableProcessors());
    }

    /** A batch calibrator on {@code threads} threads. */
    public BatchCalibrator(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.pool = Tasks.pool(threads, "segopt-batch");
    }

    /** Calibrates every marginal of {@code batch}; result i describes {@code batch.get(i)}. */
    public Calibration[] calibrate(List<Marginal> batch) {
        Calibration[] out = new Calibration[batch.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = new Calibration();
        }
        calibrate(batch, out);
        return out;
    }

    /**
     * Calibrates {@code patches.length / patchVoxels} float32 patches stored one after another in
     * {@code patches} (a batch tensor in C order) into {@code into}.
     */
    public void calibrate(float[] patches, int patchVoxels, Calibration[] into) {
        if (patchVoxels <= 0 || patches.length % patchVoxels != 0) {
            throw new IllegalArgumentException(patches.length + " values are not whole patches of " + patchVoxels);
        }
        MemorySegment all = MemorySegment.ofArray(patches);
        List<Marginal> batch = new ArrayList<>();
        for (long offset = 0; offset < patches.length; offset += patchVoxels) {
            batch.add(Marginal.ofFloats(all.asSlice(offset * Float.BYTES, (long) patchVoxels * Float.BYTES), ByteOrder.nativeOrder()));
        }
        calibrate(batch, into);
    }

    /** Calibrates every marginal of {@code batch} into {@code into[i]}. */
    public void calibrate(List<Marginal> batch, Calibration[] into) {
        if (into.length < batch.size()) {
            throw new IllegalArgumentException(into.length + " result holders for " + batch.size() + " marginals");
        }
        AtomicInteger next = new AtomicInteger();
        Callable<Void> worker = () -> {
            ThresholdCalibrator calibrator = calibrators.get();
            for (int i; (i = next.getAndIncrement()) < batch.size(); ) {
                calibrator.calibrate(batch.get(i), into[i]);
            }
            return null;
        };
        List<Future<Void>> running = new ArrayList<>();
        for (int w = 0; w < Math.min(threads, batch.size()); w++) {
            running.add(pool.submit(worker));
        }
        Tasks.join(running);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
