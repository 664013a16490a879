package org.segopt.engine;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;
import org.segopt.ElementType;
import org.segopt.Marginal;

/** Reads the key (see {@link Kernels}) of one voxel at a time; for the scalar passes that are not hot. */
@FunctionalInterface
interface KeyReader {
    long key(long voxel);

    /** The bit pattern of −0.0 in both 16-bit formats; its key is 0. */
    int HALF_NEGATIVE_ZERO = 0x8000;

    /** The key reader of a marginal whose values are already validated. */
    static KeyReader of(Marginal m) {
        MemorySegment s = m.segments().getFirst();
        return switch (m.encoding()) {
            case VOTES -> integer(s, m.elementType(), m.byteOrder());
            case RATER_MASKS -> {
                List<KeyReader> masks = m.segments().stream()
                        .map(mask -> integer(mask, m.elementType(), m.byteOrder())).toList();
                yield i -> {
                    long c = 0;
                    for (KeyReader r : masks) {
                        c += r.key(i);
                    }
                    return c;
                };
            }
            case FLOAT32 -> {
                boolean swap = ScalarKernels.swap(m);
                yield i -> {
                    int raw = s.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i);
                    int bits = swap ? Integer.reverseBytes(raw) : raw;
                    return bits == Integer.MIN_VALUE ? 0 : Integer.toUnsignedLong(bits);
                };
            }
            case FLOAT64 -> {
                boolean swap = ScalarKernels.swap(m);
                yield i -> {
                    long raw = s.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, i);
                    long bits = swap ? Long.reverseBytes(raw) : raw;
                    return bits == Long.MIN_VALUE ? 0 : bits;
                };
            }
            case FLOAT16, BFLOAT16 -> {
                KeyReader bits = integer(s, ElementType.UINT16, m.byteOrder());
                yield i -> {
                    long b = bits.key(i);
                    return b == HALF_NEGATIVE_ZERO ? 0 : b;
                };
            }
        };
    }

    /** Reads integers of an integer element type (unsigned for u8/u16, signed for i16/i32). */
    static KeyReader integer(MemorySegment s, ElementType type, ByteOrder order) {
        return switch (type) {
            case BOOL, UINT8 -> i -> Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, i));
            case INT16 -> order.equals(ByteOrder.nativeOrder())
                    ? i -> s.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i)
                    : i -> Short.reverseBytes(s.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i));
            case UINT16 -> order.equals(ByteOrder.nativeOrder())
                    ? i -> Short.toUnsignedInt(s.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i))
                    : i -> Short.toUnsignedInt(Short.reverseBytes(s.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i)));
            case INT32 -> order.equals(ByteOrder.nativeOrder())
                    ? i -> s.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i)
                    : i -> Integer.reverseBytes(s.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i));
            default -> throw new IllegalStateException("not an integer type: " + type);
        };
    }
}
