package org.segopt.lidc;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import org.segopt.Analysis;
import org.segopt.engine.Engine;
import org.segopt.report.AnalysisColumns;
import org.segopt.report.Csv;
import org.segopt.report.Jobs;
import org.segopt.report.Progress;
import org.segopt.report.Scatter;
import org.segopt.report.Table1;

/**
 * The paper's lung-nodule experiment (L) from the LIDC-IDRI XML annotations alone: for every CT
 * series, m = (annotations covering the voxel) / 4 (see {@link ScanVotes}), the exact Accuracy and
 * Dice optima, the statistics of ‖s^A‖/‖m‖ and ‖s^D‖/‖m‖ over the scans (Table 1, row L) and
 * their scatter plot (Figure 6).
 *
 * <p>Files are read in path order; a series described by several files is read from the first and
 * the others are listed as duplicates. Scans run in parallel, each on one thread, and only the
 * scans in flight are held in memory.
 */
public final class LidcExperiment {
    /** Header of {@code cases.csv}. */
    public static final List<String> CASES_HEADER;
    /** Header of {@code skipped.csv}. */
    public static final List<String> SKIPPED_HEADER = List.of("file", "series_uid", "what", "reason", "error");
    /** The row name of Table 1. */
    public static final String ROW = "(L) Lung nodules";

    static {
        List<String> h = new ArrayList<>(List.of("series_uid", "file", "readers", "annotations", "reader_dedup",
                "voxels_m_positive"));
        h.addAll(AnalysisColumns.HEADER);
        h.add("note");
        CASES_HEADER = List.copyOf(h);
    }

    private LidcExperiment() {
    }

    /**
     * @param skipEmpty leave scans without annotations out of the statistics (the paper's code
     *                  counts them with ratios (1, 1))
     * @param jobs      scans analysed at once
     */
    public record Options(boolean skipEmpty, int jobs) implements Serializable {
    }

    /**
     * One analysed CT series: what {@code cases.csv} and {@code skipped.csv} need of it (no voxel
     * data, so that a run holds only the scans in flight, and a result can travel between machines).
     *
     * @param file               the file it was read from, relative to the input directory
     * @param seriesUid          its {@code SeriesInstanceUid}
     * @param readers            its reading sessions
     * @param annotations        the annotations in its marginal
     * @param withoutContours    annotations left out for want of a contour ("reader k, nodule id")
     * @param readerDeduplicated whether each reader was counted once (annotations more than 4 deep)
     * @param positive           voxels with m &gt; 0
     * @param analysis           the exact analysis, or null when it has no annotation
     * @param ratios             the ratios in the statistics, or null (M = 0, or empty with --skip-empty)
     * @param note               what is special about it, or ""
     */
    public record ScanResult(String file, String seriesUid, int readers, int annotations, List<String> withoutContours,
                             boolean readerDeduplicated, long positive, Analysis analysis, Table1.Ratios ratios,
                             String note) implements Serializable {
        public ScanResult {
            withoutContours = List.copyOf(withoutContours);
        }
    }

    /**
     * Something left out: a file, a scan or an annotation.
     *
     * @param error whether it was left out because of an error (exit code 3)
     */
    public record Skipped(String file, String seriesUid, String what, String reason, boolean error)
            implements Serializable {
    }

    /**
     * The result of a run.
     *
     * @param files              XML files found
     * @param radiographs        chest radiograph files ({@code IdriReadMessage}) skipped
     * @param scans              analysed CT series, in file order
     * @param row                Table 1 (L)
     * @param skipped            everything left out, in file order
     * @param readerDeduplicated series whose readers were counted once each
     */
    public record Result(int files, int radiographs, List<ScanResult> scans, Table1.Row row, List<Skipped> skipped,
                         List<String> readerDeduplicated) {
        /** Number of errors (files or scans that could not be used). */
        public long errors() {
            return skipped.stream().filter(Skipped::error).count();
        }
    }

    /**
     * The {@code *.xml} files under a folder and what the walk could not read.
     *
     * @param dir      the input folder
     * @param files    the files, in path order
     * @param problems entries the walk left out
     */
    public record Found(Path dir, List<Path> files, List<Skipped> problems) {
    }

    /**
     * The kind and series of one file, or why its header is unusable: the first phase, one file
     * at a time, that finds radiographs and duplicate series before any scan is read.
     *
     * @param kind      CT or CXR; null on error
     * @param seriesUid the series of a CT file, else null
     * @param error     the reason the header is unusable, or null
     */
    public record Head(LidcXml.Kind kind, String seriesUid, String error) implements Serializable {
        /** Reads the header of {@code file}; never throws for bad input. */
        public static Head of(Path file) {
            try {
                LidcXml.Header h = LidcXml.header(file);
                return new Head(h.kind(), h.seriesUid(), null);
            } catch (LidcException e) {
                return new Head(null, null, e.getMessage());
            }
        }
    }

    /**
     * What the headers decided: the CT files to analyse, in path order, and the files set aside.
     *
     * @param ct          the files whose series is analysed (the first file of each series)
     * @param skipped     problems of the walk, unusable headers, radiographs and duplicates
     * @param radiographs chest radiograph files
     */
    public record Plan(List<Path> ct, List<Skipped> skipped, int radiographs) {
    }

    /**
     * Reads every {@code *.xml} under {@code dir}, analyses each CT series and writes
     * {@code cases.csv}, {@code table.md}, {@code table.csv}, {@code scatter.png},
     * {@code scatter.svg} and {@code skipped.csv} into {@code out}.
     *
     * @param progress makes the progress reporter for a given number of series
     * @throws IOException if {@code dir} cannot be listed or {@code out} cannot be written
     */
    public static Result run(Path dir, Path out, Options options, IntFunction<Progress> progress) throws IOException {
        Found found = find(dir);
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, options.jobs()), r -> {
            Thread t = new Thread(r, "segopt-lidc");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Head>> heads = new ArrayList<>();
            for (Path f : found.files()) {
                heads.add(pool.submit(() -> Head.of(f)));
            }
            List<Head> read = new ArrayList<>();
            for (Future<Head> h : heads) {
                read.add(Jobs.await(h));
            }
            Plan plan = plan(found, read);
            Progress p = progress.apply(plan.ct().size());
            for (Skipped s : plan.skipped()) {
                if (s.error()) {
                    p.message("segopt lidc: " + s.file() + ": " + s.reason() + " (skipped)");
                }
            }
            List<Future<Object>> results = new ArrayList<>();
            for (Path f : plan.ct()) {
                results.add(pool.submit(() -> {
                    Object r = analyzeFile(dir, f, options);
                    if (r instanceof Skipped s) {
                        p.message("segopt lidc: " + s.file() + ": " + s.reason() + " (skipped)");
                    }
                    p.done(relative(dir, f));
                    return r;
                }));
            }
            List<Object> analysed = new ArrayList<>();
            for (Future<Object> f : results) {
                analysed.add(Jobs.await(f));
            }
            return write(found, plan, analysed, out, options);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Whether a file named {@code name} is one {@link #find} lists ({@code *.xml}, any case). */
    public static boolean isXml(String name) {
        return XmlFiles.isXml(name);
    }

    /** Lists the {@code *.xml} files under {@code dir}. */
    public static Found find(Path dir) throws IOException {
        XmlFiles found = XmlFiles.under(dir);
        List<Skipped> problems = new ArrayList<>();
        for (XmlFiles.Problem problem : found.problems()) {
            problems.add(new Skipped(relative(dir, problem.path()), "", "path", problem.reason(), problem.error()));
        }
        return new Found(dir, found.files(), problems);
    }

    /** Decides from the headers of {@code found.files()} (same order) which files are analysed. */
    public static Plan plan(Found found, List<Head> heads) {
        List<Skipped> skipped = new ArrayList<>(found.problems());
        List<Path> ct = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        int radiographs = 0;
        for (int i = 0; i < found.files().size(); i++) {
            Path f = found.files().get(i);
            String name = relative(found.dir(), f);
            Head h = heads.get(i);
            if (h.error() != null) {
                skipped.add(new Skipped(name, "", "file", h.error(), true));
            } else if (h.kind() == LidcXml.Kind.CXR) {
                radiographs++;
                skipped.add(new Skipped(name, "", "file", "chest radiograph (IdriReadMessage), not a CT series", false));
            } else {
                String first = seen.putIfAbsent(h.seriesUid(), name);
                if (first != null) {
                    skipped.add(new Skipped(name, h.seriesUid(), "file", "duplicate: series already read from " + first,
                            false));
                } else {
                    ct.add(f);
                }
            }
        }
        return new Plan(List.copyOf(ct), List.copyOf(skipped), radiographs);
    }

    /**
     * One CT file of {@code dir}: its series parsed, rasterized and analysed, as a
     * {@link ScanResult}, or a {@link Skipped} saying why it could not be. Never throws for bad input.
     */
    public static Object analyzeFile(Path dir, Path file, Options options) {
        String name = relative(dir, file);
        try {
            return analyze(name, LidcXml.scan(file), options);
        } catch (LidcException e) {
            return new Skipped(name, "", "file", e.getMessage(), true);
        } catch (OutOfMemoryError e) {
            return new Skipped(name, "", "file", "out of memory (" + e.getMessage() + ")", true);
        } catch (RuntimeException e) {
            return new Skipped(name, "", "file", "internal error: " + e, true);
        }
    }

    /**
     * Assembles the run from the {@link #analyzeFile} results of {@code plan.ct()} (same order)
     * and writes its files into {@code out}.
     */
    public static Result write(Found found, Plan plan, List<Object> analysed, Path out, Options options)
            throws IOException {
        Files.createDirectories(out);
        List<Skipped> skipped = new ArrayList<>(plan.skipped());
        List<ScanResult> scans = new ArrayList<>();
        for (Object r : analysed) {
            switch (r) {
                case ScanResult s -> scans.add(s);
                case Skipped s -> skipped.add(s);
                default -> throw new IllegalStateException(r.toString());
            }
        }
        for (ScanResult s : scans) {
            skipped.addAll(leftOut(s, options));
        }
        skipped.sort(Comparator.comparing(Skipped::file));
        List<Table1.Ratios> ratios = scans.stream().map(ScanResult::ratios).filter(r -> r != null).toList();
        List<String> undefined = scans.stream().filter(s -> s.analysis() != null && s.ratios() == null)
                .map(ScanResult::seriesUid).toList();
        Table1.Row row = Table1.row(ROW, ratios, undefined);
        List<String> dedup = scans.stream().filter(ScanResult::readerDeduplicated).map(ScanResult::seriesUid).toList();
        Result result = new Result(found.files().size(), plan.radiographs(), scans, row, skipped, dedup);
        write(out, result, options);
        return result;
    }

    /** One scan's marginal and analysis. */
    static ScanResult analyze(String file, Scan scan, Options options) throws LidcException {
        if (scan.annotations().isEmpty()) {
            return new ScanResult(file, scan.seriesUid(), scan.readers(), 0, scan.withoutContours(), false, 0, null,
                    options.skipEmpty() ? null : new Table1.Ratios(1, 1),
                    options.skipEmpty() ? "no annotation of a nodule >= 3 mm: left out (--skip-empty)"
                            : "no annotation of a nodule >= 3 mm: ratios (1, 1) as in the paper's code");
        }
        ScanVotes votes = ScanVotes.of(scan.annotations());
        Analysis a = Engine.simd().analyze(votes.marginal());
        Table1.Ratios r = AnalysisColumns.ratios(a);
        List<String> notes = new ArrayList<>();
        if (votes.readerDeduplicated()) {
            notes.add("annotations overlapped more than 4 deep: each reader counted once");
        }
        if (r == null) {
            notes.add("M = 0 (every annotation mask is empty): ratios undefined, left out of the statistics");
        }
        return new ScanResult(file, scan.seriesUid(), scan.readers(), scan.annotations().size(), scan.withoutContours(),
                votes.readerDeduplicated(), votes.positive(), a, r, String.join("; ", notes));
    }

    private static List<Skipped> leftOut(ScanResult s, Options options) {
        List<Skipped> out = new ArrayList<>();
        String uid = s.seriesUid();
        for (String a : s.withoutContours()) {
            out.add(new Skipped(s.file(), uid, "annotation", a + ": no roi with more than one point", false));
        }
        if (s.analysis() == null && options.skipEmpty()) {
            out.add(new Skipped(s.file(), uid, "scan", "no annotation of a nodule >= 3 mm (--skip-empty)", false));
        }
        if (s.analysis() != null && s.ratios() == null) {
            out.add(new Skipped(s.file(), uid, "scan", "M = 0: ratios undefined, left out of the statistics", false));
        }
        return out;
    }

    private static void write(Path out, Result result, Options options) throws IOException {
        try (Csv csv = Csv.create(out.resolve("cases.csv"), CASES_HEADER)) {
            for (List<Object> row : caseRows(result)) {
                csv.row(row);
            }
        }
        try (Csv csv = Csv.create(out.resolve("skipped.csv"), SKIPPED_HEADER)) {
            for (Skipped s : result.skipped()) {
                csv.row(List.of(s.file(), s.seriesUid(), s.what(), s.reason(), s.error()));
            }
        }
        Table1.writeCsv(out.resolve("table.csv"), List.of(result.row()));
        Files.writeString(out.resolve("table.md"), Table1.markdown("Table 1 (L): lung nodules, LIDC-IDRI",
                List.of(result.row()), notes(result, options)));
        Scatter.Panel panel = new Scatter.Panel("Lung nodules",
                result.scans().stream().map(ScanResult::ratios).filter(r -> r != null).mapToDouble(Table1.Ratios::accuracy).toArray(),
                result.scans().stream().map(ScanResult::ratios).filter(r -> r != null).mapToDouble(Table1.Ratios::dice).toArray());
        Scatter scatter = new Scatter(List.of(panel), Scatter.Range.lungNodules());
        scatter.writePng(out.resolve("scatter.png"));
        scatter.writeSvg(out.resolve("scatter.svg"));
    }

    /** The rows of {@code cases.csv} (columns {@link #CASES_HEADER}), one per scan, null for an empty field. */
    public static List<List<Object>> caseRows(Result result) {
        List<List<Object>> rows = new ArrayList<>();
        for (ScanResult s : result.scans()) {
            List<Object> row = new ArrayList<>(List.of(s.seriesUid(), s.file(), s.readers(), s.annotations()));
            row.add(s.readerDeduplicated());
            row.add(s.positive());
            if (s.analysis() == null) {
                row.addAll(AnalysisColumns.empty());
                if (s.ratios() != null) {
                    int accuracy = AnalysisColumns.HEADER.indexOf("accuracy_ratio");
                    int dice = AnalysisColumns.HEADER.indexOf("dice_ratio");
                    row.set(6 + accuracy, s.ratios().accuracy());
                    row.set(6 + dice, s.ratios().dice());
                }
            } else {
                row.addAll(AnalysisColumns.values(s.analysis()));
            }
            row.add(s.note());
            rows.add(row);
        }
        return rows;
    }

    private static List<String> notes(Result r, Options options) {
        List<String> notes = new ArrayList<>();
        long duplicates = r.skipped().stream().filter(s -> s.reason().startsWith("duplicate")).count();
        long empty = r.scans().stream().filter(s -> s.analysis() == null).count();
        notes.add(String.format(Locale.ROOT, "%d XML files: %d CT series analysed, %d chest radiograph files and %d "
                + "duplicate series files skipped, %d files with errors (see skipped.csv).", r.files(), r.scans().size(),
                r.radiographs(), duplicates, r.errors()));
        notes.add("m of a scan = (number of annotations covering the voxel) / 4 over all its annotations of nodules "
                + ">= 3 mm (pylidc's masks without contour points, as the paper's code); "
                + "nodules < 3 mm, non-nodules and single-point rois are ignored.");
        notes.add(empty + " series have no annotation: " + (options.skipEmpty()
                ? "left out of the statistics (--skip-empty)."
                : "counted with ratios (1, 1) as the paper's code does (--skip-empty leaves them out)."));
        notes.add(r.readerDeduplicated().isEmpty()
                ? "No voxel is covered by more than 4 annotations."
                : "Annotations overlap more than 4 deep in " + r.readerDeduplicated().size()
                        + " series, where each reader is counted once: " + String.join(", ", r.readerDeduplicated()) + ".");
        notes.add("The paper reports over the full archive (1018 series): Accuracy ratio mean 1.002, std 0.362, "
                + "min 0.000, max 2.000; Dice ratio mean 1.432, std 0.893, min 0.451, max 4.000.");
        return notes;
    }

    private static String relative(Path dir, Path file) {
        Path rel = dir.relativize(file);
        return rel.toString().isEmpty() ? file.toString() : rel.toString();
    }
}
