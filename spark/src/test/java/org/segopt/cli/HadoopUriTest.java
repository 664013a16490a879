package org.segopt.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segopt.pool.PoolDatasets;
import org.segopt.spark.DiskFileSystem;
import org.segopt.spark.SparkTestData;

/**
 * Datasets named by Hadoop FileSystem URIs with {@code --spark}: {@code file:} (Hadoop's local
 * file system, read in place) and {@code disk:} ({@link DiskFileSystem}, copied to the executor
 * as an {@code hdfs:} or {@code s3a:} file is) give what the single-machine command gives for the
 * plain paths, each file named by its URI.
 */
class HadoopUriTest {
    static final List<String> FILES = List.of("cases.csv", "table.md", "table.csv", "scatter.svg", "scatter.png");

    @TempDir
    static Path tmp;
    static SparkSession spark;
    static PoolDatasets.Written pool;
    static Path layout;
    /** The datasets' folder (the outputs are beside it). */
    static Path data;

    @BeforeAll
    static void start() throws IOException {
        System.setProperty("spark.hadoop." + DiskFileSystem.PROPERTY, DiskFileSystem.class.getName());
        spark = SparkTestData.localSession();
        data = tmp.resolve("data").toAbsolutePath();
        pool = PoolDatasets.write(data.resolve("pool"), 5);
        layout = SparkTestData.plastimatch(data.resolve("plastimatch"), 13);
    }

    @AfterAll
    static void stop() {
        spark.stop();
        System.clearProperty("spark.hadoop." + DiskFileSystem.PROPERTY);
    }

    /** {@code path} as a URI of {@code scheme}, as Hadoop names it ({@code scheme:/abs/path}). */
    private static String uri(String scheme, Path path) {
        return scheme + ":" + path.toAbsolutePath();
    }

    /**
     * Runs {@code command} on the plain {@code input} without --spark and on its URI of {@code
     * scheme} with --spark; asserts the same exit code, stdout, stderr lines and files, with every
     * file named by its URI instead of its path. Returns the URI run.
     */
    private static CliRun sameAsPlain(String scheme, List<String> files, String command, Object... input)
            throws IOException {
        String local = data.toString();
        String remote = uri(scheme, data);
        Path single = tmp.resolve("single-" + System.nanoTime());
        Path spread = tmp.resolve("uri-" + System.nanoTime());
        List<Object> plain = new ArrayList<>(List.of(command));
        List<Object> uris = new ArrayList<>(List.of(command));
        for (Object a : input) {
            plain.add(a);
            uris.add(a instanceof Path p ? uri(scheme, p) : a);
        }
        if (!command.equals("pool")) {
            plain.addAll(List.of("--out", single));
            uris.addAll(List.of("--out", spread));
        }
        uris.addAll(List.of("--spark", "local[2]"));
        CliRun a = CliRun.of(plain.toArray());
        CliRun b = CliRun.of(uris.toArray());
        assertEquals(a.code(), b.code(), a.err() + "\n---\n" + b.err());
        assertEquals(a.out().replace(local, remote), b.out());
        assertEquals(messages(a.err().replace(local, remote).replace(single.toString(), spread.toString())), messages(b.err()));
        for (String f : files) {
            byte[] expected = Files.readAllBytes(single.resolve(f));
            if (!f.endsWith(".png")) {
                expected = new String(expected, StandardCharsets.UTF_8).replace(local, remote).getBytes(StandardCharsets.UTF_8);
            }
            assertArrayEquals(expected, Files.readAllBytes(spread.resolve(f)), f);
        }
        return b;
    }

    @Test
    void fileUrisReadInPlace() throws IOException {
        int opened = DiskFileSystem.OPENED.get();
        CliRun manifest = sameAsPlain("file", FILES, "report", "--manifest", pool.manifest(), "--json");
        assertEquals(3, manifest.code());
        assertTrue(manifest.out().contains("file:" + data), manifest.out());
        CliRun plastimatch = sameAsPlain("file", List.of("cases.csv"), "report", "--layout", "plastimatch", layout, "--json");
        assertTrue(plastimatch.err().contains("Rectum/P2: file:" + data), plastimatch.err());
        assertEquals(opened, DiskFileSystem.OPENED.get());
    }

    @Test
    void otherFileSystemsCopiedToTheExecutorAndDeleted() throws IOException {
        List<String> before = copies();
        int opened = DiskFileSystem.OPENED.get();
        sameAsPlain("disk", FILES, "report", "--manifest", pool.manifest(), "--json");
        assertTrue(DiskFileSystem.OPENED.get() > opened + 1, "the manifest and the cases' files read through disk:");
        CliRun plastimatch = sameAsPlain("disk", FILES, "report", "--layout", "plastimatch", layout);
        assertTrue(plastimatch.err().contains("Rectum/P2: disk:" + data), plastimatch.err());
        sameAsPlain("disk", List.of(), "pool", "--manifest", pool.manifest(), "--roi", "floats", "--json");
        List<String> files = new ArrayList<>(FILES);
        files.add("skipped.csv");
        CliRun lidc = sameAsPlain("disk", files, "lidc", SparkTestData.lidc(data.resolve("lidc")), "--json");
        assertEquals(3, lidc.code());
        assertEquals(before, copies());
    }

    @Test
    void aMissingFileIsASkippedCaseNamingItsUri() throws IOException {
        Path csv = Files.write(data.resolve("missing.csv"), List.of("roi,case,file", "Bladder,P1,plastimatch/P1/Bladder (User1).nrrd",
                "Bladder,P9,nowhere/P9 (User1).nrrd"));
        for (String scheme : List.of("disk", "file")) {
            Path out = tmp.resolve("missing-" + scheme);
            CliRun run = CliRun.of("report", "--manifest", uri(scheme, csv), "--out", out, "--spark", "local[2]");
            assertEquals(3, run.code(), run.err());
            assertTrue(run.err().contains("segopt report: Bladder/P9: " + uri(scheme, data.resolve("nowhere/P9 (User1).nrrd"))
                    + ": no such file (case skipped)"), run.err());
            assertTrue(Files.readAllLines(out.resolve("cases.csv")).get(1).startsWith("Bladder,P1,"), scheme);
        }
    }

    @Test
    void aSchemeWithoutFileSystemIsAnInputErrorInOneLine() {
        CliRun manifest = CliRun.of("report", "--manifest", "nosuch://x/y.csv", "--out", tmp.resolve("n"), "--spark", "local[2]");
        assertEquals(3, manifest.code());
        assertEquals("segopt report: nosuch://x/y.csv: cannot read the manifest (No FileSystem for scheme \"nosuch\")\n",
                manifest.err());
        CliRun host = CliRun.of("pool", "--manifest", "hdfs://nowhere.invalid:1/y.csv", "--roi", "A", "--spark", "local[2]");
        assertEquals(3, host.code());
        assertEquals(1, host.err().lines().count(), host.err());
        assertTrue(host.err().startsWith("segopt pool: hdfs://nowhere.invalid:1/y.csv: cannot read the manifest ("), host.err());
        CliRun connector = CliRun.of("report", "--layout", "plastimatch", "s3a://bucket/dir", "--out", tmp.resolve("n"),
                "--spark", "local[2]");
        assertEquals(3, connector.code());
        assertEquals("segopt report: s3a://bucket/dir: cannot list the directory (the file system of s3a: is not on the class "
                + "path (Class org.apache.hadoop.fs.s3a.S3AFileSystem not found))\n", connector.err());
        CliRun lidc = CliRun.of("lidc", "nosuch://x/dir", "--out", tmp.resolve("n"), "--spark", "local[2]");
        assertEquals(3, lidc.code());
        assertEquals(1, lidc.err().lines().count(), lidc.err());
        assertTrue(lidc.err().contains("nosuch://x/dir"), lidc.err());
        CliRun withoutSpark = CliRun.of("pool", "--layout", "plastimatch", "file:///x", "--roi", "A");
        assertEquals(2, withoutSpark.code());
        assertTrue(withoutSpark.err().contains("a URI needs --spark MASTER"), withoutSpark.err());
    }

    /** The lines of {@code err} other than progress (in the order the cases finish), sorted. */
    private static List<String> messages(String err) {
        return err.lines().filter(l -> !l.matches("\\w+: \\d+/\\d+ done \\(.*\\)")).sorted().toList();
    }

    /** The copies' temporary folders now present. */
    private static List<String> copies() throws IOException {
        try (Stream<Path> all = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return all.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("segopt-task-")).sorted().toList();
        }
    }
}
