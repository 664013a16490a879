package org.segopt.report;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.segopt.Analysis;
import org.segopt.InvalidMarginalException;
import org.segopt.Marginal;
import org.segopt.engine.Engine;
import org.segopt.io.InputException;
import org.segopt.io.ReadLimits;

/**
 * The multi-rater dataset experiment of the paper's section 5 (G): for every case (ROI × patient)
 * m = mean of the raters' masks, the exact Accuracy and Dice optima, and per ROI the statistics of
 * ‖s^A‖/‖m‖ and ‖s^D‖/‖m‖ (Table 1) and their scatter plot (Figure 5).
 */
public final class Report {
    /** Header of {@code cases.csv}. */
    public static final List<String> CASES_HEADER;

    static {
        List<String> h = new ArrayList<>(List.of("roi", "case", "raters"));
        h.addAll(AnalysisColumns.HEADER);
        h.add("note");
        CASES_HEADER = List.copyOf(h);
    }

    private Report() {
    }

    /**
     * What happened to one case: an analysis, or the one-line error that made it unusable.
     *
     * @param spec     the case
     * @param analysis its exact analysis, or null on error
     * @param error    the error, or null
     */
    public record Outcome(CaseSpec spec, Analysis analysis, String error) {
        /** The ratios, or null when the case failed or has M = 0. */
        public Table1.Ratios ratios() {
            return analysis == null ? null : AnalysisColumns.ratios(analysis);
        }
    }

    /**
     * The result of a run.
     *
     * @param outcomes every case in dataset order
     * @param rows     Table 1, one row per ROI
     * @param errors   one line per case that failed ("roi/case: message")
     */
    public record Result(List<Outcome> outcomes, List<Table1.Row> rows, List<String> errors) {
    }

    /**
     * Analyses every case ({@code jobs} cases at a time, each with {@code engine}), reports progress
     * and each failed case, and writes {@code cases.csv}, {@code table.md}, {@code table.csv},
     * {@code scatter.png} and {@code scatter.svg} into {@code out}.
     *
     * @param listingErrors cases the layout already found unusable ("roi/case: message")
     * @param limits        how much compressed data one mask may hold in memory
     */
    public static Result run(List<CaseSpec> cases, List<String> listingErrors, Path out, int jobs, Engine engine,
                             ReadLimits limits, Progress progress) throws IOException {
        Files.createDirectories(out);
        List<Outcome> outcomes = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, jobs), r -> {
            Thread t = new Thread(r, "segopt-report");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (CaseSpec spec : cases) {
                futures.add(pool.submit(() -> {
                    Outcome o = analyze(spec, engine, limits);
                    if (o.error() != null) {
                        progress.message("segopt report: " + spec.label() + ": " + o.error() + " (case skipped)");
                    }
                    progress.done(spec.label());
                    return o;
                }));
            }
            for (Future<Outcome> f : futures) {
                outcomes.add(Jobs.await(f));
            }
        } finally {
            pool.shutdownNow();
        }
        return write(outcomes, listingErrors, out);
    }

    /**
     * Assembles a run from every case's {@link #analyze outcome} (dataset order) and writes
     * {@code cases.csv}, {@code table.md}, {@code table.csv}, {@code scatter.png} and
     * {@code scatter.svg} into {@code out}.
     *
     * @param listingErrors cases the layout already found unusable ("roi/case: message")
     */
    public static Result write(List<Outcome> outcomes, List<String> listingErrors, Path out) throws IOException {
        Files.createDirectories(out);
        List<String> errors = new ArrayList<>(listingErrors);
        for (Outcome o : outcomes) {
            if (o.error() != null) {
                errors.add(o.spec().label() + ": " + o.error());
            }
        }
        List<Table1.Row> rows = table(outcomes);
        writeCases(out.resolve("cases.csv"), outcomes);
        Table1.writeCsv(out.resolve("table.csv"), rows);
        List<String> notes = new ArrayList<>();
        notes.add("m of a case is the mean of the masks of the raters who delineated it (a missing rater file is "
                + "a rater who did not delineate: m = mean of the available masks).");
        if (!errors.isEmpty()) {
            notes.add("Skipped because of an error (" + errors.size() + "): " + String.join("; ", errors) + ".");
        }
        Csv.write(out.resolve("table.md"), Table1.markdown("Table 1: relative volumes of the optimal segmentations", rows, notes));
        List<Scatter.Panel> panels = panels(outcomes, rows);
        if (!panels.isEmpty()) {
            Scatter scatter = new Scatter(panels, Scatter.Range.covering(panels));
            scatter.writePng(out.resolve("scatter.png"));
            scatter.writeSvg(out.resolve("scatter.svg"));
        }
        return new Result(outcomes, rows, errors);
    }

    /** One case: load its masks, analyse exactly. Never throws for bad input. */
    public static Outcome analyze(CaseSpec spec, Engine engine, ReadLimits limits) {
        try (Arena arena = Arena.ofShared()) {
            Marginal m = RaterMasks.load(spec.raters(), limits, arena);
            try {
                return new Outcome(spec, engine.analyze(m), null);
            } catch (InvalidMarginalException e) {
                return new Outcome(spec, null, RaterMasks.describe(spec.raters(), e));
            }
        } catch (InputException e) {
            return new Outcome(spec, null, e.getMessage());
        } catch (OutOfMemoryError e) {
            return new Outcome(spec, null, "out of memory (" + e.getMessage() + ")");
        } catch (RuntimeException e) {
            return new Outcome(spec, null, "internal error: " + e);
        }
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

    private static void writeCases(Path file, List<Outcome> outcomes) throws IOException {
        try (Csv csv = Csv.create(file, CASES_HEADER)) {
            for (List<Object> row : caseRows(outcomes)) {
                csv.row(row);
            }
        }
    }

    /** The rows of {@code cases.csv} (columns {@link #CASES_HEADER}), one per case, null for an empty field. */
    public static List<List<Object>> caseRows(List<Outcome> outcomes) {
        List<List<Object>> rows = new ArrayList<>();
        for (Outcome o : outcomes) {
            List<Object> row = new ArrayList<>(List.of(o.spec().roi(), o.spec().name(), o.spec().raters().size()));
            if (o.analysis() == null) {
                row.addAll(AnalysisColumns.empty());
                row.add("skipped: " + o.error());
            } else {
                row.addAll(AnalysisColumns.values(o.analysis()));
                row.add(o.ratios() == null ? "M = 0: ratios undefined, left out of the table" : "");
            }
            rows.add(row);
        }
        return rows;
    }
}
