/**
 * Rater-averaged Dice, E[D_L(s)] = (1/R) Σ_r D(s, L_r): the mean of the Dice scores against each
 * rater's mask, which differs from D_{E[L]}(s), the Dice against the marginal that the engine
 * optimizes, unless every rater draws the same volume. {@link org.segopt.raters.RaterDice} computes
 * its supremum and optimal volumes exactly from the R ≤ 16 masks.
 */
package org.segopt.raters;
