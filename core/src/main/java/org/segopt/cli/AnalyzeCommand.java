package org.segopt.cli;

import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.segopt.Analysis.Interval;
import org.segopt.Analysis.Optimum;
import org.segopt.Analysis;
import org.segopt.Fraction;
import org.segopt.Marginal;
import org.segopt.Metric;
import org.segopt.engine.BackendUnavailableException;
import org.segopt.engine.Engine;
import org.segopt.io.ClassMarginals;
import org.segopt.io.InputException;
import org.segopt.io.OneLine;
import org.segopt.raters.RaterDice;

/**
 * {@code segopt analyze [--json] [--votes R | --bfloat16] [--volume V] [--metric M]... FILE...}: the exact
 * optima of one marginal.
 */
final class AnalyzeCommand {
    static final String USAGE = """
            Usage: segopt analyze [--json] [--votes R | --bfloat16] [--volume V] [--metric M]... [--backend B]
                                  [--metric rater-dice] FILE...
                   segopt analyze [--json] --channel-axis K [--votes R | --bfloat16] [options] FILE
                   segopt analyze [--json] --labels [options] FILE...

            Computes, exactly, the Accuracy- and Dice-optimal segmentations of a marginal m:
            sup of each metric, its threshold (1/2 and tau* = sup D / 2), the least and greatest
            optimal volumes and their ratio to the expected volume M, the volume-constrained
            optimum of Theorem 4 and the volume bounds of Theorems 1-3. Jaccard, J = D / (2 - D),
            has the Dice-optimal segmentations; its sup is reported too.

              FILE          one file: a marginal, float16/32/64 values in [0, 1];
                            several files: binary rater masks of one shape (bool or integer 0/1),
                            m = their mean (a single bool file is one rater mask)
              --votes R     the one FILE holds integer vote counts 0..R (m = votes / R)
              --bfloat16    the one FILE holds bfloat16 bit patterns as uint16/int16 (NumPy has
                            no bfloat16 dtype)
              --max-decompressed BYTES
                            the most a compressed FILE (.npz, .nii.gz, gzip NRRD) may decompress
                            to in memory; default 1073741824 (1 GiB)
              --volume V    volume (voxels) of the Theorem 4 optimum; default floor(M + 1/2)
              --metric M    also the optima of a metric of the Tversky family,
                            TP / (TP + A FP + B FN): fbeta:B (F_beta, e.g. fbeta:2) or
                            tversky:A,B (e.g. tversky:0.3,0.7), weights decimals or fractions
                            p/q in [1e-6, 1e6], read exactly; threshold
                            sup A / (1 - sup (1 - A - B)). Repeatable, one per family; dice and
                            jaccard are always reported
              --channel-axis K
                            the one FILE holds C channels (softmax or sigmoid outputs) along axis
                            K of its shape as printed in 'shape' (NumPy's; NIfTI/NRRD axes
                            reversed, slowest first); negative K counts from the end. One
                            analysis per channel, the channel's voxels in memory order
              --labels      each FILE is one rater's label map (integers: 0 background, 1..C
                            the classes; any element type); class c's marginal is the fraction
                            of raters that assigned c. One analysis per class 1..C (C: the
                            largest label)
              --backend B   auto (default: the GPU for large inputs when one is usable), cpu, gpu,
                            scalar; every backend gives identical results
              --metric rater-dice
                            also the rater-averaged Dice E[D_L] = (1/R) sum_r Dice(s, L_r) of the
                            rater-mask FILEs (R <= 16), maximized exactly over all s (JSON object
                            raterDice: sup, supExact, leastVolume, greatestVolume, ratio = greatest
                            volume / M; marginalDiceOfOptimum, the Dice against m of that optimum of
                            the greatest volume; raterDiceOfDiceOptimum, E[D_L] of s^D = I{m >= tau*};
                            both also as ...Exact fractions). It differs from Dice against m unless
                            every rater draws the same volume
              --json        print one JSON object instead of a table

            Formats: NumPy .npy/.npz (bool, uint8, uint16, int16, int32, float16, float32, float64; C or Fortran
            order; either byte order), NRRD .nrrd/.nhdr (raw or gzip), NIfTI-1/2 .nii/.nii.gz.
            Rater masks may mix formats if their shapes agree.
            Exit codes: 0 success, 2 usage error, 3 invalid input or unreadable file,
            4 --backend gpu without a usable GPU.
            """;

    private AnalyzeCommand() {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) throws UsageException, BackendUnavailableException {
        boolean json = false;
        Long volume = null;
        List<Metric> metrics = new ArrayList<>();
        boolean raterDice = false;
        MarginalArgs input = new MarginalArgs(true, true);
        Options options = new Options(args);
        while (options.hasNext()) {
            String a = options.next();
            switch (a) {
                case "--json" -> json = true;
                case "--volume" -> volume = options.integer(a, 0, Long.MAX_VALUE);
                case "--metric" -> {
                    String value = options.value(a);
                    if (value.equals(RaterDiceView.VALUE)) {
                        raterDice = true;
                    } else {
                        MetricOption.add(metrics, a, value);
                    }
                }
                case "-h", "--help" -> {
                    out.print(USAGE);
                    return 0;
                }
                default -> input.take(a, options);
            }
        }
        try (Arena arena = Arena.ofShared()) {
            if (input.multiClass()) {
                if (raterDice) {
                    throw new UsageException("--metric rater-dice needs rater masks, not --channel-axis or --labels");
                }
                out.println(perClass(input.loadClasses(arena), input, volume, metrics, json));
                return 0;
            }
            Inputs inputs = input.load(arena);
            Marginal m = inputs.marginal();
            if (raterDice) {
                RaterDiceView.requireMasks(m, inputs);
            }
            Engine engine = input.engine(m.voxels());
            Analysis a = inputs.analyze(engine, volume);
            Map<Metric, Optimum> more = optima(metrics, metric -> inputs.optimum(engine, metric));
            RaterDice d = raterDice ? inputs.check(() -> RaterDice.of(m, a)) : null;
            if (json) {
                out.println(d == null ? toJson(a, m, more) : toJson(a, m, more).put("raterDice", RaterDiceView.json(d)));
            } else {
                String table = table(a, m, inputs.label(), inputs.shape(), more);
                out.println(d == null ? table : table + RaterDiceView.table(d));
            }
            return 0;
        } catch (InputException e) {
            err.println(OneLine.of(e.getMessage()));
            return Main.EXIT_INPUT;
        }
    }

    /** The optima of one metric, from whichever input is being analysed. */
    private interface OptimumOf {
        Optimum of(Metric metric) throws InputException;
    }

    /** The optima of the metrics beyond Dice and Jaccard (always reported), in the order given. */
    private static Map<Metric, Optimum> optima(List<Metric> metrics, OptimumOf optimum) throws InputException {
        Map<Metric, Optimum> more = new LinkedHashMap<>();
        for (Metric metric : metrics) {
            if (!List.of("dice", "jaccard").contains(metric.family())) {
                more.put(metric, optimum.of(metric));
            }
        }
        return more;
    }

    /**
     * One analysis per class, each class's data held only while it is analysed: JSON
     * {@code {"classes": [...]}}, each entry the class's {@link #toJson} object after its
     * {@code channel} index or {@code class} label; or the tables one after another.
     */
    private static String perClass(ClassInputs inputs, MarginalArgs input, Long volume, List<Metric> metrics,
                                   boolean json)
            throws UsageException, InputException, BackendUnavailableException {
        ClassMarginals classes = inputs.classes();
        List<Json> objects = new ArrayList<>();
        List<String> tables = new ArrayList<>();
        for (int k = 0; k < classes.classes(); k++) {
            try (Arena scratch = Arena.ofShared()) { // the engine's threads read it
                Marginal m = classes.marginal(k, scratch);
                Engine engine = input.engine(m.voxels());
                Analysis a = inputs.analyze(k, m, engine, volume); // validates m: the optima below need not
                Map<Metric, Optimum> more = optima(metrics, metric -> engine.optimum(m, metric));
                objects.add(Json.object().put(inputs.key(), classes.label(k)).putAll(toJson(a, m, more)));
                tables.add(table(a, m, inputs.label(k), classes.shape(), more));
            }
        }
        return json ? Json.object().put("classes", objects).toString() : String.join("\n\n", tables);
    }

    /** The JSON object of the CLI contract, without further metrics. */
    static Json toJson(Analysis a, Marginal m) {
        return toJson(a, m, Map.of());
    }

    /**
     * The JSON object of the CLI contract: {@code jaccard} after {@code dice}, then one object per
     * further metric, named for its family, with the fields of {@code dice} and its name.
     */
    static Json toJson(Analysis a, Marginal m, Map<Metric, Optimum> more) {
        Analysis.VolumeConstrained v = a.volumeConstrained();
        Analysis.Bounds b = a.bounds();
        Json json = Json.object()
                .put("voxels", a.voxels())
                .put("mass", a.mass().doubleValue())
                .put("massExact", a.mass().toString())
                .put("encoding", m.encoding().name().toLowerCase(Locale.ROOT))
                .put("raters", m.encoding().isVoteType() ? m.raters() : null)
                .put("shape", m.shape().map(s -> Arrays.stream(s).boxed().toList()).orElse(null))
                .put("accuracy", optimum(a.accuracy()))
                .put("dice", optimum(a.dice()))
                .put("jaccard", optimum(a.jaccard()));
        more.forEach((metric, o) -> json.put(metric.family(), optimum(o).put("metric", metric.name())));
        return json
                .put("volumeConstrained", Json.object()
                        .put("volume", v.volume())
                        .put("accuracy", v.accuracy().doubleValue())
                        .put("dice", v.dice().doubleValue())
                        .put("level", v.level() == null ? null : v.level().doubleValue())
                        .put("tiesTaken", v.tiesTaken()))
                .put("bounds", Json.object()
                        .put("accuracy", interval(b.accuracy(), b.accuracyHolds()))
                        .put("dice", interval(b.dice(), b.diceHolds()))
                        .put("accuracyBelowDice", b.accuracyBelowDice()));
    }

    private static Json optimum(Optimum o) {
        return Json.object()
                .put("sup", o.sup().doubleValue())
                .put("supExact", o.sup().toString())
                .put("threshold", o.threshold().doubleValue())
                .put("thresholdExact", o.threshold().toString())
                .put("leastVolume", o.leastVolume())
                .put("greatestVolume", o.greatestVolume())
                .put("ratio", o.ratio() == null ? null : o.ratio().doubleValue());
    }

    private static Json interval(Interval i, boolean holds) {
        return Json.object().put("lower", i.lower().doubleValue()).put("upper", i.upper().doubleValue()).put("holds", holds);
    }

    /** The text report of {@code a}, headed by {@code label}, for data of {@code shape}. */
    static String table(Analysis a, Marginal m, String label, long[] shape) {
        return table(a, m, label, shape, Map.of());
    }

    /** The text report of {@code a} and of the further metrics' optima {@code more}. */
    private static String table(Analysis a, Marginal m, String label, long[] shape, Map<Metric, Optimum> more) {
        StringBuilder s = new StringBuilder();
        s.append(label).append('\n');
        s.append(String.format(Locale.ROOT, "  %s%s, shape %s, n = %d voxels, mass M = %s voxels%n",
                m.encoding().name().toLowerCase(Locale.ROOT),
                m.encoding().isVoteType() ? " (R = " + m.raters() + ")" : "",
                shape(shape), a.voxels(), number(a.mass())));
        int width = 9;
        for (Metric metric : more.keySet()) {
            width = Math.max(width, metric.name().length());
        }
        s.append(String.format(Locale.ROOT, "%n  %-" + width + "s %-22s %-22s %14s %14s %10s%n",
                "metric", "sup", "threshold", "least volume", "greatest vol.", "greatest/M"));
        row(s, width, "Accuracy", a.accuracy());
        row(s, width, "Dice", a.dice());
        row(s, width, "Jaccard", a.jaccard());
        for (Map.Entry<Metric, Optimum> e : more.entrySet()) {
            row(s, width, e.getKey().name(), e.getValue());
        }
        Analysis.VolumeConstrained v = a.volumeConstrained();
        s.append(String.format(Locale.ROOT, "%n  Volume-constrained optimum (Theorem 4) at v = %d: Accuracy %s, Dice %s%n",
                v.volume(), number(v.accuracy()), number(v.dice())));
        Analysis.Bounds b = a.bounds();
        s.append(String.format(Locale.ROOT, "  Theorem 1: V^A in [%s, %s] %s%n", number(b.accuracy().lower()),
                number(b.accuracy().upper()), holds(b.accuracyHolds())));
        s.append(String.format(Locale.ROOT, "  Theorem 2: V^D in [%s, %s] %s%n", number(b.dice().lower()),
                number(b.dice().upper()), holds(b.diceHolds())));
        s.append(String.format(Locale.ROOT, "  Theorem 3: sup V^A <= inf V^D %s", holds(b.accuracyBelowDice())));
        return s.toString();
    }

    private static void row(StringBuilder s, int width, String name, Optimum o) {
        s.append(String.format(Locale.ROOT, "  %-" + width + "s %-22s %-22s %14d %14d %10s%n", name, withExact(o.sup()),
                withExact(o.threshold()), o.leastVolume(), o.greatestVolume(),
                o.ratio() == null ? "undefined" : String.format(Locale.ROOT, "%.4f", o.ratio().doubleValue())));
    }

    /** The decimal value, followed by the exact fraction when it is short. */
    static String withExact(Fraction f) {
        String exact = f.toString();
        String decimal = number(f);
        return exact.length() <= 11 && !exact.equals(decimal) ? decimal + " (" + exact + ")" : decimal;
    }

    private static String number(Fraction f) {
        double d = f.doubleValue();
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : String.format(Locale.ROOT, "%.6g", d);
    }

    private static String holds(boolean ok) {
        return ok ? "holds" : "VIOLATED";
    }

    private static String shape(long[] shape) {
        return shape.length == 0 ? "scalar" : String.join("x", Arrays.stream(shape).mapToObj(Long::toString).toList());
    }
}
