package org.segopt.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.segopt.Metric;
import org.segopt.cluster.ClusterJobs;
import org.segopt.engine.Engine;
import org.segopt.io.OneLine;
import org.segopt.report.Datasets;
import org.segopt.report.MetricRatios;
import org.segopt.report.Progress;
import org.segopt.report.Report;
import org.segopt.report.Stats;
import org.segopt.report.Table1;

/**
 * {@code segopt report (--layout plastimatch DIR | --manifest FILE.csv) --out DIR [--json] [--metric M]...}:
 * the paper's Table 1 and Figure 5 for a multi-rater dataset.
 */
final class ReportCommand {
    static final String USAGE = """
            Usage: segopt report (--layout plastimatch DIR | --manifest FILE.csv) --out DIR [--json] [--jobs N]
                                 [--metric M]... [--spark MASTER]

            For every case (ROI x patient) of a dataset of binary rater masks: m = mean of the
            raters' masks, the exact Accuracy- and Dice-optimal segmentations, and per ROI the
            statistics of |s^A|/|m| and |s^D|/|m| (the paper's Table 1) with their scatter plot
            (Figure 5).

              --layout plastimatch DIR  DIR/<patient>/<ROI> (User<k>).nrrd as Plastimatch writes
                                        RTSTRUCTs (any format segopt reads, e.g. .npy, works); a
                                        missing User file is a rater who did not delineate
              --manifest FILE.csv       CSV with columns roi,case,file: one row per rater mask,
                                        paths relative to the CSV; an optional column kind:
                                        mask (the default), probability (one row per case
                                        naming a float16/32/64 file of m in [0, 1]) or labels,
                                        a rater's label map (0 background, 1..C classes): such
                                        a case gives one row per class c, in the group
                                        '<roi> class <c>'
              --out DIR                 writes cases.csv, table.md, table.csv, scatter.png, scatter.svg
              --metric M                also the optima of jaccard, fbeta:B or tversky:A,B (as for
                                        'segopt analyze'; repeatable, one per family): their columns
                                        <family>_sup, _sup_exact, _threshold, _threshold_exact,
                                        _least_volume, _greatest_volume, _ratio in cases.csv, and per
                                        ROI the statistics of each one's ratio beside Dice's in
                                        metrics.csv and a second table of table.md
              --jobs N                  cases analysed at once (default: min(4, processors))
              --max-decompressed BYTES  the most a compressed mask may decompress to in memory;
                                        default 1073741824 (1 GiB)
              --json                    print one JSON object with the table instead of Markdown
              --spark MASTER            run the cases as Apache Spark tasks at MASTER ('local[*]' in
                                        this process, spark://HOST:PORT, ...): the same files and
                                        JSON, plus cases.parquet (needs the segopt-spark module);
                                        DIR and FILE.csv may then be Hadoop FileSystem URIs
                                        (file:///..., hdfs://..., s3a://... with its connector)

            A case that cannot be used (unreadable file, shapes differ, values not 0/1) is reported on
            stderr and skipped; the others finish and the exit code is 3. Cases with M = 0 have
            undefined ratios: they are listed and left out of the statistics.
            Exit codes: 0 success, 2 usage error, 3 some case or the dataset could not be used, or the
            --out DIR not written, 4 --spark MASTER where Spark cannot start.
            """;

    private ReportCommand() {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) throws UsageException {
        DatasetSource dataset = new DatasetSource("report");
        int jobs = Math.min(4, Runtime.getRuntime().availableProcessors());
        List<Metric> metrics = new ArrayList<>();
        String spark = null;
        Options options = new Options(args);
        while (options.hasNext()) {
            String a = options.next();
            switch (a) {
                case "--jobs" -> jobs = (int) options.integer(a, 1, 1024);
                case "--metric" -> MetricOption.add(metrics, a, options.value(a));
                case "--spark" -> spark = options.value(a);
                case "-h", "--help" -> {
                    out.print(USAGE);
                    return 0;
                }
                default -> dataset.accept(a, options);
            }
        }
        Path outDir = dataset.outputFolder();
        ClusterJobs cluster = spark == null ? null : Options.cluster();
        Datasets.Listing listing = dataset.list(null, cluster, err);
        if (listing == null) {
            return Main.EXIT_INPUT;
        }
        Report.Result result;
        try {
            Progress progress = Progress.forConsole(err, "report", listing.cases().size());
            List<Metric> further = metrics.stream().filter(m -> !m.family().equals("dice")).toList();
            result = cluster == null
                    ? Report.run(listing.cases(), listing.errors(), outDir, jobs, Engine.parallel(), dataset.limits(), progress,
                            further)
                    : cluster.report(spark, listing.cases(), listing.errors(), outDir, dataset.limits(), progress, further);
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
        return dataset.finish(toJson(result), result.errors(), out, err);
    }

    static Json toJson(Report.Result result) {
        List<Json> rois = new ArrayList<>();
        for (Table1.Row row : result.rows()) {
            Json roi = Json.object()
                    .put("roi", row.name())
                    .put("cases", row.cases())
                    .put("accuracyRatio", stats(row.accuracy()))
                    .put("diceRatio", stats(row.dice()));
            for (MetricRatios.Row r : result.metricRatios()) {
                if (r.roi().equals(row.name()) && !r.metric().family().equals("dice")) {
                    roi.put(r.metric().family() + "Ratio", stats(r.ratio()).put("metric", r.metric().name()));
                }
            }
            rois.add(roi.put("undefined", row.undefined()));
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
