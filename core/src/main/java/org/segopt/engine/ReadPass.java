package org.segopt.engine;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * One read of memory: the sum of all its 64-bit words, with the Vector API where the JVM has it.
 * Nothing that looks at every byte can be faster, so the engine's speed is reported as a ratio
 * to this.
 */
final class ReadPass {
    /** Whether the JVM was started with {@code --add-modules jdk.incubator.vector}. */
    static final boolean VECTOR_MODULE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private ReadPass() {
    }

    /** Sum of bytes [from, to) of {@code s} read as words (a tail shorter than a word as bytes). */
    static long sum(MemorySegment s, long from, long to) {
        return VECTOR_MODULE ? Vectors.sum(s, from, to) : scalarSum(s, from, to);
    }

    private static long scalarSum(MemorySegment s, long from, long to) {
        long upper = from + (to - from) / 8 * 8;
        long total = 0;
        for (long i = from; i < upper; i += 8) {
            total += s.get(ValueLayout.JAVA_LONG_UNALIGNED, i);
        }
        return total + tail(s, upper, to);
    }

    private static long tail(MemorySegment s, long from, long to) {
        long total = 0;
        for (long i = from; i < to; i++) {
            total += s.get(ValueLayout.JAVA_BYTE, i);
        }
        return total;
    }

    /**
     * Holds the vector code, so this class loads on JVMs without the incubator module. Vectors of
     * the heap array's own element type are loaded: a mismatched load from an array-backed
     * segment takes a slow path (JMH, 2026-11-26, before this was done: a long-vector read pass over
     * a {@code byte[]} took 8.45 ms where the same bytes off-heap took 0.93 ms; jmh/README.md now
     * shows heap and native alike).
     */
    private static final class Vectors {
        private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_PREFERRED;
        private static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_PREFERRED;
        private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
        private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
        private static final VectorSpecies<Short> SHORTS = ShortVector.SPECIES_PREFERRED;
        private static final VectorSpecies<Byte> BYTES = ByteVector.SPECIES_PREFERRED;

        static long sum(MemorySegment s, long from, long to) {
            long step = LONGS.vectorByteSize();
            long upper = from + (to - from) / step * step;
            ByteOrder order = ByteOrder.nativeOrder();
            Object base = s.heapBase().orElse(null);
            long total = switch (base) {
                case byte[] a -> {
                    ByteVector acc = ByteVector.zero(BYTES);
                    for (long i = from; i < upper; i += step) {
                        acc = acc.add(ByteVector.fromMemorySegment(BYTES, s, i, order));
                    }
                    yield acc.reduceLanesToLong(VectorOperators.ADD);
                }
                case short[] a -> {
                    ShortVector acc = ShortVector.zero(SHORTS);
                    for (long i = from; i < upper; i += step) {
                        acc = acc.add(ShortVector.fromMemorySegment(SHORTS, s, i, order));
                    }
                    yield acc.reduceLanesToLong(VectorOperators.ADD);
                }
                case int[] a -> {
                    IntVector acc = IntVector.zero(INTS);
                    for (long i = from; i < upper; i += step) {
                        acc = acc.add(IntVector.fromMemorySegment(INTS, s, i, order));
                    }
                    yield acc.reduceLanesToLong(VectorOperators.ADD);
                }
                case float[] a -> {
                    IntVector acc = IntVector.zero(INTS);
                    for (long i = from; i < upper; i += step) {
                        acc = acc.add(FloatVector.fromMemorySegment(FLOATS, s, i, order).reinterpretAsInts());
                    }
                    yield acc.reduceLanesToLong(VectorOperators.ADD);
                }
                case double[] a -> {
                    LongVector acc = LongVector.zero(LONGS);
                    for (long i = from; i < upper; i += step) {
                        acc = acc.add(DoubleVector.fromMemorySegment(DOUBLES, s, i, order).reinterpretAsLongs());
                    }
                    yield acc.reduceLanes(VectorOperators.ADD);
                }
                case null, default -> {
                    LongVector acc = LongVector.zero(LONGS);
                    for (long i = from; i < upper; i += step) {
                        acc = acc.add(LongVector.fromMemorySegment(LONGS, s, i, order));
                    }
                    yield acc.reduceLanes(VectorOperators.ADD);
                }
            };
            return total + tail(s, upper, to);
        }
    }
}
