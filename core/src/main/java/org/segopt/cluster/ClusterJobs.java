package org.segopt.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.IntFunction;
import org.segopt.Metric;
import org.segopt.lidc.LidcExperiment;
import org.segopt.pool.Pool;
import org.segopt.pool.PoolException;
import org.segopt.io.ReadLimits;
import org.segopt.report.CaseSpec;
import org.segopt.report.DatasetException;
import org.segopt.report.Datasets;
import org.segopt.report.Progress;
import org.segopt.report.Report;

/**
 * The dataset commands run as jobs on a cluster (the {@code segopt-spark} module), found with
 * {@link ServiceLoader} so that the core needs no dependency on it: each job gives the result
 * and writes the files of its single-machine counterpart, with the same per-case code. Register
 * an implementation in {@code META-INF/services/org.segopt.cluster.ClusterJobs}. Each job throws
 * {@link ClusterUnavailableException} when Spark cannot start at its master.
 */
public interface ClusterJobs {

    /**
     * {@link Report#run} on the cluster at {@code master}, which also writes {@code cases.parquet}.
     *
     * @param listingErrors cases the layout already found unusable ("roi/case: message")
     * @param metrics       further metrics, as for {@link Report#run}
     */
    Report.Result report(String master, List<CaseSpec> cases, List<String> listingErrors, Path out, ReadLimits limits,
                         Progress progress, List<Metric> metrics) throws IOException;

    /**
     * {@link LidcExperiment#run} on the cluster at {@code master}, one task per XML file; also
     * writes {@code cases.parquet}. {@code dir} is a local path or a URI ({@link Datasets#isUri})
     * of a file system the cluster reads.
     */
    LidcExperiment.Result lidc(String master, String dir, Path out, LidcExperiment.Options options,
                               IntFunction<Progress> progress) throws IOException;

    /** {@link Pool#run} on the cluster at {@code master}: each pass's per-case counts merged by a reduce. */
    Pool.Result pool(String master, List<CaseSpec> cases, ReadLimits limits) throws PoolException, IOException;

    /**
     * The Plastimatch layout at folder {@code dir}, a URI ({@link Datasets#isUri}) of a file
     * system the cluster reads (the executors read the cases' files from it).
     */
    Datasets.Listing plastimatch(String dir) throws DatasetException;

    /** The manifest at URI {@code csv} of a file system the cluster reads, its files relative to it. */
    Datasets.Listing manifest(String csv) throws DatasetException;

    /** The registered implementation, if its module is on the class path. */
    static Optional<ClusterJobs> find() {
        return ServiceLoader.load(ClusterJobs.class).findFirst();
    }
}
