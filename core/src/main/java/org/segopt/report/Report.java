package org.segopt.report;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.segopt.Analysis;
import org.segopt.Analysis.Optimum;
import org.segopt.InvalidMarginalException;
import org.segopt.Marginal;
import org.segopt.Metric;
import org.segopt.engine.Engine;
import org.segopt.io.ClassMarginals;
import org.segopt.io.InputException;
import org.segopt.io.ReadLimits;

/**
 * The multi-rater dataset experiment of the paper's section 5 (G): for every case (ROI × patient)
 * m = mean of the raters' masks, the exact Accuracy and Dice optima, and per ROI the statistics of
 * ‖s^A‖/‖m‖ and ‖s^D‖/‖m‖ (Table 1) and their scatter plot (Figure 5); optionally the optima of
 * further metrics of the Tversky family beside them ({@link MetricRatios}).
 */
public final class Report {
    private Report() {
    }

    /**
     * What happened to one case: an analysis, or the one-line error that made it unusable.
     *
     * @param spec     the case
     * @param analysis its exact analysis, or null on error
     * @param error    the error, or null
     * @param metrics  the optima of the further metrics, in the order asked for; empty on error
     */
    public record Outcome(CaseSpec spec, Analysis analysis, String error, List<Optimum> metrics) {
        /** A case without further metrics, or one that failed. */
        public Outcome(CaseSpec spec, Analysis analysis, String error) {
            this(spec, analysis, error, List.of());
        }

        /** The ratios, or null when the case failed or has M = 0. */
        public Table1.Ratios ratios() {
            return analysis == null ? null : AnalysisColumns.ratios(analysis);
        }
    }

    /**
     * The result of a run.
     *
     * @param outcomes    every case in dataset order
     * @param rows        Table 1, one row per ROI
     * @param errors      one line per case that failed ("roi/case: message")
     * @param metricRatios per ROI, Dice and each further metric; empty without further metrics
     */
    public record Result(List<Outcome> outcomes, List<Table1.Row> rows, List<String> errors,
                         List<MetricRatios.Row> metricRatios) {
    }

    /**
     * Analyses every case ({@code jobs} cases at a time, each with {@code engine}), reports progress
     * and each failed case, and writes {@code cases.csv}, {@code table.md}, {@code table.csv},
     * {@code scatter.png} and {@code scatter.svg} into {@code out}; with further {@code metrics},
     * their optima as columns of {@code cases.csv} ({@link AnalysisColumns#header(Metric)}), their
     * ratios' statistics beside Dice's in {@code metrics.csv} and a second table of {@code table.md}.
     *
     * @param listingErrors cases the layout already found unusable ("roi/case: message")
     * @param limits        how much compressed data one mask may hold in memory
     * @param metrics       further metrics, at most one of each family
     */
    public static Result run(List<CaseSpec> cases, List<String> listingErrors, Path out, int jobs, Engine engine,
                             ReadLimits limits, Progress progress, List<Metric> metrics) throws IOException {
        Files.createDirectories(out);
        List<Outcome> outcomes = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, jobs), r -> {
            Thread t = new Thread(r, "segopt-report");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<List<Outcome>>> futures = new ArrayList<>();
            for (CaseSpec spec : cases) {
                futures.add(pool.submit(() -> {
                    List<Outcome> o = analyze(spec, engine, limits, metrics);
                    if (o.getFirst().error() != null) {
                        progress.message("segopt report: " + spec.label() + ": " + o.getFirst().error() + " (case skipped)");
                    }
                    progress.done(spec.label());
                    return o;
                }));
            }
            for (Future<List<Outcome>> f : futures) {
                outcomes.addAll(Jobs.await(f));
            }
        } finally {
            pool.shutdownNow();
        }
        return write(outcomes, listingErrors, out, metrics);
    }

    /**
     * Assembles a run from every case's {@link #analyze outcomes} (dataset order; grouped by ROI
     * here, the classes of label-map cases being groups of their own) and writes
     * {@code cases.csv}, {@code table.md}, {@code table.csv}, {@code scatter.png},
     * {@code scatter.svg} and, with further {@code metrics}, {@code metrics.csv} into {@code out}.
     *
     * @param listingErrors cases the layout already found unusable ("roi/case: message")
     * @param metrics       the further metrics the outcomes hold the optima of, in their order
     */
    public static Result write(List<Outcome> outcomes, List<String> listingErrors, Path out, List<Metric> metrics)
            throws IOException {
        Files.createDirectories(out);
        List<String> errors = new ArrayList<>(listingErrors);
        for (Outcome o : outcomes) {
            if (o.error() != null) {
                errors.add(o.spec().label() + ": " + o.error());
            }
        }
        outcomes = byRoi(outcomes).values().stream().flatMap(List::stream).toList();
        List<Table1.Row> rows = table(outcomes);
        List<MetricRatios.Row> metricRatios = metrics.isEmpty() ? List.of() : MetricRatios.rows(byRoi(outcomes), metrics);
        writeCases(out.resolve("cases.csv"), outcomes, metrics);
        Table1.writeCsv(out.resolve("table.csv"), rows);
        List<String> notes = new ArrayList<>();
        if (outcomes.stream().anyMatch(o -> o.spec().kind() == CaseKind.MASK)) {
            notes.add("m of a case of rater masks is the mean of the masks of the raters who delineated it (a missing "
                    + "rater file is a rater who did not delineate: m = mean of the available masks).");
        }
        if (outcomes.stream().anyMatch(o -> o.spec().kind() == CaseKind.PROBABILITY)) {
            notes.add("m of a probability case is its file's values.");
        }
        if (outcomes.stream().anyMatch(o -> o.spec().kind() == CaseKind.LABELS)) {
            notes.add("A case of rater label maps is one case per class c, in the group '<roi> class <c>': m = the "
                    + "fraction of its raters that assigned c.");
        }
        if (!errors.isEmpty()) {
            notes.add("Skipped because of an error (" + errors.size() + "): " + String.join("; ", errors) + ".");
        }
        String table = Table1.markdown("Table 1: relative volumes of the optimal segmentations", rows, notes);
        if (!metrics.isEmpty()) {
            MetricRatios.writeCsv(out.resolve("metrics.csv"), metricRatios);
            table += MetricRatios.markdown(metricRatios);
        }
        Csv.write(out.resolve("table.md"), table);
        List<Scatter.Panel> panels = panels(outcomes, rows);
        if (!panels.isEmpty()) {
            Scatter scatter = new Scatter(panels, Scatter.Range.covering(panels));
            scatter.writePng(out.resolve("scatter.png"));
            scatter.writeSvg(out.resolve("scatter.svg"));
        }
        return new Result(outcomes, rows, errors, metricRatios);
    }

    /**
     * One case: load its marginal, analyse exactly; for label maps, one outcome per class, each with
     * the case's spec in group {@code "<roi> class <c>"}; each with the optima of {@code metrics}. Never throws for bad input: a case that
     * cannot be used is one outcome with its error.
     */
    public static List<Outcome> analyze(CaseSpec spec, Engine engine, ReadLimits limits, List<Metric> metrics) {
        try (Arena arena = Arena.ofShared()) {
            if (spec.kind() == CaseKind.LABELS) {
                return perClass(spec, engine, limits, metrics, arena);
            }
            Marginal m = spec.kind().load(spec.raters(), limits, arena);
            try {
                return List.of(outcome(spec, engine, m, metrics));
            } catch (InvalidMarginalException e) {
                return List.of(new Outcome(spec, null, spec.kind().describe(spec.raters(), e)));
            }
        } catch (InputException e) {
            return List.of(new Outcome(spec, null, e.getMessage()));
        } catch (OutOfMemoryError e) {
            return List.of(new Outcome(spec, null, "out of memory (" + e.getMessage() + ")"));
        } catch (RuntimeException e) {
            return List.of(new Outcome(spec, null, "internal error: " + e));
        }
    }

    /** The analysis of a case's marginal and the optima of {@code metrics}; throws for an invalid voxel. */
    private static Outcome outcome(CaseSpec spec, Engine engine, Marginal m, List<Metric> metrics) {
        Analysis a = engine.analyze(m);
        List<Optimum> optima = new ArrayList<>();
        for (Metric metric : metrics) {
            optima.add(engine.optimum(m, metric));
        }
        return new Outcome(spec, a, null, List.copyOf(optima));
    }

    /** The classes of a case of label maps, each class's votes held only while it is analysed. */
    private static List<Outcome> perClass(CaseSpec spec, Engine engine, ReadLimits limits, List<Metric> metrics,
                                          Arena arena)
            throws InputException {
        ClassMarginals classes = CaseKind.LABELS.classes(spec.raters(), null, limits, arena);
        List<Outcome> outcomes = new ArrayList<>();
        for (int k = 0; k < classes.classes(); k++) {
            try (Arena scratch = Arena.ofShared()) { // the engine's threads read it
                CaseSpec c = new CaseSpec(spec.roi() + " class " + classes.label(k), spec.name(), spec.files(), spec.kind());
                outcomes.add(outcome(c, engine, classes.marginal(k, scratch), metrics));
            }
        }
        return outcomes;
    }

    private static Map<String, List<Outcome>> byRoi(List<Outcome> outcomes) {
        Map<String, List<Outcome>> groups = new LinkedHashMap<>();
        for (Outcome o : outcomes) {
            groups.computeIfAbsent(o.spec().roi(), k -> new ArrayList<>()).add(o);
        }
        return groups;
    }

    /** Table 1 over the successful cases; cases with M = 0 are listed as undefined. */
    static List<Table1.Row> table(List<Outcome> outcomes) {
        List<Table1.Row> rows = new ArrayList<>();
        byRoi(outcomes).forEach((roi, group) -> {
            List<Table1.Ratios> ratios = new ArrayList<>();
            List<String> undefined = new ArrayList<>();
            for (Outcome o : group) {
                if (o.analysis() == null) {
                    continue;
                }
                Table1.Ratios r = o.ratios();
                if (r == null) {
                    undefined.add(o.spec().name());
                } else {
                    ratios.add(r);
                }
            }
            rows.add(Table1.row(roi, ratios, undefined));
        });
        return rows;
    }

    private static List<Scatter.Panel> panels(List<Outcome> outcomes, List<Table1.Row> rows) {
        Map<String, List<Outcome>> groups = byRoi(outcomes);
        List<Scatter.Panel> panels = new ArrayList<>();
        for (Table1.Row row : rows) {
            List<Table1.Ratios> ratios = groups.get(row.name()).stream().map(Outcome::ratios)
                    .filter(r -> r != null).toList();
            panels.add(new Scatter.Panel(row.name(), ratios.stream().mapToDouble(Table1.Ratios::accuracy).toArray(),
                    ratios.stream().mapToDouble(Table1.Ratios::dice).toArray()));
        }
        return panels;
    }

    /** The header of {@code cases.csv} with the columns of {@code metrics} before the note. */
    public static List<String> casesHeader(List<Metric> metrics) {
        List<String> h = new ArrayList<>(List.of("roi", "case", "raters"));
        h.addAll(AnalysisColumns.HEADER);
        for (Metric metric : metrics) {
            h.addAll(AnalysisColumns.header(metric));
        }
        h.add("note");
        return List.copyOf(h);
    }

    private static void writeCases(Path file, List<Outcome> outcomes, List<Metric> metrics) throws IOException {
        try (Csv csv = Csv.create(file, casesHeader(metrics))) {
            for (List<Object> row : caseRows(outcomes, metrics)) {
                csv.row(row);
            }
        }
    }

    /**
     * The rows of {@code cases.csv} (columns {@link #casesHeader}({@code metrics})), one per case,
     * null for an empty field.
     */
    public static List<List<Object>> caseRows(List<Outcome> outcomes, List<Metric> metrics) {
        int metricColumns = metrics.isEmpty() ? 0 : metrics.size() * AnalysisColumns.header(metrics.getFirst()).size();
        List<List<Object>> rows = new ArrayList<>();
        for (Outcome o : outcomes) {
            List<Object> row = new ArrayList<>(List.of(o.spec().roi(), o.spec().name(), o.spec().files().size()));
            if (o.analysis() == null) {
                row.addAll(AnalysisColumns.empty());
                row.addAll(Collections.nCopies(metricColumns, null));
                row.add("skipped: " + o.error());
            } else {
                row.addAll(AnalysisColumns.values(o.analysis()));
                for (Optimum optimum : o.metrics()) {
                    row.addAll(AnalysisColumns.values(optimum));
                }
                row.add(o.ratios() == null ? "M = 0: ratios undefined, left out of the table" : "");
            }
            rows.add(row);
        }
        return rows;
    }
}
