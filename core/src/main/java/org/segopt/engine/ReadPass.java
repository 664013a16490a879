package org.segopt.engine;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.LongVector;
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

    /** Holds the vector code, so this class loads on JVMs without the incubator module. */
    private static final class Vectors {
        private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_PREFERRED;

        static long sum(MemorySegment s, long from, long to) {
            long step = LONGS.vectorByteSize();
            long upper = from + (to - from) / step * step;
            LongVector acc = LongVector.zero(LONGS);
            for (long i = from; i < upper; i += step) {
                acc = acc.add(LongVector.fromMemorySegment(LONGS, s, i, ByteOrder.nativeOrder()));
            }
            return acc.reduceLanes(VectorOperators.ADD) + tail(s, upper, to);
        }
    }
}
