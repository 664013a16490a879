package org.segopt.gpu;

/**
 * No GPU can run segopt's passes here: no CUDA driver ({@value #NO_DRIVER}), no device
 * ({@value #NO_DEVICE}), or a device or driver that cannot run the kernels. The message is always
 * one line, fit for a command line's stderr (the CLI exits with code 4).
 *
 * <p>An {@link UnsupportedOperationException}, so that code which cannot depend on this module
 * (core's command line, reaching {@link Backends#select} reflectively) can catch it by a JDK type.
 */
public final class GpuUnavailableException extends UnsupportedOperationException {
    private static final long serialVersionUID = 1L;

    /** The message when libcuda.so.1 cannot be loaded. */
    public static final String NO_DRIVER = "no CUDA driver (libcuda.so.1 not found)";
    /** The message when the driver reports no device. */
    public static final String NO_DEVICE = "no CUDA device";

    public GpuUnavailableException(String message) {
        super(oneLine(message));
    }

    public GpuUnavailableException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    private static String oneLine(String s) {
        return s.strip().replaceAll("\\s*[\\r\\n]+\\s*", "; ");
    }
}
