package org.segopt.gpu;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import org.segopt.ElementType;
import org.segopt.Encoding;
import org.segopt.Marginal;

/**
 * A marginal that lives in CUDA device memory (e.g. a training framework's output tensor), in the
 * device's byte order: {@code voxels} elements at device pointer {@code pointer}, which must be
 * memory of the device's primary context (what frameworks using the CUDA runtime allocate).
 * {@link DeviceCalibrator} analyses it where it is; only small histograms come to the host.
 *
 * @param pointer  CUdeviceptr of the first element, aligned to the element size
 * @param voxels   n, at least 1
 * @param encoding {@link Encoding#FLOAT32}, {@link Encoding#FLOAT64}, {@link Encoding#FLOAT16},
 *                 {@link Encoding#BFLOAT16} (what mixed-precision training leaves on the device) or
 *                 {@link Encoding#VOTES}
 * @param type     the element type: the float's own type (FLOAT32, FLOAT64, FLOAT16, BFLOAT16);
 *                 BOOL, UINT8, UINT16 or INT32 for votes
 * @param raters   R for votes (1..65535), 0 for floats
 */
@SuppressWarnings("restricted") // view() reinterprets a device address (never read on the host)
public record DeviceArray(long pointer, long voxels, Encoding encoding, ElementType type, int raters) {

    public DeviceArray {
        if (pointer == 0) {
            throw new IllegalArgumentException("device pointer is null");
        }
        if (voxels < 1) {
            throw new IllegalArgumentException("a device array needs at least one voxel, got " + voxels);
        }
        if (encoding == null || type == null) {
            throw new IllegalArgumentException("encoding and element type are required");
        }
        switch (encoding) {
            case FLOAT32, FLOAT64, FLOAT16, BFLOAT16 -> {
                ElementType expected = switch (encoding) {
                    case FLOAT32 -> ElementType.FLOAT32;
                    case FLOAT64 -> ElementType.FLOAT64;
                    case FLOAT16 -> ElementType.FLOAT16;
                    default -> ElementType.BFLOAT16;
                };
                if (type != expected) {
                    throw new IllegalArgumentException(encoding + " values must be stored as " + expected + ", not " + type);
                }
                if (raters != 0) {
                    throw new IllegalArgumentException("float marginals have no raters, got " + raters);
                }
            }
            case VOTES -> {
                if (!type.isInteger()) {
                    throw new IllegalArgumentException("votes need an integer element type, not " + type);
                }
                if (raters < 1 || raters > Marginal.MAX_RATERS) {
                    throw new IllegalArgumentException("number of raters must be in 1.." + Marginal.MAX_RATERS
                            + ", got " + raters);
                }
            }
            case RATER_MASKS -> throw new IllegalArgumentException(
                    "rater masks on the device are not supported; sum them into vote counts first");
        }
        if (Long.remainderUnsigned(pointer, type.byteSize()) != 0) {
            throw new IllegalArgumentException("device pointer 0x" + Long.toHexString(pointer)
                    + " is not aligned to its " + type.byteSize() + "-byte elements");
        }
        if (voxels > Long.MAX_VALUE / type.byteSize()) {
            throw new IllegalArgumentException(voxels + " voxels of " + type + " overflow a 64-bit size");
        }
    }

    /** float32 probabilities in [0, 1]. */
    public static DeviceArray float32(long pointer, long voxels) {
        return new DeviceArray(pointer, voxels, Encoding.FLOAT32, ElementType.FLOAT32, 0);
    }

    /** float64 probabilities in [0, 1]. */
    public static DeviceArray float64(long pointer, long voxels) {
        return new DeviceArray(pointer, voxels, Encoding.FLOAT64, ElementType.FLOAT64, 0);
    }

    /** IEEE half-precision (float16) probabilities in [0, 1], e.g. a {@code torch.float16} tensor. */
    public static DeviceArray float16(long pointer, long voxels) {
        return new DeviceArray(pointer, voxels, Encoding.FLOAT16, ElementType.FLOAT16, 0);
    }

    /** bfloat16 probabilities in [0, 1] (the top 16 bits of a float32), e.g. a {@code torch.bfloat16} tensor. */
    public static DeviceArray bfloat16(long pointer, long voxels) {
        return new DeviceArray(pointer, voxels, Encoding.BFLOAT16, ElementType.BFLOAT16, 0);
    }

    /** Vote counts 0..R stored as unsigned bytes (u8-quantized marginals: R = 255). */
    public static DeviceArray votes(long pointer, long voxels, int raters) {
        return new DeviceArray(pointer, voxels, Encoding.VOTES, ElementType.UINT8, raters);
    }

    /** Vote counts 0..R of an integer element type. */
    public static DeviceArray votes(long pointer, long voxels, ElementType type, int raters) {
        return new DeviceArray(pointer, voxels, Encoding.VOTES, type, raters);
    }

    /** Bytes the array occupies. */
    public long bytes() {
        return voxels * type.byteSize();
    }

    /**
     * A {@link Marginal} describing this array for the engine. Its segment carries the device
     * address and must never be read on the host: only {@link CudaBackend} touches it, and only
     * while the array is registered with it.
     */
    Marginal view() {
        MemorySegment s = MemorySegment.ofAddress(pointer).reinterpret(bytes());
        return switch (encoding) {
            case FLOAT32 -> Marginal.ofFloats(s, ByteOrder.LITTLE_ENDIAN);
            case FLOAT64 -> Marginal.ofDoubles(s, ByteOrder.LITTLE_ENDIAN);
            case FLOAT16 -> Marginal.ofFloat16(s, ByteOrder.LITTLE_ENDIAN);
            case BFLOAT16 -> Marginal.ofBFloat16(s, ByteOrder.LITTLE_ENDIAN);
            default -> Marginal.ofVotes(s, type, ByteOrder.LITTLE_ENDIAN, raters);
        };
    }
}
