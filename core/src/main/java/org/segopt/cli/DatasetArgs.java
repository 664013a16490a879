package org.segopt.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import org.segopt.io.OneLine;
import org.segopt.report.DatasetException;
import org.segopt.report.Datasets;

/** The dataset options of {@code report} and {@code pool}: {@code --layout plastimatch DIR | --manifest FILE.csv}. */
final class DatasetArgs {
    private Path layoutDir;
    private Path manifest;

    /** Takes option {@code a} if it is a dataset option; returns whether it was. */
    boolean take(String a, Options options) throws UsageException {
        switch (a) {
            case "--layout" -> {
                String kind = options.value(a);
                if (!kind.equals("plastimatch")) {
                    throw new UsageException("--layout must be plastimatch, not '" + kind + "'");
                }
                layoutDir = options.path("--layout plastimatch");
            }
            case "--manifest" -> manifest = options.path(a);
            default -> {
                return false;
            }
        }
        return true;
    }

    /** Checks that exactly one of the options was given. */
    void check() throws UsageException {
        if ((layoutDir == null) == (manifest == null)) {
            throw new UsageException("give exactly one of --layout plastimatch DIR and --manifest FILE.csv");
        }
    }

    /**
     * Lists the dataset, printing on {@code err} (prefixed "segopt COMMAND: ") the files ignored
     * and the cases found unusable; null, with the reason printed, when there is nothing to run.
     */
    Datasets.Listing list(String command, PrintStream err) {
        String prefix = "segopt " + command + ": ";
        Datasets.Listing listing;
        try {
            listing = layoutDir != null ? Datasets.plastimatch(layoutDir) : Datasets.manifest(manifest);
        } catch (DatasetException e) {
            err.println(OneLine.of(prefix + e.getMessage()));
            return null;
        }
        if (listing.cases().isEmpty() && listing.errors().isEmpty()) {
            err.println(OneLine.of(prefix + (layoutDir != null ? layoutDir : manifest) + ": no cases found"
                    + (layoutDir != null ? " (expected DIR/<patient>/<ROI> (User<k>).nrrd)" : "")));
            return null;
        }
        if (!listing.ignored().isEmpty()) {
            err.println(OneLine.of(prefix + "ignored " + listing.ignored().size() + " file(s) not named '<ROI> (User<k>).<ext>', e.g. "
                    + listing.ignored().getFirst()));
        }
        for (String e : listing.errors()) {
            err.println(OneLine.of(prefix + e + " (case skipped)"));
        }
        return listing;
    }
}
