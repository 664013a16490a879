package org.segopt.engine;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * One read of memory with the Vector API: the sum of all its 64-bit words. Nothing that looks at
 * every byte can be faster, so the engine's speed is reported as a ratio to this.
 */
final class ReadPass {
    private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_PREFERRED;

    private ReadPass() {
    }

    /** Sum of bytes [from, to) of {@code s} read as words (a tail shorter than a word as bytes). */
    static long sum(MemorySegment s, long from, long to) {
        long step = LONGS.vectorByteSize();
        long upper = from + (to - from) / step * step;
        LongVector acc = LongVector.zero(LONGS);
        for (long i = from; i < upper; i += step) {
            acc = acc.add(LongVector.fromMemorySegment(LONGS, s, i, ByteOrder.nativeOrder()));
        }
        long total = acc.reduceLanes(VectorOperators.ADD);
        for (long i = upper; i < to; i++) {
            total += s.get(java.lang.foreign.ValueLayout.JAVA_BYTE, i);
        }
        return total;
    }
}
