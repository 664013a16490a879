package org.segopt.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.segopt.Metric;
import org.segopt.calibrate.ClassCalibration;
import org.segopt.calibrate.CommonThreshold;
import org.segopt.calibrate.DatasetCalibration;
import org.segopt.calibrate.Objective;
import org.segopt.engine.Engine;
import org.segopt.io.OneLine;
import org.segopt.report.CaseKind;
import org.segopt.report.Datasets;
import org.segopt.report.Progress;

/**
 * {@code segopt calibrate (--layout plastimatch DIR | --manifest FILE.csv) [--roi NAME] [--metric M]
 * [--objective mean|pooled] [--channel-axis K] --out DIR [--json]}: one exact threshold for a whole
 * validation set, or one per channel or class of multi-class cases.
 */
final class CalibrateCommand {
    static final String USAGE = """
            Usage: segopt calibrate (--layout plastimatch DIR | --manifest FILE.csv) [--roi NAME]
                                    [--metric M] [--objective mean|pooled] [--channel-axis K]
                                    --out DIR [--json]

            One threshold t for a whole validation set, exact: every case k is segmented as
            I{m_k >= t} and scored against its soft m_k (TP = sum of m over the segmentation); t
            maximizes the mean over cases of the metric (--objective mean, the default) or the
            metric of all voxels pooled (--objective pooled). The objective changes only at data
            values: the threshold reported is the data value v such that every t in (v', v] (v' the
            next smaller data value) is optimal, the greatest such v when several intervals tie.

              --layout plastimatch DIR  DIR/<patient>/<ROI> (User<k>).nrrd, as for 'segopt report'
              --manifest FILE.csv       CSV with columns roi,case,file and optionally kind: mask
                                        (the default, one row per rater mask), probability (one
                                        row per case naming a float16/32/64 file of m in [0, 1])
                                        or labels (one row per rater label map: 0 background,
                                        1..C the classes; one threshold per class c, whose
                                        marginal is the fraction of raters that assigned c; a
                                        case without class c has m = 0 for it, which scores 1
                                        at every t > 0; cases of other kinds are then skipped)
              --roi NAME                only the cases of this ROI (default: every case)
              --metric M                dice (default), jaccard, fbeta:B or tversky:A,B
              --objective mean|pooled   what t maximizes (default mean)
              --channel-axis K          every probability file holds C channels along axis K
                                        (negative counts from the end): one threshold per channel
                                        k; a case with another C than most cases, or of kind mask
                                        or labels, is skipped (a usage error with --layout, which
                                        holds rater masks only)
              --out DIR                 writes cases.csv, table.md, curve.png and curve.svg
              --max-decompressed BYTES  the most a compressed file may decompress to in memory;
                                        default 1073741824 (1 GiB)
              --json                    print one JSON object instead of table.md

            Per channel or class, --out DIR gets those files with _channel<k> or _class<c> before
            the extension (cases_channel0.csv, curve_class2.png, ...) and table.md lists every
            class; --json prints {"classes": [{"channel": k, ...}, ...]} (or "class": c), each
            entry the object of one calibration (a class with no usable case: cases 0 and errors).

            A case that cannot be used is reported on stderr and skipped; the others are
            calibrated and the exit code is 3.
            Exit codes: 0 success, 2 usage error, 3 some case or the dataset could not be used, or
            the --out DIR not written.
            """;

    private CalibrateCommand() {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) throws UsageException {
        DatasetSource dataset = new DatasetSource("calibrate");
        String roi = null;
        Metric metric = Metric.DICE;
        Objective objective = Objective.MEAN;
        Integer channelAxis = null;
        Options options = new Options(args);
        while (options.hasNext()) {
            String a = options.next();
            switch (a) {
                case "--roi" -> roi = options.value(a);
                case "--metric" -> metric = MetricOption.parse(a, options.value(a));
                case "--objective" -> {
                    try {
                        objective = Objective.parse(options.value(a));
                    } catch (IllegalArgumentException e) {
                        throw new UsageException("--objective: " + e.getMessage());
                    }
                }
                case "--channel-axis" -> channelAxis = (int) options.integer(a, Integer.MIN_VALUE, Integer.MAX_VALUE);
                case "-h", "--help" -> {
                    out.print(USAGE);
                    return 0;
                }
                default -> dataset.accept(a, options);
            }
        }
        Path outDir = dataset.outputFolder();
        if (channelAxis != null && dataset.fromLayout()) {
            throw new UsageException("--channel-axis splits probability files of a --manifest; a --layout holds rater masks");
        }
        Datasets.Listing listing = dataset.list(roi, null, err);
        if (listing == null) {
            return Main.EXIT_INPUT;
        }
        if (channelAxis != null || listing.cases().stream().anyMatch(c -> c.kind() == CaseKind.LABELS)) {
            return perClass(listing, outDir, dataset, metric, objective, channelAxis, out, err);
        }
        DatasetCalibration.Result result;
        try {
            result = DatasetCalibration.run(listing.cases(), listing.errors(), outDir, Engine.parallel(), dataset.limits(), metric, objective,
                    Progress.forConsole(err, "calibrate", listing.cases().size()));
        } catch (IOException e) {
            err.println(OneLine.of("segopt calibrate: " + Main.reason(e)));
            return Main.EXIT_INPUT;
        }
        if (result.threshold() == null) {
            err.println(OneLine.of("segopt calibrate: no usable case"));
            return Main.EXIT_INPUT;
        }
        return dataset.finish(toJson(result), result.errors(), out, err);
    }

    /** One calibration per channel or class: {@code {"classes": [...]}}. */
    private static int perClass(Datasets.Listing listing, Path outDir, DatasetSource dataset, Metric metric,
                                Objective objective, Integer channelAxis, PrintStream out, PrintStream err) {
        ClassCalibration.Result result;
        try {
            result = ClassCalibration.run(listing.cases(), listing.errors(), outDir, Engine.parallel(), dataset.limits(),
                    metric, objective, channelAxis, Progress.forConsole(err, "calibrate", listing.cases().size()));
        } catch (IOException e) {
            err.println(OneLine.of("segopt calibrate: " + Main.reason(e)));
            return Main.EXIT_INPUT;
        }
        if (result.classes().stream().allMatch(c -> c.result().threshold() == null)) {
            err.println(OneLine.of("segopt calibrate: no usable case"));
            return Main.EXIT_INPUT;
        }
        List<Json> classes = new ArrayList<>();
        for (ClassCalibration.Calibrated c : result.classes()) {
            Json head = Json.object().put(result.key(), c.label());
            classes.add(c.result().threshold() != null ? head.putAll(toJson(c.result()))
                    : head.put("cases", 0).put("errors", c.result().errors()));
        }
        return dataset.finish(Json.object().put("classes", classes), result.errors(), out, err);
    }

    static Json toJson(DatasetCalibration.Result result) {
        CommonThreshold r = result.threshold();
        List<Json> optima = new ArrayList<>();
        for (CommonThreshold.Interval i : r.optima()) {
            optima.add(Json.object()
                    .put("below", i.below() == null ? null : i.below().doubleValue())
                    .put("belowExact", i.below() == null ? null : i.below().toString())
                    .put("threshold", i.threshold().doubleValue())
                    .put("thresholdExact", i.threshold().toString()));
        }
        List<Json> perCase = new ArrayList<>();
        for (int k = 0; k < r.cases().size(); k++) {
            CommonThreshold.CaseResult c = r.cases().get(k);
            perCase.add(Json.object()
                    .put("id", result.used().get(k).label())
                    .put("score", c.score().doubleValue())
                    .put("scoreExact", c.score().toString())
                    .put("optimum", c.optimum().doubleValue())
                    .put("optimumExact", c.optimum().toString())
                    .put("volume", c.volume())
                    .put("voxels", c.voxels())
                    .put("mass", c.mass().doubleValue())
                    .put("massExact", c.mass().toString()));
        }
        return Json.object()
                .put("cases", r.cases().size())
                .put("metric", r.metric().name())
                .put("objective", r.objective().label())
                .put("threshold", r.threshold().doubleValue())
                .put("thresholdExact", r.threshold().toString())
                .put("score", r.score().doubleValue())
                .put("scoreExact", r.score().toString())
                .put("atHalf", r.atHalf().doubleValue())
                .put("atHalfExact", r.atHalf().toString())
                .put("oracle", r.oracle().doubleValue())
                .put("oracleExact", r.oracle().toString())
                .put("optima", optima)
                .put("perCase", perCase)
                .put("errors", result.errors());
    }
}
