package org.segopt.io;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.segopt.ElementType;
import org.segopt.Marginal;

/**
 * R raters' label maps (each one integer image: 0 background, 1..C the classes) as C marginals:
 * class c's marginal is the fraction of raters that assigned c, votes(c) / R, exactly. The maps
 * may store their labels in any element type, floats included, as long as every value is a
 * non-negative integer; C is the largest label present.
 *
 * <p>The engine reads vote counts, so class c's marginal is a count array (one byte per voxel up
 * to 255 raters, else two) computed from the R maps into the caller's scratch arena: one class at
 * a time, so the memory held is n counts, not C·n, and each class reads the maps once more.
 */
public final class LabelMaps implements ClassMarginals {
    /** The largest label (so the most classes) accepted: a larger value is taken for a corrupt map. */
    public static final int MAX_LABEL = 65535;
    /** Voxels decoded at a time. */
    private static final int CHUNK = 1 << 14;

    private final List<NdArray> maps;
    private final int classes;

    private LabelMaps(List<NdArray> maps, int classes) {
        this.maps = maps;
        this.classes = classes;
    }

    /**
     * Checks the label maps and finds C; one pass over each map.
     *
     * @throws InputException naming the map at fault, if maps differ in shape or memory order, a
     *                        value is negative, not an integer or above {@link #MAX_LABEL}, no map
     *                        has a voxel, or no voxel has a class label
     */
    public static LabelMaps of(List<NdArray> maps) throws InputException {
        if (maps.isEmpty() || maps.size() > Marginal.MAX_RATERS) {
            throw new IllegalArgumentException("1.." + Marginal.MAX_RATERS + " label maps, not " + maps.size());
        }
        NdArray first = maps.getFirst();
        if (first.size() == 0) {
            throw new InputException(first.source(), "the array has no voxels");
        }
        long largest = 0;
        for (NdArray map : maps) {
            if (!Arrays.equals(map.shape(), first.shape())) {
                throw new InputException(map.source(), "shape " + Arrays.toString(map.shape()) + " differs from "
                        + Arrays.toString(first.shape()) + " of " + first.source());
            }
            if (!map.sameLayoutAs(first)) {
                throw new InputException(map.source(), "memory order (C/Fortran) differs from " + first.source());
            }
            largest = Math.max(largest, largestLabel(map));
        }
        if (largest == 0) {
            throw new InputException(first.source(), "no voxel of " + (maps.size() == 1 ? "the label map" : "any of the "
                    + maps.size() + " label maps") + " has a class label (every value is 0, background)");
        }
        return new LabelMaps(List.copyOf(maps), (int) largest);
    }

    /** The largest label in {@code map}, after checking that every value is a label. */
    private static long largestLabel(NdArray map) throws InputException {
        double[] values = new double[CHUNK];
        long largest = 0;
        for (long start = 0, n = map.size(); start < n; start += CHUNK) {
            int count = (int) Math.min(CHUNK, n - start);
            decode(map, start, count, values);
            for (int j = 0; j < count; j++) {
                double v = values[j];
                if (!(v >= 0 && v <= MAX_LABEL && v == Math.rint(v))) {
                    String rule = v < 0 ? "negative" : v == Math.rint(v) && v > MAX_LABEL
                            ? "above the largest label " + MAX_LABEL : "not an integer";
                    throw new InputException(map.source(), "voxel " + (start + j) + " has value "
                            + (map.type().isInteger() ? Long.toString((long) v) : Double.toString(v)) + ", " + rule
                            + " (a label map holds 0 for background and 1..C for the classes)");
                }
                largest = Math.max(largest, (long) v);
            }
        }
        return largest;
    }

    /**
     * Elements {@code start .. start + count - 1} of {@code map} as doubles (every label type
     * converts exactly), through a bulk copy that also applies the byte order.
     */
    private static void decode(NdArray map, long start, int count, double[] into) {
        MemorySegment data = map.data();
        ByteOrder order = map.order();
        long offset = start * map.type().byteSize();
        switch (map.type()) {
            case BOOL, UINT8 -> {
                byte[] b = new byte[count];
                MemorySegment.copy(data, ValueLayout.JAVA_BYTE, offset, b, 0, count);
                for (int j = 0; j < count; j++) {
                    into[j] = Byte.toUnsignedInt(b[j]);
                }
            }
            case UINT16, INT16, FLOAT16, BFLOAT16 -> {
                short[] h = new short[count];
                MemorySegment.copy(data, ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order), offset, h, 0, count);
                ElementType type = map.type();
                for (int j = 0; j < count; j++) {
                    into[j] = switch (type) {
                        case UINT16 -> Short.toUnsignedInt(h[j]);
                        case FLOAT16 -> Float.float16ToFloat(h[j]);
                        case BFLOAT16 -> Float.intBitsToFloat(h[j] << 16);
                        default -> h[j];
                    };
                }
            }
            case INT32 -> {
                int[] w = new int[count];
                MemorySegment.copy(data, ValueLayout.JAVA_INT_UNALIGNED.withOrder(order), offset, w, 0, count);
                for (int j = 0; j < count; j++) {
                    into[j] = w[j];
                }
            }
            case FLOAT32 -> {
                float[] f = new float[count];
                MemorySegment.copy(data, ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(order), offset, f, 0, count);
                for (int j = 0; j < count; j++) {
                    into[j] = f[j];
                }
            }
            case FLOAT64 -> MemorySegment.copy(data, ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(order), offset, into, 0, count);
        }
    }

    /** R, the number of raters (label maps). */
    public int raters() {
        return maps.size();
    }

    @Override
    public int classes() {
        return classes;
    }

    /** The label value {@code k + 1}: classes are 1..C. */
    @Override
    public int label(int k) {
        Objects.checkIndex(k, classes);
        return k + 1;
    }

    @Override
    public long[] shape() {
        return maps.getFirst().shape();
    }

    @Override
    public boolean fortranOrder() {
        return maps.getFirst().fortranOrder();
    }

    /** The first map's geometry. */
    @Override
    public Geometry geometry() {
        return maps.getFirst().geometry();
    }

    /** Class {@code label(k)}'s marginal: per voxel the number of maps holding the label, over R. */
    @Override
    public Marginal marginal(int k, Arena scratch) {
        double label = label(k);
        long n = maps.getFirst().size();
        boolean bytes = maps.size() <= 255;
        ValueLayout layout = bytes ? ValueLayout.JAVA_BYTE : ValueLayout.JAVA_SHORT;
        MemorySegment votes = scratch.allocate(layout, n);
        double[] values = new double[CHUNK];
        short[] counts = new short[CHUNK];
        byte[] narrow = new byte[CHUNK];
        for (long start = 0; start < n; start += CHUNK) {
            int count = (int) Math.min(CHUNK, n - start);
            Arrays.fill(counts, (short) 0);
            for (NdArray map : maps) {
                decode(map, start, count, values);
                for (int j = 0; j < count; j++) {
                    counts[j] += values[j] == label ? 1 : 0;
                }
            }
            if (bytes) {
                for (int j = 0; j < count; j++) {
                    narrow[j] = (byte) counts[j];
                }
                MemorySegment.copy(narrow, 0, votes, ValueLayout.JAVA_BYTE, start, count);
            } else {
                MemorySegment.copy(counts, 0, votes, ValueLayout.JAVA_SHORT, start * Short.BYTES, count);
            }
        }
        ElementType type = bytes ? ElementType.UINT8 : ElementType.UINT16;
        return Marginal.ofVotes(votes, type, ByteOrder.nativeOrder(), maps.size()).withShape(shape());
    }
}
