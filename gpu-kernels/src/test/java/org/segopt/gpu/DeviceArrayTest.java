package org.segopt.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.segopt.ElementType;
import org.segopt.Encoding;
import org.segopt.Marginal;

/** Argument validation of device-resident arrays, which needs no device. */
class DeviceArrayTest {

    private static void rejects(String fragment, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    @Test
    void validArrays() {
        DeviceArray f = DeviceArray.float32(0x7000_0000_0100L, 1000);
        assertEquals(4000, f.bytes());
        assertEquals(8000, DeviceArray.float64(0x7000_0000_0100L, 1000).bytes());
        DeviceArray v = DeviceArray.votes(0x7000_0000_0101L, 10, 255);
        assertEquals(ElementType.UINT8, v.type());
        assertEquals(20, DeviceArray.votes(0x7000_0000_0102L, 10, ElementType.UINT16, 65535).bytes());
        Marginal m = f.view(); // describes, never reads
        assertEquals(1000, m.voxels());
        assertEquals(Encoding.FLOAT32, m.encoding());
        assertEquals(ByteOrder.LITTLE_ENDIAN, m.byteOrder());
        assertEquals(7, DeviceArray.votes(0x7000_0000_0100L, 3, ElementType.INT32, 7).view().raters());
        DeviceArray h = DeviceArray.float16(0x7000_0000_0102L, 5);
        assertEquals(10, h.bytes());
        assertEquals(Encoding.FLOAT16, h.view().encoding());
        assertEquals(ElementType.FLOAT16, h.view().elementType());
        assertEquals(Encoding.BFLOAT16, DeviceArray.bfloat16(0x7000_0000_0102L, 5).view().encoding());
    }

    @Test
    void invalidArrays() {
        rejects("null", () -> DeviceArray.float32(0, 10));
        rejects("at least one voxel", () -> DeviceArray.float32(0x1000, 0));
        rejects("not aligned", () -> DeviceArray.float32(0x1002, 10));
        rejects("not aligned", () -> DeviceArray.float64(0x1004, 10));
        rejects("not aligned", () -> DeviceArray.votes(0x1001, 10, ElementType.UINT16, 3));
        rejects("must be stored as FLOAT32", () -> new DeviceArray(0x1000, 10, Encoding.FLOAT32, ElementType.UINT8, 0));
        rejects("no raters", () -> new DeviceArray(0x1000, 10, Encoding.FLOAT64, ElementType.FLOAT64, 3));
        rejects("integer element type", () -> DeviceArray.votes(0x1000, 10, ElementType.FLOAT32, 3));
        rejects("raters must be in 1..65535", () -> DeviceArray.votes(0x1000, 10, 0));
        rejects("raters must be in 1..65535", () -> DeviceArray.votes(0x1000, 10, 65536));
        rejects("rater masks", () -> new DeviceArray(0x1000, 10, Encoding.RATER_MASKS, ElementType.UINT8, 3));
        rejects("must be stored as FLOAT16", () -> new DeviceArray(0x1000, 10, Encoding.FLOAT16, ElementType.UINT16, 0));
        rejects("must be stored as BFLOAT16", () -> new DeviceArray(0x1000, 10, Encoding.BFLOAT16, ElementType.FLOAT16, 0));
        rejects("not aligned", () -> DeviceArray.float16(0x1001, 10));
        rejects("no raters", () -> new DeviceArray(0x1000, 10, Encoding.BFLOAT16, ElementType.BFLOAT16, 2));
        rejects("overflow", () -> DeviceArray.float64(0x1000, Long.MAX_VALUE / 4));
        rejects("required", () -> new DeviceArray(0x1000, 10, null, ElementType.UINT8, 3));
    }
}
