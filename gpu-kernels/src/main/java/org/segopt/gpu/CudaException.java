package org.segopt.gpu;

/** A CUDA driver API call failed; the message names the call and the error (cuGetErrorName). */
public final class CudaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int code;
    private final String errorName;

    CudaException(String call, int code, String errorName) {
        super(call + " failed: " + errorName + " (" + code + ")");
        this.call = call;
        this.code = code;
        this.errorName = errorName;
    }

    /** The driver function that failed, e.g. "cuMemAlloc_v2". */
    public String call() {
        return call;
    }

    /** The CUresult code. */
    public int code() {
        return code;
    }

    /** The CUresult's name, e.g. "CUDA_ERROR_OUT_OF_MEMORY". */
    public String errorName() {
        return errorName;
    }
}
