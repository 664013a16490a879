package org.segopt.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HalfPrecisionTest {
    /** Random float32 values in [0, 1], across the whole exponent range (seeded). */
    private static float[] floats() {
        SplittableRandom random = new SplittableRandom(20261201);
        float[] x = new float[200_000];
        for (int i = 0; i < x.length; i++) {
            // a random exponent (down to subnormals) and fraction, or a value near a rounding point
            x[i] = i % 2 == 0 ? Float.intBitsToFloat(random.nextInt(0x3F80_0001))
                    : (float) Math.scalb(1 + random.nextInt(1 << 12) / 4096.0, -random.nextInt(1, 30));
            x[i] = Math.min(x[i], 1f);
        }
        return x;
    }

    @Test
    void float16OfAFloatIsTheJdksConversion() {
        for (float x : floats()) {
            assertEquals(Float.floatToFloat16(x), HalfPrecision.float16(x), () -> "x = " + x);
        }
    }

    @Test
    void bfloat16OfAFloatIsItsTopHalfRoundedToNearestEven() {
        for (float x : floats()) {
            int bits = Float.floatToRawIntBits(x);
            short expected = (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
            assertEquals(expected, HalfPrecision.bfloat16(x), () -> "x = " + x);
        }
    }

    @Test
    void aDoubleIsRoundedOnceNotThroughFloat() {
        // Just above the half-way point between 0.5 (0x3800) and 0.5 + 2^-11 (0x3801): as a float it
        // becomes the half-way point itself, which rounds to even.
        double x = 0.5 + 0x1p-12 + 0x1p-40;
        assertEquals((short) 0x3801, HalfPrecision.float16(x));
        assertEquals((short) 0x3800, Float.floatToFloat16((float) x));
        double y = 0.5 + 0x1p-9 + 0x1p-40; // bfloat16: between 0x3F00 and 0x3F01
        assertEquals((short) 0x3F01, HalfPrecision.bfloat16(y));
    }

    @Test
    void endsOfTheRange() {
        assertEquals((short) 0, HalfPrecision.float16(0));
        assertEquals((short) 0, HalfPrecision.float16(0x1p-25)); // a tie: to even, zero
        assertEquals((short) 1, HalfPrecision.float16(0x1p-25 + 0x1p-60));
        assertEquals((short) 0x0400, HalfPrecision.float16(0x1p-14 - 0x1p-26)); // rounds up to the least normal
        assertEquals((short) 0x3C00, HalfPrecision.float16(1));
        assertEquals((short) 0x3C00, HalfPrecision.float16(1 - 0x1p-12)); // a tie: to even, 1
        assertEquals((short) 0x3BFF, HalfPrecision.float16(1 - 0x1p-12 - 0x1p-40));
        assertEquals((short) 0x3F80, HalfPrecision.bfloat16(1));
        assertEquals((short) 0x0001, HalfPrecision.bfloat16(0x1p-133));
        for (double bad : new double[] {-0x1p-20, 1 + 0x1p-52, Double.NaN}) {
            assertThrows(IllegalArgumentException.class, () -> HalfPrecision.float16(bad));
            assertThrows(IllegalArgumentException.class, () -> HalfPrecision.bfloat16(bad));
        }
    }
}
