package org.segopt.calibrate;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.segopt.InvalidMarginalException;
import org.segopt.Metric;
import org.segopt.calibrate.DatasetCalibration.CaseException;
import org.segopt.engine.Engine;
import org.segopt.engine.LevelHistogram;
import org.segopt.io.ClassMarginals;
import org.segopt.io.InputException;
import org.segopt.io.ReadLimits;
import org.segopt.report.CaseSpec;
import org.segopt.report.Progress;

/**
 * {@code segopt calibrate} over multi-class cases: one exact {@link CommonThreshold} per class,
 * each class calibrated as a dataset of its own. A class is a channel k of C-channel probability
 * files split along one axis ({@link org.segopt.io.ChannelSplit}; every case must have the same C),
 * or a class c = 1..C of rater label maps, whose marginal is votes(c) / R
 * ({@link org.segopt.io.LabelMaps}; C is the largest label of all cases).
 *
 * <p>A label-map case that lacks class c (no rater assigned it) has the empty marginal for c,
 * M = 0, as its label maps say: its metric is 1 at every t above 0 (its segmentation is empty,
 * as is the reference) and 0 at t ≤ 0, and its own optimum is 1. So it raises the mean objective
 * by the same amount at every t above 0, and the pooled one not at all there: it moves the score
 * and the oracle, not which threshold above 0 is optimal.
 *
 * <p>Each case is opened once; its classes are histogrammed one at a time (a channel is a view of
 * the file, or one gathered copy; a class of label maps one vote array), and only the histograms
 * are kept. A case is opened again only where a class's search refines its levels.
 */
public final class ClassCalibration {
    private final Path out;
    private final Engine engine;
    private final ReadLimits limits;
    private final Metric metric;
    private final Objective objective;
    private final Integer channelAxis;
    private final String key;

    private ClassCalibration(Path out, Engine engine, ReadLimits limits, Metric metric, Objective objective,
                             Integer channelAxis) {
        this.out = out;
        this.engine = engine;
        this.limits = limits;
        this.metric = metric;
        this.objective = objective;
        this.channelAxis = channelAxis;
        this.key = channelAxis != null ? "channel" : "class";
    }

    /**
     * The result of a run.
     *
     * @param key     what a class is called: {@code "channel"} (its index) or {@code "class"} (its label)
     * @param classes per class in ascending label order; empty when no case was usable
     * @param errors  one line per case, or case and class, that failed ("roi/case: message")
     */
    public record Result(String key, List<Calibrated> classes, List<String> errors) {
        public Result {
            classes = List.copyOf(classes);
            errors = List.copyOf(errors);
        }
    }

    /**
     * One class's calibration.
     *
     * @param label  its channel index or class label
     * @param result its common threshold (null when no case was usable for this class), the cases it
     *               used and the errors of the cases it did not (those of every class first)
     */
    public record Calibrated(int label, DatasetCalibration.Result result) {
    }

    /**
     * Calibrates each class over {@code cases}: with {@code channelAxis}, the channels of probability
     * files along it; without, the classes of label maps. A case of another kind, or with another
     * number of channels than most cases, is skipped with its reason; a case with a bad voxel in one
     * channel is skipped for that channel only. Writes per class the files of
     * {@link DatasetCalibration#run} with {@code _channel<k>} or {@code _class<c>} before the
     * extension, and {@code table.md} listing every class.
     *
     * @param listingErrors cases the layout already found unusable ("roi/case: message")
     * @param channelAxis   the axis of the channels (negative counts from the end), or null for label maps
     * @throws IOException when {@code out} cannot be written, or a case's files changed during the run
     */
    public static Result run(List<CaseSpec> cases, List<String> listingErrors, Path out, Engine engine, ReadLimits limits,
                             Metric metric, Objective objective, Integer channelAxis, Progress progress) throws IOException {
        return new ClassCalibration(out, engine, limits, metric, objective, channelAxis).run(cases, listingErrors, progress);
    }

    private Result run(List<CaseSpec> cases, List<String> listingErrors, Progress progress) throws IOException {
        Files.createDirectories(out);
        List<CaseRead> reads = new ArrayList<>();
        for (CaseSpec spec : cases) {
            CaseRead read = CaseRead.of(spec, key, channelAxis, limits, engine);
            reads.add(read);
            for (String e : read.errors()) {
                progress.message("segopt calibrate: " + spec.label() + ": " + e + " (case skipped"
                        + (read.error == null ? " for this " + key : "") + ")");
            }
            progress.done(spec.label());
        }
        int[] labels = channelAxis != null ? agreeOnChannels(reads, progress) : fillLabels(reads);
        List<Calibrated> classes = new ArrayList<>();
        for (int k = 0; k < labels.length; k++) {
            classes.add(new Calibrated(labels[k], calibrate(k, key + " " + labels[k], cases, reads, listingErrors)));
        }
        List<String> errors = new ArrayList<>(listingErrors);
        for (CaseRead read : reads) {
            read.errors().forEach(e -> errors.add(read.spec.label() + ": " + e));
        }
        Files.writeString(out.resolve("table.md"), markdown(classes, errors), StandardCharsets.UTF_8);
        return new Result(key, classes, errors);
    }

    /** Class k, called {@code name}, over the cases usable for it; its files are tagged {@code _<name>}. */
    private DatasetCalibration.Result calibrate(int k, String name, List<CaseSpec> cases, List<CaseRead> reads,
                                                List<String> listingErrors) throws IOException {
        List<String> skipped = new ArrayList<>();
        List<CaseSpec> used = new ArrayList<>();
        List<LevelHistogram> histograms = new ArrayList<>();
        List<String> errors = new ArrayList<>(listingErrors);
        for (CaseRead read : reads) {
            String error = read.error != null ? read.error : read.classErrors[k];
            skipped.add(error);
            if (error != null) {
                errors.add(read.spec.label() + ": " + error);
            } else {
                used.add(read.spec);
                histograms.add(read.histograms[k]);
            }
        }
        CommonThreshold result = used.isEmpty() ? null : DatasetCalibration.search(histograms, used, metric, objective,
                (i, levels, indices) -> CaseRead.open(used.get(i), channelAxis, limits, (classes, arena) -> {
                    if (classes.classes() <= k) {
                        throw new CaseException("it no longer has " + name);
                    }
                    return engine.refine(classes.marginal(k, arena), levels, indices);
                }));
        DatasetCalibration.write(out, "_" + name.replace(" ", ""), "Common threshold, " + name, cases, skipped, result,
                used.size(), errors);
        return new DatasetCalibration.Result(result, used, errors);
    }

    /**
     * The labels of the channels of most readable cases (the first met among equals); a case with
     * another number of channels is skipped with its reason. Empty when no case was readable.
     */
    private int[] agreeOnChannels(List<CaseRead> reads, Progress progress) {
        Map<Integer, Integer> counts = new LinkedHashMap<>();
        for (CaseRead read : reads) {
            if (read.error == null) {
                counts.merge(read.labels.length, 1, Integer::sum);
            }
        }
        int channels = counts.entrySet().stream().max((a, b) -> Integer.compare(a.getValue(), b.getValue()))
                .map(Map.Entry::getKey).orElse(0);
        int[] labels = new int[0];
        for (CaseRead read : reads) {
            if (read.error == null && read.labels.length != channels) {
                read.error = read.spec.raters().getFirst() + ": " + read.labels.length + " channels along axis "
                        + channelAxis + ", not the " + channels + " of most cases";
                progress.message("segopt calibrate: " + read.spec.label() + ": " + read.error + " (case skipped)");
            } else if (read.error == null) {
                labels = read.labels;
            }
        }
        return labels;
    }

    /**
     * The labels 1..C, C the largest label of the readable cases; a case with fewer classes gets
     * the histogram of the empty marginal (its voxels, votes 0 of its R raters) for each class it lacks.
     */
    private int[] fillLabels(List<CaseRead> reads) {
        int[] labels = new int[0];
        for (CaseRead read : reads) {
            if (read.error == null && read.labels.length > labels.length) {
                labels = read.labels;
            }
        }
        for (CaseRead read : reads) {
            int had = read.labels.length;
            if (read.error != null || had == labels.length) {
                continue;
            }
            LevelHistogram empty = LevelHistogram.zeros(read.voxels, read.spec.raters().size());
            read.labels = labels;
            read.histograms = Arrays.copyOf(read.histograms, labels.length);
            read.classErrors = Arrays.copyOf(read.classErrors, labels.length);
            Arrays.fill(read.histograms, had, labels.length, empty);
        }
        return labels;
    }

    private String markdown(List<Calibrated> classes, List<String> errors) {
        StringBuilder s = new StringBuilder("# Common threshold per " + key + "\n\n");
        s.append("| ").append(key).append(' ').append(DatasetCalibration.SUMMARY_HEADER)
                .append("|---:").append(DatasetCalibration.SUMMARY_RULE);
        for (Calibrated c : classes) {
            CommonThreshold r = c.result().threshold();
            s.append("| ").append(c.label()).append(' ').append(r == null ? "| no usable case | | | | | | |\n"
                    : DatasetCalibration.summaryRow(r, c.result().used().size()));
        }
        s.append('\n');
        String tag = "_" + key + (key.equals("class") ? "<c>" : "<k>");
        s.append("- Each ").append(key).append(" is calibrated over the cases as a dataset of its own: its cases, table and "
                + "curve are cases").append(tag).append(".csv, table").append(tag).append(".md and curve").append(tag)
                .append(".png / .svg.\n");
        if (key.equals("class")) {
            s.append("- Class c's marginal of a case is the fraction of its raters that assigned c; a case where no rater "
                    + "assigned c has the empty marginal for it (M = 0): its metric is 1 at every t above 0 and its own "
                    + "optimum 1.\n");
        }
        if (!errors.isEmpty()) {
            s.append("- Skipped because of an error (").append(errors.size()).append("): ").append(String.join("; ", errors))
                    .append(".\n");
        }
        return s.toString();
    }

    /**
     * One case read for every class: its labels and per class a histogram or the error of that class
     * alone; or the error that makes the whole case unusable.
     */
    private static final class CaseRead {
        final CaseSpec spec;
        String error;
        int[] labels = new int[0];
        long voxels;
        LevelHistogram[] histograms = new LevelHistogram[0];
        String[] classErrors = new String[0];

        private CaseRead(CaseSpec spec) {
            this.spec = spec;
        }

        /** The error of the whole case, or else those of single classes. */
        List<String> errors() {
            return error != null ? List.of(error) : Arrays.stream(classErrors).filter(e -> e != null).toList();
        }

        /** Opens the case once and histograms its classes one at a time. */
        static CaseRead of(CaseSpec spec, String key, Integer channelAxis, ReadLimits limits, Engine engine) {
            CaseRead read = new CaseRead(spec);
            try {
                open(spec, channelAxis, limits, (classes, arena) -> {
                    int c = classes.classes();
                    read.voxels = Arrays.stream(classes.shape()).reduce(1, Math::multiplyExact);
                    read.labels = new int[c];
                    read.histograms = new LevelHistogram[c];
                    read.classErrors = new String[c];
                    for (int k = 0; k < c; k++) {
                        read.labels[k] = classes.label(k);
                        try (Arena scratch = Arena.ofShared()) { // the engine's threads read it
                            read.histograms[k] = engine.levels(classes.marginal(k, scratch));
                        } catch (InvalidMarginalException e) {
                            read.classErrors[k] = spec.raters().getFirst() + ": " + key + " " + classes.label(k) + ", "
                                    + e.getMessage();
                        }
                    }
                    return null;
                });
            } catch (CaseException e) {
                read.error = e.getMessage();
            }
            return read;
        }

        /** What is done with a case's classes while its files are open. */
        @FunctionalInterface
        interface Work<T> {
            T apply(ClassMarginals classes, Arena arena) throws CaseException;
        }

        /**
         * Opens the case's classes and runs {@code work} on them while its data is mapped; an
         * unreadable case or a bad voxel is a {@link CaseException}.
         */
        static <T> T open(CaseSpec spec, Integer channelAxis, ReadLimits limits, Work<T> work) throws CaseException {
            try (Arena arena = Arena.ofShared()) { // the engine's threads read it
                return work.apply(spec.kind().classes(spec.raters(), channelAxis, limits, arena), arena);
            } catch (InputException e) {
                throw new CaseException(e.getMessage());
            } catch (InvalidMarginalException e) {
                throw new CaseException(spec.kind().describe(spec.raters(), e));
            } catch (OutOfMemoryError e) {
                throw new CaseException("out of memory (" + e.getMessage() + ")");
            }
        }
    }
}
