package org.segopt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.segopt.ElementType;
import org.segopt.InvalidMarginalException;
import org.segopt.Marginal;
import org.segopt.Segmentation;

/**
 * 16-bit vote counts (u16 and i16, the storage of float16 / bfloat16 patterns too): the Vector API
 * kernel, which counts runs of one value per vector, equals the scalar one, and i16 counts equal
 * the same counts as i32; a negative i16 count is invalid even where R = 65535 would accept its
 * unsigned reading.
 */
class Votes16Test {
    private static final List<Engine> ENGINES = List.of(Engine.scalar(), Engine.simd(), Engine.parallel(2));

    /** Counts 0..max, long runs of one value (so that whole vectors repeat) between varied ones. */
    static int[] counts(SplittableRandom rnd, int n, int max) {
        int[] c = new int[n];
        for (int i = 0; i < n; ) {
            boolean pure = rnd.nextBoolean(); // a long run of one value, or a few varied ones
            int run = 1 + rnd.nextInt(pure ? 400 : 5);
            int value = rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(max + 1);
            for (int j = 0; j < run && i < n; j++, i++) {
                c[i] = pure ? value : rnd.nextInt(max + 1);
            }
        }
        return c;
    }

    static MemorySegment store(int[] c, ElementType type, ByteOrder order) {
        MemorySegment s = MemorySegment.ofArray(new byte[c.length * type.byteSize() + 1]).asSlice(1);
        for (int i = 0; i < c.length; i++) {
            if (type == ElementType.INT32) {
                s.set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(order), 4L * i, c[i]);
            } else {
                s.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order), 2L * i, (short) c[i]);
            }
        }
        return s;
    }

    @Test
    void sixteenBitVotesAgreeOnEveryEngineAndWithInt32() {
        SplittableRandom rnd = new SplittableRandom(161);
        for (int raters : new int[] {1, 7, 1000, 32767, 65535}) {
            for (int n : new int[] {1, 15, 16, 17, 1000, 200_003}) {
                int[] c = counts(rnd, n, Math.min(raters, Short.MAX_VALUE));
                Marginal wide = Marginal.ofVotes(store(c, ElementType.INT32, ByteOrder.LITTLE_ENDIAN), ElementType.INT32,
                        ByteOrder.LITTLE_ENDIAN, raters);
                var expected = Engine.scalar().analyze(wide);
                for (ElementType type : new ElementType[] {ElementType.UINT16, ElementType.INT16}) {
                    for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
                        Marginal m = Marginal.ofVotes(store(c, type, order), type, order, raters);
                        for (Engine e : ENGINES) {
                            String where = type + " " + order + " R=" + raters + " n=" + n + " on " + e.backend();
                            assertEquals(expected, e.analyze(m), where);
                            assertEquals(Engine.scalar().segment(wide, expected, Segmentation.VOLUME_CONSTRAINED),
                                    e.segment(m, expected, Segmentation.VOLUME_CONSTRAINED), where);
                        }
                    }
                }
            }
        }
    }

    /**
     * u16 with R = 65535 (every pattern valid: the half-float views) over calls long enough for
     * the int pattern tables: each 2^18-voxel range picks its loop from a sample of vectors, so
     * the ranges here give it every case: runs (some vectors uniform), patterns that change at
     * every voxel (none), every other vector uniform, each at a new pattern, between random
     * ones, and runs ending inside vectors. Calls start and end off the vector grid, and the
     * counts add to what the histogram held.
     */
    @Test
    void patternCountsOverLongRangesEqualTheScalarKernel() {
        SplittableRandom rnd = new SplittableRandom(163);
        int range = 1 << 18;
        int n = 4 * range + 37;
        int[] c = new int[n];
        System.arraycopy(counts(rnd, range, 65535), 0, c, 0, range);
        for (int i = range; i < 2 * range; i++) {
            c[i] = rnd.nextInt(65536);
        }
        for (int i = 2 * range; i < 3 * range; i++) {
            c[i] = i / 16 % 2 == 0 ? i / 16 % 65536 : rnd.nextInt(65536);
        }
        for (int i = 3 * range; i < n; i++) {
            c[i] = i % 40 < 23 ? 0 : i % 40 < 30 ? 65535 : rnd.nextInt(16);
        }
        PanamaKernels simd = new PanamaKernels();
        ScalarKernels scalar = new ScalarKernels();
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            Marginal m = Marginal.ofVotes(store(c, ElementType.UINT16, order), ElementType.UINT16, order, 65535);
            for (long[] span : new long[][] {{0, n}, {5, n - 3}, {range - 9, 3L * range + 1}, {1, range + 2}}) {
                long[] expected = new long[65536];
                long[] actual = new long[65536];
                expected[3] = actual[3] = 11;
                assertEquals(-1, scalar.countVotes(m, span[0], span[1], expected));
                assertEquals(-1, simd.countVotes(m, span[0], span[1], actual));
                assertArrayEquals(expected, actual, order + " [" + span[0] + ", " + span[1] + ")");
            }
        }
    }

    @Test
    void theFirstInvalidCountIsReportedOnEveryEngine() {
        SplittableRandom rnd = new SplittableRandom(162);
        record Bad(ElementType type, int raters, int value, String text) {
        }
        for (Bad bad : List.of(new Bad(ElementType.INT16, 65535, -1, "-1"), new Bad(ElementType.INT16, 9, -32768, "-32768"),
                new Bad(ElementType.INT16, 9, 10, "10"), new Bad(ElementType.UINT16, 300, 301, "301"))) {
            for (int at : new int[] {0, 16, 31, 99_999, 150_000}) {
                int[] c = counts(rnd, 150_001, Math.min(bad.raters(), 9));
                c[at] = bad.value();
                c[150_000] = bad.value();
                for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
                    Marginal m = Marginal.ofVotes(store(c, bad.type(), order), bad.type(), order, bad.raters());
                    for (Engine e : ENGINES) {
                        InvalidMarginalException x = assertThrows(InvalidMarginalException.class, () -> e.analyze(m), bad + " at " + at);
                        assertEquals(at, x.voxel(), bad + " on " + e.backend());
                        assertTrue(x.getMessage().contains(bad.text()), x.getMessage());
                    }
                }
            }
        }
    }
}
