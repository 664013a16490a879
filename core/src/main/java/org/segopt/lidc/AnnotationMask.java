package org.segopt.lidc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * The voxels of one annotation, as pylidc's {@code Annotation.boolean_mask()} (without contour
 * points) defines them, over the annotation's own bounding box: on each slice, in document order,
 * every inclusion contour adds the pixels inside its polygon and then removes its own points; then
 * every exclusion contour removes the pixels inside its polygon and its own points. Only the
 * bounding box of the annotation's points is rasterized: no pixel outside it can be inside.
 */
public final class AnnotationMask {
    final int row0;
    final int col0;
    final int height;
    final int width;
    /** The annotation's slices (distinct {@code imageZposition}s), ascending. */
    final double[] zs;
    /** Per slice of {@link #zs}, {@code height * width} pixels, row-major. */
    final boolean[][] pixels;

    private AnnotationMask(int row0, int col0, int height, int width, double[] zs, boolean[][] pixels) {
        this.row0 = row0;
        this.col0 = col0;
        this.height = height;
        this.width = width;
        this.zs = zs;
        this.pixels = pixels;
    }

    /** The bounding box of an annotation's points: first row and column, rows, columns, and its slices. */
    record Box(int row0, int col0, int height, int width, double[] zs) {
        /** Its voxels: what {@link #of} rasterizes. */
        long voxels() {
            return (long) zs.length * height * width;
        }
    }

    /** The bounding box of {@code a}, found from its points without rasterizing. */
    static Box box(Annotation a) {
        int r0 = Integer.MAX_VALUE;
        int r1 = Integer.MIN_VALUE;
        int c0 = Integer.MAX_VALUE;
        int c1 = Integer.MIN_VALUE;
        TreeSet<Double> zset = new TreeSet<>();
        for (Contour c : a.contours()) {
            for (int i = 0; i < c.size(); i++) {
                r0 = Math.min(r0, c.row(i));
                r1 = Math.max(r1, c.row(i));
                c0 = Math.min(c0, c.col(i));
                c1 = Math.max(c1, c.col(i));
            }
            zset.add(c.z());
        }
        return new Box(r0, c0, r1 - r0 + 1, c1 - c0 + 1, zset.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Rasterizes {@code a}. */
    public static AnnotationMask of(Annotation a) {
        Box box = box(a);
        int r0 = box.row0();
        int c0 = box.col0();
        int height = box.height();
        int width = box.width();
        double[] zs = box.zs();
        boolean[][] pixels = new boolean[zs.length][];
        boolean[] inside = new boolean[height * width];
        for (int s = 0; s < zs.length; s++) {
            boolean[] mask = new boolean[height * width];
            List<Contour> inclusions = new ArrayList<>();
            List<Contour> exclusions = new ArrayList<>();
            for (Contour c : a.contours()) {
                if (c.z() == zs[s]) {
                    (c.inclusion() ? inclusions : exclusions).add(c);
                }
            }
            for (Contour c : inclusions) {
                PolygonRaster.fill(c.rows(), c.cols(), r0, c0, height, width, inside);
                for (int p = 0; p < mask.length; p++) {
                    mask[p] |= inside[p];
                }
                clearPoints(c, r0, c0, width, mask);
            }
            for (Contour c : exclusions) {
                PolygonRaster.fill(c.rows(), c.cols(), r0, c0, height, width, inside);
                for (int p = 0; p < mask.length; p++) {
                    mask[p] &= !inside[p];
                }
                clearPoints(c, r0, c0, width, mask);
            }
            pixels[s] = mask;
        }
        return new AnnotationMask(r0, c0, height, width, zs, pixels);
    }

    private static void clearPoints(Contour c, int r0, int c0, int width, boolean[] mask) {
        for (int i = 0; i < c.size(); i++) {
            mask[(c.row(i) - r0) * width + (c.col(i) - c0)] = false;
        }
    }

    /** Number of voxels in the annotation. */
    public long voxels() {
        long n = 0;
        for (boolean[] slice : pixels) {
            for (boolean b : slice) {
                n += b ? 1 : 0;
            }
        }
        return n;
    }

    /** Whether pixel (row, col) of the slice at {@code z} is in the annotation. */
    public boolean contains(double z, int row, int col) {
        int s = Arrays.binarySearch(zs, z);
        if (s < 0 || row < row0 || row >= row0 + height || col < col0 || col >= col0 + width) {
            return false;
        }
        return pixels[s][(row - row0) * width + (col - col0)];
    }

    /** First row, first column, rows and columns of the bounding box. */
    public int[] box() {
        return new int[] {row0, col0, height, width};
    }

    /** The annotation's slices, ascending. */
    public double[] slices() {
        return zs.clone();
    }
}
