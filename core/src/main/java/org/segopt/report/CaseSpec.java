package org.segopt.report;

import java.nio.file.Path;
import java.util.List;

/**
 * One case of a dataset: one ROI of one patient, with its files: for {@link CaseKind#MASK} the
 * binary masks of the raters who delineated it (a rater without a file did not delineate it and
 * is not counted: m is the mean of these masks), for {@link CaseKind#PROBABILITY} the one file of m, for {@link CaseKind#LABELS} the
 * raters' label maps (one marginal per class).
 *
 * @param roi   the region of interest (a group of Table 1)
 * @param name  the case (patient) name
 * @param files the case's files as the dataset names them, in rater order: local paths, or URIs
 *              of a cluster's file system (see {@link Datasets#isUri})
 * @param kind  what the files hold
 */
public record CaseSpec(String roi, String name, List<String> files, CaseKind kind) {
    public CaseSpec {
        files = List.copyOf(files);
    }

    /** A case of local files. */
    public static CaseSpec of(String roi, String name, List<Path> raters, CaseKind kind) {
        return new CaseSpec(roi, name, raters.stream().map(Path::toString).toList(), kind);
    }

    /** The files as local paths, as the readers take them (meaningless for URIs). */
    public List<Path> raters() {
        return files.stream().map(Path::of).toList();
    }

    /** "roi/name", for messages. */
    public String label() {
        return roi + "/" + name;
    }
}
