package org.segopt.spark;

import java.io.Serializable;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.segopt.report.CaseKind;
import org.segopt.report.CaseSpec;

/**
 * A case as it travels to an executor: its ROI, name and files as absolute {@code file:} URIs
 * (the executors see the dataset on a shared or replicated file system), read by the executor
 * that analyses the case. A file is read under the path the dataset gave where that names the
 * same file on the executor (always in local mode), so that messages name files as the
 * single-machine commands do.
 *
 * @param roi   the ROI
 * @param name  the case
 * @param files the rater or map files as URIs, in rater order
 * @param given the same files as the dataset named them
 * @param kind  what the files hold
 */
record CaseFiles(String roi, String name, List<String> files, List<String> given, CaseKind kind) implements Serializable {

    static CaseFiles of(CaseSpec spec) {
        return new CaseFiles(spec.roi(), spec.name(), spec.raters().stream().map(p -> p.toUri().toString()).toList(),
                spec.raters().stream().map(Path::toString).toList(), spec.kind());
    }

    /** The case as this machine names its files. */
    CaseSpec here() {
        List<Path> local = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            local.add(named(given.get(i), Path.of(URI.create(files.get(i)))));
        }
        return new CaseSpec(roi, name, local, kind);
    }

    /** {@code given} where it names {@code absolute} on this machine, else {@code absolute}. */
    static Path named(String given, Path absolute) {
        Path named = Path.of(given);
        return named.toAbsolutePath().equals(absolute) ? named : absolute;
    }
}
