package org.segopt.report;

import java.nio.file.Path;
import java.util.List;

/**
 * One case of a dataset: one ROI of one patient, with the binary masks of the raters who delineated
 * it (a rater without a file did not delineate it and is not counted: m is the mean of these masks).
 *
 * @param roi    the region of interest (a group of Table 1)
 * @param name   the case (patient) name
 * @param raters the rater mask files, in rater order
 */
public record CaseSpec(String roi, String name, List<Path> raters) {
    public CaseSpec {
        raters = List.copyOf(raters);
    }

    /** "roi/name", for messages. */
    public String label() {
        return roi + "/" + name;
    }
}
