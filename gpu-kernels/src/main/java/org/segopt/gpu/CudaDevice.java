package org.segopt.gpu;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.segopt.gpu.CudaDriver.call;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.EnumMap;
import java.util.Map;

/**
 * One CUDA device through the driver API: its primary context (shared with other libraries in the
 * process, such as a training framework, so device pointers they allocate are valid here), the
 * kernels module loaded from the PTX resource, and a stream. Every call makes the context current
 * on the calling thread first. Closing frees the stream, the module and the context reference;
 * allocations the caller did not free are freed too.
 */
final class CudaDevice implements Device {
    private final CudaDriver cu;
    private final int ordinal;
    private final long context;
    private final long module;
    private final long ownStream;
    private final Map<Kernel, Long> functions = new EnumMap<>(Kernel.class);
    private final String name;
    private final int computeCapability;
    private final int multiprocessors;
    private final int sharedPerBlock;
    private final int sharedPerMultiprocessor;
    private final int driverVersion;
    private final Arena arena = Arena.ofShared();
    /** Scratch for out-parameters and kernel arguments: slots of 8 bytes, then the argument pointer array. */
    private final MemorySegment out = arena.allocate(64, 16);
    private final MemorySegment argValues = arena.allocate(8L * 16, 16);
    private final MemorySegment argPointers = arena.allocate(ADDRESS.byteSize() * 16, 16);
    private final java.util.Set<Long> allocations = new java.util.HashSet<>();
    private boolean closed;

    private CudaDevice(CudaDriver cu, int ordinal) {
        this.cu = cu;
        this.ordinal = ordinal;
        check(call(cu.cuDeviceGet, out, ordinal), "cuDeviceGet");
        int device = out.get(JAVA_INT, 0);
        this.computeCapability = attribute(device, CudaDriver.ATTR_COMPUTE_CAPABILITY_MAJOR) * 10
                + attribute(device, CudaDriver.ATTR_COMPUTE_CAPABILITY_MINOR);
        this.multiprocessors = attribute(device, CudaDriver.ATTR_MULTIPROCESSOR_COUNT);
        this.sharedPerBlock = attribute(device, CudaDriver.ATTR_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN);
        this.sharedPerMultiprocessor = attribute(device, CudaDriver.ATTR_MAX_SHARED_MEMORY_PER_MULTIPROCESSOR);
        MemorySegment nameBuffer = arena.allocate(256);
        check(call(cu.cuDeviceGetName, nameBuffer, 256, device), "cuDeviceGetName");
        this.name = nameBuffer.getString(0);
        check(call(cu.cuDriverGetVersion, out), "cuDriverGetVersion");
        this.driverVersion = out.get(JAVA_INT, 0);
        if (computeCapability < Ptx.MIN_COMPUTE_CAPABILITY) {
            arena.close();
            throw new GpuUnavailableException("no usable CUDA device: " + name + " has compute capability "
                    + computeCapability / 10 + "." + computeCapability % 10 + ", segopt's kernels need "
                    + Ptx.MIN_COMPUTE_CAPABILITY / 10 + "." + Ptx.MIN_COMPUTE_CAPABILITY % 10 + " or newer");
        }
        check(call(cu.cuDevicePrimaryCtxRetain, out, device), "cuDevicePrimaryCtxRetain");
        this.context = out.get(JAVA_LONG, 0);
        long m = 0;
        long s = 0;
        try {
            makeCurrent();
            m = loadModule();
            for (Kernel k : Kernel.values()) {
                MemorySegment symbol = arena.allocateFrom(k.symbol);
                check(call(cu.cuModuleGetFunction, out, m, symbol), "cuModuleGetFunction(" + k.symbol + ")");
                functions.put(k, out.get(JAVA_LONG, 0));
            }
            check(call(cu.cuStreamCreate, out, 0), "cuStreamCreate");
            s = out.get(JAVA_LONG, 0);
        } catch (RuntimeException e) {
            if (m != 0) {
                call(cu.cuModuleUnload, m);
            }
            call(cu.cuDevicePrimaryCtxRelease, device);
            arena.close();
            throw e;
        }
        this.module = m;
        this.ownStream = s;
        this.deviceHandle = device;
    }

    private final int deviceHandle;

    /**
     * Opens device {@code ordinal}.
     *
     * @throws GpuUnavailableException without a driver or device, or when the device cannot run the kernels
     */
    static CudaDevice open(int ordinal) {
        return open(CudaDriver.load(), ordinal);
    }

    /** Opens device {@code ordinal} of the driver {@code cu}; see {@link #open(int)}. */
    static CudaDevice open(CudaDriver cu, int ordinal) {
        int rc = call(cu.cuInit, 0);
        if (rc == CudaDriver.CUDA_ERROR_NO_DEVICE) {
            throw new GpuUnavailableException(GpuUnavailableException.NO_DEVICE);
        }
        if (rc != CudaDriver.CUDA_SUCCESS) {
            throw new GpuUnavailableException("no usable CUDA driver (cuInit: " + cu.errorName(rc) + ")");
        }
        int count;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment n = a.allocate(JAVA_INT);
            cu.check(call(cu.cuDeviceGetCount, n), "cuDeviceGetCount");
            count = n.get(JAVA_INT, 0);
        }
        if (count == 0) {
            throw new GpuUnavailableException(GpuUnavailableException.NO_DEVICE);
        }
        if (ordinal < 0 || ordinal >= count) {
            throw new GpuUnavailableException("no CUDA device " + ordinal + " (" + count + " present)");
        }
        try {
            return new CudaDevice(cu, ordinal);
        } catch (CudaException e) {
            throw new GpuUnavailableException("CUDA device " + ordinal + " unusable: " + e.getMessage(), e);
        }
    }

    private int attribute(int device, int attribute) {
        check(call(cu.cuDeviceGetAttribute, out, attribute, device), "cuDeviceGetAttribute(" + attribute + ")");
        return out.get(JAVA_INT, 0);
    }

    /** Loads the PTX; a driver older than the PTX ISA gets the same code declared at its own ISA version. */
    private long loadModule() {
        String ptx = Ptx.source();
        int rc = loadModule(ptx);
        if (rc == CudaDriver.CUDA_ERROR_UNSUPPORTED_PTX_VERSION) {
            String isa = Ptx.isaForDriver(driverVersion);
            if (isa != null) {
                rc = loadModule(Ptx.withIsaVersion(ptx, isa));
            }
        }
        check(rc, "cuModuleLoadData (driver " + driverVersion / 1000 + "." + driverVersion % 1000 / 10 + ")");
        return out.get(JAVA_LONG, 0);
    }

    private int loadModule(String ptx) {
        try (Arena a = Arena.ofConfined()) {
            return call(cu.cuModuleLoadData, out, a.allocateFrom(ptx));
        }
    }

    private void check(int rc, String what) {
        cu.check(rc, what);
    }

    private void makeCurrent() {
        if (closed) {
            throw new IllegalStateException("the CUDA device is closed");
        }
        check(call(cu.cuCtxSetCurrent, context), "cuCtxSetCurrent");
    }

    @Override
    public String name() {
        return name;
    }

    /** The device ordinal this was opened with. */
    int ordinal() {
        return ordinal;
    }

    /** Driver version as 1000 * major + 10 * minor (cuDriverGetVersion). */
    int driverVersion() {
        return driverVersion;
    }

    @Override
    public int computeCapability() {
        return computeCapability;
    }

    @Override
    public int multiprocessors() {
        return multiprocessors;
    }

    @Override
    public int sharedMemoryPerBlock() {
        return sharedPerBlock;
    }

    @Override
    public int sharedMemoryPerMultiprocessor() {
        return sharedPerMultiprocessor;
    }

    @Override
    public long stream() {
        return ownStream;
    }

    @Override
    public synchronized long allocate(long bytes) {
        makeCurrent();
        check(call(cu.cuMemAlloc, out, Math.max(1, bytes)), "cuMemAlloc_v2(" + bytes + " bytes)");
        long p = out.get(JAVA_LONG, 0);
        allocations.add(p);
        return p;
    }

    @Override
    public synchronized void free(long pointer) {
        if (pointer == 0 || !allocations.remove(pointer)) {
            return;
        }
        makeCurrent();
        check(call(cu.cuMemFree, pointer), "cuMemFree_v2");
    }

    @Override
    public synchronized long liveAllocations() {
        return allocations.size();
    }

    @Override
    public synchronized void upload(long dst, MemorySegment src, long bytes, long stream) {
        if (bytes == 0) {
            return;
        }
        makeCurrent();
        check(call(cu.cuMemcpyHtoDAsync, dst, src, bytes, stream), "cuMemcpyHtoDAsync_v2");
    }

    @Override
    public synchronized void download(MemorySegment dst, long src, long bytes, long stream) {
        makeCurrent();
        // Wait first, so that the critical copy (during which the GC waits) only copies.
        check(call(cu.cuStreamSynchronize, stream), "cuStreamSynchronize");
        if (bytes > 0) {
            check(call(cu.cuMemcpyDtoHAsync, dst, src, bytes, stream), "cuMemcpyDtoHAsync_v2");
            check(call(cu.cuStreamSynchronize, stream), "cuStreamSynchronize");
        }
    }

    @Override
    public synchronized void copy(long dst, long src, long bytes, long stream) {
        makeCurrent();
        check(call(cu.cuMemcpyDtoDAsync, dst, src, bytes, stream), "cuMemcpyDtoDAsync_v2");
    }

    @Override
    public synchronized void fill(long dst, int value, long bytes, long stream) {
        if (bytes == 0) {
            return;
        }
        makeCurrent();
        check(call(cu.cuMemsetD8Async, dst, value & 0xFF, bytes, stream), "cuMemsetD8Async");
    }

    @Override
    public synchronized void allowSharedMemory(Kernel kernel, int bytes) {
        makeCurrent();
        check(call(cu.cuFuncSetAttribute, functions.get(kernel), CudaDriver.FUNC_ATTR_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                bytes), "cuFuncSetAttribute(" + kernel.symbol + ", MAX_DYNAMIC_SHARED_SIZE_BYTES, " + bytes + ")");
    }

    @Override
    public synchronized void launch(Kernel kernel, int grid, int block, int sharedBytes, long stream, long... args) {
        if (args.length != kernel.params.size()) {
            throw new IllegalArgumentException(kernel.symbol + " takes " + kernel.params.size() + " arguments, got "
                    + args.length);
        }
        makeCurrent();
        for (int i = 0; i < args.length; i++) {
            if (kernel.params.get(i) == Kernel.Width.B32) {
                argValues.set(JAVA_INT, 8L * i, (int) args[i]);
            } else {
                argValues.set(JAVA_LONG, 8L * i, args[i]);
            }
            argPointers.setAtIndex(ADDRESS, i, argValues.asSlice(8L * i, 8));
        }
        check(call(cu.cuLaunchKernel, functions.get(kernel), grid, 1, 1, block, 1, 1, sharedBytes, stream,
                argPointers, MemorySegment.NULL), "cuLaunchKernel(" + kernel.symbol + ")");
    }

    @Override
    public synchronized void synchronize(long stream) {
        makeCurrent();
        check(call(cu.cuStreamSynchronize, stream), "cuStreamSynchronize");
    }

    @Override
    public synchronized long[] allocationOf(long pointer) {
        makeCurrent();
        if (call(cu.cuPointerGetAttribute, out, CudaDriver.POINTER_ATTR_CONTEXT, pointer) != CudaDriver.CUDA_SUCCESS) {
            return null;
        }
        long owner = out.get(JAVA_LONG, 0);
        if (owner != 0 && owner != context) {
            return null; // memory of another context: its pointers mean nothing in ours
        }
        if (call(cu.cuPointerGetAttribute, out, CudaDriver.POINTER_ATTR_RANGE_START_ADDR, pointer)
                != CudaDriver.CUDA_SUCCESS) {
            return null;
        }
        long start = out.get(JAVA_LONG, 0);
        if (call(cu.cuPointerGetAttribute, out, CudaDriver.POINTER_ATTR_RANGE_SIZE, pointer)
                != CudaDriver.CUDA_SUCCESS) {
            return null;
        }
        return new long[] {start, out.get(JAVA_LONG, 0)};
    }

    @Override
    public synchronized long[] memoryInfo() {
        makeCurrent();
        check(call(cu.cuMemGetInfo, out, out.asSlice(8)), "cuMemGetInfo_v2");
        return new long[] {out.get(JAVA_LONG, 0), out.get(JAVA_LONG, 8)};
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        makeCurrent();
        call(cu.cuStreamSynchronize, ownStream);
        for (long p : allocations) {
            call(cu.cuMemFree, p);
        }
        allocations.clear();
        call(cu.cuStreamDestroy, ownStream);
        call(cu.cuModuleUnload, module);
        call(cu.cuDevicePrimaryCtxRelease, deviceHandle);
        closed = true;
        arena.close();
    }
}
