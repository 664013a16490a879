package org.segopt.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The PTX resource: present, declaring exactly the kernels the host launches with the parameter
 * lists and block sizes it uses, current with {@code segopt_kernels.cu} (where nvcc is installed)
 * and accepted by ptxas also when declared at an older PTX ISA (where ptxas is installed).
 */
class PtxResourceTest {
    /** Where the committed resource and the CUDA source live, relative to the module. */
    static final Path COMMITTED = Path.of("src/main/resources/org/segopt/gpu/segopt_kernels.ptx");
    static final Path SOURCE = Path.of("src/main/cuda/segopt_kernels.cu");
    /** Exactly the flags of the committed resource (see segopt_kernels.cu's header and the pom's nvcc profile). */
    static final List<String> NVCC_FLAGS = List.of("-ptx", "-arch=compute_75");
    static final String REGENERATE = "nvcc -ptx -arch=compute_75 -o gpu-kernels/" + COMMITTED + " gpu-kernels/" + SOURCE;

    private static final Pattern ENTRY = Pattern.compile(
            "\\.visible\\s+\\.entry\\s+(\\w+)\\(([^)]*)\\)\\s*(?:\\.maxntid\\s+(\\d+),\\s*1,\\s*1)?");
    private static final Pattern PARAM = Pattern.compile("\\.param\\s+\\.(\\w+)\\s+\\w+");

    record Entry(List<String> params, Integer maxThreads) {
    }

    static Map<String, Entry> entries(String ptx) {
        Map<String, Entry> out = new LinkedHashMap<>();
        Matcher m = ENTRY.matcher(ptx);
        while (m.find()) {
            List<String> params = new ArrayList<>();
            Matcher p = PARAM.matcher(m.group(2));
            while (p.find()) {
                params.add(p.group(1));
            }
            out.put(m.group(1), new Entry(params, m.group(3) == null ? null : Integer.valueOf(m.group(3))));
        }
        return out;
    }

    @Test
    void resourceIsOnTheClasspath() {
        String ptx = Ptx.source();
        assertTrue(ptx.length() > 10_000, "PTX of " + ptx.length() + " characters");
        assertTrue(ptx.contains(".target sm_75"), "targets compute_75");
        assertTrue(ptx.contains(".address_size 64"));
        assertNotNull(Ptx.isaVersion(ptx));
    }

    @Test
    void kernelNamesAndParametersMatchTheHost() {
        Map<String, Entry> entries = entries(Ptx.source());
        assertEquals(Arrays.stream(Kernel.values()).map(k -> k.symbol).collect(Collectors.toSet()), entries.keySet(),
                "entry points in the PTX vs kernels the host looks up");
        for (Kernel k : Kernel.values()) {
            Entry e = entries.get(k.symbol);
            List<String> expected = k.params.stream().map(w -> w == Kernel.Width.B64 ? "u64" : "u32").toList();
            assertEquals(expected, e.params(), k.symbol + " parameters " + k.paramNames);
            assertEquals(k.threads(), e.maxThreads(), k.symbol + " __launch_bounds__ vs the host's block size");
        }
    }

    /** The committed resource equals what the build's nvcc makes of the source (skipped without nvcc). */
    @Test
    void committedPtxIsCurrent() throws Exception {
        Assumptions.assumeTrue(Files.exists(COMMITTED) && Files.exists(SOURCE), "not run from the gpu-kernels module");
        Optional<Path> nvcc = tool("nvcc");
        Assumptions.assumeTrue(nvcc.isPresent(), "nvcc not installed: the committed PTX is used as is");
        Path out = Path.of("target/ptx-check/segopt_kernels.ptx");
        Files.createDirectories(out.getParent());
        List<String> cmd = new ArrayList<>(List.of(nvcc.get().toString()));
        cmd.addAll(NVCC_FLAGS);
        cmd.addAll(List.of("-o", out.toString(), SOURCE.toString()));
        run(cmd);
        String committed = Files.readString(COMMITTED, StandardCharsets.US_ASCII);
        String generated = Files.readString(out, StandardCharsets.US_ASCII);
        String committedBy = compilerLine(committed);
        String generatedBy = compilerLine(generated);
        Assumptions.assumeTrue(committedBy.equals(generatedBy), "the committed PTX is from '" + committedBy
                + "', nvcc here is '" + generatedBy + "': not comparable; regenerate with " + REGENERATE);
        assertTrue(committed.equals(generated), "the committed PTX differs from what nvcc makes of segopt_kernels.cu (stale): regenerate with "
                + REGENERATE);
    }

    private static String compilerLine(String ptx) {
        return ptx.lines().filter(l -> l.startsWith("// Cuda compilation tools")).findFirst().orElse("unknown");
    }

    /** ptxas accepts the PTX for Turing and Hopper, also declared at PTX ISA 7.0 (CUDA 11.0 drivers). */
    @Test
    void ptxAssemblesAlsoAtAnOlderIsa() throws Exception {
        Optional<Path> ptxas = tool("ptxas");
        Assumptions.assumeTrue(ptxas.isPresent(), "ptxas not installed");
        Path dir = Files.createDirectories(Path.of("target/ptx-check"));
        Path current = dir.resolve("current.ptx");
        Path older = dir.resolve("isa70.ptx");
        Files.writeString(current, Ptx.source(), StandardCharsets.US_ASCII);
        Files.writeString(older, Ptx.withIsaVersion(Ptx.source(), "7.0"), StandardCharsets.US_ASCII);
        assertEquals("7.0", Ptx.isaVersion(Files.readString(older)));
        for (Path p : List.of(current, older)) {
            for (String arch : List.of("sm_75", "sm_90")) {
                run(List.of(ptxas.get().toString(), "-arch=" + arch, "-o", dir.resolve(arch + ".cubin").toString(),
                        p.toString()));
            }
        }
    }

    @Test
    void isaForOlderDrivers() {
        assertNull(Ptx.isaForDriver(13000));
        assertNull(Ptx.isaForDriver(13010));
        assertEquals("8.0", Ptx.isaForDriver(12000));
        assertEquals("8.4", Ptx.isaForDriver(12040));
        assertEquals("8.5", Ptx.isaForDriver(12060));
        assertEquals("8.7", Ptx.isaForDriver(12080));
        assertEquals("8.8", Ptx.isaForDriver(12090));
        assertEquals("7.8", Ptx.isaForDriver(11080));
        String ptx = ".version 9.0\n.target sm_75\n";
        assertEquals(".version 8.4\n.target sm_75\n", Ptx.withIsaVersion(ptx, "8.4"));
    }

    /** A CUDA tool on the PATH or in /usr/local/cuda/bin. */
    static Optional<Path> tool(String name) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.add("/usr/local/cuda/bin");
        return dirs.stream().filter(d -> !d.isEmpty()).map(d -> Path.of(d, name)).filter(Files::isExecutable).findFirst();
    }

    static void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", cmd) + " timed out");
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed:\n" + output);
    }
}
