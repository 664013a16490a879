package org.segopt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segopt.report.BruteForce;
import org.segopt.report.Csv;
import org.segopt.report.ReportTestFiles;

/**
 * {@code segopt report} on a synthetic multi-rater dataset (3 ROIs × 4 patients × 5 users, tiny
 * masks) written by the test, as a manifest of {@code .npy} masks and in the Plastimatch layout as
 * {@code .nrrd}; Table 1 is checked against statistics of ratios found by brute force over all
 * segmentations.
 */
class ReportCommandTest {
    private static final long[] SHAPE = {2, 2, 3};
    private static final int N = 12;
    private static final List<String> ROIS = List.of("Urinary bladder", "Neurovascular b., left", "Rectum");
    private static final List<String> PATIENTS = List.of("1_01_P", "1_02_P", "2_03_P", "3_04_P");

    /** One synthetic case: the users who delineated it (1-based) and their masks. */
    private record Case(String roi, String patient, List<Integer> users, List<byte[]> masks) {
        int[] votes() {
            int[] v = new int[N];
            for (byte[] m : masks) {
                for (int i = 0; i < N; i++) {
                    v[i] += m[i];
                }
            }
            return v;
        }
    }

    private record Expected(int cases, double[] accuracy, double[] dice, List<String> undefined) {
    }


    @TempDir
    static Path tmp;
    private static List<Case> cases;
    private static Path manifest;
    private static Path plastimatch;

    @BeforeAll
    static void writeDataset() throws IOException {
        cases = dataset();
        manifest = tmp.resolve("manifest-data").resolve("masks.csv");
        List<String> lines = new ArrayList<>(List.of("case,roi,file,comment"));
        plastimatch = tmp.resolve("plastimatch");
        for (Case c : cases) {
            for (int k = 0; k < c.users().size(); k++) {
                String rel = "npy/" + c.patient() + "/" + c.roi().replace(' ', '_') + "_u" + c.users().get(k) + ".npy";
                ReportTestFiles.npy(manifest.getParent().resolve(rel), SHAPE, c.masks().get(k));
                lines.add(Csv.line(List.of(c.patient(), c.roi(), rel, "user " + c.users().get(k))));
                ReportTestFiles.nrrd(plastimatch.resolve(c.patient()).resolve(c.roi() + " (User" + c.users().get(k) + ").nrrd"),
                        SHAPE, c.masks().get(k));
            }
        }
        Files.write(manifest, lines);
        Files.writeString(plastimatch.resolve("1_01_P").resolve("notes.txt"), "not a mask");
    }

    /** Seeded masks: one ROI where raters agree, one where they disagree a lot, one in between. */
    private static List<Case> dataset() {
        Random random = new Random(20220401);
        List<Case> out = new ArrayList<>();
        for (int r = 0; r < ROIS.size(); r++) {
            for (int p = 0; p < PATIENTS.size(); p++) {
                String roi = ROIS.get(r);
                String patient = PATIENTS.get(p);
                List<Integer> users = new ArrayList<>(List.of(1, 2, 3, 4, 5));
                if (roi.equals("Urinary bladder") && p == 1) {
                    users.remove(Integer.valueOf(3)); // User3 did not delineate: R = 4
                }
                boolean[] base = new boolean[N];
                for (int i = 0; i < N; i++) {
                    base[i] = random.nextDouble() < 0.45;
                }
                double flip = r == 0 ? 0.05 : r == 1 ? 0.45 : 0.2;
                List<byte[]> masks = new ArrayList<>();
                for (int u = 0; u < users.size(); u++) {
                    byte[] m = new byte[N];
                    if (!(roi.equals("Rectum") && p == 3)) { // Rectum of 3_04_P: nobody marked anything, M = 0
                        for (int i = 0; i < N; i++) {
                            m[i] = (byte) ((base[i] ^ random.nextDouble() < flip) ? 1 : 0);
                        }
                    }
                    masks.add(m);
                }
                out.add(new Case(roi, patient, users, masks));
            }
        }
        return out;
    }

    /** Table 1 by brute force, per ROI. */
    private static Map<String, Expected> expected(List<Case> of) {
        Map<String, List<Case>> byRoi = new LinkedHashMap<>();
        for (Case c : of) {
            byRoi.computeIfAbsent(c.roi(), k -> new ArrayList<>()).add(c);
        }
        Map<String, Expected> e = new LinkedHashMap<>();
        byRoi.forEach((roi, group) -> {
            List<Double> a = new ArrayList<>();
            List<Double> d = new ArrayList<>();
            List<String> undefined = new ArrayList<>();
            for (Case c : group) {
                int[] votes = c.votes();
                int total = java.util.Arrays.stream(votes).sum();
                if (total == 0) {
                    undefined.add(c.patient());
                    continue;
                }
                long[] volumes = BruteForce.greatestVolumes(votes, c.users().size());
                a.add(ratio(volumes[0], c.users().size(), total));
                d.add(ratio(volumes[1], c.users().size(), total));
            }
            e.put(roi, new Expected(a.size(), a.stream().mapToDouble(x -> x).toArray(),
                    d.stream().mapToDouble(x -> x).toArray(), undefined));
        });
        return e;
    }

    /** volume / M with M = total / R, exactly rounded. */
    private static double ratio(long volume, int raters, int total) {
        return new BigDecimal(volume * raters).divide(new BigDecimal(total), MathContext.DECIMAL128).doubleValue();
    }

    /** {mean, population std, min, max}, computed in BigDecimal. */
    private static double[] stats(double[] v) {
        MathContext mc = MathContext.DECIMAL128;
        BigDecimal sum = BigDecimal.ZERO;
        for (double x : v) {
            sum = sum.add(new BigDecimal(x));
        }
        BigDecimal mean = sum.divide(BigDecimal.valueOf(v.length), mc);
        BigDecimal squares = BigDecimal.ZERO;
        for (double x : v) {
            BigDecimal dev = new BigDecimal(x).subtract(mean);
            squares = squares.add(dev.multiply(dev));
        }
        double std = squares.divide(BigDecimal.valueOf(v.length), mc).sqrt(mc).doubleValue();
        return new double[] {mean.doubleValue(), std, java.util.Arrays.stream(v).min().orElseThrow(),
                java.util.Arrays.stream(v).max().orElseThrow()};
    }

    private static CliRun run(Object... args) {
        return CliRun.of(args);
    }

    private static void assertTable(Path tableCsv, Map<String, Expected> expected) throws IOException {
        List<List<String>> rows = Csv.parse(Files.readString(tableCsv));
        assertEquals(List.of("roi", "cases", "accuracy_mean", "accuracy_std", "accuracy_min", "accuracy_max",
                "dice_mean", "dice_std", "dice_min", "dice_max"), rows.getFirst());
        assertEquals(expected.size() + 1, rows.size());
        for (List<String> row : rows.subList(1, rows.size())) {
            Expected e = expected.get(row.get(0));
            assertEquals(e.cases(), Integer.parseInt(row.get(1)), row.toString());
            double[] a = stats(e.accuracy());
            double[] d = stats(e.dice());
            for (int i = 0; i < 4; i++) {
                assertEquals(a[i], Double.parseDouble(row.get(2 + i)), 1e-12, row.get(0) + " accuracy " + i);
                assertEquals(d[i], Double.parseDouble(row.get(6 + i)), 1e-12, row.get(0) + " dice " + i);
            }
        }
    }

    @Test
    void manifestOfNpyMasksGivesTheBruteForceTable() throws IOException {
        Path out = tmp.resolve("out-manifest");
        CliRun r = run("report", "--manifest", manifest.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        Map<String, Expected> expected = expected(cases);
        assertTable(out.resolve("table.csv"), expected);
        // the table is not trivial: the disagreeing ROI has Dice-optimal volumes above M, Accuracy below
        assertTrue(stats(expected.get("Neurovascular b., left").dice())[3] > 1.2);
        assertTrue(stats(expected.get("Neurovascular b., left").accuracy())[2] < 0.9);

        List<List<String>> rows = Csv.parse(Files.readString(out.resolve("cases.csv")));
        assertEquals(cases.size() + 1, rows.size());
        List<String> header = rows.getFirst();
        for (String column : List.of("roi", "case", "raters", "voxels", "mass", "accuracy_least_volume",
                "accuracy_greatest_volume", "accuracy_sup", "dice_sup", "tau_star", "dice_least_volume",
                "dice_greatest_volume", "accuracy_ratio", "dice_ratio", "volume_constrained_dice")) {
            assertTrue(header.contains(column), column);
        }
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            List<String> row = rows.get(i + 1);
            assertEquals(c.roi(), row.get(header.indexOf("roi")));
            assertEquals(c.patient(), row.get(header.indexOf("case")));
            assertEquals(c.users().size(), Integer.parseInt(row.get(header.indexOf("raters"))));
            assertEquals(N, Integer.parseInt(row.get(header.indexOf("voxels"))));
            int total = java.util.Arrays.stream(c.votes()).sum();
            assertEquals((double) total / c.users().size(), Double.parseDouble(row.get(header.indexOf("mass"))), 1e-12);
            if (total > 0) {
                long[] v = BruteForce.greatestVolumes(c.votes(), c.users().size());
                assertEquals(v[0], Long.parseLong(row.get(header.indexOf("accuracy_greatest_volume"))));
                assertEquals(v[1], Long.parseLong(row.get(header.indexOf("dice_greatest_volume"))));
            } else {
                assertEquals("", row.get(header.indexOf("accuracy_ratio")));
                assertTrue(row.get(header.indexOf("note")).contains("M = 0"));
            }
        }
        String md = Files.readString(out.resolve("table.md"));
        assertTrue(md.contains("| Urinary bladder | 4 |"), md);
        assertTrue(md.contains("| Rectum | 3 |"), md);
        assertTrue(md.contains("M = 0") && md.contains("Rectum/3_04_P"), md);
        assertTrue(md.contains("population standard deviation"), md);
        assertTrue(r.out().contains("| Neurovascular b., left | 4 |"), r.out());
        assertTrue(r.err().contains("Rectum/3_04_P: M = 0"), r.err());

        BufferedImage png = ImageIO.read(out.resolve("scatter.png").toFile());
        assertEquals(3 * 340, png.getWidth());
        assertEquals(340, png.getHeight());
        String svg = Files.readString(out.resolve("scatter.svg"));
        assertTrue(svg.startsWith("<?xml"), svg);
        assertEquals(11, svg.split("class=\"point\"", -1).length - 1, "one circle per case with M > 0");
        assertEquals(3, svg.split("class=\"identity\"", -1).length - 1);
        assertTrue(svg.contains("Neurovascular b., left (4)"));
    }

    @Test
    void plastimatchLayoutOfNrrdMasksGivesTheSameTable() throws IOException {
        Path out = tmp.resolve("out-plastimatch");
        CliRun r = run("report", "--layout", "plastimatch", plastimatch.toString(), "--out", out.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("ignored 1 file"), r.err());
        Map<String, Expected> expected = expected(cases);
        assertTable(out.resolve("table.csv"), expected);
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals(3, json.get("rois").size());
        // Plastimatch layout: ROIs by name
        assertEquals("Neurovascular b., left", json.get("rois").get(0).get("roi").asText());
        for (JsonNode roi : json.get("rois")) {
            Expected e = expected.get(roi.get("roi").asText());
            assertEquals(e.cases(), roi.get("cases").asInt());
            double[] a = stats(e.accuracy());
            double[] d = stats(e.dice());
            String[] keys = {"mean", "std", "min", "max"};
            for (int i = 0; i < 4; i++) {
                assertEquals(a[i], roi.get("accuracyRatio").get(keys[i]).asDouble(), 1e-12);
                assertEquals(d[i], roi.get("diceRatio").get(keys[i]).asDouble(), 1e-12);
            }
        }
        assertEquals("3_04_P", json.get("rois").get(1).get("undefined").get(0).asText());
        List<List<String>> rows = Csv.parse(Files.readString(out.resolve("cases.csv")));
        List<String> header = rows.getFirst();
        boolean sawFourRaters = false;
        for (List<String> row : rows.subList(1, rows.size())) {
            if (row.get(header.indexOf("roi")).equals("Urinary bladder") && row.get(header.indexOf("case")).equals("1_02_P")) {
                assertEquals("4", row.get(header.indexOf("raters")), "a missing User file is a rater who did not delineate");
                sawFourRaters = true;
            }
        }
        assertTrue(sawFourRaters);
    }

    @Test
    void badCasesAreReportedSkippedAndExitThree() throws IOException {
        Path dir = tmp.resolve("bad");
        List<String> lines = new ArrayList<>(List.of("roi,case,file"));
        List<Case> good = cases.stream().filter(c -> c.roi().equals("Urinary bladder")).toList();
        for (Case c : good) {
            for (int k = 0; k < c.masks().size(); k++) {
                String rel = c.patient() + "_" + k + ".npy";
                ReportTestFiles.npy(dir.resolve(rel), SHAPE, c.masks().get(k));
                lines.add("Urinary bladder," + c.patient() + "," + rel);
            }
        }
        byte[] ones = new byte[N];
        java.util.Arrays.fill(ones, (byte) 1);
        byte[] two = ones.clone();
        two[5] = 2;
        ReportTestFiles.npy(dir.resolve("a.npy"), SHAPE, ones);
        ReportTestFiles.npy(dir.resolve("wide.npy"), new long[] {3, 4}, ones);
        ReportTestFiles.npy(dir.resolve("two.npy"), SHAPE, two);
        Files.write(dir.resolve("garbage.npy"), new byte[] {1, 2, 3});
        lines.add("Bad,shape,a.npy");
        lines.add("Bad,shape,wide.npy");
        lines.add("Bad,value,a.npy");
        lines.add("Bad,value,two.npy");
        lines.add("Bad,missing,a.npy");
        lines.add("Bad,missing,no-such.npy");
        lines.add("Bad,garbage,garbage.npy");
        Files.write(dir.resolve("m.csv"), lines);
        Path out = tmp.resolve("out-bad");
        CliRun r = run("report", "--manifest", dir.resolve("m.csv").toString(), "--out", out.toString(), "--json");
        assertEquals(3, r.code(), r.err());
        assertTrue(r.err().contains("Bad/shape") && r.err().contains("wide.npy") && r.err().contains("shape [3, 4]"), r.err());
        assertTrue(r.err().contains("Bad/value") && r.err().contains("two.npy") && r.err().contains("voxel 5 has value 2"), r.err());
        assertTrue(r.err().contains("Bad/missing") && r.err().contains("no-such.npy"), r.err());
        assertTrue(r.err().contains("Bad/garbage") && r.err().contains("garbage.npy"), r.err());
        assertTrue(r.err().contains("4 case(s) skipped"), r.err());
        Map<String, Expected> expected = expected(good);
        expected.put("Bad", new Expected(0, new double[0], new double[0], List.of()));
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals(4, json.get("errors").size());
        assertEquals(0, json.get("rois").get(1).get("cases").asInt());
        assertTrue(json.get("rois").get(1).get("accuracyRatio").get("mean").isNull());
        List<List<String>> rows = Csv.parse(Files.readString(out.resolve("table.csv")));
        assertEquals("Urinary bladder", rows.get(1).get(0));
        double[] d = stats(expected.get("Urinary bladder").dice());
        assertEquals(d[0], Double.parseDouble(rows.get(1).get(6)), 1e-12);
        assertTrue(Files.readString(out.resolve("table.md")).contains("Skipped because of an error (4)"));
        assertTrue(Files.readString(out.resolve("cases.csv")).contains("skipped: "));
    }

    @Test
    void usageAndDatasetErrors() {
        assertEquals(2, run("report", "--out", "x").code());
        CliRun both = run("report", "--manifest", "a.csv", "--layout", "plastimatch", "d", "--out", "x");
        assertEquals(2, both.code());
        assertTrue(both.err().contains("exactly one of"), both.err());
        CliRun layout = run("report", "--layout", "gold", "d", "--out", "x");
        assertEquals(2, layout.code());
        assertTrue(layout.err().contains("--layout must be plastimatch"), layout.err());
        CliRun noOut = run("report", "--manifest", manifest.toString());
        assertEquals(2, noOut.code());
        assertTrue(noOut.err().contains("--out DIR is required"), noOut.err());
        CliRun missing = run("report", "--manifest", tmp.resolve("nope.csv").toString(), "--out", tmp.resolve("o1").toString());
        assertEquals(3, missing.code());
        assertTrue(missing.err().contains("cannot read the manifest"), missing.err());
        CliRun notDir = run("report", "--layout", "plastimatch", tmp.resolve("nope").toString(), "--out", tmp.resolve("o2").toString());
        assertEquals(3, notDir.code());
        assertTrue(notDir.err().contains("not a directory"), notDir.err());
        assertEquals(0, run("report", "--help").code());
        assertTrue(run("--help").out().contains("report"));
        assertFalse(Files.exists(tmp.resolve("o1").resolve("table.csv")));
    }

    @Test
    void manifestWithoutTheColumnsIsAnInputError() throws IOException {
        Path csv = tmp.resolve("badheader.csv");
        Files.writeString(csv, "region,patient,path\nA,B,c.npy\n");
        CliRun r = run("report", "--manifest", csv.toString(), "--out", tmp.resolve("o3").toString());
        assertEquals(3, r.code());
        assertTrue(r.err().contains("roi, case and file"), r.err());
    }
}
