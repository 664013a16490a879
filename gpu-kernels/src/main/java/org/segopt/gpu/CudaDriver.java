package org.segopt.gpu;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * The CUDA driver API (libcuda.so.1) through java.lang.foreign: the few functions segopt calls,
 * each returning its CUresult, and {@link #check} mapping a failure to a {@link CudaException}
 * named with cuGetErrorName. Handles (CUcontext, CUmodule, CUfunction, CUstream) and device
 * pointers are passed as 64-bit integers. No JNI, no third-party binding.
 *
 * <p>The two host copies are bound as critical functions that may take heap segments (Java
 * arrays): the driver copies pageable host memory synchronously with respect to the host buffer
 * (an upload returns once the source is staged, a download once it is complete), so the array is
 * never touched after the call returns. The garbage collector waits while such a copy runs.
 */
@SuppressWarnings("restricted") // the driver is native code: run with --enable-native-access=ALL-UNNAMED
final class CudaDriver {
    /** The library to load; {@code -Dsegopt.cuda.library=...} overrides it (tests simulate a missing driver). */
    static final String LIBRARY = System.getProperty("segopt.cuda.library", "libcuda.so.1");

    static final int CUDA_SUCCESS = 0;
    static final int CUDA_ERROR_NO_DEVICE = 100;
    static final int CUDA_ERROR_UNSUPPORTED_PTX_VERSION = 222;

    static final int ATTR_MULTIPROCESSOR_COUNT = 16;
    static final int ATTR_COMPUTE_CAPABILITY_MAJOR = 75;
    static final int ATTR_COMPUTE_CAPABILITY_MINOR = 76;
    static final int ATTR_MAX_SHARED_MEMORY_PER_MULTIPROCESSOR = 81;
    static final int ATTR_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN = 97;
    static final int FUNC_ATTR_MAX_DYNAMIC_SHARED_SIZE_BYTES = 8;
    static final int POINTER_ATTR_CONTEXT = 1;
    static final int POINTER_ATTR_RANGE_START_ADDR = 11;
    static final int POINTER_ATTR_RANGE_SIZE = 12;

    private static volatile Object loaded; // a CudaDriver or the GpuUnavailableException that loading threw

    final MethodHandle cuInit;
    final MethodHandle cuDriverGetVersion;
    final MethodHandle cuDeviceGetCount;
    final MethodHandle cuDeviceGet;
    final MethodHandle cuDeviceGetName;
    final MethodHandle cuDeviceGetAttribute;
    final MethodHandle cuDevicePrimaryCtxRetain;
    final MethodHandle cuDevicePrimaryCtxRelease;
    final MethodHandle cuCtxSetCurrent;
    final MethodHandle cuModuleLoadData;
    final MethodHandle cuModuleUnload;
    final MethodHandle cuModuleGetFunction;
    final MethodHandle cuFuncSetAttribute;
    final MethodHandle cuMemAlloc;
    final MethodHandle cuMemFree;
    final MethodHandle cuMemGetInfo;
    final MethodHandle cuMemcpyHtoD;
    final MethodHandle cuMemcpyDtoH;
    final MethodHandle cuMemcpyHtoDAsync;
    final MethodHandle cuMemcpyDtoHAsync;
    final MethodHandle cuMemcpyDtoDAsync;
    final MethodHandle cuMemsetD8Async;
    final MethodHandle cuLaunchKernel;
    final MethodHandle cuStreamCreate;
    final MethodHandle cuStreamSynchronize;
    final MethodHandle cuStreamDestroy;
    final MethodHandle cuPointerGetAttribute;
    private final MethodHandle cuGetErrorName;

    private CudaDriver(SymbolLookup lib) {
        Binder b = new Binder(lib);
        cuInit = b.bind("cuInit", JAVA_INT);
        cuDriverGetVersion = b.bind("cuDriverGetVersion", ADDRESS);
        cuDeviceGetCount = b.bind("cuDeviceGetCount", ADDRESS);
        cuDeviceGet = b.bind("cuDeviceGet", ADDRESS, JAVA_INT);
        cuDeviceGetName = b.bind("cuDeviceGetName", ADDRESS, JAVA_INT, JAVA_INT);
        cuDeviceGetAttribute = b.bind("cuDeviceGetAttribute", ADDRESS, JAVA_INT, JAVA_INT);
        cuDevicePrimaryCtxRetain = b.bind("cuDevicePrimaryCtxRetain", ADDRESS, JAVA_INT);
        cuDevicePrimaryCtxRelease = b.bind("cuDevicePrimaryCtxRelease_v2", JAVA_INT);
        cuCtxSetCurrent = b.bind("cuCtxSetCurrent", JAVA_LONG);
        cuModuleLoadData = b.bind("cuModuleLoadData", ADDRESS, ADDRESS);
        cuModuleUnload = b.bind("cuModuleUnload", JAVA_LONG);
        cuModuleGetFunction = b.bind("cuModuleGetFunction", ADDRESS, JAVA_LONG, ADDRESS);
        cuFuncSetAttribute = b.bind("cuFuncSetAttribute", JAVA_LONG, JAVA_INT, JAVA_INT);
        cuMemAlloc = b.bind("cuMemAlloc_v2", ADDRESS, JAVA_LONG);
        cuMemFree = b.bind("cuMemFree_v2", JAVA_LONG);
        cuMemGetInfo = b.bind("cuMemGetInfo_v2", ADDRESS, ADDRESS);
        cuMemcpyHtoD = b.critical("cuMemcpyHtoD_v2", JAVA_LONG, ADDRESS, JAVA_LONG);
        cuMemcpyDtoH = b.critical("cuMemcpyDtoH_v2", ADDRESS, JAVA_LONG, JAVA_LONG);
        cuMemcpyHtoDAsync = b.critical("cuMemcpyHtoDAsync_v2", JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG);
        cuMemcpyDtoHAsync = b.critical("cuMemcpyDtoHAsync_v2", ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG);
        cuMemcpyDtoDAsync = b.bind("cuMemcpyDtoDAsync_v2", JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG);
        cuMemsetD8Async = b.bind("cuMemsetD8Async", JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG);
        cuLaunchKernel = b.bind("cuLaunchKernel", JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS);
        cuStreamCreate = b.bind("cuStreamCreate", ADDRESS, JAVA_INT);
        cuStreamSynchronize = b.bind("cuStreamSynchronize", JAVA_LONG);
        cuStreamDestroy = b.bind("cuStreamDestroy_v2", JAVA_LONG);
        cuPointerGetAttribute = b.bind("cuPointerGetAttribute", ADDRESS, JAVA_INT, JAVA_LONG);
        cuGetErrorName = b.bind("cuGetErrorName", JAVA_INT, ADDRESS);
    }

    /** Binds driver functions returning CUresult (int). */
    private record Binder(SymbolLookup lib) {
        MethodHandle bind(String name, java.lang.foreign.MemoryLayout... args) {
            return Linker.nativeLinker().downcallHandle(find(name), FunctionDescriptor.of(JAVA_INT, args));
        }

        MethodHandle critical(String name, java.lang.foreign.MemoryLayout... args) {
            return Linker.nativeLinker().downcallHandle(find(name), FunctionDescriptor.of(JAVA_INT, args),
                    Linker.Option.critical(true));
        }

        private MemorySegment find(String name) {
            return lib.find(name).orElseThrow(() -> new GpuUnavailableException(
                    "CUDA driver too old or not a CUDA driver (no " + name + ")"));
        }
    }

    /**
     * The driver, loaded once per JVM.
     *
     * @throws GpuUnavailableException {@value GpuUnavailableException#NO_DRIVER} when the library
     *                                 cannot be loaded
     */
    static CudaDriver load() {
        Object d = loaded;
        if (d == null) {
            synchronized (CudaDriver.class) {
                d = loaded;
                if (d == null) {
                    d = tryLoad(LIBRARY);
                    loaded = d;
                }
            }
        }
        if (d instanceof GpuUnavailableException e) {
            throw new GpuUnavailableException(e.getMessage(), e);
        }
        return (CudaDriver) d;
    }

    /**
     * The CUDA driver API from {@code library} (a path or a name for the dynamic linker), not
     * cached: for tests with a fake driver.
     *
     * @throws GpuUnavailableException when it cannot be loaded or lacks a function
     */
    static CudaDriver loadLibrary(String library) {
        Object d = tryLoad(library);
        if (d instanceof GpuUnavailableException e) {
            throw e;
        }
        return (CudaDriver) d;
    }

    /** Whether {@code library} loads as a CUDA driver: null if so, else why not (for tests). */
    static GpuUnavailableException probe(String library) {
        return tryLoad(library) instanceof GpuUnavailableException e ? e : null;
    }

    private static Object tryLoad(String library) {
        SymbolLookup lib;
        try {
            lib = SymbolLookup.libraryLookup(library, Arena.global());
        } catch (IllegalArgumentException | UnsatisfiedLinkError e) {
            return new GpuUnavailableException(library.equals("libcuda.so.1") ? GpuUnavailableException.NO_DRIVER
                    : "no CUDA driver (" + library + " not found)", e);
        }
        try {
            return new CudaDriver(lib);
        } catch (GpuUnavailableException e) {
            return e;
        }
    }

    /** Throws a {@link CudaException} naming {@code call} unless {@code result} is CUDA_SUCCESS. */
    void check(int result, String call) {
        if (result != CUDA_SUCCESS) {
            throw new CudaException(call, result, errorName(result));
        }
    }

    /** The CUresult's name from cuGetErrorName, or "CUDA error N" when the driver has none. */
    String errorName(int result) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            int rc = (int) cuGetErrorName.invokeExact(result, out);
            MemorySegment s = out.get(ADDRESS, 0);
            if (rc != CUDA_SUCCESS || s.equals(MemorySegment.NULL)) {
                return "CUDA error " + result;
            }
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "CUDA error " + result;
        }
    }

    /** Invokes a bound function; a Throwable from the call itself (never expected) becomes an Error. */
    static int call(MethodHandle h, Object... args) {
        try {
            return (int) h.invokeWithArguments(args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
