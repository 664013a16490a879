package org.segopt.raters;

/**
 * The voxels whose raters have one multiset of volumes: for each distinct rater volume b_g, how
 * many of the voxel's raters drew a mask of volume b_g. Their weight at volume k,
 * w(k) = Σ_g multiplicity_g / (k + b_g), is what one of them adds to Σ_r |s ∩ L_r| / (k + |L_r|),
 * so they are interchangeable: voxels of different rater patterns fall into one class when their
 * raters' volumes agree (two raters of equal volume are interchangeable too).
 *
 * @param multiplicity per distinct non-zero rater volume (ascending), the number of the class's raters
 *                     with that volume
 * @param count        voxels in the class
 * @param raters       raters per voxel, Σ multiplicity (the vote count; m = raters / R)
 */
record PatternClass(int[] multiplicity, long count, int raters) {
}
