package org.segopt.calibrate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.segopt.InvalidMarginalException;
import org.segopt.Marginal;
import org.segopt.Metric;
import org.segopt.engine.Engine;
import org.segopt.engine.LevelHistogram;
import org.segopt.io.InputException;
import org.segopt.io.ReadLimits;
import org.segopt.report.CaseSpec;
import org.segopt.report.Csv;
import org.segopt.report.Progress;

/**
 * {@code segopt calibrate} over a dataset: one exact {@link CommonThreshold} for every usable case,
 * written with the per-case table, the curve and a summary. Each case is read once for its
 * histogram, and again only where the search refines its levels; its data is not kept between.
 */
public final class DatasetCalibration {
    /** Header of {@code cases.csv}. */
    public static final List<String> CASES_HEADER = List.of("roi", "case", "kind", "voxels", "mass", "volume", "score",
            "score_exact", "optimum", "optimum_exact", "note");

    private DatasetCalibration() {
    }

    /**
     * The result of a run.
     *
     * @param threshold the common threshold of the usable cases; null when no case was usable
     * @param used      the usable cases, in the order of {@code threshold.cases()}
     * @param errors    one line per case that failed ("roi/case: message")
     */
    public record Result(CommonThreshold threshold, List<CaseSpec> used, List<String> errors) {
    }

    /**
     * Calibrates over {@code cases} (each read within {@code limits}, histogrammed by {@code engine}),
     * reports each failed case, and writes {@code cases.csv}, {@code table.md}, {@code curve.png} and
     * {@code curve.svg} into {@code out} (only cases.csv and table.md when no case is usable).
     *
     * @param listingErrors cases the layout already found unusable ("roi/case: message")
     * @throws IOException when {@code out} cannot be written, or a case's files changed during the run
     */
    public static Result run(List<CaseSpec> cases, List<String> listingErrors, Path out, Engine engine, ReadLimits limits,
                             Metric metric, Objective objective, Progress progress) throws IOException {
        Files.createDirectories(out);
        List<String> errors = new ArrayList<>(listingErrors);
        List<CaseSpec> used = new ArrayList<>();
        List<LevelHistogram> histograms = new ArrayList<>();
        List<String> skipped = new ArrayList<>(); // per case, null or its error
        for (CaseSpec spec : cases) {
            String error;
            try {
                histograms.add(read(spec, limits, engine::levels));
                used.add(spec);
                error = null;
            } catch (CaseException e) {
                error = e.getMessage();
            }
            skipped.add(error);
            if (error != null) {
                errors.add(spec.label() + ": " + error);
                progress.message("segopt calibrate: " + spec.label() + ": " + error + " (case skipped)");
            }
            progress.done(spec.label());
        }
        CommonThreshold result = used.isEmpty() ? null : search(histograms, used, metric, objective,
                (k, levels, indices) -> read(used.get(k), limits, m -> engine.refine(m, levels, indices)));
        write(out, "", "Common threshold", cases, skipped, result, used.size(), errors);
        return new Result(result, used, errors);
    }

    /** Re-reads used case k to split levels of its histogram (see {@link ThresholdSearch.Refiner}). */
    @FunctionalInterface
    interface Reread {
        LevelHistogram refine(int k, LevelHistogram levels, int[] indices) throws CaseException;
    }

    /**
     * The common threshold of the {@code used} cases' histograms, refined through {@code reread}.
     *
     * @throws IOException when a case can no longer be read as it was: it changed during the run
     */
    static CommonThreshold search(List<LevelHistogram> histograms, List<CaseSpec> used, Metric metric, Objective objective,
                                  Reread reread) throws IOException {
        try {
            return ThresholdSearch.run(histograms, metric, objective, (k, levels, indices) -> {
                try {
                    return reread.refine(k, levels, indices);
                } catch (CaseException e) {
                    throw new UncheckedIOException(new IOException(used.get(k).label() + ": the case changed during the run: "
                            + e.getMessage(), e));
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * Writes {@code cases<tag>.csv} and {@code table<tag>.md} (headed {@code heading}) into
     * {@code out}, and with a result {@code curve<tag>.png} and {@code curve<tag>.svg}.
     *
     * @param skipped per case of {@code cases}, null or its error
     */
    static void write(Path out, String tag, String heading, List<CaseSpec> cases, List<String> skipped,
                      CommonThreshold result, int usable, List<String> errors) throws IOException {
        writeCases(out.resolve("cases" + tag + ".csv"), cases, skipped, result);
        Files.writeString(out.resolve("table" + tag + ".md"), markdown(heading, result, usable, errors), StandardCharsets.UTF_8);
        if (result != null) {
            ObjectiveCurve curve = new ObjectiveCurve(result);
            curve.writePng(out.resolve("curve" + tag + ".png"));
            curve.writeSvg(out.resolve("curve" + tag + ".svg"));
        }
    }

    /** A case that cannot be used; the message is one line naming the file. */
    static final class CaseException extends Exception {
        private static final long serialVersionUID = 1L;

        CaseException(String message) {
            super(message);
        }
    }

    /** Loads one case and runs {@code work} on its marginal, which lives only during the call. */
    private static LevelHistogram read(CaseSpec spec, ReadLimits limits, Function<Marginal, LevelHistogram> work)
            throws CaseException {
        try (Arena arena = Arena.ofShared()) {
            Marginal m = spec.kind().load(spec.raters(), limits, arena);
            try {
                return work.apply(m);
            } catch (InvalidMarginalException e) {
                throw new CaseException(spec.kind().describe(spec.raters(), e));
            }
        } catch (InputException e) {
            throw new CaseException(e.getMessage());
        } catch (OutOfMemoryError e) {
            throw new CaseException("out of memory (" + e.getMessage() + ")");
        }
    }

    private static void writeCases(Path file, List<CaseSpec> cases, List<String> skipped, CommonThreshold result)
            throws IOException {
        try (Csv csv = Csv.create(file, CASES_HEADER)) {
            int k = 0;
            for (int i = 0; i < cases.size(); i++) {
                CaseSpec spec = cases.get(i);
                List<Object> row = new ArrayList<>(List.of(spec.roi(), spec.name(), spec.kind().label()));
                if (skipped.get(i) != null) {
                    row.addAll(List.of("", "", "", "", "", "", "", "skipped: " + skipped.get(i)));
                } else {
                    CommonThreshold.CaseResult c = result.cases().get(k++);
                    row.addAll(List.of(c.voxels(), c.mass().doubleValue(), c.volume(), c.score().doubleValue(),
                            c.score().toString(), c.optimum().doubleValue(), c.optimum().toString(), ""));
                }
                csv.row(row);
            }
        }
    }

    /** The header of the summary table, and its rule line. */
    static final String SUMMARY_HEADER = "| metric | objective | cases | threshold | score | at t = 1/2 | oracle |\n";
    static final String SUMMARY_RULE = "|---|---|---:|---:|---:|---:|---:|\n";

    /** The summary row of a result over {@code usable} cases (one line). */
    static String summaryRow(CommonThreshold r, int usable) {
        return String.format(Locale.ROOT, "| %s | %s | %d | %s (%.6f) | %.6f | %.6f | %.6f |\n", r.metric().name(),
                r.objective().label(), usable, r.threshold(), r.threshold().doubleValue(), r.score().doubleValue(),
                r.atHalf().doubleValue(), r.oracle().doubleValue());
    }

    private static String markdown(String heading, CommonThreshold r, int usable, List<String> errors) {
        StringBuilder s = new StringBuilder("# " + heading + "\n\n");
        if (r == null) {
            s.append("No usable case.\n");
        } else {
            s.append(SUMMARY_HEADER).append(SUMMARY_RULE).append(summaryRow(r, usable)).append('\n');
            s.append("- Every case k is segmented as I{m_k ≥ t}; the objective is the ")
                    .append(r.objective() == Objective.MEAN ? "mean over cases of the metric" : "metric of all voxels pooled")
                    .append(", against the soft m_k (TP = Σ_s m). Exact score: ").append(r.score()).append(".\n");
            s.append("- Optimal intervals of t: ");
            List<String> intervals = new ArrayList<>();
            for (CommonThreshold.Interval i : r.optima()) {
                intervals.add("(" + (i.below() == null ? "-inf" : i.below().toString()) + ", " + i.threshold() + "]");
            }
            s.append(String.join(", ", intervals)).append("; the threshold is the greatest.\n");
            s.append("- oracle: the mean of each case's own optimum (sup of its metric over all segmentations).\n");
        }
        if (!errors.isEmpty()) {
            s.append("- Skipped because of an error (").append(errors.size()).append("): ").append(String.join("; ", errors))
                    .append(".\n");
        }
        return s.toString();
    }
}
