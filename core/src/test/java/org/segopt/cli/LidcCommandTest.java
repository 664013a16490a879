package org.segopt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.segopt.lidc.LidcTestXml.characteristics;
import static org.segopt.lidc.LidcTestXml.ct;
import static org.segopt.lidc.LidcTestXml.cxr;
import static org.segopt.lidc.LidcTestXml.nodule;
import static org.segopt.lidc.LidcTestXml.nonNodule;
import static org.segopt.lidc.LidcTestXml.rectangle;
import static org.segopt.lidc.LidcTestXml.roi;
import static org.segopt.lidc.LidcTestXml.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segopt.Fraction;
import org.segopt.report.Csv;

/**
 * {@code segopt lidc} on synthetic LIDC XML written by the test: rectangles with known interiors,
 * an exclusion hole, stray points, small nodules, a duplicate series, a chest radiograph file and
 * broken files. The expected vote maps are written down by hand; their ratios come from an exact
 * evaluation of every top-v segmentation.
 */
class LidcCommandTest {

    @TempDir
    static Path tmp;
    private static Path dir;

    @BeforeAll
    static void writeArchive() throws IOException {
        dir = tmp.resolve("xml");
        // S1: readers 1-3 mark one nodule; votes on z = -100: 3 on rows/cols 11..13 x 21..23 (3 x 3),
        // 1 on the rest of rows 10..14 x cols 20..24 (16); on z = -102.5: 1 on 11..13 x 21..23 (9)
        write("a/157/158.xml", ct("S1",
                session(nodule("N1", characteristics(),
                                roi("-100.0", true, rectangle(10, 20, 14, 24)),
                                roi("-101.0", true, List.of(new int[] {300, 300}))),              // stray point
                        nodule("tiny", null, roi("-90", true, List.of(new int[] {100, 100}))),     // < 3 mm
                        nonNodule(200, 200)),
                session(nodule("N1b", characteristics(),
                        roi("-100.000000 ", true, rectangle(10, 20, 14, 24)),                     // same slice
                        roi("-102.5", true, rectangle(10, 20, 14, 24)))),
                session(nodule("N1c", characteristics(), roi("-100", true, rectangle(9, 19, 15, 25))),
                        nodule("zero", characteristics("3", "1", "6", "0", "3", "3", "3", "3", "3"),
                                roi("-100", true, rectangle(0, 0, 40, 40)))),
                session(nodule("dots", characteristics(), roi("-100", true, List.of(new int[] {50, 50}))))));
        write("a/157/zz-copy.xml", ct("S1", session(nodule("X", characteristics(), roi("1", true, rectangle(0, 0, 9, 9))))));
        // S2: one reader, a 4 x 6 rectangle with a one-pixel hole: 8 - 0 interior... see expected()
        write("b/200/1.xml", ct("S2",
                session(nodule("A", characteristics(),
                        roi("5", true, rectangle(100, 200, 105, 207)),        // interior rows 101..104 x cols 201..206: 24
                        roi("5", false, rectangle(102, 203, 104, 205)))),      // removes its ring (8) and inside (1)
                session(), session(), session()));
        write("b/200/2.xml", ct("S3", session(nodule("s", null, roi("1", true, List.of(new int[] {3, 3})))), session()));
        write("b/cxr/0001.xml", cxr());
        // S4: reader 1 annotates the nodule twice, the three others once: 5 annotations overlap
        String square = roi("7", true, rectangle(20, 20, 24, 24));
        write("d/overlap.xml", ct("S4", session(nodule("a", characteristics(), square), nodule("b", characteristics(), square)),
                session(nodule("c", characteristics(), square)), session(nodule("d", characteristics(), square)),
                session(nodule("e", characteristics(), square))));
        String good = ct("S9", session(nodule("n", characteristics(), roi("1", true, rectangle(0, 0, 4, 4)))));
        write("e/broken.xml", good.substring(0, good.length() / 2));
        write("e/outside.xml", good.replace("S9", "S10").replaceFirst("<xCoord>4</xCoord>", "<xCoord>600</xCoord>"));
        write("e/noz.xml", good.replace("S9", "S11").replace("<imageZposition>1</imageZposition>", ""));
        Files.writeString(dir.resolve("README.txt"), "not xml");
    }

    private static void write(String rel, String xml) throws IOException {
        Path f = dir.resolve(rel);
        Files.createDirectories(f.getParent());
        Files.writeString(f, xml);
    }

    /** The expected votes of each analysed series (only the voxels with m > 0 matter). */
    private static Map<String, int[]> expectedVotes() {
        Map<String, int[]> v = new HashMap<>();
        int[] s1 = new int[9 + 16 + 9];
        Arrays.fill(s1, 0, 9, 3);
        Arrays.fill(s1, 9, 34, 1);
        v.put("S1", s1);
        int[] s2 = new int[24 - 9];
        Arrays.fill(s2, 1);
        v.put("S2", s2);
        int[] s4 = new int[9];
        Arrays.fill(s4, 4);
        v.put("S4", s4);
        return v;
    }

    /**
     * {accuracy ratio, dice ratio, sup D} of votes / 4, exactly: the greatest volume of
     * {m ≥ 1/2} and of the largest maximizer of 2 Σ_top-v m / (M + v) over every v.
     */
    private static Fraction[] exact(int[] votes) {
        int[] sorted = Arrays.stream(votes).boxed().sorted((a, b) -> b - a).mapToInt(Integer::intValue).toArray();
        long total = Arrays.stream(votes).sum();
        long accuracy = Arrays.stream(votes).filter(c -> 2 * c >= 4).count();
        long bestNum = 0;
        long bestDen = 1;
        long bestV = 0;
        long prefix = 0;
        for (int v = 1; v <= sorted.length; v++) {
            prefix += sorted[v - 1];
            long num = 2 * prefix;
            long den = total + 4L * v; // (2 prefix / 4) / (total / 4 + v)
            if (num * bestDen > bestNum * den || (num * bestDen == bestNum * den && v > bestV)) {
                bestNum = num;
                bestDen = den;
                bestV = v;
            }
        }
        Fraction mass = Fraction.of(total, 4);
        return new Fraction[] {ratio(accuracy, mass), ratio(bestV, mass), Fraction.of(bestNum, bestDen)};
    }

    private static Fraction ratio(long volume, Fraction mass) {
        return Fraction.of(BigInteger.valueOf(volume).multiply(mass.denominator()), mass.numerator());
    }

    private static CliRun run(Object... args) {
        return CliRun.of(args);
    }

    @Test
    void analysesTheSeriesReportsTheRestAndExitsThree() throws IOException {
        Path out = tmp.resolve("out");
        CliRun r = run("lidc", dir.toString(), "--out", out.toString(), "--json");
        assertEquals(3, r.code(), r.err());
        assertTrue(r.err().contains("broken.xml") && r.err().contains("malformed XML"), r.err());
        assertTrue(r.err().contains("outside.xml") && r.err().contains("xCoord 600 is outside"), r.err());
        assertTrue(r.err().contains("noz.xml") && r.err().contains("missing imageZposition"), r.err());
        assertTrue(r.err().contains("3 file(s) skipped because of errors"), r.err());
        assertTrue(r.err().contains("lidc: 7/7 done"), r.err());

        Map<String, int[]> votes = expectedVotes();
        List<List<String>> rows = Csv.parse(Files.readString(out.resolve("cases.csv")));
        List<String> h = rows.getFirst();
        assertEquals(List.of("S1", "S2", "S3", "S4", "S10", "S11").size() - 2, rows.size() - 1, rows.toString());
        List<Double> accuracy = new ArrayList<>();
        List<Double> dice = new ArrayList<>();
        for (List<String> row : rows.subList(1, rows.size())) {
            String uid = row.get(h.indexOf("series_uid"));
            accuracy.add(Double.parseDouble(row.get(h.indexOf("accuracy_ratio"))));
            dice.add(Double.parseDouble(row.get(h.indexOf("dice_ratio"))));
            if (uid.equals("S3")) {
                assertEquals("0", row.get(h.indexOf("annotations")));
                assertEquals("1", row.get(h.indexOf("accuracy_ratio")));
                assertEquals("1", row.get(h.indexOf("dice_ratio")));
                assertTrue(row.get(h.indexOf("note")).contains("(1, 1)"));
                continue;
            }
            int[] v = votes.get(uid);
            Fraction[] e = exact(v);
            assertEquals(v.length, Long.parseLong(row.get(h.indexOf("voxels_m_positive"))), uid);
            assertEquals(Arrays.stream(v).sum() / 4.0, Double.parseDouble(row.get(h.indexOf("mass"))), uid);
            assertEquals(e[0].doubleValue(), Double.parseDouble(row.get(h.indexOf("accuracy_ratio"))), uid);
            assertEquals(e[1].doubleValue(), Double.parseDouble(row.get(h.indexOf("dice_ratio"))), uid);
            assertEquals(e[2].toString(), row.get(h.indexOf("dice_sup_exact")), uid);
        }
        List<String> s1 = rows.get(1);
        assertEquals("S1", s1.get(0));
        assertEquals("a/157/158.xml", s1.get(h.indexOf("file")));
        assertEquals("4", s1.get(h.indexOf("readers")));
        assertEquals("3", s1.get(h.indexOf("annotations")));
        assertEquals("27/44", s1.get(h.indexOf("dice_sup_exact")));  // top 9 voxels at m = 3/4: 13.5 / 22
        assertEquals("27/88", s1.get(h.indexOf("tau_star_exact")));
        assertEquals("9", s1.get(h.indexOf("dice_greatest_volume")));
        List<String> s2 = rows.get(2);
        assertEquals("0", s2.get(h.indexOf("accuracy_ratio")));
        assertEquals("4", s2.get(h.indexOf("dice_ratio")));         // one reader: the paper's extreme 4
        List<String> s4 = rows.get(4);
        assertEquals("true", s4.get(h.indexOf("reader_dedup")));
        assertEquals("1", s4.get(h.indexOf("dice_ratio")));

        List<List<String>> skipped = Csv.parse(Files.readString(out.resolve("skipped.csv")));
        String all = skipped.toString();
        assertTrue(all.contains("duplicate: series already read from a/157/158.xml"), all);
        assertTrue(all.contains("chest radiograph"), all);
        assertTrue(all.contains("reader 4, nodule dots: no roi with more than one point"), all);
        assertEquals(3, skipped.stream().filter(row -> row.get(4).equals("true")).count(), all);

        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals(4, json.get("scans").asInt());
        assertEquals(9, json.get("files").asInt());
        assertEquals(1, json.get("radiographs").asInt());
        assertEquals(1, json.get("emptySeries").asInt());
        assertEquals("S4", json.get("readerDeduplicated").get(0).asText());
        assertEquals(3, json.get("errors").asInt());
        double[] a = accuracy.stream().mapToDouble(x -> x).toArray();
        double[] d = dice.stream().mapToDouble(x -> x).toArray();
        assertStats(json.get("accuracyRatio"), a);
        assertStats(json.get("diceRatio"), d);
        assertTrue(json.get("skipped").size() >= 6);

        List<List<String>> table = Csv.parse(Files.readString(out.resolve("table.csv")));
        assertEquals("(L) Lung nodules", table.get(1).get(0));
        assertEquals("4", table.get(1).get(1));
        String md = Files.readString(out.resolve("table.md"));
        assertTrue(md.contains("| (L) Lung nodules | 4 |"), md);
        assertTrue(md.contains("each reader is counted once: S4"), md);
        BufferedImage png = ImageIO.read(out.resolve("scatter.png").toFile());
        assertEquals(340, png.getWidth());
        String svg = Files.readString(out.resolve("scatter.svg"));
        assertEquals(4, svg.split("class=\"point\"", -1).length - 1);
        assertTrue(svg.contains(">4.0</text>"), "axes 0-4 as Figure 6");
    }

    private static void assertStats(JsonNode s, double[] v) {
        double mean = Arrays.stream(v).average().orElseThrow();
        double var = Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / v.length;
        assertEquals(mean, s.get("mean").asDouble(), 1e-12);
        assertEquals(Math.sqrt(var), s.get("std").asDouble(), 1e-12);
        assertEquals(Arrays.stream(v).min().orElseThrow(), s.get("min").asDouble());
        assertEquals(Arrays.stream(v).max().orElseThrow(), s.get("max").asDouble());
    }

    @Test
    void skipEmptyLeavesSeriesWithoutAnnotationsOut() throws IOException {
        Path out = tmp.resolve("out-skip");
        CliRun r = run("lidc", dir.toString(), "--out", out.toString(), "--json", "--skip-empty", "--jobs", "2");
        assertEquals(3, r.code(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals(3, json.get("scans").asInt());
        assertTrue(Files.readString(out.resolve("skipped.csv")).contains("--skip-empty"));
        assertTrue(Files.readString(out.resolve("table.md")).contains("left out of the statistics (--skip-empty)"));
    }

    @Test
    void cleanDirectoryExitsZero() throws IOException {
        Path clean = tmp.resolve("clean");
        Files.createDirectories(clean);
        Files.copy(dir.resolve("a/157/158.xml"), clean.resolve("a.xml"));
        CliRun r = run("lidc", clean.toString(), "--out", tmp.resolve("out-clean").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("| (L) Lung nodules | 1 | 0.692 | 0.000 | 0.692 | 0.692 | 0.692 |"), r.out());
    }

    @Test
    void usageErrors() {
        assertEquals(2, run("lidc", "--out", "x").code());
        assertTrue(run("lidc", dir.toString()).err().contains("--out OUTDIR is required"));
        assertTrue(run("lidc", "a", "b", "--out", "x").err().contains("one DIR only"));
        assertEquals(2, run("lidc", dir.toString(), "--out", "x", "--bogus").code());
        CliRun missing = run("lidc", tmp.resolve("none").toString(), "--out", tmp.resolve("o").toString());
        assertEquals(3, missing.code());
        assertTrue(missing.err().contains("not a directory"), missing.err());
        assertEquals(0, run("lidc", "--help").code());
    }
}
