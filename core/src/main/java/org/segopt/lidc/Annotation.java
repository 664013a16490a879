package org.segopt.lidc;

import java.util.List;

/**
 * One reader's annotation of one nodule of at least 3 mm: an {@code unblindedReadNodule} with
 * characteristics, with its contours in document order.
 *
 * @param reader   index (from 0) of the {@code readingSession} it belongs to: the reader
 * @param noduleId the reader's {@code noduleID}
 * @param contours its contours (rois with more than one point), in document order
 */
public record Annotation(int reader, String noduleId, List<Contour> contours) {
    public Annotation {
        contours = List.copyOf(contours);
    }
}
