package org.segopt.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.segopt.cluster.ClusterJobs;
import org.segopt.io.OneLine;
import org.segopt.lidc.LidcExperiment;
import org.segopt.report.Datasets;
import org.segopt.report.Progress;

/** {@code segopt lidc DIR --out OUTDIR [--json] [--skip-empty]}: Table 1 (L) and Figure 6 from LIDC-IDRI XML. */
final class LidcCommand {
    static final String USAGE = """
            Usage: segopt lidc DIR --out OUTDIR [--json] [--skip-empty] [--jobs N] [--spark MASTER]

            The paper's lung-nodule experiment (L) from the LIDC-IDRI XML annotations alone (no
            images needed): for every CT series, m = (number of annotations covering the voxel) / 4
            over its annotations of nodules >= 3 mm (pylidc's rules, as the paper's code), the exact
            Accuracy- and Dice-optimal segmentations, and the statistics of |s^A|/|m| and |s^D|/|m|
            over the series (Table 1, row L) with their scatter plot (Figure 6).

              DIR           searched recursively for *.xml (LidcReadMessage CT files; IdriReadMessage
                            chest radiograph files are counted and skipped; a series described by
                            several files is read from the first in path order)
              --out OUTDIR  writes cases.csv, table.md, table.csv, scatter.png, scatter.svg, skipped.csv
              --skip-empty  leave series without annotations out of the statistics (the paper's
                            code counts them with ratios (1, 1))
              --jobs N      series analysed at once (default: all processors)
              --json        print one JSON object instead of the Markdown table
              --spark MASTER  one Apache Spark task per XML file at MASTER ('local[*]' in this
                            process, spark://HOST:PORT, ...): the same files and JSON, plus
                            cases.parquet (needs the segopt-spark module); DIR may then be a
                            Hadoop FileSystem URI (file:///..., hdfs://..., s3a://...)

            A malformed file, a missing element or a point outside the 512 x 512 image is reported
            on stderr and in skipped.csv; the other files finish and the exit code is 3.
            Exit codes: 0 success, 2 usage error, 3 some file could not be used or OUTDIR not written,
            4 --spark MASTER where Spark cannot start.
            """;

    private LidcCommand() {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) throws UsageException {
        boolean json = false;
        boolean skipEmpty = false;
        String dir = null;
        Path outDir = null;
        int jobs = Runtime.getRuntime().availableProcessors();
        String spark = null;
        Options options = new Options(args);
        while (options.hasNext()) {
            String a = options.next();
            switch (a) {
                case "--json" -> json = true;
                case "--skip-empty" -> skipEmpty = true;
                case "--out" -> outDir = options.path(a);
                case "--jobs" -> jobs = (int) options.integer(a, 1, 1024);
                case "--spark" -> spark = options.value(a);
                case "-h", "--help" -> {
                    out.print(USAGE);
                    return 0;
                }
                default -> {
                    Options.positional(a);
                    if (dir != null) {
                        throw new UsageException("one DIR only (got " + dir + " and " + a + ")");
                    }
                    dir = a;
                }
            }
        }
        if (dir == null) {
            throw new UsageException("no input DIR given");
        }
        outDir = Options.outputFolder(outDir, "OUTDIR");
        ClusterJobs cluster = spark == null ? null : Options.cluster();
        boolean uri = Datasets.isUri(dir);
        if (uri && cluster == null) {
            throw new UsageException(dir + ": a URI needs --spark MASTER (its file system is read through Hadoop)");
        }
        if (!uri && !Files.isDirectory(Path.of(dir))) {
            err.println(OneLine.of("segopt lidc: " + dir + ": not a directory"));
            return Main.EXIT_INPUT;
        }
        LidcExperiment.Result result;
        try {
            LidcExperiment.Options settings = new LidcExperiment.Options(skipEmpty, jobs);
            IntFunction<Progress> progress = total -> Progress.forConsole(err, "lidc", total);
            result = cluster == null ? LidcExperiment.run(Path.of(dir), outDir, settings, progress)
                    : cluster.lidc(spark, dir, outDir, settings, progress);
        } catch (IOException e) {
            err.println(OneLine.of("segopt lidc: cannot read " + dir + " or write the results to " + outDir + ": "
                    + Main.reason(e)));
            return Main.EXIT_INPUT;
        }
        for (String uid : result.row().undefined()) {
            err.println(OneLine.of("segopt lidc: series " + uid + ": M = 0 (every annotation mask is empty): ratios undefined, "
                    + "left out of the statistics"));
        }
        if (!result.readerDeduplicated().isEmpty()) {
            err.println(OneLine.of("segopt lidc: annotations overlap more than 4 deep, each reader counted once, in series "
                    + String.join(", ", result.readerDeduplicated())));
        }
        if (json) {
            out.println(toJson(result));
        } else {
            try {
                out.print(Files.readString(outDir.resolve("table.md")));
            } catch (IOException e) {
                err.println(OneLine.of("segopt lidc: cannot read back " + outDir.resolve("table.md") + ": " + Main.reason(e)));
                return Main.EXIT_INPUT;
            }
        }
        if (result.files() == 0) {
            err.println(OneLine.of("segopt lidc: " + dir + ": no *.xml files found"));
            return Main.EXIT_INPUT;
        }
        if (result.errors() > 0) {
            err.println(OneLine.of("segopt lidc: " + result.errors() + " file(s) skipped because of errors (see "
                    + outDir.resolve("skipped.csv") + ")"));
            return Main.EXIT_INPUT;
        }
        return 0;
    }

    static Json toJson(LidcExperiment.Result r) {
        List<Json> skipped = new ArrayList<>();
        for (LidcExperiment.Skipped s : r.skipped()) {
            skipped.add(Json.object().put("file", s.file()).put("seriesUid", s.seriesUid().isEmpty() ? null : s.seriesUid())
                    .put("what", s.what()).put("reason", s.reason()).put("error", s.error()));
        }
        return Json.object()
                .put("scans", r.row().cases())
                .put("accuracyRatio", ReportCommand.stats(r.row().accuracy()))
                .put("diceRatio", ReportCommand.stats(r.row().dice()))
                .put("files", r.files())
                .put("series", r.scans().size())
                .put("radiographs", r.radiographs())
                .put("emptySeries", r.scans().stream().filter(s -> s.analysis() == null).count())
                .put("undefined", r.row().undefined())
                .put("readerDeduplicated", r.readerDeduplicated())
                .put("errors", r.errors())
                .put("skipped", skipped);
    }
}
