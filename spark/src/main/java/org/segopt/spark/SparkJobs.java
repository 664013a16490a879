package org.segopt.spark;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.SerializableConfiguration;
import org.segopt.Analysis;
import org.segopt.Analysis.Optimum;
import org.segopt.Metric;
import org.segopt.cluster.ClusterJobs;
import org.segopt.cluster.ClusterUnavailableException;
import org.segopt.engine.Engine;
import org.segopt.io.ReadLimits;
import org.segopt.lidc.LidcExperiment;
import org.segopt.pool.Pool;
import org.segopt.pool.PoolCase;
import org.segopt.pool.PoolException;
import org.segopt.report.CaseSpec;
import org.segopt.report.DatasetException;
import org.segopt.report.Datasets;
import org.segopt.report.Progress;
import org.segopt.report.Report;

/**
 * The dataset commands as Spark jobs: one task per case (or XML file) running the same per-case
 * code as the single-machine commands on the executor that reads the case, the results collected
 * in dataset order and assembled by the same code, so every output file is the same; the report
 * and lidc jobs add {@code cases.parquet}. Each executor task analyses on one thread (Spark runs
 * tasks side by side).
 */
public final class SparkJobs implements ClusterJobs {

    /**
     * What a report task sends back of one outcome of a case (its spec stays with the driver; a
     * case of label maps gives one per class, in group {@code roi}).
     */
    private record Verdict(String roi, Analysis analysis, String error, List<Optimum> metrics) implements Serializable {
    }

    @Override
    public Report.Result report(String master, List<CaseSpec> cases, List<String> listingErrors, Path out,
                                ReadLimits limits, Progress progress, List<Metric> metrics) throws IOException {
        return run(master, spark -> {
            long max = limits.maxDecompressedBytes();
            List<Metric> asked = List.copyOf(metrics);
            SerializableConfiguration hadoop = new SerializableConfiguration(HadoopFiles.configuration());
            List<List<Verdict>> verdicts = tasks(spark.context(), cases.stream().map(CaseFiles::of).toList())
                    .map(c -> {
                        List<Verdict> v = new ArrayList<>();
                        try (LocalFiles local = new LocalFiles(hadoop.value())) {
                            for (Report.Outcome o : Report.analyze(c.here(local), Engine.simd(), new ReadLimits(max), asked)) {
                                v.add(new Verdict(o.spec().roi(), o.analysis(), local.named(o.error()), new ArrayList<>(o.metrics())));
                            }
                        } catch (LocalFiles.Unreadable e) {
                            v.add(new Verdict(c.roi(), null, e.getMessage(), new ArrayList<>()));
                        }
                        return v;
                    }).collect();
            List<Report.Outcome> outcomes = new ArrayList<>();
            for (int i = 0; i < cases.size(); i++) {
                CaseSpec spec = cases.get(i);
                List<Verdict> v = verdicts.get(i);
                if (v.getFirst().error() != null) {
                    progress.message("segopt report: " + spec.label() + ": " + v.getFirst().error() + " (case skipped)");
                }
                progress.done(spec.label());
                for (Verdict one : v) {
                    CaseSpec as = new CaseSpec(one.roi(), spec.name(), spec.files(), spec.kind());
                    outcomes.add(new Report.Outcome(as, one.analysis(), one.error(), List.copyOf(one.metrics())));
                }
            }
            Report.Result result = Report.write(outcomes, listingErrors, out, asked);
            CaseTables.writeParquet(spark.session(), out.resolve("cases.parquet"), Report.casesHeader(asked),
                    Report.caseRows(result.outcomes(), asked));
            return result;
        });
    }

    @Override
    public LidcExperiment.Result lidc(String master, String dir, Path out, LidcExperiment.Options options,
                                      IntFunction<Progress> progress) throws IOException {
        return run(master, spark -> {
            boolean uri = Datasets.isUri(dir);
            Configuration conf = HadoopFiles.configuration();
            // a folder of a Hadoop file system: its files named relative to it, as the local run names them
            HadoopFiles.XmlFolder folder = uri ? new HadoopFiles(conf).xmlFiles(dir) : null;
            LidcExperiment.Found found = uri ? folder.found() : LidcExperiment.find(Path.of(dir));
            Map<Path, XmlFile> files = new HashMap<>();
            for (int i = 0; i < found.files().size(); i++) {
                Path f = found.files().get(i);
                files.put(f, uri ? new XmlFile(folder.uris().get(i), null, f.toString())
                        : new XmlFile(f.toString(), f.toAbsolutePath().toString(), found.dir().relativize(f).toString()));
            }
            SerializableConfiguration hadoop = new SerializableConfiguration(conf);
            List<LidcExperiment.Head> heads = tasks(spark.context(), found.files().stream().map(files::get).toList()).map(f -> {
                try (LocalFiles local = new LocalFiles(hadoop.value())) {
                    LidcExperiment.Head h = LidcExperiment.Head.of(f.path(local));
                    return new LidcExperiment.Head(h.kind(), h.seriesUid(), local.named(h.error()));
                } catch (LocalFiles.Unreadable e) {
                    return new LidcExperiment.Head(null, null, e.getMessage());
                }
            }).collect();
            LidcExperiment.Plan plan = LidcExperiment.plan(found, heads);
            Progress p = progress.apply(plan.ct().size());
            for (LidcExperiment.Skipped s : plan.skipped()) {
                if (s.error()) {
                    p.message("segopt lidc: " + s.file() + ": " + s.reason() + " (skipped)");
                }
            }
            List<Object> analysed = new ArrayList<>(tasks(spark.context(), plan.ct().stream().map(files::get).toList()).map(f -> {
                try (LocalFiles local = new LocalFiles(hadoop.value())) {
                    Path file = f.path(local);
                    Object r = LidcExperiment.analyzeFile(f.folder(file), file, options);
                    return r instanceof LidcExperiment.Skipped s
                            ? new LidcExperiment.Skipped(s.file(), s.seriesUid(), s.what(), local.named(s.reason()), s.error()) : r;
                } catch (LocalFiles.Unreadable e) {
                    return new LidcExperiment.Skipped(f.relative(), "", "file", e.getMessage(), true);
                }
            }).collect());
            for (int i = 0; i < analysed.size(); i++) {
                if (analysed.get(i) instanceof LidcExperiment.Skipped s) {
                    p.message("segopt lidc: " + s.file() + ": " + s.reason() + " (skipped)");
                }
                p.done(files.get(plan.ct().get(i)).relative());
            }
            LidcExperiment.Result result = LidcExperiment.write(found, plan, analysed, out, options);
            CaseTables.writeParquet(spark.session(), out.resolve("cases.parquet"), LidcExperiment.CASES_HEADER,
                    LidcExperiment.caseRows(result));
            return result;
        });
    }

    @Override
    public Pool.Result pool(String master, List<CaseSpec> cases, ReadLimits limits) throws PoolException, IOException {
        return run(master, spark -> {
            long max = limits.maxDecompressedBytes();
            List<CaseFiles> files = cases.stream().map(CaseFiles::of).toList();
            SerializableConfiguration hadoop = new SerializableConfiguration(HadoopFiles.configuration());
            List<PoolCase> surveyed = tasks(spark.context(), files).map(c -> {
                try (LocalFiles local = new LocalFiles(hadoop.value())) {
                    PoolCase p = PoolCase.survey(c.here(local), new ReadLimits(max));
                    return p.error() == null ? p : new PoolCase(p.label(), null, 0, 0, local.named(p.error()), null);
                } catch (LocalFiles.Unreadable e) {
                    return new PoolCase(c.label(), null, 0, 0, e.getMessage(), null);
                }
            }).collect();
            List<CaseFiles> usable = new ArrayList<>();
            List<PoolCase> usableSurveys = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                if (surveyed.get(i).error() == null) {
                    usable.add(files.get(i));
                    usableSurveys.add(surveyed.get(i));
                }
            }
            return Pool.analyze(surveyed, new SparkParts(tasks(spark.context(), usable), Pool.encoding(usableSurveys), limits,
                    hadoop));
        });
    }

    @Override
    public Datasets.Listing plastimatch(String dir) throws DatasetException {
        return Datasets.plastimatch(dir, new HadoopFiles(HadoopFiles.configuration()));
    }

    @Override
    public Datasets.Listing manifest(String csv) throws DatasetException {
        return new HadoopFiles(HadoopFiles.configuration()).manifest(csv);
    }

    /** A job in the session at {@code master}. */
    @FunctionalInterface
    private interface Job<T, E extends Exception> {
        T run(SparkSessions spark) throws E;
    }

    /**
     * Runs {@code job} in the session at {@code master}, stopping the session if it started it.
     *
     * @throws ClusterUnavailableException if Spark fails the job (a task failed on every try, the
     *                                     executors were lost for good)
     */
    private static <T, E extends Exception> T run(String master, Job<T, E> job) throws E {
        try (SparkSessions spark = SparkSessions.open(master)) {
            return job.run(spark);
        } catch (Exception e) {
            if (e instanceof SparkException) { // thrown undeclared, as Scala does
                throw new ClusterUnavailableException("--spark " + master + ": the Spark job failed: "
                        + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
            }
            throw e;
        }
    }

    /** One task per item, in order. */
    private static <T> org.apache.spark.api.java.JavaRDD<T> tasks(JavaSparkContext context, List<T> items) {
        return context.parallelize(items, Math.max(1, items.size()));
    }

    /**
     * An XML file for the task that reads it: as the driver named it (a path or a URI), as an
     * absolute path (null for a URI), and relative to the input folder.
     */
    private record XmlFile(String given, String absolute, String relative) implements Serializable {
        /** The file on this machine: as the driver named it where that names the same file; a URI's fetched by {@code local}. */
        Path path(LocalFiles local) throws LocalFiles.Unreadable {
            return Datasets.isUri(given) ? local.of(given, Path.of(relative)) : CaseFiles.named(given, Path.of(absolute));
        }

        /** The input folder on this machine, from the file's {@link #path} there. */
        Path folder(Path file) {
            Path folder = file;
            for (int i = Path.of(relative).getNameCount(); i > 0 && folder != null; i--) {
                folder = folder.getParent();
            }
            return folder != null ? folder : Path.of("");
        }
    }
}
