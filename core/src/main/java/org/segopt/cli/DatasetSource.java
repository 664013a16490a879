package org.segopt.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.segopt.cluster.ClusterJobs;
import org.segopt.io.OneLine;
import org.segopt.io.ReadLimits;
import org.segopt.report.CaseSpec;
import org.segopt.report.DatasetException;
import org.segopt.report.Datasets;

/**
 * The dataset of a command that runs over cases ({@code report}, {@code calibrate}, {@code pool}):
 * the options {@code --layout plastimatch DIR}, {@code --manifest FILE.csv}, {@code --json},
 * {@code --max-decompressed} and, for a command that writes a folder, {@code --out DIR}; the
 * listing with its messages, and the end of such a run (the table or JSON, the count of skipped
 * cases, the exit code).
 */
final class DatasetSource {
    private final String command;
    private final boolean writesFolder;
    private String layout;
    private String manifest;
    private Path out;
    private boolean json;
    private ReadLimits limits = ReadLimits.DEFAULT;

    /** For command {@code command} (the prefix of its messages: "segopt report: ..."), which writes an --out DIR. */
    DatasetSource(String command) {
        this(command, true);
    }

    /** For command {@code command}; {@code writesFolder}: whether it takes --out DIR. */
    DatasetSource(String command, boolean writesFolder) {
        this.command = command;
        this.writesFolder = writesFolder;
    }

    /**
     * Takes option {@code a} (and its value) when it is one of these; otherwise a usage error
     * unless {@code a} is the command's own.
     */
    void accept(String a, Options options) throws UsageException {
        switch (a) {
            case "--json" -> json = true;
            case "--out" -> {
                if (!writesFolder) {
                    throw new UsageException("unknown option " + a);
                }
                out = options.path(a);
            }
            case ReadLimits.OPTION -> limits = new ReadLimits(options.integer(a, 0, Long.MAX_VALUE));
            case "--layout" -> {
                String kind = options.value(a);
                if (!kind.equals("plastimatch")) {
                    throw new UsageException("--layout must be plastimatch, not '" + kind + "'");
                }
                layout = options.value("--layout plastimatch");
            }
            case "--manifest" -> manifest = options.value(a);
            default -> throw new UsageException(a.startsWith("-") ? "unknown option " + a : "unexpected argument '" + a + "'");
        }
    }

    /** Requires exactly one of --layout and --manifest. */
    void requireDataset() throws UsageException {
        if ((layout == null) == (manifest == null)) {
            throw new UsageException("give exactly one of --layout plastimatch DIR and --manifest FILE.csv");
        }
    }

    /** Requires exactly one of --layout and --manifest, and --out; returns the --out folder. */
    Path outputFolder() throws UsageException {
        requireDataset();
        return Options.outputFolder(out, "DIR");
    }

    /** Whether the dataset is a --layout (of rater masks), not a --manifest. */
    boolean fromLayout() {
        return layout != null;
    }

    /** How much compressed data one file may hold in memory. */
    ReadLimits limits() {
        return limits;
    }

    /** Whether --json was given. */
    boolean json() {
        return json;
    }

    /**
     * The cases (those of {@code roi} only, when not null), with every problem of the listing
     * printed; null when the dataset cannot be used at all (the reason printed). A dataset named
     * by a URI is listed by {@code cluster} (a usage error without one).
     */
    Datasets.Listing list(String roi, ClusterJobs cluster, PrintStream err) throws UsageException {
        String given = layout != null ? layout : manifest;
        if (Datasets.isUri(given) && cluster == null) {
            throw new UsageException((layout != null ? "--layout plastimatch " : "--manifest ") + given
                    + ": a URI needs --spark MASTER (its file system is read through Hadoop)");
        }
        Datasets.Listing listing;
        try {
            if (Datasets.isUri(given)) {
                listing = layout != null ? cluster.plastimatch(layout) : cluster.manifest(manifest);
            } else {
                listing = layout != null ? Datasets.plastimatch(Path.of(layout)) : Datasets.manifest(Path.of(manifest));
            }
        } catch (DatasetException e) {
            err.println(OneLine.of("segopt " + command + ": " + e.getMessage()));
            return null;
        }
        if (roi != null) {
            List<CaseSpec> cases = listing.cases().stream().filter(c -> c.roi().equals(roi)).toList();
            List<String> errors = listing.errors().stream().filter(e -> e.startsWith(roi + "/")).toList();
            if (cases.isEmpty() && errors.isEmpty() && !listing.cases().isEmpty()) {
                err.println(OneLine.of("segopt " + command + ": no case of ROI '" + roi + "' (ROIs: "
                        + String.join(", ", listing.cases().stream().map(CaseSpec::roi).distinct().toList()) + ")"));
                return null;
            }
            listing = new Datasets.Listing(cases, listing.ignored(), errors);
        }
        if (listing.cases().isEmpty() && listing.errors().isEmpty()) {
            err.println(OneLine.of("segopt " + command + ": " + (layout != null ? layout : manifest) + ": no cases found"
                    + (roi != null ? " of ROI '" + roi + "'" : "")
                    + (layout != null ? " (expected DIR/<patient>/<ROI> (User<k>).nrrd)" : "")));
            return null;
        }
        if (!listing.ignored().isEmpty()) {
            err.println(OneLine.of("segopt " + command + ": ignored " + listing.ignored().size()
                    + " file(s) not named '<ROI> (User<k>).<ext>', e.g. " + listing.ignored().getFirst()));
        }
        for (String e : listing.errors()) {
            err.println(OneLine.of("segopt " + command + ": " + e + " (case skipped)"));
        }
        return listing;
    }

    /**
     * Prints {@code result} with --json, else {@code DIR/table.md}; then the count of skipped
     * cases. Returns the exit code: 3 when a case was skipped or the table cannot be read back.
     */
    int finish(Json result, List<String> errors, PrintStream stdout, PrintStream err) {
        Path outDir = out;
        if (json) {
            stdout.println(result);
        } else {
            try {
                stdout.print(Files.readString(outDir.resolve("table.md")));
            } catch (IOException e) {
                err.println(OneLine.of("segopt " + command + ": cannot read back " + outDir.resolve("table.md") + ": "
                        + Main.reason(e)));
                return Main.EXIT_INPUT;
            }
        }
        if (!errors.isEmpty()) {
            err.println(OneLine.of("segopt " + command + ": " + errors.size() + " case(s) skipped because of errors"));
            return Main.EXIT_INPUT;
        }
        return Main.EXIT_OK;
    }
}
