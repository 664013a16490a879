package org.segopt.report;

import java.nio.file.Path;
import java.util.List;

/**
 * One case of a dataset: one ROI of one patient, with its files: for {@link CaseKind#MASK} the
 * binary masks of the raters who delineated it (a rater without a file did not delineate it and
 * is not counted: m is the mean of these masks), for {@link CaseKind#PROBABILITY} the one file of m, for {@link CaseKind#LABELS} the
 * raters' label maps (one marginal per class).
 *
 * @param roi    the region of interest (a group of Table 1)
 * @param name   the case (patient) name
 * @param raters the case's files, in rater order
 * @param kind   what the files hold
 */
public record CaseSpec(String roi, String name, List<Path> raters, CaseKind kind) {
    public CaseSpec {
        raters = List.copyOf(raters);
    }

    /** A case of rater masks. */
    public CaseSpec(String roi, String name, List<Path> raters) {
        this(roi, name, raters, CaseKind.MASK);
    }

    /** "roi/name", for messages. */
    public String label() {
        return roi + "/" + name;
    }
}
