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
                ValueLayout.OfInt layout = ValueLayout.JAVA_INT_UNALIGNED.withOrder(m.byteOrder());
                yield i -> {
                    int bits = s.getAtIndex(layout, i);
                    return bits == Integer.MIN_VALUE ? 0 : Integer.toUnsignedLong(bits);
                };
            }
            case FLOAT64 -> {
                ValueLayout.OfLong layout = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(m.byteOrder());
                yield i -> {
                    long bits = s.getAtIndex(layout, i);
                    return bits == Long.MIN_VALUE ? 0 : bits;
                };
            }
        };
    }

    /** Reads integers of an integer element type (unsigned for 8/16 bits, signed for 32). */
    static KeyReader integer(MemorySegment s, ElementType type, ByteOrder order) {
        return switch (type) {
            case BOOL, UINT8 -> i -> Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, i));
            case UINT16 -> {
                ValueLayout.OfShort layout = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order);
                yield i -> Short.toUnsignedInt(s.getAtIndex(layout, i));
            }
            case INT32 -> {
                ValueLayout.OfInt layout = ValueLayout.JAVA_INT_UNALIGNED.withOrder(order);
                yield i -> s.getAtIndex(layout, i);
            }
            default -> throw new IllegalStateException("not an integer type: " + type);
        };
    }
}
