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
        };
    }

    /** Reads integers of an integer element type (unsigned for 8/16 bits, signed for 32). */
    static KeyReader integer(MemorySegment s, ElementType type, ByteOrder order) {
        return switch (type) {
            case BOOL, UINT8 -> i -> Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, i));
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
