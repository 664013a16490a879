package org.segopt.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.segopt.ElementType;
import org.segopt.Marginal;
import org.segopt.engine.Engine;

/**
 * {@link LabelMaps}: class c's marginal against rater masks I{label = c} built by hand, for maps
 * of mixed element types, both memory orders and up to 300 raters; and every kind of bad map.
 */
class LabelMapsTest {
    private static final List<ElementType> TYPES = List.of(ElementType.UINT8, ElementType.UINT16, ElementType.INT16,
            ElementType.INT32, ElementType.FLOAT16, ElementType.FLOAT32, ElementType.FLOAT64);

    private static NdArray map(String name, ElementType type, ByteOrder order, long[] shape, boolean fortran, double... labels) {
        return new NdArray(Path.of(name), MemorySegment.ofArray(NpyTestFiles.encode(type, order, labels)), type, order, shape,
                fortran);
    }

    /** Checks each class of {@code maps} (labels {@code labels[r][i]}) against its hand-built rater masks. */
    private static void checkAgainstMasks(List<NdArray> maps, int[][] labels) throws InputException {
        LabelMaps split = LabelMaps.of(maps);
        int largest = 0;
        for (int[] l : labels) {
            for (int v : l) {
                largest = Math.max(largest, v);
            }
        }
        assertEquals(largest, split.classes());
        assertEquals(maps.size(), split.raters());
        for (int k = 0; k < split.classes(); k++) {
            int c = k + 1;
            assertEquals(c, split.label(k));
            byte[][] masks = new byte[labels.length][labels[0].length];
            for (int r = 0; r < labels.length; r++) {
                for (int i = 0; i < labels[r].length; i++) {
                    masks[r][i] = (byte) (labels[r][i] == c ? 1 : 0);
                }
            }
            try (Arena scratch = Arena.ofConfined()) {
                Marginal m = split.marginal(k, scratch);
                assertArrayEquals(maps.getFirst().shape(), m.shape().orElseThrow());
                for (int i = 0; i < labels[0].length; i++) {
                    int votes = 0;
                    for (byte[] mask : masks) {
                        votes += mask[i];
                    }
                    assertEquals(votes, m.elementType().valueAt(m.segments().getFirst(), m.byteOrder(), i), "voxel " + i);
                }
                assertEquals(Engine.scalar().analyze(Marginal.ofRaterMasks(masks)), Engine.scalar().analyze(m), "class " + c);
            }
        }
    }

    @Test
    void eachClassIsTheMeanOfItsRaterMasks() throws InputException {
        Random rnd = new Random(17);
        for (int round = 0; round < 40; round++) {
            int raters = 1 + rnd.nextInt(5);
            int classes = 1 + rnd.nextInt(4);
            long[] shape = {1 + rnd.nextInt(4), 1 + rnd.nextInt(5)};
            boolean fortran = rnd.nextBoolean();
            int n = (int) (shape[0] * shape[1]);
            int[][] labels = new int[raters][n];
            List<NdArray> maps = new ArrayList<>();
            for (int r = 0; r < raters; r++) {
                double[] values = new double[n];
                for (int i = 0; i < n; i++) {
                    labels[r][i] = rnd.nextInt(classes + 1);
                    values[i] = labels[r][i];
                }
                ElementType type = TYPES.get(rnd.nextInt(TYPES.size()));
                ByteOrder order = rnd.nextBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
                maps.add(map("rater" + r, type, order, shape, fortran, values));
            }
            if (Arrays.stream(labels).flatMapToInt(Arrays::stream).max().orElse(0) > 0) {
                checkAgainstMasks(maps, labels);
            }
        }
    }

    @Test
    void aLabelATypeCannotHoldIsInNoVoxelOfThatType() throws InputException {
        long[] shape = {4};
        // As a byte 264 would wrap to 8, as a float16 2049 would round to 2048.
        List<NdArray> maps = List.of(
                map("a", ElementType.INT32, ByteOrder.LITTLE_ENDIAN, shape, false, 8, 264, 0, 2049),
                map("b", ElementType.UINT8, ByteOrder.LITTLE_ENDIAN, shape, false, 8, 8, 0, 1),
                map("c", ElementType.FLOAT16, ByteOrder.BIG_ENDIAN, shape, false, 2048, 2048, 0, 1),
                map("d", ElementType.UINT16, ByteOrder.BIG_ENDIAN, shape, false, 2049, 0, 2048, 1));
        checkAgainstMasks(maps, new int[][] {{8, 264, 0, 2049}, {8, 8, 0, 1}, {2048, 2048, 0, 1}, {2049, 0, 2048, 1}});
    }

    @Test
    void moreThan255RatersCountInSixteenBits() throws InputException {
        long[] shape = {2, 2};
        NdArray one = map("one", ElementType.UINT8, ByteOrder.LITTLE_ENDIAN, shape, true, 1, 0, 2, 1);
        NdArray two = map("two", ElementType.FLOAT64, ByteOrder.BIG_ENDIAN, shape, true, 1, 1, 0, 2);
        List<NdArray> maps = new ArrayList<>(Collections.nCopies(200, one));
        maps.addAll(Collections.nCopies(100, two));
        int[][] labels = new int[300][];
        Arrays.fill(labels, 0, 200, new int[] {1, 0, 2, 1});
        Arrays.fill(labels, 200, 300, new int[] {1, 1, 0, 2});
        checkAgainstMasks(maps, labels);
    }

    private static String error(List<NdArray> maps) {
        return assertThrows(InputException.class, () -> LabelMaps.of(maps)).getMessage();
    }

    @Test
    void badMapsAreOneLineErrorsNamingTheFile() {
        long[] shape = {3};
        NdArray good = map("good.npy", ElementType.UINT8, ByteOrder.LITTLE_ENDIAN, shape, false, 0, 1, 2);
        String rule = " (a label map holds 0 for background and 1..C for the classes)";
        assertEquals("neg.npy: voxel 2 has value -1, negative" + rule,
                error(List.of(good, map("neg.npy", ElementType.INT16, ByteOrder.BIG_ENDIAN, shape, false, 0, 1, -1))));
        assertEquals("frac.npy: voxel 1 has value 1.5, not an integer" + rule,
                error(List.of(good, map("frac.npy", ElementType.FLOAT32, ByteOrder.LITTLE_ENDIAN, shape, false, 0, 1.5, 2))));
        assertEquals("nan.npy: voxel 0 has value NaN, not an integer" + rule,
                error(List.of(map("nan.npy", ElementType.FLOAT64, ByteOrder.LITTLE_ENDIAN, shape, false, Double.NaN, 1, 2))));
        assertEquals("big.npy: voxel 0 has value 65536, above the largest label 65535" + rule,
                error(List.of(map("big.npy", ElementType.INT32, ByteOrder.LITTLE_ENDIAN, shape, false, 65536, 1, 2))));
        assertEquals("wide.npy: shape [1, 3] differs from [3] of good.npy",
                error(List.of(good, map("wide.npy", ElementType.UINT8, ByteOrder.LITTLE_ENDIAN, new long[] {1, 3}, false, 0, 1, 2))));
        long[] square = {2, 2};
        assertEquals("f.npy: memory order (C/Fortran) differs from c.npy",
                error(List.of(map("c.npy", ElementType.UINT8, ByteOrder.LITTLE_ENDIAN, square, false, 0, 1, 2, 0),
                        map("f.npy", ElementType.UINT8, ByteOrder.LITTLE_ENDIAN, square, true, 0, 1, 2, 0))));
        assertEquals("zero.npy: no voxel of any of the 2 label maps has a class label (every value is 0, background)",
                error(List.of(map("zero.npy", ElementType.UINT8, ByteOrder.LITTLE_ENDIAN, shape, false, 0, 0, 0),
                        map("also.npy", ElementType.FLOAT32, ByteOrder.LITTLE_ENDIAN, shape, false, 0, -0.0, 0))));
        assertEquals("empty.npy: the array has no voxels",
                error(List.of(map("empty.npy", ElementType.UINT8, ByteOrder.LITTLE_ENDIAN, new long[] {0}, false))));
    }
}
