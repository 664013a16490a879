package org.segopt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code segopt explain}: the four-panel figure of the paper's Figures 2-4. */
class ExplainCommandTest {
    private static final String FIG4 = Path.of("..", "test-data", "fig4_dice_extreme_votes.npy").toString();
    private static final String FIG3 = Path.of("..", "test-data", "fig3_accuracy_extreme.npy").toString();
    private static final String RATER = Path.of("..", "test-data", "fig4_dice_extreme_masks_rater%d.npy").toString();

    @TempDir
    Path tmp;


    private static CliRun run(Object... args) {
        return CliRun.of(args);
    }

    private static void assertFigure(Path png) throws IOException {
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1100, image.getWidth());
        assertEquals(920, image.getHeight());
        // not blank: the curves are drawn in blue somewhere in each quadrant
        int[][] quadrants = {{0, 70}, {550, 70}, {0, 495}, {550, 495}};
        for (int[] q : quadrants) {
            boolean blue = false;
            for (int x = q[0]; x < q[0] + 550 && !blue; x += 1) {
                for (int y = q[1]; y < q[1] + 425 && !blue; y += 1) {
                    int rgb = image.getRGB(x, y);
                    int r = rgb >> 16 & 0xff;
                    int g = rgb >> 8 & 0xff;
                    int b = rgb & 0xff;
                    blue = b > 150 && r < 80 && g < 120;
                }
            }
            assertTrue(blue, "a curve in the quadrant at " + q[0] + "," + q[1]);
        }
    }

    @Test
    void drawsVotesFloatsAndRaterMasks() throws IOException {
        Path a = tmp.resolve("fig4.png");
        CliRun r = run("explain", "--votes", "7", "--out", a.toString(), FIG4);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("wrote"), r.out());
        assertFigure(a);
        Path b = Files.createDirectories(tmp.resolve("sub")).resolve("fig3.png"); // explain creates no folder (issue 11)
        assertEquals(0, run("explain", "--out", b.toString(), FIG3).code());
        assertFigure(b);
        Path c = tmp.resolve("masks.png");
        String[] args = new String[3 + 7];
        args[0] = "explain";
        args[1] = "--out";
        args[2] = c.toString();
        for (int k = 1; k <= 7; k++) {
            args[2 + k] = String.format(RATER, k);
        }
        assertEquals(0, run((Object[]) args).code());
        assertFigure(c);
    }

    @Test
    void errors() {
        CliRun noOut = run("explain", FIG3);
        assertEquals(2, noOut.code());
        assertTrue(noOut.err().contains("--out FILE.png is required"), noOut.err());
        assertEquals(2, run("explain", "--out", tmp.resolve("x.png").toString()).code());
        CliRun bad = run("explain", "--out", tmp.resolve("y.png").toString(), Path.of("..", "test-data", "invalid_nan.npy").toString());
        assertEquals(3, bad.code());
        assertTrue(bad.err().contains("invalid_nan.npy"), bad.err());
        assertFalse(Files.exists(tmp.resolve("y.png")));
        CliRun missing = run("explain", "--out", tmp.resolve("z.png").toString(), "no-such.npy");
        assertEquals(3, missing.code());
        assertEquals(0, run("explain", "--help").code());
    }
}
