package org.segopt.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code segopt} launcher passes the JVM's stderr through untouched, except the incubator
 * warning the JVM prints first. It runs the launcher copied beside fake jars, with a fake
 * {@code java} that prints the warning, then a line holding a NUL byte and one after it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LauncherTest {
    private static final Path LAUNCHER = Path.of("..", "segopt");

    @TempDir
    Path dir;

    @Test
    void passesStderrThroughUntouchedButTheIncubatorWarning() throws Exception {
        assumeTrue(Files.isRegularFile(LAUNCHER) && Files.isExecutable(Path.of("/bin/bash")), "no launcher or bash");
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.copy(LAUNCHER, root.resolve("segopt"));
        for (String jar : new String[] {"core/target/segopt-core.jar", "gpu-kernels/target/segopt-gpu-kernels.jar"}) {
            Files.write(Files.createDirectories(root.resolve(jar).getParent()).resolve(Path.of(jar).getFileName()),
                    new byte[0]);
        }
        Path java = Files.createDirectories(dir.resolve("jdk/bin")).resolve("java");
        Files.writeString(java, """
                #!/bin/bash
                if [ "$1" = -XshowSettings:properties ]; then echo '    java.specification.version = 25' >&2; exit 0; fi
                echo 'WARNING: Using incubator modules: jdk.incubator.vector' >&2
                printf 'x.nrrd: type float\\0 is unknown\\nsecond line\\n' >&2
                echo out
                exit 3
                """);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(root.resolve("segopt"), PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", root.resolve("segopt").toString(), "analyze", "x.nrrd");
        pb.environment().put("JAVA_HOME", dir.resolve("jdk").toString());
        pb.redirectError(dir.resolve("stderr").toFile()).redirectOutput(dir.resolve("stdout").toFile());
        Process p = pb.start();
        assertEquals(3, p.waitFor());
        assertArrayEquals("x.nrrd: type float\0 is unknown\nsecond line\n".getBytes(StandardCharsets.UTF_8),
                Files.readAllBytes(dir.resolve("stderr")));
        assertEquals("out\n", Files.readString(dir.resolve("stdout")));
    }
}
