package org.segopt.lidc;

import java.nio.file.Path;
import java.util.List;

/**
 * The annotations of one CT series read from one {@code LidcReadMessage} file.
 *
 * @param file            the XML file
 * @param seriesUid       its {@code SeriesInstanceUid}
 * @param readers         number of {@code readingSession}s (readers)
 * @param annotations     the annotations of nodules of at least 3 mm that have a contour
 * @param smallNodules    {@code unblindedReadNodule}s left out: no characteristics, or one of them 0 or blank
 * @param nonNodules      {@code nonNodule} marks (ignored)
 * @param strayPoints     rois of kept annotations with at most one point (ignored)
 * @param withoutContours annotations of nodules of at least 3 mm without any roi of more than one
 *                        point ("reader k, nodule id"), left out
 */
public record Scan(Path file, String seriesUid, int readers, List<Annotation> annotations, int smallNodules,
                   int nonNodules, int strayPoints, List<String> withoutContours) {
    public Scan {
        annotations = List.copyOf(annotations);
        withoutContours = List.copyOf(withoutContours);
    }
}
