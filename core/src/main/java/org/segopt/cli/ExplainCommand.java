package org.segopt.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.segopt.Analysis;
import org.segopt.Curves;
import org.segopt.Marginal;
import org.segopt.engine.Engine;
import org.segopt.explain.ExplainFigure;
import org.segopt.io.InputException;
import org.segopt.io.OneLine;

/** {@code segopt explain [--votes R | --bfloat16] --out FILE.png FILE...}: the paper's Figures 2-4 for one marginal. */
final class ExplainCommand {
    static final String USAGE = """
            Usage: segopt explain [--votes R | --bfloat16] --out FILE.png FILE...

            Draws one PNG with four panels, as in the paper's Figures 2-4: F_m(t), the quantile
            function F_m^-1(v), a_m(v) (best Accuracy at volume v) and d_m(v) (best Dice at volume
            v), with the optimal volume intervals V^A and V^D shaded (a line where one volume) and
            sup A, sup D and tau* in the title. Volumes are fractions of the n voxels.

              FILE          as for 'segopt analyze': one marginal (float16/32/64 in [0, 1]), or
                            several binary rater masks (m = their mean)
              --votes R     the one FILE holds integer vote counts 0..R
              --bfloat16    the one FILE holds bfloat16 bit patterns as uint16/int16 (NumPy has
                            no bfloat16 dtype)
              --max-decompressed BYTES
                            the most a compressed FILE (.npz, .nii.gz, gzip NRRD) may decompress
                            to in memory; default 1073741824 (1 GiB)
              --out FILE    the PNG to write

            Exit codes: 0 success, 2 usage error, 3 invalid input, unreadable file or unwritable --out.
            """;

    private ExplainCommand() {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) throws UsageException {
        Path png = null;
        MarginalArgs input = new MarginalArgs(false);
        Options options = new Options(args);
        while (options.hasNext()) {
            String a = options.next();
            switch (a) {
                case "--out" -> png = options.path(a);
                case "-h", "--help" -> {
                    out.print(USAGE);
                    return 0;
                }
                default -> input.take(a, options);
            }
        }
        if (png == null) {
            throw new UsageException("--out FILE.png is required");
        }
        if (Files.isDirectory(png)) {
            throw new UsageException("--out " + png + " is a directory");
        }
        try (Arena arena = Arena.ofShared()) {
            Inputs inputs = input.load(arena);
            Marginal m = inputs.marginal();
            Engine engine = Engine.parallel();
            Analysis a = inputs.check(() -> engine.analyze(m));
            Curves c = engine.curves(m); // m is valid now
            try {
                new ExplainFigure(c, a, inputs.label()).writePng(png);
            } catch (IOException e) {
                err.println(OneLine.of("segopt explain: cannot write " + png + ": " + Main.reason(e)));
                return Main.EXIT_INPUT;
            }
            out.println("wrote " + png);
            return 0;
        } catch (InputException e) {
            err.println(OneLine.of(e.getMessage()));
            return Main.EXIT_INPUT;
        }
    }
}
