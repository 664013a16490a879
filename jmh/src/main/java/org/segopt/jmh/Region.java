package org.segopt.jmh;

/**
 * The voxels of the N-slice {@link Phantom} a soft marginal covers: all N slices, rows
 * [row0, row0 + rows) and columns [column0, column0 + columns), in C order (slice, row, column).
 * A region's values equal those of the same voxels of the whole volume.
 */
public record Region(int slices, int row0, int rows, int column0, int columns) {
    public Region {
        if (slices < 1 || rows < 1 || columns < 1 || row0 < 0 || column0 < 0 || row0 + rows > Phantom.SIZE
                || column0 + columns > Phantom.SIZE) {
            throw new IllegalArgumentException("not a region of the " + Phantom.SIZE + " × " + Phantom.SIZE + " slices: "
                    + this);
        }
    }

    /** All of the N-slice volume. */
    public static Region volume(int slices) {
        return new Region(slices, 0, Phantom.SIZE, 0, Phantom.SIZE);
    }

    /**
     * A cube of the given edge: the central edge × edge rows and columns of the volume of edge
     * slices (the patch {@code CalibratorBenchmark} takes).
     */
    public static Region centralPatch(int edge) {
        int offset = (Phantom.SIZE - edge) / 2;
        return new Region(edge, offset, edge, offset, edge);
    }

    /** Voxels in the region. */
    public long voxels() {
        return (long) slices * rows * columns;
    }

    /** The voxel count as an array length. */
    int arrayLength() {
        return Math.toIntExact(voxels());
    }

    /** The shape (slices, rows, columns). */
    long[] shape() {
        return new long[] {slices, rows, columns};
    }

    /** How file names tell it: {@code N100} for a whole volume, {@code patch128} for a central patch. */
    String fileTag() {
        if (equals(volume(slices))) {
            return "N" + slices;
        }
        if (equals(centralPatch(slices))) {
            return "patch" + slices;
        }
        return "N" + slices + "_rows" + row0 + "-" + (row0 + rows) + "_columns" + column0 + "-" + (column0 + columns);
    }
}
