package org.segopt.report;

import java.nio.file.Path;
import java.util.List;

/**
 * One case of a dataset: one ROI of one patient, with the binary masks of the raters who delineated
 * it (a rater without a file did not delineate it and is not counted: m is the mean of these masks),
 * or with the raters' label maps, one marginal per class.
 *
 * @param roi    the region of interest (a group of Table 1)
 * @param name   the case (patient) name
 * @param raters the rater files, in rater order
 * @param kind   what each rater file holds
 */
public record CaseSpec(String roi, String name, List<Path> raters, Kind kind) {
    public CaseSpec {
        raters = List.copyOf(raters);
    }

    /** A case of binary rater masks. */
    public CaseSpec(String roi, String name, List<Path> raters) {
        this(roi, name, raters, Kind.MASK);
    }

    /** What one rater file of a case holds: a manifest's {@code kind} column. */
    public enum Kind {
        /** A binary mask (0/1); m is the mean of the case's masks. The default. */
        MASK,
        /**
         * A label map (0 background, 1..C classes, see {@link org.segopt.io.LabelMaps}); the case
         * is one case per class c, its group named {@code "<roi> class <c>"}.
         */
        LABELS
    }

    /** "roi/name", for messages. */
    public String label() {
        return roi + "/" + name;
    }
}
