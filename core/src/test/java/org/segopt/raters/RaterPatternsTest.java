package org.segopt.raters;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.segopt.ElementType;
import org.segopt.InvalidMarginalException;
import org.segopt.Marginal;

/** The one pass over the masks: element types, byte orders, the first bad value, and refusals. */
class RaterPatternsTest {

    @Test
    void readsMultiByteMasksInTheirByteOrder() {
        int[][] values = {{1, 0, 1, 1, 0}, {0, 0, 1, 1, 1}};
        for (ElementType type : List.of(ElementType.UINT16, ElementType.INT16, ElementType.INT32)) {
            for (ByteOrder order : List.of(ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN)) {
                List<MemorySegment> masks = List.of(segment(values[0], type, order), segment(values[1], type, order));
                RaterPatterns p = RaterPatterns.count(Marginal.ofRaterMasks(masks, type, order));
                assertArrayEquals(new long[] {3, 3}, p.raterVolumes(), type + " " + order);
                // patterns: {1}, {}, {1,2}, {1,2}, {2}; equal volumes make {1} and {2} one class.
                assertEquals(3, p.classes().size(), type + " " + order);
            }
        }
    }

    @Test
    void reportsTheLowestBadVoxelThenTheLowestRater() {
        byte[] first = {0, 1, 0, 0, 0, 7};
        byte[] second = {0, 1, 0, 2, 0, 0};
        byte[] third = {0, 1, 0, 3, 0, 0};
        InvalidMarginalException e = assertThrows(InvalidMarginalException.class,
                () -> RaterPatterns.count(Marginal.ofRaterMasks(first, second, third)));
        assertEquals(3, e.voxel());
        assertEquals(1, e.rater());
        assertEquals("2", e.value());
    }

    @Test
    void refusesOtherEncodingsAndSeventeenRaters() {
        assertThrows(IllegalArgumentException.class, () -> RaterDice.of(Marginal.ofFloats(new float[] {0.5f})));
        assertThrows(IllegalArgumentException.class, () -> RaterDice.of(Marginal.ofVotes(new byte[] {1}, 2)));
        byte[][] seventeen = new byte[17][3];
        assertThrows(IllegalArgumentException.class, () -> RaterDice.of(Marginal.ofRaterMasks(seventeen)));
    }

    private static MemorySegment segment(int[] values, ElementType type, ByteOrder order) {
        ByteBuffer b = ByteBuffer.allocate(values.length * type.byteSize()).order(order);
        for (int v : values) {
            if (type == ElementType.INT32) {
                b.putInt(v);
            } else {
                b.putShort((short) v);
            }
        }
        return MemorySegment.ofArray(b.array());
    }
}
