package org.segopt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;
import org.segopt.Marginal;

/**
 * The calibrator reuses the wrapper of an input passed again (no allocation in a training loop),
 * but never a stale one: a buffer moved to other data, or a segment read in another order, is
 * wrapped afresh.
 */
class CalibratorInputsTest {
    private static final float[] FIRST = {0.9f, 0.9f, 0.2f, 0.0f, 0.6f, 0.3f};
    private static final float[] SECOND = {0.1f, 0.0f, 0.0f, 0.4f, 1.0f, 0.45f};

    private static String expected(float[] m) {
        return new ThresholdCalibrator(Engine.scalar()).calibrate(Marginal.ofFloats(m)).toString();
    }

    @Test
    void theSameArrayChangedInPlaceIsCalibratedAfresh() {
        float[] buffer = FIRST.clone();
        ThresholdCalibrator c = new ThresholdCalibrator();
        assertEquals(expected(FIRST), c.calibrate(buffer).toString());
        System.arraycopy(SECOND, 0, buffer, 0, buffer.length);
        assertEquals(expected(SECOND), c.calibrate(buffer).toString());
    }

    @Test
    void aBufferMovedToOtherDataIsWrappedAgain() {
        FloatBuffer both = FloatBuffer.allocate(12).put(FIRST).put(SECOND);
        ThresholdCalibrator c = new ThresholdCalibrator();
        assertEquals(expected(FIRST), c.calibrate(both.position(0).limit(6)).toString());
        assertEquals(expected(FIRST), c.calibrate(both).toString());
        assertEquals(expected(SECOND), c.calibrate(both.limit(12).position(6)).toString());
    }

    @Test
    void aSegmentReadInAnotherOrderIsWrappedAgain() {
        ByteBuffer bytes = ByteBuffer.allocate(FIRST.length * 4).order(ByteOrder.BIG_ENDIAN);
        for (float f : FIRST) {
            bytes.putFloat(f);
        }
        MemorySegment segment = MemorySegment.ofArray(bytes.array());
        ThresholdCalibrator c = new ThresholdCalibrator();
        assertEquals(expected(FIRST), c.calibrate(segment, ByteOrder.BIG_ENDIAN).toString());
        // The same bytes read little-endian are other values (here invalid ones): never the cached wrapper.
        String little = outcome(() -> new ThresholdCalibrator(Engine.scalar())
                .calibrate(Marginal.ofFloats(segment, ByteOrder.LITTLE_ENDIAN)).toString());
        assertEquals(little, outcome(() -> c.calibrate(segment, ByteOrder.LITTLE_ENDIAN).toString()));
        assertEquals(expected(FIRST), c.calibrate(segment, ByteOrder.BIG_ENDIAN).toString());
    }

    /** The result, or the message of the InvalidMarginalException thrown instead. */
    private static String outcome(java.util.function.Supplier<String> run) {
        try {
            return run.get();
        } catch (org.segopt.InvalidMarginalException e) {
            return "invalid: " + e.getMessage();
        }
    }
}
