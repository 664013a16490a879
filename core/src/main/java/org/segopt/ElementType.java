package org.segopt;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * How one voxel's value is stored in memory. Together with a {@link ByteOrder} this fixes how the
 * engine reads a buffer; the {@link Encoding} of a {@link Marginal} says what the value means.
 */
public enum ElementType {
    /** One byte, 0 or 1 (NumPy {@code bool}). */
    BOOL(1),
    /** Unsigned 8-bit integer. */
    UINT8(1),
    /** Unsigned 16-bit integer. */
    UINT16(2),
    /**
     * Signed 16-bit integer (vote counts; negative values are invalid). NumPy, which has no
     * bfloat16 dtype, also stores bfloat16 bit patterns this way.
     */
    INT16(2),
    /** Signed 32-bit integer (vote counts; negative values are invalid). */
    INT32(4),
    /** IEEE-754 binary32. */
    FLOAT32(4),
    /** IEEE-754 binary64. */
    FLOAT64(8),
    /** IEEE-754 binary16 (half precision). */
    FLOAT16(2),
    /** bfloat16: the sign, exponent and top 7 significand bits of a binary32. */
    BFLOAT16(2);

    private final int byteSize;

    ElementType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** Whether the type holds integers (and so can carry votes or rater masks). */
    public boolean isInteger() {
        return switch (this) {
            case BOOL, UINT8, UINT16, INT16, INT32 -> true;
            case FLOAT16, BFLOAT16, FLOAT32, FLOAT64 -> false;
        };
    }

    /**
     * Reads element {@code index} of {@code segment} as a double, for error messages and tests; the
     * engine itself reads raw bits.
     */
    public double valueAt(java.lang.foreign.MemorySegment segment, ByteOrder order, long index) {
        long offset = index * byteSize;
        return switch (this) {
            case BOOL, UINT8 -> Byte.toUnsignedInt(segment.get(ValueLayout.JAVA_BYTE, offset));
            case UINT16 -> Short.toUnsignedInt(
                    segment.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order), offset));
            case INT16 -> segment.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order), offset);
            case INT32 -> segment.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(order), offset);
            case FLOAT16 -> Float.float16ToFloat(segment.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order), offset));
            case BFLOAT16 -> Float.intBitsToFloat(
                    segment.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order), offset) << 16);
            case FLOAT32 -> segment.get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(order), offset);
            case FLOAT64 -> segment.get(ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(order), offset);
        };
    }
}
