package org.segopt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Exit codes and messages of the command line itself. */
class MainTest {
    private static final String FIG4 = Path.of("..", "test-data", "fig4_dice_extreme_votes.npy").toString();
    private static final String M2 = Path.of("..", "test-data", "fig2_m2.npy").toString();


    private static CliRun run(Object... args) {
        return CliRun.of(args);
    }

    @Test
    void helpGoesToStdoutWithExitZero() {
        CliRun r = run("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("analyze"));
        CliRun a = run("analyze", "--help");
        assertEquals(0, a.code());
        assertTrue(a.out().contains("--votes R"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "frobnicate|unknown command",
        "analyze|no input FILE",
        "analyze --bogus x.npy|unknown option --bogus",
        "analyze --votes|--votes needs a value",
        "analyze --votes seven FIG4|--votes needs an integer",
        "analyze --votes 0 FIG4|--votes must be in 1..65535",
        "analyze --votes 70000 FIG4|--votes must be in 1..65535",
        "analyze --votes 7 FIG4 FIG4|--votes takes one FILE",
        "analyze FIG4|give --votes R",
        "analyze --volume 701 --votes 7 FIG4|exceeds the 700 voxels",
        "analyze --volume -1 FIG4|--volume must be in 0..",
        "analyze --backend quantum --votes 7 FIG4|--backend must be one of auto, cpu, gpu, scalar",
        "bench --threads 2 --votes 7 FIG4|--threads needs --backend cpu",
    })
    void usageErrorsExitTwoWithOneLine(String line, String message) {
        CliRun r = run((Object[]) line.replace("FIG4", FIG4).split(" "));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(message), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void noArgumentsIsAUsageError() {
        assertEquals(2, run().code());
    }

    @Test
    void inputErrorsExitThree() {
        CliRun missing = run("analyze", "no-such-file.npy");
        assertEquals(3, missing.code());
        assertTrue(missing.err().startsWith("no-such-file.npy: "), missing.err());
        CliRun format = run("analyze", "pom.xml");
        assertEquals(3, format.code());
        assertTrue(format.err().contains("unsupported file format"), format.err());
        CliRun floatVotes = run("analyze", "--votes", "5", M2);
        assertEquals(3, floatVotes.code());
        assertTrue(floatVotes.err().contains("--votes needs integer vote counts"), floatVotes.err());
        CliRun floatMasks = run("analyze", M2, M2);
        assertEquals(3, floatMasks.code());
        assertTrue(floatMasks.err().contains("rater mask must be boolean or integer"), floatMasks.err());
    }

    @Test
    void raterMasksMayMixFormats(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        List<String> npy = new java.util.ArrayList<>();
        for (int r = 1; r <= 7; r++) {
            npy.add(Path.of("..", "test-data", "fig4_dice_extreme_masks_rater" + r + ".npy").toString());
        }
        // Rater 3 as a gzip NRRD of unsigned chars instead of a bool .npy.
        byte[] mask = new byte[700];
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            org.segopt.io.NdArray a = org.segopt.io.ArrayReaders.read(Path.of(npy.get(2)), arena);
            java.lang.foreign.MemorySegment.copy(a.data(), java.lang.foreign.ValueLayout.JAVA_BYTE, 0, mask, 0, 700);
        }
        Path nrrd = dir.resolve("rater3.nrrd");
        org.segopt.io.ArrayWriters.write(nrrd, mask, new long[] {700}, false, null);
        List<String> mixed = new java.util.ArrayList<>(npy);
        mixed.set(2, nrrd.toString());
        List<String> args = new java.util.ArrayList<>(List.of("analyze", "--json"));
        CliRun all = run(java.util.stream.Stream.concat(args.stream(), npy.stream()).toArray());
        CliRun mix = run(java.util.stream.Stream.concat(args.stream(), mixed.stream()).toArray());
        assertEquals(0, mix.code(), mix.err());
        assertEquals(all.out(), mix.out());
    }

    @Test
    void everyBackendGivesTheSameJsonAndAMissingGpuExitsFour() {
        String expected = run("analyze", "--json", "--votes", "7", FIG4).out();
        for (String backend : List.of("auto", "cpu", "scalar")) {
            CliRun r = run("analyze", "--json", "--backend", backend, "--votes", "7", FIG4);
            assertEquals(0, r.code(), r.err());
            assertEquals(expected, r.out(), backend);
        }
        // The core's tests have no GPU backend on the class path.
        CliRun gpu = run("analyze", "--backend", "gpu", "--votes", "7", FIG4);
        assertEquals(4, gpu.code());
        assertEquals(1, gpu.err().lines().count(), gpu.err());
        assertTrue(gpu.err().contains("GPU backend cannot run here"), gpu.err());
        assertEquals("", gpu.out());
    }

    @Test
    void anEmptyArrayIsAnInputError(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (0,), }";
        header = header + " ".repeat(128 - 10 - header.length() - 1) + "\n";
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) header.length(), 0});
        b.write(header.getBytes(StandardCharsets.US_ASCII));
        Path empty = dir.resolve("empty.npy");
        java.nio.file.Files.write(empty, b.toByteArray());
        for (String command : List.of("analyze", "bench", "segment")) {
            CliRun r = command.equals("segment") ? run(command, "--metric", "dice", "--out", dir.resolve("o.npy"), empty)
                    : run(command, empty);
            assertEquals(3, r.code(), command + ": " + r.err());
            assertEquals(empty + ": the array has no voxels\n", r.err().replace("\r", ""), command);
        }
    }

    @Test
    void benchReportsBothCallsAndTheReadPass() {
        CliRun r = run("bench", "--json", "--repeat", "3", M2);
        assertEquals(0, r.code(), r.err());
        for (String key : List.of("\"medianMs\":", "\"firstCallMs\":", "\"readPassMs\":", "\"ratio\":",
                "\"firstCallRatio\":", "\"voxels\":", "\"backend\":", "\"threads\":", "\"cpu\":", "\"vectorBits\":")) {
            assertTrue(r.out().contains(key), key + " in " + r.out());
        }
        int bits = Machine.vectorBits();
        assertTrue(bits >= 64 && Integer.bitCount(bits) == 1, bits + "-bit vectors");
        assertTrue(r.out().contains("\"vectorBits\": " + bits), r.out());
        CliRun text = run("bench", "--repeat", "1", M2);
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("engine, first call"), text.out());
        assertTrue(text.out().contains("on " + Machine.cpuModel() + ", " + bits + "-bit vectors"), text.out());
    }

    @Test
    void tableNamesTheNumbers() {
        CliRun r = run("analyze", "--votes", "7", FIG4);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("(4/7)"), r.out());
        assertTrue(r.out().contains("Theorem 2: V^D in [112, 700] holds"), r.out());
    }
}
