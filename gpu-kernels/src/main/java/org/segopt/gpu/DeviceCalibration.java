package org.segopt.gpu;

/**
 * The Dice and Accuracy optima of one device-resident marginal, with the accessors of
 * {@link org.segopt.engine.Calibration}: volumes are exact and equal to what
 * {@link org.segopt.engine.ThresholdCalibrator} reports for the same values; sup D, τ* and M are
 * the doubles nearest the exact values (the calibrator's are within 10^-9 of them).
 *
 * @param voxels                 n
 * @param mass                   M = Σ m in voxels
 * @param supDice                sup D, the best achievable Dice
 * @param threshold              τ* = sup D / 2, the Dice-optimal threshold
 * @param cut                    the smallest value of m in the greatest Dice optimum s^D = I{m ≥ τ*}, so
 *                               {@code m >= cut} (for float32 {@code m >= (float) cut}) reproduces it bit for
 *                               bit; infinite when s^D is empty (m ≡ 0). For float input the calibrator may
 *                               report a smaller cut that selects the same voxels (the bound of a histogram bin
 *                               it did not need to resolve); for votes the two are equal
 * @param diceLeastVolume        #{m > τ*}
 * @param diceGreatestVolume     #{m ≥ τ*}
 * @param accuracyLeastVolume    #{m > ½}
 * @param accuracyGreatestVolume #{m ≥ ½}
 */
public record DeviceCalibration(long voxels, double mass, double supDice, double threshold, double cut,
                                long diceLeastVolume, long diceGreatestVolume, long accuracyLeastVolume,
                                long accuracyGreatestVolume) {
}
