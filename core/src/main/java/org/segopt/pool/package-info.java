/**
 * Pooled analyses: one exact analysis of the union of every voxel of every case of a dataset's
 * ROI, as if the volumes were one marginal (the "global Dice" of some challenges), computed from
 * per-case passes whose exact histograms add up ({@link org.segopt.engine.PartCounts}).
 */
package org.segopt.pool;
