package org.segopt.gpu;

import java.lang.foreign.MemorySegment;

/**
 * What {@link CudaBackend} needs from a device: memory, copies, kernel launches on a stream. The
 * CUDA implementation is {@link CudaDevice}; tests also run the backend on an emulation. Device
 * memory is addressed by 64-bit device pointers; a {@code stream} of 0 is the legacy default
 * stream. Not thread-safe: the backend serializes its calls.
 */
interface Device extends AutoCloseable {

    /** The device's name, e.g. "NVIDIA H100 80GB HBM3". */
    String name();

    /** Compute capability as major * 10 + minor, e.g. 90. */
    int computeCapability();

    int multiprocessors();

    /** The most dynamic shared memory one block may use (after {@link #allowSharedMemory}). */
    int sharedMemoryPerBlock();

    int sharedMemoryPerMultiprocessor();

    /** The stream the device owns, used unless a caller brings its own. */
    long stream();

    long allocate(long bytes);

    void free(long pointer);

    /** Live allocations made through this device, for leak checks. */
    long liveAllocations();

    /** Copies {@code bytes} from host memory (heap or native) to {@code dst}, ordered on {@code stream}. */
    void upload(long dst, MemorySegment src, long bytes, long stream);

    /**
     * Copies {@code bytes} from {@code src} to host memory (heap or native) after all work queued on
     * {@code stream}; returns when the copy is complete.
     */
    void download(MemorySegment dst, long src, long bytes, long stream);

    /** Device-to-device copy, ordered on {@code stream}. */
    void copy(long dst, long src, long bytes, long stream);

    /** Sets {@code bytes} bytes at {@code dst} to {@code value}, ordered on {@code stream}. */
    void fill(long dst, int value, long bytes, long stream);

    /** Lets {@code kernel} use up to {@code bytes} of dynamic shared memory (above the default 48 KiB). */
    void allowSharedMemory(Kernel kernel, int bytes);

    /**
     * Queues {@code kernel} on {@code stream}: {@code grid} blocks of {@code block} threads with
     * {@code sharedBytes} of dynamic shared memory; {@code args} in the order of
     * {@link Kernel#params} (32-bit parameters take the low 32 bits).
     */
    void launch(Kernel kernel, int grid, int block, int sharedBytes, long stream, long... args);

    /** Waits for all work queued on {@code stream}. */
    void synchronize(long stream);

    /**
     * The device allocation holding {@code pointer} as {start, size in bytes}, or null when it is
     * not device memory of this device's context.
     */
    long[] allocationOf(long pointer);

    /** Free and total device memory in bytes. */
    long[] memoryInfo();

    @Override
    void close();
}
