package org.segopt.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.segopt.cluster.ClusterJobs;
import org.segopt.io.OneLine;
import org.segopt.io.ReadLimits;
import org.segopt.pool.Pool;
import org.segopt.pool.PoolException;
import org.segopt.report.CaseSpec;
import org.segopt.report.Datasets;

/**
 * {@code segopt pool (--layout plastimatch DIR | --manifest FILE.csv) --roi NAME [--json] [--spark MASTER]}:
 * the exact analysis of the pooled marginal of one ROI.
 */
final class PoolCommand {
    static final String USAGE = """
            Usage: segopt pool (--layout plastimatch DIR | --manifest FILE.csv) --roi NAME [--json]
                              [--jobs N] [--spark MASTER]

            One exact analysis of the union of every voxel of every case of ROI NAME, as if the
            volumes were one marginal (the "global Dice" some challenges report): the output of
            'segopt analyze' on the cases' volumes concatenated, without concatenating them.
            Rater masks pool exactly whatever each case's rater count R (m = votes / R per case:
            votes over the least common multiple of the R, at most 65535); a case of one float
            file is a probability map (float16 and float32 maps pool as float32, with a float64
            map as float64). Masks and probability maps do not pool together.

              --layout plastimatch DIR  DIR/<patient>/<ROI> (User<k>).<ext>, as for 'segopt report'
              --manifest FILE.csv       CSV with columns roi,case,file, as for 'segopt report'
              --roi NAME                the ROI whose cases are pooled
              --jobs N                  cases read at once (default: min(4, processors))
              --max-decompressed BYTES  the most a compressed file may decompress to in memory;
                                        default 1073741824 (1 GiB)
              --spark MASTER            run every pass as Apache Spark tasks at MASTER ('local[*]'
                                        in this process, spark://HOST:PORT, ...), the per-case
                                        histograms merged by a reduce (needs the segopt-spark module);
                                        DIR and FILE.csv may then be Hadoop FileSystem URIs
                                        (file:///..., hdfs://..., s3a://... with its connector)
              --json                    print the JSON object of 'segopt analyze --json', with the
                                        fields cases (pooled) and errors (cases left out)

            A case that cannot be used (unreadable file, shapes differ, values not 0/1 or not in
            [0, 1]) is reported on stderr and left out; the others are pooled and the exit code is 3.
            Exit codes: 0 success, 2 usage error, 3 some case or the dataset could not be used,
            4 --spark MASTER where Spark cannot start.
            """;

    private PoolCommand() {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) throws UsageException {
        DatasetSource dataset = new DatasetSource("pool", false);
        String roi = null;
        int jobs = Math.min(4, Runtime.getRuntime().availableProcessors());
        String spark = null;
        Options options = new Options(args);
        while (options.hasNext()) {
            String a = options.next();
            switch (a) {
                case "--roi" -> roi = options.value(a);
                case "--jobs" -> jobs = (int) options.integer(a, 1, 1024);
                case "--spark" -> spark = options.value(a);
                case "-h", "--help" -> {
                    out.print(USAGE);
                    return 0;
                }
                default -> dataset.accept(a, options);
            }
        }
        dataset.requireDataset();
        if (roi == null) {
            throw new UsageException("--roi NAME is required");
        }
        ClusterJobs cluster = spark == null ? null : Options.cluster();
        Datasets.Listing listing = dataset.list(roi, cluster, err);
        if (listing == null) {
            return Main.EXIT_INPUT;
        }
        List<CaseSpec> cases = listing.cases();
        List<String> listingErrors = listing.errors();
        ReadLimits limits = dataset.limits();
        boolean json = dataset.json();
        Pool.Result result;
        try {
            result = cluster == null ? Pool.run(cases, limits, jobs) : cluster.pool(spark, cases, limits);
        } catch (PoolException e) {
            err.println(OneLine.of("segopt pool: " + roi + ": " + e.getMessage()));
            return Main.EXIT_INPUT;
        } catch (IOException e) {
            err.println(OneLine.of("segopt pool: " + Main.reason(e)));
            return Main.EXIT_INPUT;
        }
        List<String> errors = new ArrayList<>(listingErrors);
        errors.addAll(result.errors());
        for (String e : result.errors()) {
            err.println(OneLine.of("segopt pool: " + e + " (case left out)"));
        }
        if (json) {
            out.println(AnalyzeCommand.toJson(result.analysis(), result.union())
                    .put("cases", result.cases().size())
                    .put("errors", errors));
        } else {
            out.println(AnalyzeCommand.table(result.analysis(), result.union(), "pooled " + roi + ": "
                    + result.cases().size() + " cases", new long[] {result.analysis().voxels()}));
        }
        if (!errors.isEmpty()) {
            err.println(OneLine.of("segopt pool: " + errors.size() + " case(s) left out because of errors"));
            return Main.EXIT_INPUT;
        }
        return 0;
    }
}
