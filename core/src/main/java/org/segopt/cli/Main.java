package org.segopt.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileSystemException;
import java.util.Arrays;
import java.util.List;
import org.segopt.cluster.ClusterUnavailableException;
import org.segopt.engine.BackendUnavailableException;
import org.segopt.io.IoSupport;
import org.segopt.io.OneLine;

/** The {@code segopt} command line: dispatches to a command and maps failures to exit codes. */
public final class Main {
    static final int EXIT_OK = 0;
    static final int EXIT_INTERNAL = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_INPUT = 3;
    static final int EXIT_BACKEND = 4;

    private static final String USAGE = """
            Usage: segopt <command> [options] FILE...

            Exact Accuracy- and Dice-optimal segmentations for noisy labels
            (Nordström et al., "On Image Segmentation With Noisy Labels").

            Commands:
              analyze   sup, thresholds, optimal volumes and bounds of one marginal
              bench     time the engine against one read pass of the same memory
              segment   write an optimal segmentation (Accuracy, Dice or fixed volume) as an image
              report    Table 1 and Figure 5 of a multi-rater mask dataset (Plastimatch layout or manifest)
              calibrate one exact threshold for a whole validation set (mean or pooled metric)
              lidc      Table 1 (L) and Figure 6 from LIDC-IDRI XML annotations
              pool      one exact analysis of every voxel of every case of a ROI (the pooled marginal)
              explain   a figure of F_m, F_m^-1, a_m and d_m with the optimal volumes marked
              help      this text; 'segopt <command> --help' for a command

            Exit codes: 0 success, 1 internal error, 2 usage error, 3 invalid input,
            4 --backend gpu without a usable GPU, or --spark MASTER where Spark cannot start.
            """;

    private Main() {
    }

    /** The reason of an I/O failure, with the path it names when that is not the one the message already names. */
    static String reason(IOException e) {
        String file = e instanceof FileSystemException fse ? fse.getFile() : null;
        return (file != null ? file + ": " : "") + IoSupport.message(e);
    }

    public static void main(String[] args) {
        System.exit(run(Arrays.asList(args), System.out, System.err));
    }

    /** Runs one command line; returns the exit code. Never throws. */
    static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty() || List.of("help", "-h", "--help").contains(args.getFirst())) {
            (args.isEmpty() ? err : out).print(USAGE);
            return args.isEmpty() ? EXIT_USAGE : EXIT_OK;
        }
        List<String> rest = args.subList(1, args.size());
        try {
            return switch (args.getFirst()) {
                case "analyze" -> AnalyzeCommand.run(rest, out, err);
                case "bench" -> BenchCommand.run(rest, out, err);
                case "segment" -> SegmentCommand.run(rest, out, err);
                case "report" -> ReportCommand.run(rest, out, err);
                case "calibrate" -> CalibrateCommand.run(rest, out, err);
                case "lidc" -> LidcCommand.run(rest, out, err);
                case "pool" -> PoolCommand.run(rest, out, err);
                case "explain" -> ExplainCommand.run(rest, out, err);
                default -> throw new UsageException("unknown command '" + args.getFirst() + "'");
            };
        } catch (UsageException e) {
            err.println(OneLine.of("segopt: " + e.getMessage() + " (see 'segopt --help')"));
            return EXIT_USAGE;
        } catch (BackendUnavailableException e) {
            err.println(OneLine.of("segopt: the GPU backend cannot run here: " + e.getMessage()));
            return EXIT_BACKEND;
        } catch (ClusterUnavailableException e) {
            err.println(OneLine.of("segopt: " + e.getMessage()));
            return EXIT_BACKEND;
        } catch (OutOfMemoryError e) {
            err.println(OneLine.of("segopt: out of memory (" + e.getMessage() + "); the JVM heap is set with "
                    + "JAVA_OPTS=-Xmx...; decompressed inputs are held off the heap, at most --max-decompressed bytes each"));
            return EXIT_INTERNAL;
        } catch (RuntimeException e) {
            err.println(OneLine.of("segopt: internal error: " + e));
            return EXIT_INTERNAL;
        }
    }
}
