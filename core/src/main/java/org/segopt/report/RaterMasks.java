package org.segopt.report;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.segopt.ElementType;
import org.segopt.InvalidMarginalException;
import org.segopt.Marginal;
import org.segopt.io.ArrayReaders;
import org.segopt.io.InputException;
import org.segopt.io.NdArray;
import org.segopt.io.ReadLimits;

/**
 * Reads the binary masks of one case's raters into one {@link Marginal} (m = their mean), checking
 * that they are integer masks of one shape and memory order. Masks of one element type are wrapped
 * without copying; masks of different integer types are copied to bytes, value by value (0 or 1).
 */
public final class RaterMasks {
    private RaterMasks() {
    }

    /**
     * The marginal of {@code files}, each read within {@code limits}; its data lives as long as {@code arena}.
     *
     * @throws InputException naming the file that is unreadable, of another shape or layout, not of
     *                        an integer type, empty, or (when copied) holding a value other than 0/1
     */
    public static Marginal load(List<Path> files, ReadLimits limits, Arena arena) throws InputException {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no rater masks");
        }
        if (files.size() > Marginal.MAX_RATERS) {
            throw new InputException(files.getFirst(), "more than " + Marginal.MAX_RATERS + " rater masks");
        }
        List<NdArray> arrays = new ArrayList<>();
        for (Path file : files) {
            NdArray a = ArrayReaders.read(file, arena, limits);
            if (!a.type().isInteger()) {
                throw new InputException(file, "a rater mask must be boolean or integer 0/1, but the data is " + name(a.type()));
            }
            if (a.size() == 0) {
                throw new InputException(file, "the mask has no voxels");
            }
            NdArray first = arrays.isEmpty() ? a : arrays.getFirst();
            if (!Arrays.equals(a.shape(), first.shape())) {
                throw new InputException(file, "shape " + Arrays.toString(a.shape()) + " differs from "
                        + Arrays.toString(first.shape()) + " of " + first.source());
            }
            if (!a.sameLayoutAs(first)) {
                throw new InputException(file, "memory order (C/Fortran) differs from " + first.source());
            }
            arrays.add(a);
        }
        NdArray first = arrays.getFirst();
        boolean uniform = arrays.stream().allMatch(a -> a.type() == first.type() && a.order().equals(first.order()));
        Marginal m;
        if (uniform) {
            m = Marginal.ofRaterMasks(arrays.stream().map(NdArray::data).toList(), first.type(), first.order());
        } else {
            List<MemorySegment> bytes = new ArrayList<>();
            for (NdArray a : arrays) {
                bytes.add(MemorySegment.ofArray(toBytes(a)));
            }
            m = Marginal.ofRaterMasks(bytes, ElementType.UINT8, ByteOrder.nativeOrder());
        }
        return m.withShape(first.shape());
    }

    /** The one-line message for a bad voxel found by the engine, naming the rater's file. */
    public static String describe(List<Path> files, InvalidMarginalException e) {
        Path file = files.get(Math.max(e.rater(), 0));
        return file + ": " + e.getMessage().replaceFirst("^rater mask \\d+, ", "");
    }

    private static byte[] toBytes(NdArray a) throws InputException {
        long n = a.size();
        if (n > Integer.MAX_VALUE - 8) {
            throw new InputException(a.source(), "too many voxels (" + n + ") to convert between element types");
        }
        byte[] out = new byte[(int) n];
        for (int i = 0; i < n; i++) {
            double v = a.type().valueAt(a.data(), a.order(), i);
            if (v != 0 && v != 1) {
                throw new InputException(a.source(), "voxel " + i + " has value " + Plots.number(v)
                        + ", a rater mask holds only 0 and 1");
            }
            out[i] = (byte) v;
        }
        return out;
    }

    private static String name(ElementType t) {
        return t.name().toLowerCase(Locale.ROOT);
    }
}
