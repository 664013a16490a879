package org.segopt.calibrate;

import java.util.Locale;

/** What one common threshold t is chosen to maximize over the cases of a validation set. */
public enum Objective {
    /** The mean over cases of each case's metric (what papers report). */
    MEAN,
    /** The metric of all voxels of all cases pooled into one segmentation. */
    POOLED;

    /** The name {@link #parse} reads: {@code mean} or {@code pooled}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The objective named {@code text}.
     *
     * @throws IllegalArgumentException for any other name
     */
    public static Objective parse(String text) {
        for (Objective o : values()) {
            if (o.label().equals(text)) {
                return o;
            }
        }
        throw new IllegalArgumentException("unknown objective '" + text + "' (mean, pooled)");
    }
}
