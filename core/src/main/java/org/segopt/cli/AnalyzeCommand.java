package org.segopt.cli;

import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.segopt.Analysis.Interval;
import org.segopt.Analysis.Optimum;
import org.segopt.Analysis;
import org.segopt.Fraction;
import org.segopt.Marginal;
import org.segopt.engine.BackendUnavailableException;
import org.segopt.io.InputException;
import org.segopt.io.OneLine;

/** {@code segopt analyze [--json] [--votes R | --bfloat16] [--volume V] FILE...}: the exact optima of one marginal. */
final class AnalyzeCommand {
    static final String USAGE = """
            Usage: segopt analyze [--json] [--votes R | --bfloat16] [--volume V] [--backend B] FILE...

            Computes, exactly, the Accuracy- and Dice-optimal segmentations of a marginal m:
            sup of each metric, its threshold (1/2 and tau* = sup D / 2), the least and greatest
            optimal volumes and their ratio to the expected volume M, the volume-constrained
            optimum of Theorem 4 and the volume bounds of Theorems 1-3.

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
              --backend B   auto (default: the GPU for large inputs when one is usable), cpu, gpu,
                            scalar; every backend gives identical results
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
        MarginalArgs input = new MarginalArgs(true);
        Options options = new Options(args);
        while (options.hasNext()) {
            String a = options.next();
            switch (a) {
                case "--json" -> json = true;
                case "--volume" -> volume = options.integer(a, 0, Long.MAX_VALUE);
                case "-h", "--help" -> {
                    out.print(USAGE);
                    return 0;
                }
                default -> input.take(a, options);
            }
        }
        try (Arena arena = Arena.ofShared()) {
            Inputs inputs = input.load(arena);
            Marginal m = inputs.marginal();
            Analysis a = inputs.analyze(input.engine(m.voxels()), volume);
            out.println(json ? toJson(a, m) : table(a, m, inputs));
            return 0;
        } catch (InputException e) {
            err.println(OneLine.of(e.getMessage()));
            return Main.EXIT_INPUT;
        }
    }

    /** The JSON object of the CLI contract. */
    static Json toJson(Analysis a, Marginal m) {
        Analysis.VolumeConstrained v = a.volumeConstrained();
        Analysis.Bounds b = a.bounds();
        return Json.object()
                .put("voxels", a.voxels())
                .put("mass", a.mass().doubleValue())
                .put("massExact", a.mass().toString())
                .put("encoding", m.encoding().name().toLowerCase(Locale.ROOT))
                .put("raters", m.encoding().isVoteType() ? m.raters() : null)
                .put("shape", m.shape().map(s -> Arrays.stream(s).boxed().toList()).orElse(null))
                .put("accuracy", optimum(a.accuracy()))
                .put("dice", optimum(a.dice()))
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

    private static String table(Analysis a, Marginal m, Inputs inputs) {
        return table(a, m, inputs.label(), inputs.shape());
    }

    /** The text report of {@code a}, headed by {@code label}, for data of {@code shape}. */
    static String table(Analysis a, Marginal m, String label, long[] shape) {
        StringBuilder s = new StringBuilder();
        s.append(label).append('\n');
        s.append(String.format(Locale.ROOT, "  %s%s, shape %s, n = %d voxels, mass M = %s voxels%n",
                m.encoding().name().toLowerCase(Locale.ROOT),
                m.encoding().isVoteType() ? " (R = " + m.raters() + ")" : "",
                shape(shape), a.voxels(), number(a.mass())));
        s.append(String.format(Locale.ROOT, "%n  %-9s %-22s %-22s %14s %14s %10s%n",
                "metric", "sup", "threshold", "least volume", "greatest vol.", "greatest/M"));
        row(s, "Accuracy", a.accuracy());
        row(s, "Dice", a.dice());
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

    private static void row(StringBuilder s, String name, Optimum o) {
        s.append(String.format(Locale.ROOT, "  %-9s %-22s %-22s %14d %14d %10s%n", name, withExact(o.sup()),
                withExact(o.threshold()), o.leastVolume(), o.greatestVolume(),
                o.ratio() == null ? "undefined" : String.format(Locale.ROOT, "%.4f", o.ratio().doubleValue())));
    }

    /** The decimal value, followed by the exact fraction when it is short. */
    private static String withExact(Fraction f) {
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
