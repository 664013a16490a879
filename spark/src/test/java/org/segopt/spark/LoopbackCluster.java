package org.segopt.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.launcher.JavaModuleOptions;

/**
 * A Spark standalone cluster on the loopback address: a Master and a Worker, each in its own JVM
 * started from a Spark home whose {@code jars/} the build laid out; every server they start (RPC,
 * web UI, executors) listens on 127.0.0.1 only. Closing stops both.
 */
public final class LoopbackCluster implements AutoCloseable {
    private static final Pattern MASTER_URL = Pattern.compile("Starting Spark master at (spark://127\\.0\\.0\\.1:\\d+)");
    /** How long a daemon may take to start before the test gives up (a guard, not a measurement). */
    private static final long START_LIMIT_MS = 120_000;

    private final List<Process> daemons = new ArrayList<>();
    private final String masterUrl;

    /**
     * Starts the Master, then a Worker with {@code cores} cores, logging into {@code logs}.
     *
     * @param sparkHome a folder with Spark's {@code jars/}
     */
    public LoopbackCluster(Path sparkHome, Path logs, int cores) throws IOException, InterruptedException {
        Files.createDirectories(logs);
        try {
            Path masterLog = logs.resolve("master.log");
            start(sparkHome, masterLog, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", "0",
                    "--webui-port", "0");
            masterUrl = await(masterLog, MASTER_URL);
            Path workerLog = logs.resolve("worker.log");
            start(sparkHome, workerLog, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores",
                    Integer.toString(cores), "--memory", "1g", "--webui-port", "0", "--work-dir",
                    logs.resolve("work").toString(), masterUrl);
            await(workerLog, Pattern.compile("(Successfully registered with master)"));
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** spark://127.0.0.1:PORT. */
    public String masterUrl() {
        return masterUrl;
    }

    private void start(Path sparkHome, Path log, String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.addAll(Arrays.asList(JavaModuleOptions.defaultModuleOptions().split(" ")));
        command.add("-Dspark.master.rest.enabled=false");
        command.addAll(List.of("-cp", sparkHome.resolve("jars") + "/*", mainClass));
        command.addAll(Arrays.asList(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("SPARK_HOME", sparkHome.toString());
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("SPARK_SCALA_VERSION", "2.13");
        env.put("JAVA_HOME", System.getProperty("java.home"));
        daemons.add(builder.start());
    }

    /** Waits until {@code log} has a line matching {@code line}; returns its first group. */
    private String await(Path log, Pattern line) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + START_LIMIT_MS;
        while (System.currentTimeMillis() < deadline) {
            Matcher m = line.matcher(Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "");
            if (m.find()) {
                return m.group(1);
            }
            if (daemons.stream().anyMatch(p -> !p.isAlive())) {
                throw new IOException("a Spark daemon exited; see " + log + ":\n" + Files.readString(log));
            }
            Thread.sleep(200);
        }
        throw new IOException("no '" + line.pattern() + "' in " + log + " after " + START_LIMIT_MS + " ms:\n"
                + Files.readString(log));
    }

    /** The executor JVMs this cluster's Worker runs for application {@code appId}. */
    public static List<ProcessHandle> executors(String appId) {
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine()
                .map(c -> c.contains("CoarseGrainedExecutorBackend") && c.contains(appId)).orElse(false)).toList();
    }

    @Override
    public void close() {
        for (Process p : daemons.reversed()) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Process p : daemons) {
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
