package org.segopt;

/** The optimal segmentations an {@link Analysis} characterizes, as masks the engine can write. */
public enum Segmentation {
    /** s^A = I{m ≥ ½}: the greatest Accuracy-optimal segmentation (eq. 19). */
    ACCURACY_GREATEST,
    /** I{m > ½}: the least Accuracy-optimal segmentation. */
    ACCURACY_LEAST,
    /** s^D = I{m ≥ τ*}: the greatest Dice-optimal segmentation (eq. 20). */
    DICE_GREATEST,
    /** I{m > τ*}: the least Dice-optimal segmentation. */
    DICE_LEAST,
    /**
     * Theorem 4: the v voxels of largest m, for the analysis' volume v; voxels tied at the cut level
     * are taken lowest index first.
     */
    VOLUME_CONSTRAINED
}
