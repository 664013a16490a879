package org.segopt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segopt.ElementType;
import org.segopt.io.NpyTestFiles;
import org.segopt.report.Csv;
import org.segopt.report.ReportTestFiles;

/**
 * {@code calibrate --channel-axis K} and label-map cases: each class's JSON object and files equal
 * those of {@code calibrate} over the class's marginals written out by hand as separate
 * probability or mask cases; a case with another number of channels, a bad channel, cases of the
 * wrong kind and usage errors.
 */
class CalibrateClassesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Every field of a class's object: its key, then those of one calibration, in order. */
    private static final List<String> FIELDS = List.of("cases", "metric", "objective", "threshold", "thresholdExact",
            "score", "scoreExact", "atHalf", "atHalfExact", "oracle", "oracleExact", "optima", "perCase", "errors");

    @TempDir
    Path dir;

    @Test
    void eachChannelEqualsCalibrateOfTheChannelsAsProbabilityCases() throws Exception {
        Random rnd = new Random(21);
        int channels = 3;
        long[] shape = {2, channels, 5}; // channel axis 1: a gather in C and in Fortran order
        List<String> rows = new ArrayList<>(List.of("roi,case,file,kind"));
        List<List<String>> alone = new ArrayList<>();
        for (int c = 0; c < channels; c++) {
            alone.add(new ArrayList<>(List.of("roi,case,file,kind")));
        }
        double[] pool = {0, 0.25, 1.0 / 3, 0.5, 0.75, 1};
        for (int k = 0; k < 4; k++) {
            boolean fortran = k == 2;
            double[] values = new double[30];
            for (int i = 0; i < values.length; i++) {
                values[i] = rnd.nextBoolean() ? pool[rnd.nextInt(pool.length)] : rnd.nextDouble();
            }
            if (k == 3) {
                values[position(shape, fortran, 1, 2, 4)] = Double.NaN; // channel 2 of this case only
            }
            String type = k == 1 ? "<f8" : "<f4";
            ElementType element = k == 1 ? ElementType.FLOAT64 : ElementType.FLOAT32;
            rows.add("A,p" + k + "," + npy("p" + k + ".npy", type, fortran, shape, element, values).getFileName()
                    + ",probability");
            for (int c = 0; c < channels; c++) {
                double[] channel = channel(values, shape, fortran, 1, c);
                Path file = npy("p" + k + "_channel" + c + ".npy", type, false, new long[] {channel.length}, element, channel);
                alone.get(c).add("A,p" + k + "," + file.getFileName() + ",probability");
            }
        }
        npy("two.npy", "<f4", false, new long[] {2, 2, 5}, ElementType.FLOAT32, new double[20]);
        rows.add("A,two,two.npy,probability");
        ReportTestFiles.npy(dir.resolve("mask.npy"), new long[] {10}, new byte[10]);
        rows.add("A,mask,mask.npy,mask");
        Path manifest = Files.write(dir.resolve("channels.csv"), rows);

        for (String objective : List.of("mean", "pooled")) {
            String metric = objective.equals("mean") ? "dice" : "fbeta:2"; // Dice's search refines float bins here
            Path out = dir.resolve("out-" + objective);
            CliRun run = CliRun.of("calibrate", "--manifest", manifest, "--channel-axis", "1", "--metric", metric,
                    "--objective", objective, "--out", out, "--json");
            assertEquals(3, run.code(), run.err());
            assertTrue(run.err().contains("A/two: " + dir.resolve("two.npy") + ": 2 channels along axis 1, not the 3 of "
                    + "most cases (case skipped)"), run.err());
            assertTrue(run.err().contains("A/mask: " + dir.resolve("mask.npy") + ": a case of kind mask has no channels "
                    + "to split along axis 1"), run.err());
            assertTrue(run.err().contains("A/p3: " + dir.resolve("p3.npy") + ": channel 2, voxel 4 has value NaN"), run.err());
            JsonNode classes = JSON.readTree(run.out()).get("classes");
            assertEquals(channels, classes.size());
            for (int c = 0; c < channels; c++) {
                JsonNode j = classes.get(c);
                List<String> names = new ArrayList<>();
                j.fieldNames().forEachRemaining(names::add);
                assertEquals("channel", names.getFirst());
                assertEquals(FIELDS, names.subList(1, names.size()));
                assertEquals(c, j.get("channel").asInt());
                assertEquals(c == 2 ? 3 : 2, j.get("errors").size(), j.toString());

                Path channelManifest = Files.write(dir.resolve("channel" + c + ".csv"), alone.get(c));
                Path reference = dir.resolve("ref-" + objective + c);
                CliRun expected = CliRun.of("calibrate", "--manifest", channelManifest, "--metric", metric,
                        "--objective", objective, "--out", reference, "--json");
                assertEquals(c == 2 ? 3 : 0, expected.code(), expected.err());
                assertEquals(c == 2 ? 3 : 4, j.get("cases").asInt());
                assertEquals(without(JSON.readTree(expected.out()), "errors"), without(without(j, "channel"), "errors"));
                // cases_channel<c>.csv: the reference's rows (the bad case too, for channel 2) and the skipped cases.
                List<List<String>> got = Csv.parse(Files.readString(out.resolve("cases_channel" + c + ".csv")));
                List<List<String>> want = Csv.parse(Files.readString(reference.resolve("cases.csv")));
                assertEquals(want.size() + 2, got.size());
                assertEquals(want.subList(0, want.size() - (c == 2 ? 1 : 0)), got.subList(0, want.size() - (c == 2 ? 1 : 0)));
                assertTrue(Files.exists(out.resolve("curve_channel" + c + ".png")) && Files.exists(out.resolve("curve_channel" + c + ".svg")));
                assertTrue(Files.readString(out.resolve("table_channel" + c + ".md")).contains(j.get("thresholdExact").asText()));
            }
            String table = Files.readString(out.resolve("table.md"));
            assertTrue(table.contains("| channel | metric | objective |"), table);
            for (int c = 0; c < channels; c++) {
                assertTrue(table.contains("| " + c + " | " + metric + " | " + objective + " | " + classes.get(c).get("cases") + " | "
                        + classes.get(c).get("thresholdExact").asText() + " ("), table);
            }
        }
        CliRun table = CliRun.of("calibrate", "--manifest", manifest, "--channel-axis", "1", "--out", dir.resolve("t"));
        assertEquals(3, table.code());
        assertTrue(table.out().startsWith("# Common threshold per channel"), table.out());
    }

    @Test
    void eachClassOfLabelMapsEqualsCalibrateOfTheClassesAsMaskCases() throws Exception {
        Random rnd = new Random(8);
        long[] shape = {3, 4};
        int classes = 3;
        List<String> rows = new ArrayList<>(List.of("roi,case,file,kind"));
        List<List<String>> alone = new ArrayList<>();
        for (int c = 1; c <= classes; c++) {
            alone.add(new ArrayList<>(List.of("roi,case,file")));
        }
        for (int k = 0; k < 3; k++) {
            int raters = k == 1 ? 2 : 3;
            int largest = k == 0 ? 2 : classes; // case 0 lacks class 3: m = 0 for it
            for (int r = 0; r < raters; r++) {
                byte[] map = new byte[12];
                for (int i = 0; i < map.length; i++) {
                    map[i] = (byte) rnd.nextInt(largest + 1);
                }
                String file = "c" + k + "_rater" + r + ".npy";
                ReportTestFiles.npy(dir.resolve(file), shape, map);
                rows.add("organ,c" + k + "," + file + ",labels");
                for (int c = 1; c <= classes; c++) {
                    byte[] mask = new byte[map.length];
                    for (int i = 0; i < map.length; i++) {
                        mask[i] = (byte) (map[i] == c ? 1 : 0);
                    }
                    String maskFile = "c" + k + "_class" + c + "_rater" + r + ".npy";
                    ReportTestFiles.npy(dir.resolve(maskFile), shape, mask);
                    alone.get(c - 1).add("organ,c" + k + "," + maskFile);
                }
            }
        }
        Path manifest = Files.write(dir.resolve("labels.csv"), rows);
        CliRun run = CliRun.of("calibrate", "--manifest", manifest, "--objective", "pooled", "--out", dir.resolve("out"),
                "--json");
        assertEquals(0, run.code(), run.err());
        JsonNode got = JSON.readTree(run.out()).get("classes");
        assertEquals(classes, got.size());
        for (int c = 1; c <= classes; c++) {
            Path masks = Files.write(dir.resolve("class" + c + ".csv"), alone.get(c - 1));
            CliRun expected = CliRun.of("calibrate", "--manifest", masks, "--objective", "pooled", "--out",
                    dir.resolve("ref" + c), "--json");
            assertEquals(0, expected.code(), expected.err());
            assertEquals("class", got.get(c - 1).fieldNames().next());
            assertEquals(c, got.get(c - 1).get("class").asInt());
            assertEquals(JSON.readTree(expected.out()), without(got.get(c - 1), "class"));
            assertEquals(Files.readString(dir.resolve("ref" + c).resolve("cases.csv")).replace(",mask,", ",labels,"),
                    Files.readString(dir.resolve("out").resolve("cases_class" + c + ".csv")));
        }
        // Class 3 of case 0 has M = 0: score 1 at the threshold (above 0), its own optimum 1.
        JsonNode empty = got.get(2).get("perCase").get(0);
        assertEquals("0", empty.get("massExact").asText());
        assertEquals("1", empty.get("scoreExact").asText());
        assertEquals("1", empty.get("optimumExact").asText());

        // A case of another kind among label maps is skipped with its reason.
        ReportTestFiles.npy(dir.resolve("m.npy"), shape, new byte[12]);
        rows.add("organ,m,m.npy,mask");
        CliRun mixed = CliRun.of("calibrate", "--manifest", Files.write(dir.resolve("mixed.csv"), rows), "--out",
                dir.resolve("mixed"), "--json");
        assertEquals(3, mixed.code());
        assertTrue(mixed.err().contains("organ/m: " + dir.resolve("m.npy") + ": a case of kind mask has one marginal, not "
                + "the classes of label maps (case skipped)"), mixed.err());
        assertEquals(1, JSON.readTree(mixed.out()).get("classes").get(0).get("errors").size());
    }

    @Test
    void channelAxisErrors() throws Exception {
        Path p = npy("p.npy", "<f4", false, new long[] {2, 3}, ElementType.FLOAT32, 0, 0.5, 1, 1, 0.5, 0);
        Path manifest = Files.write(dir.resolve("m.csv"), List.of("roi,case,file,kind", "A,x," + p.getFileName()
                + ",probability"));
        Path out = dir.resolve("o");
        CliRun range = CliRun.of("calibrate", "--manifest", manifest, "--channel-axis", "2", "--out", out);
        assertEquals(3, range.code());
        assertTrue(range.err().contains("A/x: " + p + ": channel axis 2 is out of range for shape [2, 3]"), range.err());
        assertTrue(range.err().contains("segopt calibrate: no usable case"), range.err());
        CliRun usage = CliRun.of("calibrate", "--layout", "plastimatch", dir, "--channel-axis", "0", "--out", out);
        assertEquals(2, usage.code());
        assertTrue(usage.err().contains("--channel-axis splits probability files of a --manifest"), usage.err());
        assertEquals(2, CliRun.of("calibrate", "--manifest", manifest, "--channel-axis", "one", "--out", out).code());
        assertEquals(2, CliRun.of("calibrate", "--manifest", manifest, "--out", out, "--channel-axis").code());
        CliRun last = CliRun.of("calibrate", "--manifest", manifest, "--channel-axis", "-1", "--out", out, "--json");
        assertEquals(0, last.code(), last.err());
        // Channels of (0, 0.5, 1 | 1, 0.5, 0) along the last axis: (0, 1), (0.5, 0.5), (1, 0).
        JsonNode classes = JSON.readTree(last.out()).get("classes");
        assertEquals(3, classes.size());
        assertEquals("1/2", classes.get(1).get("thresholdExact").asText());

        // A channel no case can use: its entry has no threshold, only the count and the errors.
        Path nan = npy("nan.npy", "<f4", false, new long[] {2, 3}, ElementType.FLOAT32, 0, Double.NaN, 1, 1, 0.5, 0);
        Path nanManifest = Files.write(dir.resolve("nan.csv"), List.of("roi,case,file,kind", "A,y,nan.npy,probability"));
        CliRun bad = CliRun.of("calibrate", "--manifest", nanManifest, "--channel-axis", "0", "--out", out, "--json");
        assertEquals(3, bad.code(), bad.err());
        assertTrue(bad.err().contains("A/y: " + nan + ": channel 0, voxel 1 has value NaN"), bad.err());
        JsonNode none = JSON.readTree(bad.out()).get("classes");
        assertEquals("{\"channel\":0,\"cases\":0,\"errors\":[\"A/y: " + nan + ": channel 0, voxel 1 has value NaN, not in [0, 1]\"]}",
                none.get(0).toString());
        assertEquals(1, none.get(1).get("cases").asInt());
        assertTrue(Files.readString(out.resolve("table.md")).contains("| 0 | no usable case |"));
    }

    private Path npy(String name, String descr, boolean fortran, long[] shape, ElementType type, double... values)
            throws Exception {
        return NpyTestFiles.write(dir, name, 1, descr, fortran, shape, NpyTestFiles.encode(type, ByteOrder.LITTLE_ENDIAN, values));
    }

    /** The memory position of the element whose index along {@code axis} is {@code c} and along the others {@code rest}. */
    private static int position(long[] shape, boolean fortran, int axis, int c, int rest) {
        for (int p = 0; ; p++) {
            int[] index = index(p, shape, fortran);
            if (index[axis] == c && rest-- == 0) {
                return p;
            }
        }
    }

    /** The elements whose index along {@code axis} is {@code c}, in memory order. */
    private static double[] channel(double[] values, long[] shape, boolean fortran, int axis, int c) {
        return IntStream.range(0, values.length).filter(p -> index(p, shape, fortran)[axis] == c)
                .mapToDouble(p -> values[p]).toArray();
    }

    /** The multi-index of memory position {@code p}: the last axis varies fastest in C order, the first in Fortran. */
    private static int[] index(int p, long[] shape, boolean fortran) {
        int[] index = new int[shape.length];
        for (int j = 0; j < shape.length; j++) {
            int axis = fortran ? j : shape.length - 1 - j;
            index[axis] = (int) (p % shape[axis]);
            p /= (int) shape[axis];
        }
        return index;
    }

    private static JsonNode without(JsonNode node, String key) {
        ObjectNode copy = node.deepCopy();
        copy.remove(key);
        return copy;
    }
}
