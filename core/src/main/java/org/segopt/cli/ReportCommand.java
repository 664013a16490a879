package org.segopt.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.segopt.cluster.ClusterJobs;
import org.segopt.engine.Engine;
import org.segopt.io.OneLine;
import org.segopt.io.ReadLimits;
import org.segopt.report.Datasets;
import org.segopt.report.Progress;
import org.segopt.report.Report;
import org.segopt.report.Stats;
import org.segopt.report.Table1;

/**
 * {@code segopt report (--layout plastimatch DIR | --manifest FILE.csv) --out DIR [--json]}: the
 * paper's Table 1 and Figure 5 for a multi-rater dataset.
 */
final class ReportCommand {
    static final String USAGE = """
            Usage: segopt report (--layout plastimatch DIR | --manifest FILE.csv) --out DIR [--json] [--jobs N]
                         [--spark MASTER]

            For every case (ROI x patient) of a dataset of binary rater masks: m = mean of the
            raters' masks, the exact Accuracy- and Dice-optimal segmentations, and per ROI the
            statistics of |s^A|/|m| and |s^D|/|m| (the paper's Table 1) with their scatter plot
            (Figure 5).

              --layout plastimatch DIR  DIR/<patient>/<ROI> (User<k>).nrrd as Plastimatch writes
                                        RTSTRUCTs (any format segopt reads, e.g. .npy, works); a
                                        missing User file is a rater who did not delineate
              --manifest FILE.csv       CSV with columns roi,case,file: one row per rater mask,
                                        paths relative to the CSV
              --out DIR                 writes cases.csv, table.md, table.csv, scatter.png, scatter.svg
              --jobs N                  cases analysed at once (default: min(4, processors))
              --max-decompressed BYTES  the most a compressed mask may decompress to in memory;
                                        default 1073741824 (1 GiB)
              --json                    print one JSON object with the table instead of Markdown
              --spark MASTER            run the cases as Apache Spark tasks at MASTER ('local[*]' in
                                        this process, spark://HOST:PORT, ...): the same files and
                                        JSON, plus cases.parquet (needs the segopt-spark module)

            A case that cannot be used (unreadable file, shapes differ, values not 0/1) is reported on
            stderr and skipped; the others finish and the exit code is 3. Cases with M = 0 have
            undefined ratios: they are listed and left out of the statistics.
            Exit codes: 0 success, 2 usage error, 3 some case or the dataset could not be used, or the
            --out DIR not written, 4 --spark MASTER where Spark cannot start.
            """;

    private ReportCommand() {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) throws UsageException {
        boolean json = false;
        DatasetArgs dataset = new DatasetArgs();
        Path outDir = null;
        int jobs = Math.min(4, Runtime.getRuntime().availableProcessors());
        ReadLimits limits = ReadLimits.DEFAULT;
        String spark = null;
        Options options = new Options(args);
        while (options.hasNext()) {
            String a = options.next();
            if (dataset.take(a, options)) {
                continue;
            }
            switch (a) {
                case "--json" -> json = true;
                case "--out" -> outDir = options.path(a);
                case "--jobs" -> jobs = (int) options.integer(a, 1, 1024);
                case "--spark" -> spark = options.value(a);
                case ReadLimits.OPTION -> limits = new ReadLimits(options.integer(a, 0, Long.MAX_VALUE));
                case "-h", "--help" -> {
                    out.print(USAGE);
                    return 0;
                }
                default -> throw new UsageException(a.startsWith("-") ? "unknown option " + a : "unexpected argument '" + a + "'");
            }
        }
        dataset.check();
        outDir = Options.outputFolder(outDir, "DIR");
        ClusterJobs cluster = spark == null ? null : Options.cluster();
        Datasets.Listing listing = dataset.list("report", err);
        if (listing == null) {
            return Main.EXIT_INPUT;
        }
        Report.Result result;
        try {
            Progress progress = Progress.forConsole(err, "report", listing.cases().size());
            result = cluster == null
                    ? Report.run(listing.cases(), listing.errors(), outDir, jobs, Engine.parallel(), limits, progress)
                    : cluster.report(spark, listing.cases(), listing.errors(), outDir, limits, progress);
        } catch (IOException e) {
            err.println(OneLine.of("segopt report: cannot write the results to " + outDir + ": " + Main.reason(e)));
            return Main.EXIT_INPUT;
        }
        for (Table1.Row row : result.rows()) {
            for (String c : row.undefined()) {
                err.println(OneLine.of("segopt report: " + row.name() + "/" + c + ": M = 0 (no rater marked a voxel): ratios undefined, "
                        + "left out of the statistics"));
            }
        }
        if (json) {
            out.println(toJson(result));
        } else {
            try {
                out.print(Files.readString(outDir.resolve("table.md")));
            } catch (IOException e) {
                err.println(OneLine.of("segopt report: cannot read back " + outDir.resolve("table.md") + ": " + Main.reason(e)));
                return Main.EXIT_INPUT;
            }
        }
        if (!result.errors().isEmpty()) {
            err.println(OneLine.of("segopt report: " + result.errors().size() + " case(s) skipped because of errors"));
            return Main.EXIT_INPUT;
        }
        return 0;
    }

    static Json toJson(Report.Result result) {
        List<Json> rois = new ArrayList<>();
        for (Table1.Row row : result.rows()) {
            rois.add(Json.object()
                    .put("roi", row.name())
                    .put("cases", row.cases())
                    .put("accuracyRatio", stats(row.accuracy()))
                    .put("diceRatio", stats(row.dice()))
                    .put("undefined", row.undefined()));
        }
        return Json.object().put("rois", rois).put("errors", result.errors());
    }

    /** {"mean", "std", "min", "max"}, each null when there are no values. */
    static Json stats(Stats s) {
        return Json.object()
                .put("mean", s.isEmpty() ? null : s.mean())
                .put("std", s.isEmpty() ? null : s.std())
                .put("min", s.isEmpty() ? null : s.min())
                .put("max", s.isEmpty() ? null : s.max());
    }
}
