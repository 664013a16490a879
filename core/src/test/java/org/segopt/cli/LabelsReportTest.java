package org.segopt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segopt.report.ReportTestFiles;

/**
 * {@code report --manifest} with rows of kind {@code labels}: every output equals that of the same
 * dataset given as the per-class binary masks I{label = c}, built by hand, in groups "roi class c".
 */
class LabelsReportTest {
    private static final long[] SHAPE = {3, 4};

    @TempDir
    Path dir;

    @Test
    void labelMapsReportAsTheirPerClassMasks() throws Exception {
        Random rnd = new Random(4);
        List<String> labels = new ArrayList<>(List.of("roi,case,file,kind"));
        List<String> masks = new ArrayList<>(List.of("roi,case,file"));
        for (String patient : List.of("p1", "p2")) {
            int raters = patient.equals("p1") ? 3 : 2;
            byte[][] maps = new byte[raters][12];
            for (int r = 0; r < raters; r++) {
                for (int i = 0; i < 12; i++) {
                    maps[r][i] = (byte) rnd.nextInt(3);
                }
                maps[r][r] = 2; // both classes present
                String file = patient + "_rater" + r + ".npy";
                ReportTestFiles.npy(dir.resolve(file), SHAPE, maps[r]);
                labels.add("organs," + patient + "," + file + ",labels");
            }
            for (int c = 1; c <= 2; c++) {
                for (int r = 0; r < raters; r++) {
                    byte[] mask = new byte[12];
                    for (int i = 0; i < 12; i++) {
                        mask[i] = (byte) (maps[r][i] == c ? 1 : 0);
                    }
                    String file = patient + "_class" + c + "_rater" + r + ".npy";
                    ReportTestFiles.npy(dir.resolve(file), SHAPE, mask);
                    masks.add("organs class " + c + "," + patient + "," + file);
                }
            }
        }
        // The masks manifest lists class 1 of p1, class 2 of p1, class 1 of p2, ...: the order the label cases expand in.
        Path labelsCsv = Files.write(dir.resolve("labels.csv"), labels);
        Path masksCsv = Files.write(dir.resolve("masks.csv"), masks);
        CliRun fromLabels = CliRun.of("report", "--manifest", labelsCsv, "--out", dir.resolve("a"), "--json");
        CliRun fromMasks = CliRun.of("report", "--manifest", masksCsv, "--out", dir.resolve("b"), "--json");
        assertEquals(0, fromLabels.code(), fromLabels.err());
        assertEquals(0, fromMasks.code(), fromMasks.err());
        assertEquals(fromMasks.out(), fromLabels.out());
        assertTrue(fromLabels.out().contains("\"roi\": \"organs class 2\", \"cases\": 2"), fromLabels.out());
        for (String output : List.of("cases.csv", "table.csv")) {
            assertEquals(Files.readString(dir.resolve("b").resolve(output)), Files.readString(dir.resolve("a").resolve(output)), output);
        }
        assertTrue(Files.readString(dir.resolve("a").resolve("table.md")).contains("one case per class c, in the group"));
    }

    @Test
    void badKindsAndBadLabelMapsAreReported() throws Exception {
        ReportTestFiles.npy(dir.resolve("m.npy"), SHAPE, new byte[] {0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1});
        ReportTestFiles.npy(dir.resolve("wide.npy"), new long[] {12}, new byte[12]);
        Path mixed = Files.write(dir.resolve("mixed.csv"), List.of("roi,case,file,kind", "a,p,m.npy,mask", "a,p,m.npy,labels"));
        CliRun r = CliRun.of("report", "--manifest", mixed, "--out", dir.resolve("o1"));
        assertEquals(3, r.code());
        assertTrue(r.err().contains("segopt report: a/p: row 3 is of kind labels, an earlier row of the case of kind mask "
                + "(case skipped)"), r.err());
        Path unknown = Files.write(dir.resolve("unknown.csv"), List.of("roi,case,file,kind", "a,p,m.npy,probabilities"));
        r = CliRun.of("report", "--manifest", unknown, "--out", dir.resolve("o2"));
        assertEquals("segopt report: " + unknown + ": row 2: unknown kind 'probabilities' (mask, probability, labels)\n",
                r.err());
        Path shapes = Files.write(dir.resolve("shapes.csv"), List.of("roi,case,file,kind", "a,p,m.npy,labels",
                "a,p,wide.npy,labels", "a,q,m.npy,Labels", "a,r,m.npy,"));
        r = CliRun.of("report", "--manifest", shapes, "--out", dir.resolve("o3"));
        assertEquals(3, r.code());
        assertTrue(r.err().contains("segopt report: a/p: " + dir.resolve("wide.npy") + ": shape [12] differs from [3, 4] of "
                + dir.resolve("m.npy") + " (case skipped)"), r.err());
        List<String> cases = Files.readAllLines(dir.resolve("o3").resolve("cases.csv"));
        assertEquals(4, cases.size(), cases.toString()); // header, group a: p (skipped), r (a mask); group a class 1: q
        assertTrue(cases.get(1).startsWith("a,p,2,") && cases.get(1).endsWith(",\"skipped: " + dir.resolve("wide.npy")
                + ": shape [12] differs from [3, 4] of " + dir.resolve("m.npy") + "\""), cases.get(1));
        assertTrue(cases.get(2).startsWith("a,r,1,12,"), cases.get(2));
        assertTrue(cases.get(3).startsWith("a class 1,q,1,12,"), cases.get(3));
    }
}
