package org.segopt.spark;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.segopt.cluster.ClusterUnavailableException;

/**
 * The Spark session a job runs in: the one already running in this JVM (spark-submit, a test,
 * a notebook), or a new one at the given master, stopped when the job ends. Settings segopt needs
 * are added where the user's configuration leaves them out: executors start with the Vector API
 * module; an embedded ({@code local[...]}) session binds to the loopback address and starts no web
 * UI; a session at a cluster ships the segopt jar this class was loaded from.
 */
final class SparkSessions implements AutoCloseable {
    /** The JVM options every JVM running segopt code needs. */
    static final String JVM_FLAGS = "--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED";

    /** The master URLs Spark itself knows; anything else would fail inside SparkContext with a logged stack trace. */
    private static final Pattern MASTERS = Pattern.compile(
            "local(\\[(\\*|\\d+)(,\\d+)?])?|local-cluster\\[\\d+, *\\d+, *\\d+]|spark://.+|yarn|k8s://.+");

    private final SparkSession session;
    private final boolean created;

    private SparkSessions(SparkSession session, boolean created) {
        this.session = session;
        this.created = created;
    }

    /**
     * The running session at {@code master}, or a new one there (Spark's own syntax: local[*],
     * spark://HOST:PORT, yarn, ...).
     *
     * @throws ClusterUnavailableException if Spark cannot start there, or a session at another
     *                                     master runs in this JVM (one per JVM)
     */
    static SparkSessions open(String master) {
        if (!MASTERS.matcher(master).matches()) {
            throw new ClusterUnavailableException("--spark " + master + ": not a Spark master URL (local[*], local[N], "
                    + "spark://HOST:PORT, yarn, k8s://...)", null);
        }
        if (SparkSession.getDefaultSession().isDefined()) {
            SparkSession running = SparkSession.getDefaultSession().get();
            if (!running.sparkContext().master().equals(master)) {
                throw new ClusterUnavailableException("--spark " + master + ": this JVM already runs a Spark session at "
                        + running.sparkContext().master(), null);
            }
            return new SparkSessions(running, false);
        }
        SparkConf conf = new SparkConf().setAppName("segopt").setMaster(master);
        String executorOptions = conf.get("spark.executor.extraJavaOptions", "");
        if (!executorOptions.contains("jdk.incubator.vector")) {
            conf.set("spark.executor.extraJavaOptions", (executorOptions + " " + JVM_FLAGS).trim());
        }
        if (master.startsWith("local")) {
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
            conf.setIfMissing("spark.ui.enabled", "false");
        } else {
            Path jar = segoptJar();
            if (jar != null) {
                String jars = conf.get("spark.jars", "");
                conf.set("spark.jars", jars.isEmpty() ? jar.toString() : jars + "," + jar);
            }
        }
        try {
            return new SparkSessions(SparkSession.builder().config(conf).getOrCreate(), true);
        } catch (Exception e) { // Spark throws its checked SparkException undeclared
            throw new ClusterUnavailableException("--spark " + master + ": Spark cannot start there ("
                    + e.getMessage() + ")", e);
        }
    }

    /** The jar holding segopt's classes (segopt-spark.jar), or null when they come from folders. */
    private static Path segoptJar() {
        try {
            Path p = Path.of(SparkSessions.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(p) ? p : null;
        } catch (URISyntaxException | SecurityException e) {
            return null;
        }
    }

    SparkSession session() {
        return session;
    }

    JavaSparkContext context() {
        return JavaSparkContext.fromSparkContext(session.sparkContext());
    }

    /** Stops the session if this job started it. */
    @Override
    public void close() {
        if (created) {
            session.stop();
        }
    }
}
