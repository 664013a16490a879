package org.segopt.spark;

import java.io.Serializable;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.segopt.report.CaseKind;
import org.segopt.report.CaseSpec;
import org.segopt.report.Datasets;

/**
 * A case as it travels to an executor: its ROI, name and files, read by the executor that
 * analyses the case. A local path travels as an absolute {@code file:} URI (the executors see
 * the dataset on a shared or replicated file system) and is read under the path the dataset gave
 * where that names the same file on the executor (always in local mode); a {@code file:} URI is
 * read in place; a file of any other Hadoop file system ({@code hdfs:}, {@code s3a:}, ...) is
 * copied to a local temporary folder first ({@link LocalFiles}).
 *
 * @param roi   the ROI
 * @param name  the case
 * @param files the rater or map files as URIs, in rater order
 * @param given the same files as the dataset named them
 * @param kind  what the files hold
 */
record CaseFiles(String roi, String name, List<String> files, List<String> given, CaseKind kind) implements Serializable {

    static CaseFiles of(CaseSpec spec) {
        return new CaseFiles(spec.roi(), spec.name(),
                spec.files().stream().map(f -> Datasets.isUri(f) ? f : Path.of(f).toUri().toString()).toList(),
                spec.files(), spec.kind());
    }

    /** "roi/name", for messages. */
    String label() {
        return roi + "/" + name;
    }

    /** The case as this machine reads it, its files fetched by {@code local} (see {@link LocalFiles}). */
    CaseSpec here(LocalFiles local) throws LocalFiles.Unreadable {
        List<Path> paths = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            String named = given.get(i);
            paths.add(Datasets.isUri(named) ? local.of(named, Path.of(Integer.toString(i), new org.apache.hadoop.fs.Path(named).getName()))
                    : named(named, Path.of(URI.create(files.get(i)))));
        }
        return CaseSpec.of(roi, name, paths, kind);
    }

    /** {@code given} where it names {@code absolute} on this machine, else {@code absolute}. */
    static Path named(String given, Path absolute) {
        Path named = Path.of(given);
        return named.toAbsolutePath().equals(absolute) ? named : absolute;
    }
}
