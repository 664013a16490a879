package org.segopt.lidc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Pixels inside LIDC contours. The expected pictures of {@link #matchesMatplotlibOnItsBoundaries}
 * were printed by matplotlib 3.11 ({@code Path(C, closed=True).contains_points}, radius 0) for the
 * integer points of each box, with C the polygon's points (row, column) closed as pylidc closes it.
 */
class LidcRasterTest {

    private static void assertPicture(int[][] polygon, int r0, int c0, String... expected) {
        int[] rows = new int[polygon.length];
        int[] cols = new int[polygon.length];
        for (int i = 0; i < polygon.length; i++) {
            rows[i] = polygon[i][0];
            cols[i] = polygon[i][1];
        }
        int height = expected.length;
        int width = expected[0].length();
        boolean[] filled = new boolean[height * width];
        PolygonRaster.fill(rows, cols, r0, c0, height, width, filled);
        StringBuilder got = new StringBuilder();
        StringBuilder one = new StringBuilder();
        for (int r = 0; r < height; r++) {
            for (int c = 0; c < width; c++) {
                got.append(filled[r * width + c] ? '#' : '.');
                one.append(PolygonRaster.contains(rows, cols, r0 + r, c0 + c) ? '#' : '.');
            }
            got.append('\n');
            one.append('\n');
        }
        String want = String.join("\n", expected) + "\n";
        assertEquals(want, got.toString());
        assertEquals(want, one.toString());
    }

    @Test
    void matchesMatplotlibOnItsBoundaries() {
        assertPicture(new int[][] {{0, 0}, {0, 4}, {4, 4}, {4, 0}}, 0, 0,
                ".....",
                ".####",
                ".####",
                ".####",
                ".....");
        assertPicture(new int[][] {{0, 0}, {6, 0}, {0, 6}}, 0, 0,
                ".######",
                ".#####.",
                ".####..",
                ".###...",
                ".##....",
                ".#.....",
                ".......");
        assertPicture(new int[][] {{0, 3}, {3, 6}, {6, 3}, {3, 0}}, 0, 0,
                ".......",
                "...#...",
                "..###..",
                ".######",
                "..###..",
                "...#...",
                ".......");
        assertPicture(new int[][] {{0, 0}, {0, 2}, {4, 2}, {4, 5}, {6, 5}, {6, 0}}, 0, 0,
                "......",
                ".##...",
                ".##...",
                ".##...",
                ".##...",
                ".#####",
                "......");
        // two points: matplotlib still tests the degenerate closed path; points on it count as inside
        assertPicture(new int[][] {{1, 1}, {1, 5}}, 0, 0,
                ".......",
                "..####.",
                ".......");
        assertPicture(new int[][] {{0, 0}, {4, 4}}, 0, 0,
                ".....",
                ".#...",
                "..#..",
                "...#.",
                "....#");
        // already closed (last point = first) is the same polygon; one point is never inside
        assertPicture(new int[][] {{0, 0}, {0, 4}, {4, 4}, {4, 0}, {0, 0}}, 0, 0,
                ".....",
                ".####",
                ".####",
                ".####",
                ".....");
        assertPicture(new int[][] {{2, 2}}, 0, 0, "...", "...", "...");
        // an offset box sees the same pixels
        assertPicture(new int[][] {{10, 20}, {10, 24}, {14, 24}, {14, 20}}, 9, 19,
                "......",
                "......",
                "..####",
                "..####",
                "..####",
                "......",
                "......");
    }

    private static Annotation annotation(Contour... contours) {
        return new Annotation(0, "n", List.of(contours));
    }

    private static Contour contour(double z, boolean inclusion, List<int[]> xy) {
        int[] rows = xy.stream().mapToInt(p -> p[1]).toArray();
        int[] cols = xy.stream().mapToInt(p -> p[0]).toArray();
        return new Contour(z, inclusion, rows, cols);
    }

    @Test
    void insideOfAnEdgeMapWithoutItsPoints() {
        // boundary pixels of rows 2..6 x columns 10..16: the mask is the 3 x 5 interior
        AnnotationMask m = AnnotationMask.of(annotation(contour(1.5, true, LidcTestXml.rectangle(2, 10, 6, 16))));
        assertEquals(15, m.voxels());
        for (int r = 0; r < 10; r++) {
            for (int c = 8; c < 20; c++) {
                assertEquals(r >= 3 && r <= 5 && c >= 11 && c <= 15, m.contains(1.5, r, c), r + "," + c);
            }
        }
        assertFalse(m.contains(2.5, 4, 12));
    }

    @Test
    void exclusionContoursCutHolesWithTheirPoints() {
        // interior 9 x 9 = 81; the hole's boundary ring (rows/cols 4..6) and its inside (5,5) go: 81 - 9 = 72
        AnnotationMask m = AnnotationMask.of(annotation(contour(0, true, LidcTestXml.rectangle(0, 0, 10, 10)),
                contour(0, false, LidcTestXml.rectangle(4, 4, 6, 6))));
        assertEquals(72, m.voxels());
        assertFalse(m.contains(0, 5, 5));
        assertFalse(m.contains(0, 4, 4));
        assertTrue(m.contains(0, 3, 3));
        assertTrue(m.contains(0, 7, 7));
    }

    @Test
    void severalInclusionContoursOnOneSliceAreJoinedAndSlicesKeptApart() {
        AnnotationMask m = AnnotationMask.of(annotation(
                contour(-10, true, LidcTestXml.rectangle(0, 0, 4, 4)),      // 3 x 3
                contour(-10, true, LidcTestXml.rectangle(0, 20, 3, 23)),    // 2 x 2
                contour(-12.5, true, LidcTestXml.rectangle(1, 1, 5, 5))));  // 3 x 3 on another slice
        assertEquals(9 + 4 + 9, m.voxels());
        assertEquals(2, m.slices().length);
        assertTrue(m.contains(-10, 1, 21));
        assertFalse(m.contains(-10, 1, 10)); // between the two regions
        assertTrue(m.contains(-12.5, 4, 4));
        assertFalse(m.contains(-10, 4, 4));
    }

    @Test
    void laterInclusionContourPointsAreRemovedAfterEarlierOnesAddedThem() {
        // pylidc: each inclusion contour ORs its inside, then clears its own points, in document order
        List<int[]> big = LidcTestXml.rectangle(0, 0, 8, 8);        // interior rows/cols 1..7
        List<int[]> small = LidcTestXml.rectangle(2, 2, 4, 4);      // its points lie inside the big one
        AnnotationMask m = AnnotationMask.of(annotation(contour(0, true, big), contour(0, true, small)));
        assertEquals(49 - 8, m.voxels());
        assertFalse(m.contains(0, 2, 2));
        assertTrue(m.contains(0, 3, 3));
        // the other order: the small contour's points are cleared first, then the big one adds them back
        AnnotationMask reversed = AnnotationMask.of(annotation(contour(0, true, small), contour(0, true, big)));
        assertEquals(49, reversed.voxels());
    }
}
