package org.segopt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.ExecutorLostFailure;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segopt.pool.PoolDatasets;
import org.segopt.report.Csv;
import org.segopt.report.ReportTestFiles;
import org.segopt.spark.DiskFileSystem;
import org.segopt.spark.LoopbackCluster;
import org.segopt.spark.SparkTestData;

/**
 * The report, lidc and pool jobs on a real standalone cluster (Master and Worker in their own JVMs, on
 * 127.0.0.1, executors loading segopt-spark.jar), with the results of the single-machine commands;
 * and the pool job surviving the loss of its executor while its tasks run. Runs after package
 * (the executors need the jar): {@code mvn verify}.
 */
@Tag("cluster")
class SparkClusterTest {
    @TempDir
    static Path tmp;
    static LoopbackCluster cluster;
    static SparkSession spark;
    static PoolDatasets.Written data;

    @BeforeAll
    static void start() throws IOException, InterruptedException, URISyntaxException {
        // disk: URIs (the local disk as a remote file system), readable by the executors from the test classes
        System.setProperty("spark.hadoop." + DiskFileSystem.PROPERTY, DiskFileSystem.class.getName());
        Path testClasses = Path.of(DiskFileSystem.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        cluster = new LoopbackCluster(Path.of(System.getProperty("segopt.spark.home")), tmp.resolve("cluster"), 2);
        spark = SparkSession.builder().master(cluster.masterUrl()).appName("segopt-cluster-test")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .config("spark.jars", System.getProperty("segopt.spark.jar"))
                .config("spark.executor.memory", "512m")
                .config("spark.executor.extraClassPath", testClasses.toString())
                .config("spark.executor.extraJavaOptions", "--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED")
                .getOrCreate();
        data = PoolDatasets.write(tmp.resolve("pool"), 3);
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
        if (cluster != null) {
            cluster.close();
        }
        System.clearProperty("spark.hadoop." + DiskFileSystem.PROPERTY);
    }

    @Test
    void theExecutorsCopyTheFilesOfAnotherFileSystem() throws IOException {
        CliRun single = CliRun.of("report", "--manifest", data.manifest(), "--out", tmp.resolve("disk-single"), "--json");
        CliRun spread = CliRun.of("report", "--manifest", "disk:" + data.manifest().toAbsolutePath(), "--out",
                tmp.resolve("disk-spread"), "--json", "--spark", cluster.masterUrl());
        assertEquals(single.code(), spread.code(), spread.err());
        String dir = data.manifest().toAbsolutePath().getParent().toString();
        assertEquals(single.out().replace(dir, "disk:" + dir), spread.out());
        for (String f : List.of("cases.csv", "table.md", "table.csv", "scatter.svg")) {
            assertEquals(Files.readString(tmp.resolve("disk-single").resolve(f)).replace(dir, "disk:" + dir),
                    Files.readString(tmp.resolve("disk-spread").resolve(f)), f);
        }
    }

    @Test
    void everyJobGivesTheSingleMachineResults() throws IOException {
        CliRun single = CliRun.of("report", "--manifest", data.manifest(), "--out", tmp.resolve("single"), "--json");
        CliRun spread = CliRun.of("report", "--manifest", data.manifest(), "--out", tmp.resolve("spread"), "--json",
                "--spark", cluster.masterUrl());
        assertEquals(single.code(), spread.code(), spread.err());
        assertEquals(single.out(), spread.out());
        for (String f : List.of("cases.csv", "table.md", "table.csv", "scatter.svg")) {
            assertEquals(Files.readString(tmp.resolve("single").resolve(f)), Files.readString(tmp.resolve("spread").resolve(f)), f);
        }
        assertEquals(Csv.parse(Files.readString(tmp.resolve("single").resolve("cases.csv"))).size() - 1,
                spark.read().parquet(tmp.resolve("spread").resolve("cases.parquet").toString()).count());
        Path lidc = SparkTestData.lidc(tmp.resolve("lidc"));
        CliRun lidcSingle = CliRun.of("lidc", lidc, "--out", tmp.resolve("lidc-single"), "--json");
        CliRun lidcSpread = CliRun.of("lidc", lidc, "--out", tmp.resolve("lidc-spread"), "--json", "--spark", cluster.masterUrl());
        assertEquals(lidcSingle.code(), lidcSpread.code(), lidcSpread.err());
        assertEquals(lidcSingle.out(), lidcSpread.out());
        for (String f : List.of("cases.csv", "skipped.csv", "table.md", "table.csv", "scatter.svg")) {
            assertEquals(Files.readString(tmp.resolve("lidc-single").resolve(f)),
                    Files.readString(tmp.resolve("lidc-spread").resolve(f)), f);
        }
        for (String roi : List.of("votes", "floats")) {
            CliRun a = CliRun.of("pool", "--manifest", data.manifest(), "--roi", roi, "--json");
            CliRun b = CliRun.of("pool", "--manifest", data.manifest(), "--roi", roi, "--json", "--spark", cluster.masterUrl());
            assertEquals(a.code(), b.code(), b.err());
            assertEquals(a.out(), b.out());
        }
    }

    @Test
    void poolSurvivesTheLossOfItsExecutor() throws IOException {
        Path manifest = largeFloatCases(tmp.resolve("large"), 12, 1 << 20);
        CliRun single = CliRun.of("pool", "--manifest", manifest, "--roi", "soft", "--json");
        assertEquals(0, single.code(), single.err());

        String app = spark.sparkContext().applicationId();
        AtomicBoolean killed = new AtomicBoolean();
        AtomicInteger lost = new AtomicInteger();
        SparkListener killer = new SparkListener() {
            @Override
            public void onTaskStart(SparkListenerTaskStart start) {
                if (!killed.getAndSet(true)) {
                    List<ProcessHandle> executors = LoopbackCluster.executors(app);
                    assertFalse(executors.isEmpty(), "no executor process of " + app);
                    executors.forEach(ProcessHandle::destroyForcibly);
                }
            }

            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                if (end.reason() instanceof ExecutorLostFailure) {
                    lost.incrementAndGet();
                }
            }
        };
        spark.sparkContext().addSparkListener(killer);
        try {
            CliRun spread = CliRun.of("pool", "--manifest", manifest, "--roi", "soft", "--json", "--spark", cluster.masterUrl());
            assertEquals(0, spread.code(), spread.err());
            assertEquals(single.out(), spread.out());
        } finally {
            spark.sparkContext().removeSparkListener(killer);
        }
        assertTrue(killed.get());
        assertTrue(lost.get() > 0, "no task was lost with the executor");
    }

    /** {@code count} float32 maps of {@code n} voxels of ROI "soft" (many distinct values: refinement passes). */
    private static Path largeFloatCases(Path dir, int count, int n) throws IOException {
        Random random = new Random(5);
        List<String> lines = new ArrayList<>(List.of("roi,case,file"));
        for (int c = 0; c < count; c++) {
            ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                b.putFloat(random.nextInt(4) == 0 ? 0 : random.nextFloat());
            }
            String rel = "c" + c + ".npy";
            ReportTestFiles.npy(dir.resolve(rel), new long[] {n}, "<f4", b.array());
            lines.add("soft,c" + c + "," + rel);
        }
        Path manifest = dir.resolve("soft.csv");
        Files.write(manifest, lines);
        return manifest;
    }
}
