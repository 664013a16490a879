package org.segopt.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.segopt.lidc.LidcTestXml.characteristics;
import static org.segopt.lidc.LidcTestXml.ct;
import static org.segopt.lidc.LidcTestXml.nodule;
import static org.segopt.lidc.LidcTestXml.rectangle;
import static org.segopt.lidc.LidcTestXml.roi;
import static org.segopt.lidc.LidcTestXml.session;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.segopt.report.ReportTestFiles;

/**
 * The commands' side of issue 11: no command overwrites what it reads, unwritable outputs are exit
 * 3 with the system's reason, folder walks report bad entries and keep the good files, and every
 * message is one line naming the file.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HardeningCommandTest {
    private static final String GOOD = ct("S9", session(nodule("n", characteristics(), roi("1", true, rectangle(0, 0, 4, 4)))));

    @TempDir
    Path dir;

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Every line of {@code err} is a message of the command (or its progress), none a continuation. */
    private static void assertOneLineMessages(String err, String command) {
        for (String line : err.split("\n")) {
            assertTrue(line.startsWith("segopt " + command + ": ") || line.startsWith(command + ": "), "stray line: " + line);
        }
    }

    @Test
    void segmentRefusesToOverwriteTheInputsDataFile() throws Exception {
        byte[] data = {0, 1, 1, 0};
        Files.write(dir.resolve("out.raw"), data);
        Path in = Files.writeString(dir.resolve("in.nhdr"), "NRRD0004\ntype: uint8\ndimension: 1\nsizes: 4\n"
                + "encoding: raw\ndata file: out.raw\n\n");
        CliRun r = CliRun.of("segment", "--metric", "accuracy", "--out", dir.resolve("out.nhdr"), in, in);
        assertEquals(Main.EXIT_USAGE, r.code(), r.err());
        assertTrue(r.err().contains("would overwrite the input " + dir.resolve("out.raw").toAbsolutePath()), r.err());
        assertArrayEquals(data, Files.readAllBytes(dir.resolve("out.raw")));
        assertFalse(Files.exists(dir.resolve("out.nhdr")));
    }

    @Test
    void unwritableOutputsAreExitThreeWithTheReason() throws Exception {
        Path notAFolder = Files.writeString(dir.resolve("file"), "x");
        Files.createDirectories(dir.resolve("xml"));
        Files.writeString(dir.resolve("xml/good.xml"), GOOD);
        Path manifest = manifest("r", "c");
        CliRun lidc = CliRun.of("lidc", dir.resolve("xml"), "--out", notAFolder.resolve("sub"));
        assertEquals(Main.EXIT_INPUT, lidc.code(), lidc.err());
        assertTrue(lidc.err().contains("Not a directory"), lidc.err());
        CliRun report = CliRun.of("report", "--manifest", manifest, "--out", notAFolder.resolve("sub"));
        assertEquals(Main.EXIT_INPUT, report.code(), report.err());
        assertTrue(report.err().contains("Not a directory"), report.err());
    }

    @Test
    void explainDoesNotCreateTheOutputsFolder() {
        Path png = dir.resolve("missing").resolve("e.png");
        CliRun r = CliRun.of("explain", "--out", png, Path.of("..", "test-data", "fig2_m2.npy"));
        assertEquals(Main.EXIT_INPUT, r.code(), r.err());
        assertFalse(Files.exists(png.getParent()));
        assertTrue(r.err().startsWith("segopt explain: cannot write " + png), r.err());
    }

    @Test
    void lidcWalksPastALinkLoopAndALinkLeavingTheFolder() throws Exception {
        Path xml = Files.createDirectories(dir.resolve("xml/a"));
        Files.writeString(xml.resolve("good.xml"), GOOD);
        Files.createSymbolicLink(xml.resolve("up"), Path.of(".."));
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("other.xml"), GOOD.replace("S9", "S8"));
        Files.createSymbolicLink(xml.resolve("away"), outside);
        Files.createSymbolicLink(xml.resolve("dangling.xml"), Path.of("nothing-here.xml"));
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("lidc", dir.resolve("xml"), "--out", out, "--json");
        assertEquals(Main.EXIT_INPUT, r.code(), r.err()); // the dangling link is an error
        assertTrue(r.out().contains("\"scans\": 1"), r.out());
        String skipped = Files.readString(out.resolve("skipped.csv"));
        assertTrue(skipped.contains("a link loop"), skipped);
        assertTrue(skipped.contains("a link leaving"), skipped);
        assertTrue(r.err().contains("segopt lidc: a/dangling.xml: a dangling link (skipped)"), r.err());
        assertOneLineMessages(r.err(), "lidc");
    }

    @Test
    void lidcRefusesAScanBeyondTheVoxelLimitAndKeepsTheOthers() throws Exception {
        Files.createDirectories(dir.resolve("xml"));
        Files.writeString(dir.resolve("xml/good.xml"), GOOD);
        List<int[]> triangle = List.of(new int[] {0, 0}, new int[] {511, 0}, new int[] {511, 511});
        String[] rois = new String[(int) (org.segopt.lidc.ScanVotes.MAX_VOXELS / (512 * 512)) + 1];
        for (int i = 0; i < rois.length; i++) {
            rois[i] = roi(Integer.toString(i), true, triangle);
        }
        Files.writeString(dir.resolve("xml/huge.xml"), ct("S7", session(nodule("n", characteristics(), rois))));
        CliRun r = CliRun.of("lidc", dir.resolve("xml"), "--out", dir.resolve("out"), "--jobs", "2", "--json");
        assertEquals(Main.EXIT_INPUT, r.code(), r.err());
        assertTrue(r.err().contains("segopt lidc: huge.xml: the annotations' boxes hold"), r.err());
        assertTrue(r.err().contains("more than the limit of " + org.segopt.lidc.ScanVotes.MAX_VOXELS), r.err());
        assertTrue(r.out().contains("\"scans\": 1"), r.out());
    }

    @Test
    void lidcKeepsGoodFilesNextToAnUnreadableFolder() throws Exception {
        assumeTrue(!isRoot(), "root reads every folder");
        Files.createDirectories(dir.resolve("xml"));
        Files.writeString(dir.resolve("xml/good.xml"), GOOD);
        Path locked = Files.createDirectories(dir.resolve("xml/locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        try {
            CliRun r = CliRun.of("lidc", dir.resolve("xml"), "--out", dir.resolve("out"));
            assertEquals(Main.EXIT_INPUT, r.code(), r.err());
            assertTrue(r.err().contains("locked: cannot read: permission denied"), r.err());
            assertTrue(Files.exists(dir.resolve("out/table.md")));
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void lidcNamesAMalformedFileOnStderrAndTheParserPrintsNothing() throws Exception {
        Files.createDirectories(dir.resolve("xml"));
        Files.writeString(dir.resolve("xml/good.xml"), GOOD);
        byte[] bad = GOOD.getBytes(StandardCharsets.UTF_8);
        bad[bad.length / 2] = (byte) 0xff;
        Files.write(dir.resolve("xml/bad.xml"), bad);
        PrintStream stderr = System.err;
        ByteArrayOutputStream direct = new ByteArrayOutputStream();
        CliRun r;
        try {
            System.setErr(new PrintStream(direct, true, StandardCharsets.UTF_8));
            r = CliRun.of("lidc", dir.resolve("xml"), "--out", dir.resolve("out"));
        } finally {
            System.setErr(stderr);
        }
        assertEquals(Main.EXIT_INPUT, r.code(), r.err());
        assertEquals("", direct.toString(StandardCharsets.UTF_8));
        assertTrue(r.err().contains("segopt lidc: bad.xml: "), r.err());
        assertOneLineMessages(r.err(), "lidc");
    }

    @Test
    void reportMessagesStayOneLineForNamesWithLineBreaks() throws Exception {
        Path manifest = manifest("roi\nwith break", "case\u001b[2J");
        Files.write(dir.resolve("m/r2.npy"), new byte[] {1, 2, 3}); // a broken second rater
        Files.writeString(manifest, Files.readString(manifest) + "\"roi\nwith break\",\"case\u001b[2J\",r2.npy\n");
        CliRun r = CliRun.of("report", "--manifest", manifest, "--out", dir.resolve("out"));
        assertEquals(Main.EXIT_INPUT, r.code(), r.err());
        assertTrue(r.err().contains("roi\\x0awith break/case\\x1b[2J: "), r.err());
        assertFalse(r.err().contains("\u001b"), r.err());
        assertOneLineMessages(r.err(), "report");
    }

    @Test
    void aFileNameWithALineBreakGivesOneLine() {
        CliRun r = CliRun.of("analyze", dir.resolve("a\nb.npy"));
        assertEquals(Main.EXIT_INPUT, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("a\\x0ab.npy: no such file"), r.err());
    }

    @Test
    void reportKeepsTheOtherPatientsNextToAnUnreadableOne() throws Exception {
        assumeTrue(!isRoot(), "root reads every folder");
        Path layout = Files.createDirectories(dir.resolve("layout/p1"));
        ReportTestFiles.npy(layout.resolve("Body (User1).npy"), new long[] {2}, new byte[] {1, 0});
        Path locked = Files.createDirectories(dir.resolve("layout/p2"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        try {
            CliRun r = CliRun.of("report", "--layout", "plastimatch", dir.resolve("layout"), "--out", dir.resolve("out"));
            assertEquals(Main.EXIT_INPUT, r.code(), r.err());
            assertTrue(r.err().contains("p2: cannot list the folder"), r.err());
            assertTrue(Files.exists(dir.resolve("out/table.md")));
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void layoutLinksThatLeaveTheFolderAreRefusedForTheirCase() throws Exception {
        Path outside = ReportTestFiles.npy(dir.resolve("outside.npy"), new long[] {3}, new byte[] {0, 1, 1});
        Path p1 = Files.createDirectories(dir.resolve("layout/p1"));
        Files.createSymbolicLink(p1.resolve("Rectum (User1).npy"), outside);
        ReportTestFiles.npy(p1.resolve("Rectum (User2).npy"), new long[] {3}, new byte[] {0, 1, 0});
        Path p2 = Files.createDirectories(dir.resolve("layout/p2"));
        ReportTestFiles.npy(p2.resolve("Rectum (User1).npy"), new long[] {3}, new byte[] {1, 1, 0});
        Files.createSymbolicLink(p2.resolve("Rectum (User2).npy"), p2.resolve("Rectum (User1).npy")); // inside: fine
        Files.createSymbolicLink(dir.resolve("layout/p3"), Files.createDirectories(dir.resolve("elsewhere")));
        for (String command : List.of("report", "calibrate")) {
            CliRun r = CliRun.of(command, "--layout", "plastimatch", dir.resolve("layout"), "--out", dir.resolve(command),
                    "--json");
            assertEquals(Main.EXIT_INPUT, r.code(), r.err());
            assertTrue(r.err().contains("Rectum/p1: " + p1.resolve("Rectum (User1).npy") + " is a link to outside "
                    + dir.resolve("layout")), r.err());
            assertTrue(r.err().contains("p3: the folder " + dir.resolve("layout/p3") + " is a link to outside"), r.err());
            assertTrue(r.out().contains("\"cases\": 1"), r.out()); // p2 alone
        }
    }

    @Test
    void oneMaskGivenAsManyTimesAsRatersAllowIsReadOnce() throws Exception {
        Path mask = ReportTestFiles.npy(dir.resolve("mask.npy"), new long[] {4}, new byte[] {1, 0, 1, 1});
        List<Object> args = new java.util.ArrayList<>(List.of("analyze", "--json"));
        for (int i = 0; i < org.segopt.Marginal.MAX_RATERS; i++) {
            args.add(i % 2 == 0 ? mask : dir.resolve(".").resolve("mask.npy"));
        }
        CliRun r = CliRun.of(args.toArray());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"massExact\": \"3\"") && r.out().contains("\"raters\": 65535"), r.out());
        args.add(mask);
        CliRun tooMany = CliRun.of(args.toArray());
        assertEquals(Main.EXIT_USAGE, tooMany.code());
        assertTrue(tooMany.err().contains("at most " + org.segopt.Marginal.MAX_RATERS + " rater masks"), tooMany.err());
    }

    @Test
    void masksOfOtherByteOrdersAreNamedByTheirOrder() throws Exception {
        Path little = Files.write(dir.resolve("l.npy"), npyInt32("<i4", new byte[] {1, 0, 0, 0}));
        Path big = Files.write(dir.resolve("b.npy"), npyInt32(">i4", new byte[] {0, 0, 0, 1}));
        CliRun r = CliRun.of("analyze", little, big);
        assertEquals(Main.EXIT_INPUT, r.code(), r.err());
        assertTrue(r.err().contains("element type int32 big-endian differs from int32 little-endian"), r.err());
    }

    private static byte[] npyInt32(String descr, byte[] data) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (1,), }";
        String header = dict + " ".repeat(128 - 10 - dict.length() - 1) + "\n";
        byte[] prefix = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) header.length(), 0};
        byte[] text = header.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[prefix.length + text.length + data.length];
        System.arraycopy(prefix, 0, all, 0, prefix.length);
        System.arraycopy(text, 0, all, prefix.length, text.length);
        System.arraycopy(data, 0, all, prefix.length + text.length, data.length);
        return all;
    }

    @Test
    void reportAppliesTheDecompressionLimitPerMask() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("gz"));
        ReportTestFiles.nrrd(folder.resolve("r1.nrrd"), new long[] {4, 4, 4}, new byte[64]);
        ReportTestFiles.nrrd(folder.resolve("r2.nrrd"), new long[] {4, 4, 4}, new byte[64]);
        Path csv = Files.write(folder.resolve("m.csv"), List.of("roi,case,file", "r,c,r1.nrrd", "r,c,r2.nrrd"));
        CliRun limited = CliRun.of("report", "--manifest", csv, "--out", dir.resolve("o1"), "--max-decompressed", "63");
        assertEquals(Main.EXIT_INPUT, limited.code(), limited.err());
        assertTrue(limited.err().contains("more than the limit of 63 bytes") && limited.err().contains("--max-decompressed"),
                limited.err());
        CliRun enough = CliRun.of("report", "--manifest", csv, "--out", dir.resolve("o2"), "--max-decompressed", "64");
        assertEquals(0, enough.code(), enough.err());
    }

    @Test
    void reportRefusesAManifestOrAMaskThatIsAFifo() throws Exception {
        Path manifest = manifest("r", "c");
        Path fifo = dir.resolve("m/fifo.npy");
        Process p = new ProcessBuilder("mkfifo", fifo.toString(), dir.resolve("fifo.csv").toString()).start();
        assumeTrue(p.waitFor() == 0, "mkfifo failed");
        Files.writeString(manifest, Files.readString(manifest) + "r,d,fifo.npy\n");
        CliRun masks = CliRun.of("report", "--manifest", manifest, "--out", dir.resolve("o1"));
        assertEquals(Main.EXIT_INPUT, masks.code(), masks.err());
        assertTrue(masks.err().contains("fifo.npy: not a regular file"), masks.err());
        assertTrue(Files.readString(dir.resolve("o1/cases.csv")).contains("r,c,1"), "the good case is kept");
        CliRun csv = CliRun.of("report", "--manifest", dir.resolve("fifo.csv"), "--out", dir.resolve("o2"));
        assertEquals(Main.EXIT_INPUT, csv.code(), csv.err());
        assertTrue(csv.err().contains("fifo.csv: not a regular file"), csv.err());
    }

    /** A manifest of one case {@code roi}/{@code name} with one rater mask. */
    private Path manifest(String roi, String name) throws Exception {
        Path folder = Files.createDirectories(dir.resolve("m"));
        ReportTestFiles.npy(folder.resolve("r1.npy"), new long[] {2}, new byte[] {1, 0});
        Path csv = folder.resolve("masks.csv");
        Files.write(csv, List.of("roi,case,file", "\"" + roi + "\",\"" + name + "\",r1.npy"));
        return csv;
    }
}
