package org.segopt.lidc;

/**
 * One {@code roi} of an annotation with more than one {@code edgeMap} point: a closed polygon of
 * pixel coordinates on the slice at {@code imageZposition}.
 *
 * @param z         the slice's {@code imageZposition} (slices are matched by this value)
 * @param inclusion whether the polygon adds its inside ({@code inclusion} TRUE) or removes it (FALSE)
 * @param rows      the points' rows, {@code yCoord}
 * @param cols      the points' columns, {@code xCoord}
 */
public record Contour(double z, boolean inclusion, int[] rows, int[] cols) {
    public Contour {
        if (rows.length != cols.length) {
            throw new IllegalArgumentException("rows and cols differ in length");
        }
        rows = rows.clone();
        cols = cols.clone();
    }

    @Override
    public int[] rows() {
        return rows.clone();
    }

    @Override
    public int[] cols() {
        return cols.clone();
    }

    /** Number of points. */
    public int size() {
        return rows.length;
    }

    int row(int i) {
        return rows[i];
    }

    int col(int i) {
        return cols[i];
    }
}
