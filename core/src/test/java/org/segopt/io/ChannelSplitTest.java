package org.segopt.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segopt.ElementType;
import org.segopt.Marginal;
import org.segopt.engine.Engine;

/**
 * {@link ChannelSplit}: every channel of a random array, read from .npy, NIfTI and NRRD files with
 * the channel axis anywhere and in either memory order, equals the channel extracted independently
 * (element by element, from the file's bytes) and analyses identically.
 */
class ChannelSplitTest {
    private static final List<ElementType> TYPES =
            List.of(ElementType.FLOAT32, ElementType.FLOAT64, ElementType.FLOAT16, ElementType.UINT8);
    private static final int VOTES = 4;

    @TempDir
    Path dir;

    /** A random array as stored: shape, memory order, element type, byte order and its bytes. */
    private record Stored(long[] shape, boolean fortran, ElementType type, ByteOrder order, byte[] bytes) {
        long size() {
            return Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        }
    }

    private static Stored random(Random rnd, ElementType type, boolean fortran) {
        long[] shape = new long[1 + rnd.nextInt(4)];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = 1 + rnd.nextInt(4);
        }
        double[] values = new double[(int) Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
        for (int i = 0; i < values.length; i++) {
            // Ties (eighths) and distinct values both; votes 0..VOTES.
            values[i] = type == ElementType.UINT8 ? rnd.nextInt(VOTES + 1) : rnd.nextBoolean() ? rnd.nextInt(9) / 8.0 : rnd.nextDouble();
        }
        ByteOrder order = rnd.nextBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        return new Stored(shape, fortran, type, order, NpyTestFiles.encode(type, order, values));
    }

    /** How the whole array's values are read: probabilities, or votes 0..VOTES for uint8. */
    private static Marginal whole(MemorySegment data, ElementType type, ByteOrder order) {
        return switch (type) {
            case FLOAT32 -> Marginal.ofFloats(data, order);
            case FLOAT64 -> Marginal.ofDoubles(data, order);
            case FLOAT16 -> Marginal.ofFloat16(data, order);
            case UINT8 -> Marginal.ofVotes(data, type, order, VOTES);
            default -> throw new IllegalArgumentException(type.toString());
        };
    }

    /**
     * The reference: channel {@code c} along {@code axis}, element by element. The channel's j-th
     * voxel (its own memory order: row-major over the remaining axes, column-major for Fortran) is
     * the element whose index has {@code c} inserted at {@code axis}.
     */
    private static byte[] extract(Stored s, int axis, int c) {
        int rank = s.shape().length;
        int width = s.type().byteSize();
        long[] rest = new long[rank - 1];
        for (int i = 0, j = 0; i < rank; i++) {
            if (i != axis) {
                rest[j++] = s.shape()[i];
            }
        }
        int voxels = (int) (s.size() / s.shape()[axis]);
        byte[] out = new byte[voxels * width];
        for (int j = 0; j < voxels; j++) {
            long[] index = new long[rank];
            long q = j;
            for (int d = 0; d < rank - 1; d++) { // digits of j, fastest first
                int a = s.fortran() ? d : rank - 2 - d;
                long digit = q % rest[a];
                q /= rest[a];
                index[a < axis ? a : a + 1] = digit;
            }
            index[axis] = c;
            long linear = 0;
            for (int d = 0; d < rank; d++) {
                int a = s.fortran() ? rank - 1 - d : d; // slowest first
                linear = linear * s.shape()[a] + index[a];
            }
            System.arraycopy(s.bytes(), (int) linear * width, out, j * width, width);
        }
        return out;
    }

    private static String descr(ElementType type, ByteOrder order) {
        String o = type.byteSize() == 1 ? "|" : order == ByteOrder.BIG_ENDIAN ? ">" : "<";
        return o + switch (type) {
            case FLOAT32 -> "f4";
            case FLOAT64 -> "f8";
            case FLOAT16 -> "f2";
            default -> "u1";
        };
    }

    /** Checks every channel along every axis (given as is and counted from the end) of {@code array}. */
    private static void checkEveryAxis(Stored s, NdArray array) throws InputException {
        Marginal whole = whole(array.data(), s.type(), array.order());
        for (int axis = 0; axis < s.shape().length; axis++) {
            int signed = axis % 2 == 0 ? axis : axis - s.shape().length;
            ChannelSplit split = ChannelSplit.of(array, whole, signed);
            assertEquals(s.shape()[axis], split.classes());
            long outer = 1;
            for (int i = 0; i < s.shape().length; i++) {
                outer *= (s.fortran() ? i > axis : i < axis) ? s.shape()[i] : 1;
            }
            assertEquals(outer == 1 || s.shape()[axis] == 1, split.viewsOnly(), array + " axis " + axis);
            for (int c = 0; c < split.classes(); c++) {
                try (Arena scratch = Arena.ofConfined()) {
                    Marginal m = split.marginal(c, scratch);
                    byte[] expected = extract(s, axis, c);
                    String what = array + " axis " + signed + " channel " + c;
                    assertArrayEquals(expected, m.segments().getFirst().toArray(ValueLayout.JAVA_BYTE), what);
                    assertArrayEquals(split.shape(), m.shape().orElseThrow(), what);
                    Marginal reference = whole(MemorySegment.ofArray(expected), s.type(), s.order());
                    assertEquals(Engine.scalar().analyze(reference), Engine.scalar().analyze(m), what);
                }
            }
        }
    }

    @Test
    void npyChannelsEqualTheirIndependentExtractionOnEveryAxisInBothOrders() throws Exception {
        Random rnd = new Random(13);
        for (int round = 0; round < 48; round++) {
            Stored s = random(rnd, TYPES.get(round % TYPES.size()), round % 3 == 0);
            Path file = NpyTestFiles.write(dir, round + ".npy", 1, descr(s.type(), s.order()), s.fortran(), s.shape(), s.bytes());
            try (Arena arena = Arena.ofConfined()) {
                checkEveryAxis(s, ArrayReaders.read(file, arena));
            }
        }
    }

    @Test
    void niftiAndNrrdChannelsEqualTheirIndependentExtraction() throws Exception {
        Random rnd = new Random(7);
        for (int round = 0; round < 16; round++) {
            ElementType type = round % 2 == 0 ? ElementType.FLOAT32 : ElementType.FLOAT64;
            Stored s = random(rnd, type, false);
            long[] dims = IoSupport.reversed(s.shape()); // both formats list axes fastest first
            writeNifti(s, dims, round);
            String sizes = Arrays.stream(dims).mapToObj(Long::toString).collect(Collectors.joining(" "));
            Path nrrd = Files.write(dir.resolve(round + ".nrrd"), MedicalTestFiles.nrrd("type: "
                    + (type == ElementType.FLOAT32 ? "float" : "double") + "\ndimension: " + dims.length + "\nsizes: " + sizes
                    + "\nendian: " + (s.order() == ByteOrder.BIG_ENDIAN ? "big" : "little") + "\nencoding: raw\n", s.bytes()));
            try (Arena arena = Arena.ofConfined()) {
                checkEveryAxis(s, ArrayReaders.read(dir.resolve(round + ".nii"), arena));
                checkEveryAxis(s, ArrayReaders.read(nrrd, arena));
            }
        }
    }

    private void writeNifti(Stored s, long[] dims, int round) throws Exception {
        MedicalTestFiles.Nifti n = new MedicalTestFiles.Nifti(1 + round % 2, s.order());
        n.datatype = s.type() == ElementType.FLOAT32 ? 16 : 64;
        n.bitpix = 8 * s.type().byteSize();
        n.dim = new long[] {dims.length, 1, 1, 1, 1, 1, 1, 1};
        System.arraycopy(dims, 0, n.dim, 1, dims.length);
        Files.write(dir.resolve(round + ".nii"), n.bytes(s.bytes()));
    }

    @Test
    void aChannelKeepsTheGeometryWithoutItsAxisUnlessTheAxisIsSpatial() throws Exception {
        byte[] data = new byte[3 * 4 * 5 * 2 * 4];
        Path nrrd = Files.write(dir.resolve("vector.nrrd"), MedicalTestFiles.nrrd("type: float\ndimension: 4\nsizes: 3 4 5 2\n"
                + "endian: little\nencoding: raw\nspace: left-posterior-superior\n"
                + "space directions: none (1,0,0) (0,2,0) (0,0,3)\nkinds: vector domain domain domain\n"
                + "space origin: (1,2,3)\n", data));
        try (Arena arena = Arena.ofConfined()) {
            NdArray a = ArrayReaders.read(nrrd, arena);
            Marginal whole = Marginal.ofFloats(a.data(), a.order());
            Geometry g = ChannelSplit.of(a, whole, -1).geometry(); // the vector axis, fastest in the file
            assertNotNull(g);
            assertEquals(List.of(List.of(1.0, 0.0, 0.0), List.of(0.0, 2.0, 0.0), List.of(0.0, 0.0, 3.0)), g.directions());
            assertEquals(List.of("domain", "domain", "domain"), g.kinds());
            assertEquals(List.of(1.0, 2.0, 3.0), g.origin());
            assertNull(ChannelSplit.of(a, whole, 0).geometry(), "a spatial axis leaves no geometry");
        }
        MedicalTestFiles.Nifti n = new MedicalTestFiles.Nifti(1, ByteOrder.LITTLE_ENDIAN);
        n.dim = new long[] {4, 5, 4, 3, 2, 1, 1, 1};
        n.sformCode = 1;
        n.srow = new double[] {2, 0, 0, 1, 0, 2, 0, 2, 0, 0, 2, 3};
        Path nifti = Files.write(dir.resolve("channels.nii"), n.bytes(new byte[5 * 4 * 3 * 2 * 4]));
        try (Arena arena = Arena.ofConfined()) {
            NdArray a = ArrayReaders.read(nifti, arena);
            Marginal whole = Marginal.ofFloats(a.data(), a.order());
            ChannelSplit split = ChannelSplit.of(a, whole, 0); // dim[4], the slowest
            assertTrue(split.viewsOnly());
            assertArrayEquals(new long[] {3, 4, 5}, split.shape());
            assertEquals(a.geometry().nifti(), split.geometry().nifti());
            assertEquals(a.geometry().directions().subList(0, 3), split.geometry().directions());
            assertNull(ChannelSplit.of(a, whole, 3).geometry(), "NIfTI's x axis is spatial");
        }
    }

    @Test
    void anAxisOutOfRangeNamesTheFileAndTheAxes() throws Exception {
        Path file = NpyTestFiles.write(dir, "c.npy", 1, "<f4", false, new long[] {2, 3, 4}, new byte[2 * 3 * 4 * 4]);
        try (Arena arena = Arena.ofConfined()) {
            NdArray a = ArrayReaders.read(file, arena);
            Marginal whole = Marginal.ofFloats(a.data(), a.order());
            for (int axis : new int[] {3, -4, Integer.MAX_VALUE}) {
                InputException e = assertThrows(InputException.class, () -> ChannelSplit.of(a, whole, axis));
                assertEquals(file + ": channel axis " + axis + " is out of range for shape [2, 3, 4] (3 axes: 0..2 or -3..-1)",
                        e.getMessage());
            }
            assertEquals(2, ChannelSplit.of(a, whole, -3).classes());
        }
    }
}
