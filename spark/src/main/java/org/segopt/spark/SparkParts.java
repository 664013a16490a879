package org.segopt.spark;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.util.SerializableConfiguration;
import org.segopt.Encoding;
import org.segopt.engine.PartCounts;
import org.segopt.engine.PartExecutor;
import org.segopt.engine.PartPass;
import org.segopt.io.ReadLimits;
import org.segopt.pool.Pool;

/**
 * The passes of a pooled analysis as Spark jobs: each case is one task that reads the case and
 * runs the pass, and the cases' exact counts are merged by a tree reduce (a commutative monoid,
 * so the grouping Spark picks, and any retried task, give the same total).
 */
final class SparkParts implements PartExecutor {
    private final JavaRDD<CaseFiles> cases;
    private final Encoding encoding;
    private final long maxDecompressed;
    private final SerializableConfiguration hadoop;

    /** {@code hadoop}: the configuration the executors read the cases' files with. */
    SparkParts(JavaRDD<CaseFiles> cases, Encoding encoding, ReadLimits limits, SerializableConfiguration hadoop) {
        this.cases = cases;
        this.encoding = encoding;
        this.maxDecompressed = limits.maxDecompressedBytes();
        this.hadoop = hadoop;
    }

    @Override
    public PartCounts run(PartPass pass) {
        Encoding pooled = encoding;
        long max = maxDecompressed;
        SerializableConfiguration files = hadoop;
        return cases.map(c -> {
            try (LocalFiles local = new LocalFiles(files.value())) {
                return Pool.pass(pass, c.here(local), pooled, new ReadLimits(max));
            } catch (LocalFiles.Unreadable e) { // read by the survey, gone since: the task fails (and is retried)
                throw new IllegalStateException(e.getMessage(), e);
            }
        }).treeReduce(PartCounts::merge);
    }

    @Override
    public int parallelism() {
        return cases.context().defaultParallelism();
    }
}
