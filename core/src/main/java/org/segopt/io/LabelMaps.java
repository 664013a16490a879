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
        ElementType type = map.type();
        long largest = 0;
        for (long i = 0, n = map.size(); i < n; i++) {
            double v = type.valueAt(map.data(), map.order(), i);
            if (!(v >= 0 && v <= MAX_LABEL && v == Math.rint(v))) {
                String rule = v < 0 ? "negative" : v == Math.rint(v) && v > MAX_LABEL
                        ? "above the largest label " + MAX_LABEL : "not an integer";
                throw new InputException(map.source(), "voxel " + i + " has value " + text(v, type) + ", " + rule
                        + " (a label map holds 0 for background and 1..C for the classes)");
            }
            largest = Math.max(largest, (long) v);
        }
        return largest;
    }

    private static String text(double v, ElementType type) {
        return type.isInteger() ? Long.toString((long) v) : Double.toString(v);
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
        long label = label(k);
        long n = maps.getFirst().size();
        boolean bytes = maps.size() <= 255;
        ValueLayout count = bytes ? ValueLayout.JAVA_BYTE : ValueLayout.JAVA_SHORT;
        MemorySegment votes = scratch.allocate(count, n); // zeroed
        for (NdArray map : maps) {
            long bits = pattern(label, map.type(), map.order());
            if (bits >= 0) {
                addVotes(map, bits, votes, bytes);
            }
        }
        ElementType type = bytes ? ElementType.UINT8 : ElementType.UINT16;
        return Marginal.ofVotes(votes, type, ByteOrder.nativeOrder(), maps.size()).withShape(shape());
    }

    /**
     * The raw bits, as read in native order from storage in {@code order}, of {@code label} stored
     * as {@code type}, or -1 when the type cannot hold the label (so no voxel of the map does).
     * Every value of a checked map is a non-negative integer, so a voxel holds the label exactly
     * when its bits are these (a float's only other zero, -0.0, is no class label).
     */
    static long pattern(long label, ElementType type, ByteOrder order) {
        MemorySegment one = MemorySegment.ofArray(new long[1]);
        boolean held = switch (type) {
            case BOOL, UINT8 -> {
                one.set(ValueLayout.JAVA_BYTE, 0, (byte) label);
                yield label <= 0xFF;
            }
            case UINT16, INT16 -> {
                one.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order), 0, (short) label);
                yield label <= (type == ElementType.UINT16 ? 0xFFFF : Short.MAX_VALUE);
            }
            case INT32 -> {
                one.set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(order), 0, (int) label);
                yield label <= Integer.MAX_VALUE;
            }
            case FLOAT16 -> {
                short half = Float.floatToFloat16(label);
                one.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order), 0, half);
                yield Float.float16ToFloat(half) == label;
            }
            case BFLOAT16 -> {
                int bits = Float.floatToRawIntBits(label);
                one.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order), 0, (short) (bits >>> 16));
                yield (bits & 0xFFFF) == 0;
            }
            case FLOAT32 -> {
                one.set(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(order), 0, label);
                yield (long) (float) label == label;
            }
            case FLOAT64 -> {
                one.set(ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(order), 0, label);
                yield true;
            }
        };
        return held ? raw(one, 0, type.byteSize()) : -1;
    }

    /** The {@code size} bytes at {@code offset} as an unsigned number, read in native order. */
    private static long raw(MemorySegment s, long offset, int size) {
        return switch (size) {
            case 1 -> Byte.toUnsignedLong(s.get(ValueLayout.JAVA_BYTE, offset));
            case 2 -> Short.toUnsignedLong(s.get(ValueLayout.JAVA_SHORT_UNALIGNED, offset));
            case 4 -> Integer.toUnsignedLong(s.get(ValueLayout.JAVA_INT_UNALIGNED, offset));
            default -> s.get(ValueLayout.JAVA_LONG_UNALIGNED, offset);
        };
    }

    /** Adds one vote to every voxel of {@code votes} whose element in {@code map} has raw bits {@code bits}. */
    private static void addVotes(NdArray map, long bits, MemorySegment votes, boolean bytes) {
        MemorySegment data = map.data();
        int size = map.type().byteSize();
        for (long i = 0, n = map.size(); i < n; i++) {
            if (raw(data, i * size, size) == bits) {
                if (bytes) {
                    votes.set(ValueLayout.JAVA_BYTE, i, (byte) (votes.get(ValueLayout.JAVA_BYTE, i) + 1));
                } else {
                    votes.setAtIndex(ValueLayout.JAVA_SHORT, i, (short) (votes.getAtIndex(ValueLayout.JAVA_SHORT, i) + 1));
                }
            }
        }
    }
}
