package org.segopt.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import jdk.incubator.vector.VectorShape;

/** What a speed report names about the machine it ran on: the CPU model and the vector width. */
final class Machine {
    private static final Path CPUINFO = Path.of("/proc/cpuinfo");

    private Machine() {
    }

    /** The first "model name" of /proc/cpuinfo where there is one, else "unknown CPU (os.arch)". */
    static String cpuModel() {
        String unknown = "unknown CPU (" + System.getProperty("os.arch") + ")";
        if (!Files.isReadable(CPUINFO)) {
            return unknown;
        }
        try (Stream<String> lines = Files.lines(CPUINFO)) {
            return lines.filter(l -> l.startsWith("model name") && l.indexOf(':') > 0)
                    .map(l -> l.substring(l.indexOf(':') + 1).strip())
                    .filter(model -> !model.isEmpty())
                    .findFirst().orElse(unknown);
        } catch (IOException | UncheckedIOException e) {
            return unknown;
        }
    }

    /** The bits of the Vector API's preferred species on this JVM and CPU (256 with AVX2, 512 with AVX-512). */
    static int vectorBits() {
        return VectorShape.preferredShape().vectorBitSize();
    }
}
