package org.segopt.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.segopt.io.OneLine;
import org.segopt.report.CaseSpec;
import org.segopt.report.DatasetException;
import org.segopt.report.Datasets;

/**
 * The dataset of a command that runs over cases ({@code report}, {@code calibrate}): the options
 * {@code --layout plastimatch DIR} and {@code --manifest FILE.csv}, the listing with its messages,
 * and the end of such a run (the table or JSON, the count of skipped cases, the exit code).
 */
final class DatasetSource {
    private final String command;
    private Path layout;
    private Path manifest;

    /** For command {@code command} (the prefix of its messages: "segopt report: ..."). */
    DatasetSource(String command) {
        this.command = command;
    }

    /** Takes the value of option {@code a} when it names the dataset; returns whether it did. */
    boolean accept(String a, Options options) throws UsageException {
        switch (a) {
            case "--layout" -> {
                String kind = options.value(a);
                if (!kind.equals("plastimatch")) {
                    throw new UsageException("--layout must be plastimatch, not '" + kind + "'");
                }
                layout = options.path("--layout plastimatch");
            }
            case "--manifest" -> manifest = options.path(a);
            default -> {
                return false;
            }
        }
        return true;
    }

    /** Requires exactly one of the two options. */
    void check() throws UsageException {
        if ((layout == null) == (manifest == null)) {
            throw new UsageException("give exactly one of --layout plastimatch DIR and --manifest FILE.csv");
        }
    }

    /**
     * The cases (those of {@code roi} only, when not null), with every problem of the listing
     * printed; null when the dataset cannot be used at all (the reason printed).
     */
    Datasets.Listing list(String roi, PrintStream err) {
        Datasets.Listing listing;
        try {
            listing = layout != null ? Datasets.plastimatch(layout) : Datasets.manifest(manifest);
        } catch (DatasetException e) {
            err.println(OneLine.of("segopt " + command + ": " + e.getMessage()));
            return null;
        }
        if (roi != null) {
            List<CaseSpec> cases = listing.cases().stream().filter(c -> c.roi().equals(roi)).toList();
            listing = new Datasets.Listing(cases, listing.ignored(),
                    listing.errors().stream().filter(e -> e.startsWith(roi + "/")).toList());
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
     * Prints {@code json} when not null, else {@code outDir/table.md}; then the count of skipped
     * cases. Returns the exit code: 3 when a case was skipped or the table cannot be read back.
     */
    int finish(Json json, Path outDir, List<String> errors, PrintStream out, PrintStream err) {
        if (json != null) {
            out.println(json);
        } else {
            try {
                out.print(Files.readString(outDir.resolve("table.md")));
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
