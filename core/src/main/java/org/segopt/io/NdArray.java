package org.segopt.io;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import org.segopt.ElementType;

/**
 * An n-dimensional array read from a file: its raw elements, how they are stored, its shape and,
 * for medical images, its geometry.
 * The data segment is typically a read-only mapping of the file and lives as long as the arena the
 * reader was given.
 *
 * @param source       the file it came from (for error messages)
 * @param data         exactly {@code size() * type.byteSize()} bytes of elements
 * @param type         element type
 * @param order        byte order of multi-byte elements
 * @param shape        dimensions, slowest-varying first as the file declares them (NRRD and NIfTI
 *                     list axes fastest first; their readers reverse them)
 * @param fortranOrder whether the first index varies fastest in {@code data} (NumPy
 *                     {@code fortran_order})
 * @param geometry     where the voxels lie in the world, or null when the format has no such notion
 * @param dataFile     the file the data was read from: {@code source}, or a detached header's data file
 */
public record NdArray(Path source, MemorySegment data, ElementType type, ByteOrder order,
                      long[] shape, boolean fortranOrder, Geometry geometry, Path dataFile) {

    public NdArray {
        shape = shape.clone();
    }

    /** An array whose data was read from {@code source} itself. */
    public NdArray(Path source, MemorySegment data, ElementType type, ByteOrder order, long[] shape,
                   boolean fortranOrder, Geometry geometry) {
        this(source, data, type, order, shape, fortranOrder, geometry, source);
    }

    /** An array without geometry. */
    public NdArray(Path source, MemorySegment data, ElementType type, ByteOrder order, long[] shape,
                   boolean fortranOrder) {
        this(source, data, type, order, shape, fortranOrder, null);
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements: the product of the shape (1 for a 0-d array). */
    public long size() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /**
     * Whether the element at linear position {@code i} of {@code data} is the same voxel in this
     * array and in {@code other}: same shape, and the same memory order unless at most one
     * dimension exceeds 1.
     */
    public boolean sameLayoutAs(NdArray other) {
        if (!Arrays.equals(shape, other.shape)) {
            return false;
        }
        return fortranOrder == other.fortranOrder || Arrays.stream(shape).filter(d -> d > 1).count() <= 1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NdArray a && source.equals(a.source) && data.equals(a.data)
                && type == a.type && order.equals(a.order) && Arrays.equals(shape, a.shape)
                && fortranOrder == a.fortranOrder && Objects.equals(geometry, a.geometry) && dataFile.equals(a.dataFile);
    }

    @Override
    public int hashCode() {
        return source.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return "NdArray[" + source + ", " + type + ", " + order + ", shape=" + Arrays.toString(shape)
                + (fortranOrder ? ", Fortran order" : "") + (geometry != null ? ", " + geometry : "") + "]";
    }
}
