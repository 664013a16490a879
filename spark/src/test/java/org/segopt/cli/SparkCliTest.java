package org.segopt.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segopt.pool.PoolDatasets;
import org.segopt.report.Csv;
import org.segopt.spark.SparkTestData;

/**
 * Every job in Spark's local mode against the single-machine command on the same data: the same
 * stdout (JSON), exit code and files, plus a cases.parquet holding the rows of cases.csv; the
 * pooled analysis also against 'analyze' of the concatenated volume.
 */
class SparkCliTest {
    static final String MASTER = "local[2]";
    static final List<String> FILES = List.of("cases.csv", "table.md", "table.csv", "scatter.svg", "scatter.png");

    @TempDir
    static Path tmp;
    static SparkSession spark;
    static PoolDatasets.Written pool;

    @BeforeAll
    static void start() throws IOException {
        spark = SparkTestData.localSession();
        pool = PoolDatasets.write(tmp.resolve("pool"), 7);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** Runs the command without and with --spark; asserts the same exit code, stdout and files; returns the Spark run. */
    static CliRun same(List<String> files, Object... args) throws IOException {
        Path single = tmp.resolve("single-" + System.nanoTime());
        Path spread = tmp.resolve("spark-" + System.nanoTime());
        CliRun a = CliRun.of(withOut(args, single, false));
        CliRun b = CliRun.of(withOut(args, spread, true));
        assertEquals(a.code(), b.code(), a.err() + "\n---\n" + b.err());
        assertEquals(a.out(), b.out());
        for (String f : files) {
            assertArrayEquals(Files.readAllBytes(single.resolve(f)), Files.readAllBytes(spread.resolve(f)), f);
        }
        if (files.contains("cases.csv")) {
            assertParquetHoldsTheCsv(spread);
        }
        return b;
    }

    private static Object[] withOut(Object[] args, Path out, boolean withSpark) {
        List<Object> line = new java.util.ArrayList<>(List.of(args));
        if (!line.getFirst().equals("pool")) {
            line.addAll(List.of("--out", out));
        }
        if (withSpark) {
            line.addAll(List.of("--spark", MASTER));
        }
        return line.toArray();
    }

    private static void assertParquetHoldsTheCsv(Path out) throws IOException {
        List<List<String>> csv = Csv.parse(Files.readString(out.resolve("cases.csv")));
        List<Row> rows = spark.read().parquet(out.resolve("cases.parquet").toString()).collectAsList();
        assertEquals(csv.size() - 1, rows.size());
        assertEquals(csv.getFirst(), List.of(rows.getFirst().schema().fieldNames()));
        int exact = csv.getFirst().indexOf("dice_sup_exact");
        int voxels = csv.getFirst().indexOf("voxels");
        for (int r = 0; r < rows.size(); r++) {
            List<String> line = csv.get(r + 1);
            Row row = rows.get(r);
            assertEquals(line.get(0), row.getString(0));
            assertEquals(line.get(exact), row.isNullAt(exact) ? "" : row.getString(exact));
            assertEquals(line.get(voxels), row.isNullAt(voxels) ? "" : Long.toString(row.getLong(voxels)));
        }
    }

    @Test
    void reportOfAManifestWithBadCases() throws IOException {
        CliRun b = same(FILES, "report", "--manifest", pool.manifest(), "--json");
        assertEquals(3, b.code());
        assertTrue(b.out().contains("votes/bad: "), b.out());
    }

    @Test
    void reportOfAPlastimatchLayout() throws IOException {
        Path layout = SparkTestData.plastimatch(tmp.resolve("plastimatch"), 11);
        CliRun b = same(FILES, "report", "--layout", "plastimatch", layout);
        assertEquals(3, b.code());
        assertTrue(b.err().contains("Rectum/P2: "), b.err());
        same(FILES, "report", "--layout", "plastimatch", layout, "--json");
    }

    @Test
    void reportWithFurtherMetricsAndLabelMaps() throws IOException {
        Path layout = SparkTestData.plastimatch(tmp.resolve("metrics"), 12);
        List<String> files = new java.util.ArrayList<>(FILES);
        files.add("metrics.csv");
        CliRun b = same(files, "report", "--layout", "plastimatch", layout, "--metric", "fbeta:2", "--json");
        assertTrue(b.out().contains("\"fbetaRatio\""), b.out());
        // The same masks as label maps (class 1 = the mask): each case becomes its class 1.
        List<String> rows = new java.util.ArrayList<>(List.of("roi,case,file,kind"));
        for (String patient : List.of("P1", "P3")) {
            try (var masks = Files.list(layout.resolve(patient))) {
                masks.sorted().forEach(f -> rows.add("Bladder," + patient + "," + f + ",labels"));
            }
        }
        Path manifest = Files.write(tmp.resolve("labels.csv"), rows);
        CliRun labels = same(files, "report", "--manifest", manifest, "--metric", "fbeta:2", "--json");
        assertEquals(0, labels.code(), labels.err());
        assertTrue(labels.out().contains("\"roi\": \"Bladder class 1\""), labels.out());
    }

    @Test
    void lidcOneTaskPerFile() throws IOException {
        Path dir = SparkTestData.lidc(tmp.resolve("lidc"));
        List<String> files = new java.util.ArrayList<>(FILES);
        files.add("skipped.csv");
        CliRun b = same(files, "lidc", dir, "--json");
        assertEquals(3, b.code());
        assertTrue(b.out().contains("\"series\": 2"), b.out());
        same(files, "lidc", dir, "--skip-empty");
    }

    @Test
    void poolEqualsAnalyzeOfTheConcatenatedVolume() throws IOException {
        for (String roi : List.of("votes", "floats", "float32", "halves")) {
            CliRun b = same(List.of(), "pool", "--manifest", pool.manifest(), "--roi", roi, "--json");
            assertEquals(roi.equals("float32") ? 0 : 3, b.code(), b.err());
            Path concat = pool.concatenated().get(roi);
            CliRun reference = roi.equals("votes")
                    ? CliRun.of("analyze", "--json", "--votes", PoolDatasets.VOTES_RATERS, concat)
                    : CliRun.of("analyze", "--json", concat);
            assertEquals(0, reference.code(), reference.err());
            assertEquals(analysis(reference.out()), analysis(b.out()), roi);
        }
        CliRun mixed = same(List.of(), "pool", "--manifest", pool.manifest(), "--roi", "mixed");
        assertEquals(3, mixed.code());
    }

    @Test
    void mastersThatCannotRunAreRefusedInOneLine() {
        CliRun run = CliRun.of("pool", "--manifest", pool.manifest(), "--roi", "votes", "--spark", "spark://127.0.0.1:1");
        assertEquals(4, run.code());
        assertEquals("segopt: --spark spark://127.0.0.1:1: this JVM already runs a Spark session at local[2]\n", run.err());
        CliRun nonsense = CliRun.of("report", "--manifest", pool.manifest(), "--out", tmp.resolve("x"), "--spark", "nonsense");
        assertEquals(4, nonsense.code());
        assertEquals(1, nonsense.err().lines().count(), nonsense.err());
        assertTrue(nonsense.err().startsWith("segopt: --spark nonsense: not a Spark master URL"), nonsense.err());
    }

    /** The analyze contract without the fields that describe the input's files (shape) or the pool's cases. */
    private static String analysis(String json) {
        String s = json.strip().replaceFirst("\"shape\": (null|\\[[0-9, ]*\\]), ", "");
        int cases = s.indexOf(", \"cases\": ");
        return cases < 0 ? s : s.substring(0, cases) + "}";
    }
}
