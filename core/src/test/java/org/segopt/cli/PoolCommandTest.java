package org.segopt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segopt.pool.PoolDatasets;

/** {@code segopt pool} in-process: the analyze contract of the concatenated volume, bad cases, usage errors. */
class PoolCommandTest {
    @TempDir
    static Path tmp;
    static PoolDatasets.Written data;

    @BeforeAll
    static void write() throws IOException {
        data = PoolDatasets.write(tmp, 99);
    }

    @Test
    void printsTheAnalysisOfTheConcatenatedVolume() {
        CliRun pool = CliRun.of("pool", "--manifest", data.manifest(), "--roi", "float32", "--json");
        assertEquals(0, pool.code(), pool.err());
        CliRun analyze = CliRun.of("analyze", "--json", data.concatenated().get("float32"));
        String expected = analyze.out().strip().replaceFirst("\"shape\": \\[[0-9]+\\]", "\"shape\": null");
        assertEquals(expected.substring(0, expected.length() - 1) + ", \"cases\": 3, \"errors\": []}", pool.out().strip());
    }

    @Test
    void badCasesAreLeftOutAndListed() {
        CliRun pool = CliRun.of("pool", "--manifest", data.manifest(), "--roi", "votes", "--json");
        assertEquals(3, pool.code());
        assertTrue(pool.err().contains("segopt pool: votes/bad: ") && pool.err().contains("(case left out)"), pool.err());
        assertTrue(pool.out().contains("\"raters\": " + PoolDatasets.VOTES_RATERS), pool.out());
        CliRun text = CliRun.of("pool", "--manifest", data.manifest(), "--roi", "votes");
        assertTrue(text.out().startsWith("pooled votes: 6 cases\n  votes (R = 12)"), text.out());
    }

    @Test
    void theKindColumnIsHonoured() throws IOException {
        java.nio.file.Files.createDirectories(tmp.resolve("kinds"));
        Path mask = org.segopt.report.ReportTestFiles.npy(tmp.resolve("kinds/mask.npy"), new long[] {3}, new byte[] {0, 1, 1});
        Path map = org.segopt.report.ReportTestFiles.npy(tmp.resolve("kinds/map.npy"), new float[] {0.25f, 0.5f, 1});
        Path manifest = java.nio.file.Files.write(tmp.resolve("kinds/kinds.csv"), java.util.List.of("roi,case,file,kind",
                "A,intfile," + mask + ",probability", "A,labels," + mask + ",labels", "A,map," + map + ",probability",
                "A,two," + map + ",probability", "A,two," + map + ",probability"));
        CliRun pool = CliRun.of("pool", "--manifest", manifest, "--roi", "A", "--json");
        assertEquals(3, pool.code());
        assertTrue(pool.err().contains("A/intfile: " + mask + ": a probability file holds float16, float32 or float64 "
                + "values, but the data is uint8 (case left out)"), pool.err());
        assertTrue(pool.err().contains("A/labels: " + mask + ": a case of label maps has one marginal per class"), pool.err());
        assertTrue(pool.err().contains("A/two: ") && pool.err().contains("one row"), pool.err());
        assertTrue(pool.out().contains("\"cases\": 1"), pool.out());
    }

    @Test
    void inputAndUsageErrors() {
        CliRun mixed = CliRun.of("pool", "--manifest", data.manifest(), "--roi", "mixed");
        assertEquals(3, mixed.code());
        assertTrue(mixed.err().startsWith("segopt pool: mixed: cannot pool rater masks"), mixed.err());
        CliRun unknown = CliRun.of("pool", "--manifest", data.manifest(), "--roi", "Heart");
        assertEquals(3, unknown.code());
        assertTrue(unknown.err().startsWith("segopt pool: no case of ROI 'Heart' (ROIs: votes, floats, float32, halves, mixed)"),
                unknown.err());
        assertEquals(2, CliRun.of("pool", "--manifest", data.manifest()).code());
        CliRun spark = CliRun.of("pool", "--manifest", data.manifest(), "--roi", "votes", "--spark", "local[2]");
        assertEquals(2, spark.code());
        assertEquals(1, spark.err().lines().count(), spark.err());
        assertTrue(spark.err().contains("--spark needs the segopt-spark module on the class path"), spark.err());
    }
}
