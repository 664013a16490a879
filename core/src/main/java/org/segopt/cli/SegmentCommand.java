package org.segopt.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.segopt.Analysis;
import org.segopt.BitMask;
import org.segopt.Marginal;
import org.segopt.Metric;
import org.segopt.Segmentation;
import org.segopt.engine.BackendUnavailableException;
import org.segopt.engine.Engine;
import org.segopt.io.ArrayWriters;
import org.segopt.io.ClassMarginals;
import org.segopt.io.Geometry;
import org.segopt.io.InputException;
import org.segopt.io.OneLine;

/**
 * {@code segopt segment --metric accuracy|dice|jaccard|fbeta:B|tversky:A,B|volume [--least] [--volume V]
 * [--votes R | --bfloat16] --out OUT FILE...}: writes an optimal segmentation of one marginal as an image.
 */
final class SegmentCommand {
    static final String USAGE = """
            Usage: segopt segment --metric M [--least] [--volume V] [--votes R | --bfloat16]
                                  [--channel-axis K | --labels] [--class C] --out OUT FILE...

            Writes an optimal segmentation of a marginal m, decided exactly, as a 0/1 uint8 image with
            the input's shape, memory order and geometry:
              accuracy  I{m >= 1/2}, the greatest Accuracy-optimal segmentation (--least: I{m > 1/2})
              dice      I{m >= tau*}, the greatest Dice-optimal segmentation (--least: I{m > tau*});
                        jaccard has the same optimal segmentations
              fbeta:B, tversky:A,B
                        I{m >= tau}, the greatest optimum of F_beta or of the Tversky index
                        TP / (TP + A FP + B FN), tau = sup A / (1 - sup (1 - A - B))
                        (--least: I{m > tau}); weights as for 'segopt analyze --metric'
              volume    the optimum at volume V (Theorem 4): the V voxels of largest m, ties taken
                        lowest index first; V defaults to floor(M + 1/2)

              FILE          as for 'segopt analyze': one marginal, vote counts with --votes R, or
                            several binary rater masks
              --metric M    accuracy, dice, jaccard, fbeta:B, tversky:A,B or volume (--volume V
                            alone implies volume)
              --least       the least optimal segmentation instead of the greatest
              --volume V    the volume (voxels) of the volume-constrained optimum
              --votes R     the one FILE holds integer vote counts 0..R (m = votes / R)
              --bfloat16    the one FILE holds bfloat16 bit patterns as uint16/int16 (NumPy has
                            no bfloat16 dtype)
              --max-decompressed BYTES
                            the most a compressed FILE (.npz, .nii.gz, gzip NRRD) may decompress
                            to in memory; default 1073741824 (1 GiB)
              --channel-axis K
                            the one FILE holds C channels along axis K (as for 'segopt analyze'):
                            one mask per channel k, written to OUT with _channel<k> before its
                            extension (seg.nii.gz: seg_channel0.nii.gz, seg_channel1.nii.gz, ...)
              --labels      each FILE is one rater's label map (as for 'segopt analyze'): one mask
                            per class c = 1..C, written to OUT with _class<c> before its extension
              --class C     only channel or class C's mask, written to OUT as named
              --out OUT     the mask to write: .npy, .nrrd, .nhdr (with data in OUT's .raw), .nii, .nii.gz

            Input formats: .npy, .npz, .nrrd, .nhdr, .nii, .nii.gz.
            Prints one line per mask: written OUT: k of n voxels. A mask of one channel keeps the
            input's geometry without the channel axis, and none when that axis is a spatial one.
            Exit codes: 0 success, 2 usage error, 3 invalid input, unreadable file or unwritable OUT.
            """;
    /** The largest mask a byte array holds. */
    private static final long MAX_VOXELS = Integer.MAX_VALUE - 8;

    private SegmentCommand() {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) throws UsageException, BackendUnavailableException {
        String metric = null;
        boolean least = false;
        Long volume = null;
        Path output = null;
        Integer only = null;
        MarginalArgs input = new MarginalArgs(true, true);
        Options options = new Options(args);
        while (options.hasNext()) {
            String a = options.next();
            switch (a) {
                case "--metric" -> metric = options.value(a);
                case "--least" -> least = true;
                case "--volume" -> volume = options.integer(a, 0, Long.MAX_VALUE);
                case "--out" -> output = options.path(a);
                case "--class" -> only = (int) options.integer(a, 0, Integer.MAX_VALUE);
                case "-h", "--help" -> {
                    out.print(USAGE);
                    return 0;
                }
                default -> input.take(a, options);
            }
        }
        metric = metric == null && volume != null ? "volume" : metric;
        Metric tversky = tverskyMetric(metric, volume);
        Segmentation which = tversky == null ? segmentation(metric, least, volume) : null;
        if (output == null) {
            throw new UsageException("--out OUT is required");
        }
        if (!ArrayWriters.supports(output)) {
            throw new UsageException("--out " + output + ": unsupported output format (expected " + ArrayWriters.SUPPORTED + ")");
        }
        if (only != null && !input.multiClass()) {
            throw new UsageException("--class applies with --channel-axis or --labels only");
        }
        try (Arena arena = Arena.ofShared()) {
            if (input.multiClass()) {
                perClass(input.loadClasses(arena), input, which, tversky, least, volume, only, output, out);
                return 0;
            }
            Inputs inputs = input.load(arena);
            checkNotInput(output, inputs.files());
            Marginal m = inputs.marginal();
            checkSize(m, inputs.label());
            Engine engine = input.engine(m.voxels());
            BitMask mask = tversky != null ? engine.segment(m, inputs.optimum(engine, tversky), !least)
                    : engine.segment(m, inputs.analyze(engine, volume), which);
            out.println(write(mask, m, output, inputs.shape(), inputs.fortranOrder(), inputs.geometry()));
            return 0;
        } catch (InputException e) {
            err.println(OneLine.of(e.getMessage()));
            return Main.EXIT_INPUT;
        }
    }

    /**
     * One mask per class (or only class {@code only}'s, to {@code output} itself), each class's data
     * held only while it is segmented; every output is checked against the inputs before any is written.
     */
    private static void perClass(ClassInputs inputs, MarginalArgs input, Segmentation which, Metric tversky, boolean least,
                                 Long volume, Integer only, Path output, PrintStream out)
            throws InputException, UsageException, BackendUnavailableException {
        ClassMarginals classes = inputs.classes();
        Map<Integer, Path> outputs = new LinkedHashMap<>();
        for (int k = 0; k < classes.classes(); k++) {
            int label = classes.label(k);
            if (only == null || only == label) {
                outputs.put(k, only == null ? ArrayWriters.tagged(output, "_" + inputs.key() + label) : output);
            }
        }
        if (outputs.isEmpty()) {
            throw new InputException(Path.of(inputs.label()), "no " + inputs.key() + " " + only + " (the input has "
                    + inputs.range() + ")");
        }
        for (Path o : outputs.values()) {
            checkNotInput(o, inputs.files());
        }
        for (Map.Entry<Integer, Path> e : outputs.entrySet()) {
            int k = e.getKey();
            try (Arena scratch = Arena.ofShared()) { // the engine's threads read it
                Marginal m = classes.marginal(k, scratch);
                checkSize(m, inputs.label(k));
                Engine engine = input.engine(m.voxels());
                BitMask mask = tversky != null ? engine.segment(m, inputs.optimum(k, m, engine, tversky), !least)
                        : engine.segment(m, inputs.analyze(k, m, engine, volume), which);
                out.println(write(mask, m, e.getValue(), classes.shape(), classes.fortranOrder(), classes.geometry()));
            }
        }
    }

    private static void checkSize(Marginal m, String label) throws InputException {
        if (m.voxels() > MAX_VOXELS) { // the inputs have already rejected 0 voxels
            throw new InputException(Path.of(label), "the array has " + m.voxels() + " voxels; segment writes masks of at most "
                    + MAX_VOXELS + " voxels");
        }
    }

    /** Writes the mask of {@code m}; returns the line to print. */
    private static String write(BitMask mask, Marginal m, Path output, long[] shape, boolean fortranOrder,
                                Geometry geometry) throws InputException {
        ArrayWriters.write(output, mask.toBytes(), shape, fortranOrder, geometry);
        return "written " + output + ": " + mask.cardinality() + " of " + m.voxels() + " voxels";
    }

    /**
     * The metric of the Tversky family {@code metric} names, other than Dice (whose segmentations
     * the analysis writes), or null for accuracy, dice and volume.
     */
    private static Metric tverskyMetric(String metric, Long volume) throws UsageException {
        if (metric == null) {
            throw new UsageException("--metric is required (accuracy, volume or one of " + MetricOption.CHOICES + ")");
        }
        if (List.of("accuracy", "dice", "volume").contains(metric)) {
            return null;
        }
        Metric m = MetricOption.parse("--metric", metric);
        if (volume != null) {
            throw new UsageException("--volume applies to --metric volume only");
        }
        return m;
    }

    private static Segmentation segmentation(String metric, boolean least, Long volume) throws UsageException {
        Segmentation which = switch (metric) {
            case "accuracy" -> least ? Segmentation.ACCURACY_LEAST : Segmentation.ACCURACY_GREATEST;
            case "dice" -> least ? Segmentation.DICE_LEAST : Segmentation.DICE_GREATEST;
            default -> Segmentation.VOLUME_CONSTRAINED;
        };
        if (least && which == Segmentation.VOLUME_CONSTRAINED) {
            throw new UsageException("--least applies to --metric accuracy, dice, jaccard, fbeta or tversky only");
        }
        if (volume != null && which != Segmentation.VOLUME_CONSTRAINED) {
            throw new UsageException("--volume applies to --metric volume only");
        }
        return which;
    }

    /** Refuses to overwrite a file read, detached data files included: its data may still be mapped. */
    private static void checkNotInput(Path output, List<Path> read) throws UsageException {
        for (Path written : ArrayWriters.files(output)) {
            for (Path f : read) {
                try {
                    if (Files.exists(written) && Files.isSameFile(written, f)) {
                        throw new UsageException("--out " + output + " would overwrite the input " + f);
                    }
                } catch (IOException e) {
                    // A file that cannot be compared is not one we read; writing it will tell.
                }
            }
        }
    }
}
