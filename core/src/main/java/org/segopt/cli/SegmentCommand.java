package org.segopt.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.segopt.Analysis;
import org.segopt.BitMask;
import org.segopt.Marginal;
import org.segopt.Metric;
import org.segopt.Segmentation;
import org.segopt.engine.BackendUnavailableException;
import org.segopt.engine.Engine;
import org.segopt.io.ArrayWriters;
import org.segopt.io.InputException;
import org.segopt.io.OneLine;

/**
 * {@code segopt segment --metric accuracy|dice|jaccard|fbeta:B|tversky:A,B|volume [--least] [--volume V]
 * [--votes R | --bfloat16] --out OUT FILE...}: writes an optimal segmentation of one marginal as an image.
 */
final class SegmentCommand {
    static final String USAGE = """
            Usage: segopt segment --metric M [--least] [--volume V] [--votes R | --bfloat16] --out OUT FILE...

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
              --out OUT     the mask to write: .npy, .nrrd, .nhdr (with data in OUT's .raw), .nii, .nii.gz

            Input formats: .npy, .npz, .nrrd, .nhdr, .nii, .nii.gz.
            Prints one line: written OUT: k of n voxels.
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
        MarginalArgs input = new MarginalArgs(true);
        Options options = new Options(args);
        while (options.hasNext()) {
            String a = options.next();
            switch (a) {
                case "--metric" -> metric = options.value(a);
                case "--least" -> least = true;
                case "--volume" -> volume = options.integer(a, 0, Long.MAX_VALUE);
                case "--out" -> output = options.path(a);
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
        try (Arena arena = Arena.ofShared()) {
            Inputs inputs = input.load(arena);
            checkNotInput(output, inputs.files());
            Marginal m = inputs.marginal();
            if (m.voxels() > MAX_VOXELS) { // Inputs has already rejected 0 voxels
                err.println(OneLine.of(inputs.label() + ": the array has " + m.voxels() + " voxels; segment writes masks of at most "
                        + MAX_VOXELS + " voxels"));
                return Main.EXIT_INPUT;
            }
            Engine engine = input.engine(m.voxels());
            BitMask mask;
            if (tversky != null) {
                mask = engine.segment(m, inputs.optimum(engine, tversky), !least);
            } else {
                Analysis analysis = inputs.analyze(engine, volume);
                mask = engine.segment(m, analysis, which);
            }
            ArrayWriters.write(output, mask.toBytes(), inputs.shape(), inputs.fortranOrder(), inputs.geometry());
            out.println("written " + output + ": " + mask.cardinality() + " of " + m.voxels() + " voxels");
            return 0;
        } catch (InputException e) {
            err.println(OneLine.of(e.getMessage()));
            return Main.EXIT_INPUT;
        }
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
