package org.segopt.gpu;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * A fake libcuda.so built from {@code src/test/cuda-emulation} with the host C++ compiler: the
 * driver API functions segopt binds, running {@code segopt_kernels.cu} itself on the CPU (each
 * CUDA thread a fiber, see cuda_emu.h). With it the whole host path runs here: the FFM bindings,
 * critical heap copies, kernel argument packing, the PTX ISA fallback, and the kernels' logic.
 * Skipped (assumption) where g++ is missing.
 */
@SuppressWarnings("restricted") // the driver is native code: run with --enable-native-access=ALL-UNNAMED
final class FakeDriver {
    static final Path LIBRARY = Path.of("target/fake-cuda/libsegopt-fake-cuda.so");
    private static final Path SOURCES = Path.of("src/test/cuda-emulation");
    private static final Path KERNELS = Path.of("src/main/cuda/segopt_kernels.cu");
    private static boolean built;

    private FakeDriver() {
    }

    /** Builds the fake driver if its sources are newer, and returns its path. */
    static synchronized Path library() {
        if (built) {
            return LIBRARY.toAbsolutePath();
        }
        Assumptions.assumeTrue(Files.isDirectory(SOURCES) && Files.exists(KERNELS), "not run from the gpu-kernels module");
        Assumptions.assumeTrue(PtxResourceTest.tool("g++").isPresent() || Files.isExecutable(Path.of("/usr/bin/g++")),
                "g++ not installed: the fake CUDA driver cannot be built");
        try {
            Path cpp = SOURCES.resolve("fake_libcuda.cpp");
            Path h = SOURCES.resolve("cuda_emu.h");
            FileTime newest = List.of(cpp, h, KERNELS).stream().map(FakeDriver::modified).max(FileTime::compareTo).orElseThrow();
            if (!Files.exists(LIBRARY) || modified(LIBRARY).compareTo(newest) < 0) {
                Files.createDirectories(LIBRARY.getParent());
                PtxResourceTest.run(List.of("g++", "-std=c++20", "-O2", "-shared", "-fPIC", "-U_FORTIFY_SOURCE",
                        "-Wall", "-Wno-unused-parameter", "-Wno-unknown-pragmas",
                        "-include", h.toAbsolutePath().toString(),
                        "-DSEGOPT_KERNELS=\"" + KERNELS.toAbsolutePath() + "\"",
                        cpp.toString(), "-o", LIBRARY.toString()));
            }
        } catch (Exception e) {
            throw new IllegalStateException("building the fake CUDA driver failed", e);
        }
        built = true;
        return LIBRARY.toAbsolutePath();
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The driver API bound to the fake library. */
    static CudaDriver driver() {
        return CudaDriver.loadLibrary(library().toString());
    }

    private static MethodHandle hook(String name, FunctionDescriptor fd) {
        SymbolLookup lib = SymbolLookup.libraryLookup(library(), Arena.global());
        return Linker.nativeLinker().downcallHandle(lib.find(name).orElseThrow(), fd);
    }

    static long liveAllocations() {
        try {
            return (long) hook("fake_live_allocations", FunctionDescriptor.of(ValueLayout.JAVA_LONG)).invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static int contextReferences() {
        try {
            return (int) hook("fake_context_refs", FunctionDescriptor.of(ValueLayout.JAVA_INT)).invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Pretends to be a driver of {@code version} (1000 * major + 10 * minor) accepting PTX ISA up to {@code isa} (e.g. 84). */
    static void setDriver(int version, int isa) {
        try {
            hook("fake_set_driver", FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT)).invokeExact(version, isa);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
