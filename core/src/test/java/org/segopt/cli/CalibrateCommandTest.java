package org.segopt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segopt.calibrate.BruteCalibration;
import org.segopt.calibrate.BruteCalibration.Q;
import org.segopt.report.Csv;
import org.segopt.report.ReportTestFiles;

/**
 * {@code segopt calibrate} end to end: a manifest mixing rater-mask cases (3 and 5 raters) and
 * float32 probability cases, two of them bad; the JSON against the brute-force reference; the
 * output files; {@code --roi}; the Plastimatch layout; usage errors; and {@code report} reading the
 * manifest's {@code kind} column.
 */
class CalibrateCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int N = 10;

    @TempDir
    static Path tmp;
    private static Path manifest;
    /** Exact voxel values of the good cases, in manifest order. */
    private static final List<Q[]> GOOD = new ArrayList<>();
    private static final List<String> IDS = new ArrayList<>();

    @BeforeAll
    static void writeDataset() throws IOException {
        Random rnd = new Random(13);
        Path dir = tmp.resolve("set");
        List<String> lines = new ArrayList<>(List.of("roi,case,file,kind"));
        for (int c = 0; c < 3; c++) { // rater masks, R = 3, 5, 3
            int raters = c == 1 ? 5 : 3;
            int[] votes = new int[N];
            for (int r = 0; r < raters; r++) {
                byte[] mask = new byte[N];
                for (int i = 0; i < N; i++) {
                    mask[i] = (byte) (rnd.nextInt(3) == 0 ? 0 : 1);
                    votes[i] += mask[i];
                }
                String file = "m" + c + "_" + r + ".npy";
                ReportTestFiles.npy(dir.resolve(file), new long[] {N}, mask);
                lines.add("A,mask" + c + "," + file + (r == 0 ? ",mask" : ","));
            }
            Q[] q = new Q[N];
            for (int i = 0; i < N; i++) {
                q[i] = Q.of(votes[i], raters);
            }
            GOOD.add(q);
            IDS.add("A/mask" + c);
        }
        float[] pool = {0f, 0.2f, 1f / 3, 0.4f, 0.5f, 0.6f, 0.8f, 1f};
        for (int c = 0; c < 3; c++) { // probabilities, with ties to the mask values and each other
            float[] m = new float[N];
            Q[] q = new Q[N];
            for (int i = 0; i < N; i++) {
                m[i] = rnd.nextBoolean() ? pool[rnd.nextInt(pool.length)] : rnd.nextFloat();
                q[i] = Q.of((double) m[i]);
            }
            ReportTestFiles.npy(dir.resolve("p" + c + ".npy"), m);
            lines.add("A,prob" + c + ",p" + c + ".npy,probability");
            GOOD.add(q);
            IDS.add("A/prob" + c);
        }
        ReportTestFiles.npy(dir.resolve("bad.npy"), new float[] {0.5f, 1.5f});
        lines.add("A,badvalue,bad.npy,probability");
        lines.add("A,missing,nothing-here.npy,mask");
        ReportTestFiles.npy(dir.resolve("b.npy"), new float[] {0.25f, 0.75f, 1f});
        lines.add("B,only,b.npy,probability");
        manifest = dir.resolve("manifest.csv");
        Files.write(manifest, lines);
    }

    @Test
    void jsonEqualsTheBruteForceReferenceAndBadCasesAreSkipped() throws IOException {
        Path out = tmp.resolve("out-pooled");
        CliRun run = CliRun.of("calibrate", "--manifest", manifest, "--roi", "A", "--metric", "fbeta:2",
                "--objective", "pooled", "--out", out, "--json");
        assertEquals(3, run.code(), run.err());
        assertTrue(run.err().contains("A/badvalue") && run.err().contains("1.5"), run.err());
        assertTrue(run.err().contains("A/missing") && run.err().contains("nothing-here.npy"), run.err());
        JsonNode j = JSON.readTree(run.out());
        BruteCalibration.Result e = BruteCalibration.run(GOOD, Q.of(1, 5), Q.of(4, 5), true);
        assertEquals(6, j.get("cases").asInt());
        assertEquals("fbeta:2", j.get("metric").asText());
        assertEquals("pooled", j.get("objective").asText());
        assertEquals(e.threshold().text(), j.get("thresholdExact").asText());
        assertEquals(e.score().text(), j.get("scoreExact").asText());
        assertEquals(e.atHalf().text(), j.get("atHalfExact").asText());
        assertEquals(e.oracle().text(), j.get("oracleExact").asText());
        for (String number : List.of("threshold", "score", "atHalf", "oracle")) {
            assertTrue(j.get(number).isNumber(), number);
        }
        assertEquals(e.optima().size(), j.get("optima").size());
        assertEquals(e.threshold().text(), j.get("optima").get(e.optima().size() - 1).get("thresholdExact").asText());
        assertEquals(2, j.get("errors").size());
        JsonNode perCase = j.get("perCase");
        assertEquals(6, perCase.size());
        for (int k = 0; k < 6; k++) {
            assertEquals(IDS.get(k), perCase.get(k).get("id").asText());
            assertEquals(e.perCase().get(k).text(), perCase.get(k).get("scoreExact").asText());
            assertEquals((long) e.volumes().get(k), perCase.get(k).get("volume").asLong());
            assertEquals(N, perCase.get(k).get("voxels").asInt());
            assertNotNull(perCase.get(k).get("optimumExact"));
        }
        // The files: cases.csv (skipped cases listed), table.md, the curve as PNG and SVG.
        List<List<String>> rows = Csv.parse(Files.readString(out.resolve("cases.csv")));
        assertEquals(9, rows.size());
        assertEquals("roi", rows.getFirst().getFirst());
        assertTrue(rows.stream().anyMatch(r -> r.get(1).equals("badvalue") && r.getLast().startsWith("skipped: ")));
        assertTrue(Files.readString(out.resolve("table.md")).contains(e.threshold().text()));
        assertNotNull(ImageIO.read(out.resolve("curve.png").toFile()));
        try {
            var svg = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(out.resolve("curve.svg").toFile());
            assertEquals(2, svg.getElementsByTagName("polyline").getLength());
            assertEquals(12, svg.getElementsByTagName("line").getLength()); // 10 grid lines, the two markers
        } catch (Exception ex) {
            throw new AssertionError("curve.svg does not parse: " + ex, ex);
        }
    }

    @Test
    void meanDiceByDefaultAndOneRoi() throws IOException {
        CliRun run = CliRun.of("calibrate", "--manifest", manifest, "--roi", "B", "--out", tmp.resolve("out-b"), "--json");
        assertEquals(0, run.code(), run.err());
        JsonNode j = JSON.readTree(run.out());
        assertEquals("dice", j.get("metric").asText());
        assertEquals("mean", j.get("objective").asText());
        assertEquals(1, j.get("cases").asInt());
        // m = (1/4, 3/4, 1): Dice at t = 3/4 is 2·(7/4)/(2 + 2) = 7/8, the best; at 1/2 the same.
        assertEquals("3/4", j.get("thresholdExact").asText());
        assertEquals("7/8", j.get("scoreExact").asText());
        assertEquals("7/8", j.get("atHalfExact").asText());
        assertEquals("1/4", j.get("optima").get(0).get("belowExact").asText());
        CliRun table = CliRun.of("calibrate", "--manifest", manifest, "--roi", "B", "--out", tmp.resolve("out-b2"));
        assertEquals(0, table.code(), table.err());
        assertTrue(table.out().contains("| dice | mean | 1 | 3/4"), table.out());
    }

    @Test
    void plastimatchLayout() throws IOException {
        Path dir = tmp.resolve("plastimatch");
        byte[][] masks = {{1, 1, 0, 0}, {1, 0, 0, 0}, {1, 1, 1, 0}};
        for (int u = 0; u < masks.length; u++) {
            ReportTestFiles.nrrd(dir.resolve("P1").resolve("Bladder (User" + (u + 1) + ").nrrd"), new long[] {1, 2, 2}, masks[u]);
        }
        CliRun run = CliRun.of("calibrate", "--layout", "plastimatch", dir, "--out", tmp.resolve("out-p"), "--json");
        assertEquals(0, run.code(), run.err());
        JsonNode j = JSON.readTree(run.out());
        assertEquals(1, j.get("cases").asInt());
        assertEquals("Bladder/P1", j.get("perCase").get(0).get("id").asText());
        // m = (1, 2/3, 1/3, 0), M = 2: Dice 2/3 at t = 1, 2·(5/3)/(2 + 2) = 5/6 at 2/3, 4/5 at 1/3.
        assertEquals("2/3", j.get("thresholdExact").asText());
        assertEquals("5/6", j.get("scoreExact").asText());
        assertEquals("5/6", j.get("oracleExact").asText());
    }

    @Test
    void usageErrors() {
        assertEquals(2, CliRun.of("calibrate", "--manifest", manifest).code());
        assertEquals(2, CliRun.of("calibrate", "--manifest", manifest, "--out", tmp.resolve("u"), "--metric", "dice2").code());
        assertEquals(2, CliRun.of("calibrate", "--manifest", manifest, "--out", tmp.resolve("u"), "--objective", "max").code());
        assertEquals(2, CliRun.of("calibrate", "--out", tmp.resolve("u")).code());
        CliRun help = CliRun.of("calibrate", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("--objective mean|pooled"));
        CliRun none = CliRun.of("calibrate", "--manifest", manifest, "--roi", "C", "--out", tmp.resolve("u"));
        assertEquals(3, none.code());
        assertTrue(none.err().contains("no case of ROI 'C' (ROIs: A, B)"), none.err());
    }

    @Test
    void reportReadsTheKindColumn() throws IOException {
        Path out = tmp.resolve("report");
        CliRun run = CliRun.of("report", "--manifest", manifest, "--out", out, "--json");
        assertEquals(3, run.code(), run.err()); // the two bad cases
        List<List<String>> rows = Csv.parse(Files.readString(out.resolve("cases.csv")));
        List<String> only = rows.stream().filter(r -> r.get(1).equals("only")).findFirst().orElseThrow();
        // m = (1/4, 3/4, 1): the greatest Dice-optimal volume is 2 (tau* = 7/16).
        assertEquals("2", only.get(rows.getFirst().indexOf("dice_greatest_volume")), only.toString());
        assertEquals("", only.getLast());
        Path bad = tmp.resolve("bad-kind.csv");
        Files.writeString(bad, "roi,case,file,kind\nA,x,p0.npy,logits\n");
        CliRun unknown = CliRun.of("report", "--manifest", bad, "--out", tmp.resolve("report2"));
        assertEquals(3, unknown.code());
        assertTrue(unknown.err().contains("row 2") && unknown.err().contains("unknown kind 'logits'"), unknown.err());
        Path mixed = tmp.resolve("set").resolve("mixed.csv");
        Files.writeString(mixed, "roi,case,file,kind\nA,x,p0.npy,probability\nA,x,p1.npy,probability\nA,y,p2.npy,probability\n");
        CliRun two = CliRun.of("calibrate", "--manifest", mixed, "--out", tmp.resolve("mixed"), "--json");
        assertEquals(3, two.code());
        assertTrue(two.err().contains("A/x") && two.err().contains("one row"), two.err());
        assertEquals(1, JSON.readTree(two.out()).get("cases").asInt());
    }
}
