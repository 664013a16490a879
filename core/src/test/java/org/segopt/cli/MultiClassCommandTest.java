package org.segopt.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segopt.ElementType;
import org.segopt.io.ArrayReaders;
import org.segopt.io.MedicalTestFiles;
import org.segopt.io.NdArray;
import org.segopt.io.NpyTestFiles;

/**
 * {@code analyze} and {@code segment} with {@code --channel-axis K} and {@code --labels}: each
 * class's JSON object and mask equal those of the class's marginal written out by hand as its own
 * file; bad inputs and options are one-line errors.
 */
class MultiClassCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path npy(String name, String descr, boolean fortran, long[] shape, ElementType type, double... values)
            throws Exception {
        return NpyTestFiles.write(dir, name, 1, descr, fortran, shape, NpyTestFiles.encode(type, ByteOrder.LITTLE_ENDIAN, values));
    }

    private static JsonNode json(CliRun r) throws Exception {
        assertEquals(0, r.code(), r.err());
        return JSON.readTree(r.out());
    }

    /** {@code node} without field {@code key}. */
    private static JsonNode without(JsonNode node, String key) {
        ObjectNode copy = node.deepCopy();
        copy.remove(key);
        return copy;
    }

    private static double[] random(Random rnd, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextBoolean() ? rnd.nextInt(5) / 4.0 : rnd.nextDouble();
        }
        return v;
    }

    @Test
    void metricsApplyToEveryChannelAsToEachChannelAlone() throws Exception {
        int voxels = 12;
        int channels = 2;
        double[] values = random(new Random(11), voxels * channels); // shape (2, 12): channel-first views
        Path file = npy("sigmoid.npy", "<f4", false, new long[] {channels, voxels}, ElementType.FLOAT32, values);
        JsonNode classes = json(CliRun.of("analyze", "--json", "--metric", "fbeta:2", "--channel-axis", "0", file))
                .get("classes");
        for (int c = 0; c < channels; c++) {
            double[] channel = java.util.Arrays.copyOfRange(values, c * voxels, (c + 1) * voxels);
            Path alone = npy("alone" + c + ".npy", "<f4", false, new long[] {voxels}, ElementType.FLOAT32, channel);
            JsonNode expected = json(CliRun.of("analyze", "--json", "--metric", "fbeta:2", alone));
            assertEquals(expected.get("fbeta"), classes.get(c).get("fbeta"));
            Path out = dir.resolve("seg" + c + ".npy");
            assertEquals(0, CliRun.of("segment", "--metric", "fbeta:2", "--channel-axis", "0", "--class", c, "--out", out,
                    file).code());
            Path reference = dir.resolve("ref" + c + ".npy");
            assertEquals(0, CliRun.of("segment", "--metric", "fbeta:2", "--out", reference, alone).code());
            assertArrayEquals(Files.readAllBytes(reference), Files.readAllBytes(out));
        }
    }

    @Test
    void channelLastEqualsAnalyzeOfEachChannelAlone() throws Exception {
        int voxels = 20;
        int channels = 3;
        double[] values = random(new Random(3), voxels * channels); // shape (4, 5, 3), C order: (i, c) at i * 3 + c
        Path file = npy("softmax.npy", "<f4", false, new long[] {4, 5, channels}, ElementType.FLOAT32, values);
        JsonNode classes = json(CliRun.of("analyze", "--json", "--channel-axis", "-1", file)).get("classes");
        assertEquals(channels, classes.size());
        for (int c = 0; c < channels; c++) {
            double[] channel = new double[voxels];
            for (int i = 0; i < voxels; i++) {
                channel[i] = values[i * channels + c];
            }
            Path alone = npy("channel" + c + ".npy", "<f4", false, new long[] {4, 5}, ElementType.FLOAT32, channel);
            assertEquals(c, classes.get(c).get("channel").asInt());
            assertEquals(json(CliRun.of("analyze", "--json", alone)), without(classes.get(c), "channel"));
        }
        assertEquals(json(CliRun.of("analyze", "--json", "--channel-axis", "2", file)).toString(), classes.toString()
                .transform(s -> "{\"classes\":" + s + "}"));
    }

    @Test
    void aMiddleAxisOfAFortranFileEqualsAnalyzeOfEachChannelAlone() throws Exception {
        // shape (3, 2, 4) in Fortran order: (i, c, k) at i + 3 * (c + 2 * k); channel c is (i, k) at i + 3 * k.
        double[] values = random(new Random(5), 24);
        Path file = npy("f.npy", "<f8", true, new long[] {3, 2, 4}, ElementType.FLOAT64, values);
        JsonNode classes = json(CliRun.of("analyze", "--json", "--channel-axis", "1", file)).get("classes");
        for (int c = 0; c < 2; c++) {
            double[] channel = new double[12];
            for (int k = 0; k < 4; k++) {
                for (int i = 0; i < 3; i++) {
                    channel[i + 3 * k] = values[i + 3 * (c + 2 * k)];
                }
            }
            Path alone = npy("f" + c + ".npy", "<f8", true, new long[] {3, 4}, ElementType.FLOAT64, channel);
            assertEquals(json(CliRun.of("analyze", "--json", alone)), without(classes.get(c), "channel"));
        }
    }

    @Test
    void labelsEqualAnalyzeOfTheVoteCountsOfEachClass() throws Exception {
        long[] shape = {4, 5};
        Random rnd = new Random(11);
        int[][] labels = new int[3][20];
        double[][] stored = new double[3][20];
        for (int r = 0; r < 3; r++) {
            for (int i = 0; i < 20; i++) {
                labels[r][i] = rnd.nextInt(4);
                stored[r][i] = labels[r][i];
            }
        }
        labels[1][7] = 3; // the largest label, C = 3, is present
        stored[1][7] = 3;
        List<Path> maps = List.of(npy("r1.npy", "|u1", false, shape, ElementType.UINT8, stored[0]),
                npy("r2.npy", "<i4", false, shape, ElementType.INT32, stored[1]),
                npy("r3.npy", "<f4", false, shape, ElementType.FLOAT32, stored[2]));
        JsonNode classes = json(CliRun.of("analyze", "--json", "--labels", maps.get(0), maps.get(1), maps.get(2))).get("classes");
        assertEquals(3, classes.size());
        for (int c = 1; c <= 3; c++) {
            double[] votes = new double[20];
            for (int[] rater : labels) {
                for (int i = 0; i < 20; i++) {
                    votes[i] += rater[i] == c ? 1 : 0;
                }
            }
            Path counts = npy("votes" + c + ".npy", "|u1", false, shape, ElementType.UINT8, votes);
            JsonNode entry = classes.get(c - 1);
            assertEquals(c, entry.get("class").asInt());
            assertEquals(json(CliRun.of("analyze", "--json", "--votes", "3", counts)), without(entry, "class"));
        }
        String table = CliRun.of("analyze", "--labels", maps.get(0), maps.get(1), maps.get(2)).out();
        assertTrue(table.contains(maps.get(2) + ", class 3\n  votes (R = 3), shape 4x5"), table);
    }

    @Test
    void inputsLargeEnoughForSeveralThreadsAnalyseAsTheirClassesAlone() throws Exception {
        int voxels = 150_000; // above the size the engine runs on the calling thread
        Random rnd = new Random(21);
        double[] values = new double[2 * voxels];
        double[] labels = new double[voxels];
        double[] channel = new double[voxels];
        double[] votes = new double[voxels];
        for (int i = 0; i < voxels; i++) {
            values[2 * i] = rnd.nextInt(17) / 16.0;
            values[2 * i + 1] = rnd.nextDouble();
            channel[i] = values[2 * i];
            labels[i] = rnd.nextInt(3);
            votes[i] = labels[i] == 2 ? 1 : 0;
        }
        long[] shape = {voxels};
        Path probs = npy("probs.npy", "<f4", false, new long[] {voxels, 2}, ElementType.FLOAT32, values);
        Path alone = npy("first.npy", "<f4", false, shape, ElementType.FLOAT32, channel);
        JsonNode first = json(CliRun.of("analyze", "--json", "--channel-axis", "1", probs)).get("classes").get(0);
        assertEquals(json(CliRun.of("analyze", "--json", alone)), without(first, "channel"));
        Path map = npy("map.npy", "|u1", false, shape, ElementType.UINT8, labels);
        Path counts = npy("counts.npy", "|u1", false, shape, ElementType.UINT8, votes);
        JsonNode second = json(CliRun.of("analyze", "--json", "--labels", map)).get("classes").get(1);
        assertEquals(json(CliRun.of("analyze", "--json", "--votes", "1", counts)), without(second, "class"));
    }

    private static byte[] mask(Path file) throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            NdArray a = ArrayReaders.read(file, arena);
            return a.data().toArray(ValueLayout.JAVA_BYTE);
        }
    }

    @Test
    void segmentWritesOneMaskPerChannelOrTheOneClassAsked() throws Exception {
        double[] values = random(new Random(8), 2 * 12); // shape (2, 3, 4): channels are contiguous
        Path file = npy("two.npy", "<f4", false, new long[] {2, 3, 4}, ElementType.FLOAT32, values);
        Path out = dir.resolve("seg.npy");
        CliRun r = CliRun.of("segment", "--metric", "dice", "--channel-axis", "0", "--out", out, file);
        assertEquals(0, r.code(), r.err());
        for (int c = 0; c < 2; c++) {
            double[] channel = java.util.Arrays.copyOfRange(values, 12 * c, 12 * c + 12);
            Path alone = npy("alone" + c + ".npy", "<f4", false, new long[] {3, 4}, ElementType.FLOAT32, channel);
            Path expected = dir.resolve("expected" + c + ".npy");
            assertEquals(0, CliRun.of("segment", "--metric", "dice", "--out", expected, alone).code());
            Path written = dir.resolve("seg_channel" + c + ".npy");
            assertTrue(r.out().contains("written " + written + ": "), r.out());
            assertArrayEquals(Files.readAllBytes(expected), Files.readAllBytes(written));
        }
        Path one = dir.resolve("one.npy");
        assertEquals(0, CliRun.of("segment", "--metric", "dice", "--channel-axis", "0", "--class", "1", "--out", one, file).code());
        assertArrayEquals(Files.readAllBytes(dir.resolve("seg_channel1.npy")), Files.readAllBytes(one));
    }

    @Test
    void segmentLabelsWritesEachClassAndAChannelOfANiftiKeepsItsGeometry() throws Exception {
        long[] shape = {2, 3};
        Path a = npy("a.npy", "|u1", false, shape, ElementType.UINT8, 0, 1, 2, 2, 1, 0);
        Path b = npy("b.npy", "<i2", false, shape, ElementType.INT16, 0, 1, 1, 2, 2, 0);
        Path out = dir.resolve("lab.nii.gz");
        CliRun r = CliRun.of("segment", "--metric", "accuracy", "--labels", "--out", out, a, b);
        assertEquals(0, r.code(), r.err());
        assertEquals("written " + dir.resolve("lab_class1.nii.gz") + ": 3 of 6 voxels\nwritten "
                + dir.resolve("lab_class2.nii.gz") + ": 3 of 6 voxels\n", r.out());
        assertArrayEquals(new byte[] {0, 1, 1, 0, 1, 0}, mask(dir.resolve("lab_class1.nii.gz")));
        assertArrayEquals(new byte[] {0, 0, 1, 1, 1, 0}, mask(dir.resolve("lab_class2.nii.gz")));

        MedicalTestFiles.Nifti n = new MedicalTestFiles.Nifti(1, ByteOrder.LITTLE_ENDIAN);
        n.dim = new long[] {4, 3, 2, 1, 2, 1, 1, 1}; // x, y, z and 2 channels, fastest first
        n.sformCode = 1;
        n.srow = new double[] {2, 0, 0, 1, 0, 2, 0, 2, 0, 0, 2, 3};
        double[] values = {0.1, 0.9, 0.5, 0.2, 0.7, 0.3, 0.9, 0.1, 0.5, 0.8, 0.3, 0.7};
        Path nifti = Files.write(dir.resolve("probs.nii"), n.bytes(NpyTestFiles.encode(ElementType.FLOAT32, ByteOrder.LITTLE_ENDIAN, values)));
        Path channel = dir.resolve("c.nii");
        assertEquals(0, CliRun.of("segment", "--metric", "accuracy", "--channel-axis", "0", "--class", "1", "--out", channel, nifti)
                .code());
        try (Arena arena = Arena.ofConfined()) {
            NdArray in = ArrayReaders.read(nifti, arena);
            NdArray written = ArrayReaders.read(channel, arena);
            assertArrayEquals(new long[] {1, 2, 3}, written.shape());
            assertEquals(in.geometry().directions().subList(0, 3), written.geometry().directions());
            assertEquals(in.geometry().origin(), written.geometry().origin());
            assertArrayEquals(new byte[] {1, 0, 1, 1, 0, 1}, written.data().toArray(ValueLayout.JAVA_BYTE));
        }
    }

    private static void assertError(int code, String message, Object... args) {
        CliRun r = CliRun.of(args);
        assertEquals(code, r.code(), r.out());
        assertEquals(message + "\n", r.err().replace(" (see 'segopt --help')", ""));
    }

    @Test
    void badInputsAndOptionsAreOneLineErrors() throws Exception {
        long[] shape = {2, 2};
        Path good = npy("good.npy", "|u1", false, shape, ElementType.UINT8, 0, 1, 2, 1);
        Path negative = npy("neg.npy", "<i4", false, shape, ElementType.INT32, 0, -2, 1, 1);
        Path fraction = npy("frac.npy", "<f8", false, shape, ElementType.FLOAT64, 0, 1, 2.25, 1);
        Path wide = npy("wide.npy", "|u1", false, new long[] {1, 4}, ElementType.UINT8, 0, 1, 2, 1);
        String rule = " (a label map holds 0 for background and 1..C for the classes)";
        assertError(3, negative + ": voxel 1 has value -2, negative" + rule, "analyze", "--labels", good, negative);
        assertError(3, fraction + ": voxel 2 has value 2.25, not an integer" + rule, "analyze", "--json", "--labels", good, fraction);
        assertError(3, wide + ": shape [1, 4] differs from [2, 2] of " + good, "segment", "--metric", "dice", "--labels",
                "--out", dir.resolve("x.npy"), good, wide);
        Path probs = npy("p.npy", "<f4", false, new long[] {2, 3}, ElementType.FLOAT32, 0, 0.5, 1, 0.25, Double.NaN, 1);
        assertError(3, probs + ": channel axis 2 is out of range for shape [2, 3] (2 axes: 0..1 or -2..-1)",
                "analyze", "--channel-axis", "2", probs);
        assertError(3, probs + ": channel 1, voxel 1 has value NaN, not in [0, 1]", "analyze", "--channel-axis", "0", probs);
        assertError(3, dir.resolve("p.npy") + ": no channel 5 (the input has channels 0..1)",
                "segment", "--metric", "dice", "--channel-axis", "0", "--class", "5", "--out", dir.resolve("y.npy"), probs);
        assertError(2, "segopt: --channel-axis takes one FILE holding all channels", "analyze", "--channel-axis", "0", probs, probs);
        assertError(2, "segopt: --channel-axis and --labels exclude each other", "analyze", "--channel-axis", "0", "--labels", probs);
        assertError(2, "segopt: --labels reads integer label maps; --votes and --bfloat16 do not apply",
                "analyze", "--labels", "--votes", "2", good);
        assertError(2, "segopt: --class applies with --channel-axis or --labels only",
                "segment", "--metric", "dice", "--class", "1", "--out", dir.resolve("z.npy"), probs);
        assertError(2, "segopt: unknown option --labels", "explain", "--labels", "--out", dir.resolve("e.png"), good);
    }
}
