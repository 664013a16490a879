package org.segopt.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.segopt.ElementType;
import org.segopt.io.ArrayReaders;
import org.segopt.io.Geometry;
import org.segopt.io.MedicalTestFiles;
import org.segopt.io.MedicalTestFiles.Nifti;
import org.segopt.io.NdArray;

/** {@code segopt segment}, and {@code segopt analyze} on the same data in every input format. */
class SegmentCommandTest {
    private static final Path DATA = Path.of("..", "test-data");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<ElementType, String> NRRD_TYPES = Map.of(ElementType.UINT8, "uchar",
            ElementType.UINT16, "ushort", ElementType.INT32, "int", ElementType.FLOAT32, "float", ElementType.FLOAT64, "double");
    private static final Map<ElementType, Integer> NIFTI_TYPES = Map.of(ElementType.UINT8, 2, ElementType.UINT16, 512,
            ElementType.INT32, 8, ElementType.FLOAT32, 16, ElementType.FLOAT64, 64);

    @TempDir
    Path dir;


    private static CliRun run(Object... args) {
        return CliRun.of(args);
    }

    /** Copies the .npy fixture's data into a gzip NRRD and a NIfTI-2 .nii.gz of the same type and byte order. */
    private List<Path> asMedicalImages(String fixture) throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            NdArray a = ArrayReaders.read(DATA.resolve(fixture), arena);
            byte[] data = a.data().toArray(ValueLayout.JAVA_BYTE);
            long[] dims = a.fortranOrder() ? a.shape() : reversed(a.shape());
            String endian = a.order() == ByteOrder.BIG_ENDIAN ? "big" : "little";
            String sizes = Arrays.stream(dims).mapToObj(Long::toString).collect(Collectors.joining(" "));
            Path nrrd = Files.write(dir.resolve(fixture + ".nrrd"), MedicalTestFiles.nrrd("type: " + NRRD_TYPES.get(a.type())
                    + "\ndimension: " + dims.length + "\nsizes: " + sizes + "\nendian: " + endian + "\nencoding: gzip\n",
                    MedicalTestFiles.gzip(data)));
            Nifti n = new Nifti(2, a.order());
            n.datatype = NIFTI_TYPES.get(a.type());
            n.bitpix = 8 * a.type().byteSize();
            n.dim = new long[] {dims.length, 1, 1, 1, 1, 1, 1, 1};
            System.arraycopy(dims, 0, n.dim, 1, dims.length);
            Path nifti = Files.write(dir.resolve(fixture + ".nii.gz"), MedicalTestFiles.gzip(n.bytes(data)));
            return List.of(nrrd, nifti);
        }
    }

    private static long[] reversed(long[] shape) {
        long[] r = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            r[i] = shape[shape.length - 1 - i];
        }
        return r;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"fig2_m2.npy|", "fig2_m3.npy|", "fig4_dice_extreme_votes.npy|7",
        "u16_quantized.npy|65535", "tie_at_tau_float32.npy|", "big_endian_fortran.npy|"})
    void analyzeGivesIdenticalJsonForNpyNrrdAndNifti(String fixture, String votes) throws Exception {
        List<String> args = new ArrayList<>(List.of("analyze", "--json"));
        if (votes != null) {
            args.addAll(List.of("--votes", votes));
        }
        CliRun npy = run(concat(args, DATA.resolve(fixture)));
        assertEquals(0, npy.code(), npy.err());
        JsonNode expected = JSON.readTree(npy.out());
        for (Path image : asMedicalImages(fixture)) {
            CliRun r = run(concat(args, image));
            assertEquals(0, r.code(), r.err());
            if (fixture.contains("fortran")) {
                // NIfTI and NRRD present the Fortran-order axes (file order) slowest first: reversed.
                ObjectNode actual = (ObjectNode) JSON.readTree(r.out());
                assertEquals(List.of(4, 5, 6), JSON.convertValue(actual.get("shape"), List.class));
                actual.set("shape", expected.get("shape"));
                assertEquals(expected, actual, image.toString());
            } else {
                assertEquals(npy.out(), r.out(), image.toString());
            }
        }
    }

    private static Object[] concat(List<String> args, Object file) {
        List<Object> all = new ArrayList<>(args);
        all.add(file);
        return all.toArray();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--metric accuracy|accuracy|greatestVolume",
        "--metric accuracy --least|accuracy|leastVolume",
        "--metric dice|dice|greatestVolume",
        "--metric dice --least|dice|leastVolume",
        "--metric volume|volumeConstrained|volume",
    })
    void segmentWritesMasksOfTheAnalysedVolumes(String options, String field, String volume) throws Exception {
        for (String fixture : List.of("fig4_dice_extreme_votes.npy", "fig2_m2.npy", "tie_at_tau_float32.npy")) {
            List<String> votes = fixture.contains("votes") ? List.of("--votes", "7") : List.of();
            CliRun analysis = run(concat(concatAll(List.of("analyze", "--json"), votes), DATA.resolve(fixture)));
            long expected = JSON.readTree(analysis.out()).get(field).get(volume).asLong();
            for (String suffix : List.of(".npy", ".nrrd", ".nhdr", ".nii", ".nii.gz")) {
                Path out = dir.resolve(fixture + "." + field + volume + suffix);
                List<String> args = concatAll(List.of("segment"), List.of(options.split(" ")), votes, List.of("--out", out.toString()));
                CliRun r = run(concat(args, DATA.resolve(fixture)));
                assertEquals(0, r.code(), r.err());
                long n = fixture.contains("votes") ? 700 : 1000;
                assertEquals("written " + out + ": " + expected + " of " + n + " voxels\n", r.out());
                assertEquals(expected, ones(out), out.toString());
            }
        }
    }

    @SafeVarargs
    private static List<String> concatAll(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> p : parts) {
            all.addAll(p);
        }
        return all;
    }

    private static long ones(Path mask) throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            NdArray a = ArrayReaders.read(mask, arena);
            assertEquals(ElementType.UINT8, a.type());
            long count = 0;
            for (long i = 0; i < a.size(); i++) {
                byte b = a.data().get(ValueLayout.JAVA_BYTE, i);
                assertTrue(b == 0 || b == 1);
                count += b;
            }
            return count;
        }
    }

    @Test
    void segmentMarksExactlyTheVoxelsAtOrAboveTheThresholdInMemoryOrder() throws Exception {
        Path in = Files.write(dir.resolve("m.nrrd"), MedicalTestFiles.nrrd("type: double\ndimension: 2\nsizes: 3 2\n"
                + "endian: big\nencoding: raw\n", doubles(ByteOrder.BIG_ENDIAN, 0.5, 0.1, 0.9, 0.49, 1.0, 0.5)));
        Path out = dir.resolve("a.npy");
        assertEquals(0, run("segment", "--metric", "accuracy", "--out", out, in).code());
        try (Arena arena = Arena.ofConfined()) {
            NdArray a = ArrayReaders.read(out, arena);
            assertArrayEquals(new long[] {2, 3}, a.shape());
            assertArrayEquals(new byte[] {1, 0, 1, 0, 1, 1}, a.data().toArray(ValueLayout.JAVA_BYTE));
        }
        Path least = dir.resolve("least.nii");
        assertEquals(0, run("segment", "--metric", "accuracy", "--least", "--out", least, in).code());
        assertEquals(2, ones(least));
        Path v = dir.resolve("v.nrrd");
        CliRun r = run("segment", "--volume", "3", "--out", v, in);
        assertEquals("written " + v + ": 3 of 6 voxels\n", r.out());
    }

    private static byte[] doubles(ByteOrder order, double... values) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 * values.length).order(order);
        for (double v : values) {
            b.putDouble(v);
        }
        return b.array();
    }

    @Test
    void geometrySurvivesSegmentation() throws Exception {
        Path nrrd = Files.write(dir.resolve("lps.nrrd"), MedicalTestFiles.nrrd("type: float\ndimension: 3\n"
                + "space: left-posterior-superior\nsizes: 2 2 2\nspace directions: (0.5,0,0) (0,0.5,0) (0,0,3)\n"
                + "kinds: domain domain domain\nendian: little\nencoding: gzip\nspace origin: (-10.25,20,-30)\n",
                MedicalTestFiles.gzip(floats(0.1f, 0.6f, 0.7f, 0.2f, 0.9f, 0.5f, 0.0f, 0.3f))));
        Nifti n = new Nifti(1, ByteOrder.LITTLE_ENDIAN);
        n.dim = new long[] {3, 2, 2, 2, 1, 1, 1, 1};
        n.sformCode = 1;
        n.qformCode = 1;
        n.quatern = new double[] {0, 0, 1};
        n.srow = new double[] {-0.5, 0, 0, 10, 0, -0.5, 0, 20, 0, 0, 3, -30};
        Path nifti = Files.write(dir.resolve("ras.nii.gz"), MedicalTestFiles.gzip(n.bytes(floats(0.1f, 0.6f, 0.7f, 0.2f,
                0.9f, 0.5f, 0.0f, 0.3f))));
        for (Path in : List.of(nrrd, nifti)) {
            String name = in.getFileName().toString();
            Path out = dir.resolve("mask-" + name);
            CliRun r = run("segment", "--metric", "dice", "--out", out, in);
            assertEquals(0, r.code(), r.err());
            try (Arena arena = Arena.ofConfined()) {
                NdArray input = ArrayReaders.read(in, arena);
                NdArray mask = ArrayReaders.read(out, arena);
                assertArrayEquals(input.shape(), mask.shape());
                assertEquals(input.geometry(), mask.geometry(), name);
            }
        }
    }

    private static byte[] floats(float... values) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    @Test
    void helpDescribesTheCommand() {
        CliRun r = run("segment", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("--metric M    accuracy, dice, jaccard, fbeta:B, tversky:A,B or volume"), r.out());
        assertTrue(run("--help").out().contains("segment"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "segment --out x.npy FIG4|--metric is required",
        "segment --metric iou --out x.npy FIG4|--metric: unknown metric 'iou'",
        "segment --metric volume --least --out x.npy FIG4|--least applies to --metric accuracy, dice",
        "segment --metric dice --volume 3 --out x.npy FIG4|--volume applies to --metric volume only",
        "segment --metric dice FIG4|--out OUT is required",
        "segment --metric dice --out x.png FIG4|unsupported output format (expected .npy, .nrrd, .nhdr, .nii or .nii.gz)",
        "segment --metric dice --out|--out needs a value",
        "segment --metric dice --out x.npy|no input FILE",
        "segment --metric dice --bogus --out x.npy FIG4|unknown option --bogus",
        "segment --volume 701 --votes 7 --out x.npy FIG4|exceeds the 700 voxels",
        "segment --metric dice --votes 7 --out FIG4 FIG4|would overwrite the input",
    })
    void usageErrorsExitTwoWithOneLine(String line, String message) {
        CliRun r = run((Object[]) line.replace("FIG4", DATA.resolve("fig4_dice_extreme_votes.npy").toString())
                .replace("x.", dir.resolve("x.").toString()).split(" "));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(message), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void inputAndOutputErrorsExitThreeNamingTheFile() throws Exception {
        Path out = dir.resolve("missing-dir").resolve("m.nii.gz");
        CliRun unwritable = run("segment", "--metric", "dice", "--votes", "7", "--out", out, DATA.resolve("fig4_dice_extreme_votes.npy"));
        assertEquals(3, unwritable.code());
        assertTrue(unwritable.err().startsWith(out + ": cannot write"), unwritable.err());
        Path bad = Files.write(dir.resolve("bad.nii"), new byte[10]);
        CliRun unreadable = run("segment", "--metric", "dice", "--out", dir.resolve("m.npy"), bad);
        assertEquals(3, unreadable.code());
        assertTrue(unreadable.err().startsWith(bad + ": not a NIfTI file"), unreadable.err());
        CliRun invalid = run("segment", "--metric", "dice", "--out", dir.resolve("m.npy"), DATA.resolve("invalid_nan.npy"));
        assertEquals(3, invalid.code());
        assertFalse(Files.exists(dir.resolve("m.npy")));
    }
}
