package org.segopt.lidc;

/**
 * Which integer pixels lie inside a closed polygon, decided exactly as matplotlib's
 * {@code Path.contains_points} with radius 0 decides it for the integer points pylidc tests.
 *
 * <p>The rule (matplotlib's {@code point_in_path_impl}, E. Haines' "crossings multiply" test) works
 * on points (a, b), with pylidc's order a = row, b = column. A ray leaves the test point (ta, tb) in
 * the +a direction. Each edge (a0, b0) → (a1, b1) of the closed polygon (the last point joined to
 * the first) with {@code (b0 >= tb) != (b1 >= tb)} is a candidate; it is crossed when
 * {@code ((b1 - tb) * (a0 - a1) >= (a1 - ta) * (b0 - b1)) == (b1 >= tb)}; the point is inside when
 * the number of crossed edges is odd (even-odd rule). With integer coordinates every product is an
 * exact integer, so the decision here is the same as matplotlib's double arithmetic. Points on the
 * boundary are decided by these inequalities, not by any tolerance.
 *
 * <p>A polygon needs at least two points (matplotlib tests nothing for a path of fewer than three
 * vertices, the closing vertex included).
 */
public final class PolygonRaster {
    private PolygonRaster() {
    }

    /** Whether the point (row, col) is inside the polygon (rows[k], cols[k]) by the rule above. */
    public static boolean contains(int[] rows, int[] cols, int row, int col) {
        int n = rows.length;
        if (n < 2) {
            return false;
        }
        boolean inside = false;
        for (int k = 0; k < n; k++) {
            int j = k + 1 == n ? 0 : k + 1;
            if (crosses(rows[k], cols[k], rows[j], cols[j], row, col)) {
                inside = !inside;
            }
        }
        return inside;
    }

    private static boolean crosses(long a0, long b0, long a1, long b1, long ta, long tb) {
        boolean f0 = b0 >= tb;
        boolean f1 = b1 >= tb;
        if (f0 == f1) {
            return false;
        }
        return ((b1 - tb) * (a0 - a1) >= (a1 - ta) * (b0 - b1)) == f1;
    }

    /**
     * Fills {@code out} (row-major over the box rows r0.., columns c0.., {@code width} columns wide,
     * {@code height} rows high) with the inside of the polygon: {@code out[(r - r0) * width + (c - c0)]}.
     * Column by column: only the edges that straddle a column can be crossed on it.
     */
    public static void fill(int[] rows, int[] cols, int r0, int c0, int height, int width, boolean[] out) {
        int n = rows.length;
        java.util.Arrays.fill(out, 0, height * width, false);
        if (n < 2) {
            return;
        }
        int[] candidates = new int[n];
        for (int dc = 0; dc < width; dc++) {
            int col = c0 + dc;
            int count = 0;
            for (int k = 0; k < n; k++) {
                int j = k + 1 == n ? 0 : k + 1;
                if ((cols[k] >= col) != (cols[j] >= col)) {
                    candidates[count++] = k;
                }
            }
            if (count == 0) {
                continue;
            }
            for (int dr = 0; dr < height; dr++) {
                int row = r0 + dr;
                boolean inside = false;
                for (int e = 0; e < count; e++) {
                    int k = candidates[e];
                    int j = k + 1 == n ? 0 : k + 1;
                    if (crosses(rows[k], cols[k], rows[j], cols[j], row, col)) {
                        inside = !inside;
                    }
                }
                out[dr * width + dc] = inside;
            }
        }
    }
}
