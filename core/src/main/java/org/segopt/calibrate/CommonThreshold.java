package org.segopt.calibrate;

import java.util.List;
import org.segopt.Fraction;
import org.segopt.Metric;

/**
 * The exact optimum of one threshold t shared by every case k of a validation set, each segmented
 * as I{m_k ≥ t} and scored against its soft m_k. The objective is piecewise constant in t, so
 * the optimum is a set of intervals (v′, v] between consecutive data values.
 *
 * @param metric    the metric of each segmentation
 * @param objective how the cases' metrics combine
 * @param threshold the greatest optimal v: every t in (v′, v] gives the optimal segmentations
 * @param score     the objective at the threshold, exact
 * @param atHalf    the objective at t = ½, exact
 * @param oracle    the mean of each case's own optimum (sup of its metric over all segmentations)
 * @param optima    every optimal interval, ascending
 * @param cases     per case, in input order
 * @param curve     the objective against t for the figure (bounds where it was never needed exactly)
 */
public record CommonThreshold(Metric metric, Objective objective, Fraction threshold, Fraction score, Fraction atHalf,
                              Fraction oracle, List<Interval> optima, List<CaseResult> cases, List<Step> curve) {
    public CommonThreshold {
        optima = List.copyOf(optima);
        cases = List.copyOf(cases);
        curve = List.copyOf(curve);
    }

    /**
     * The thresholds t in (below, threshold] (all t ≤ threshold when below is null): between two
     * consecutive data values over all cases, so every such t gives the same segmentations.
     */
    public record Interval(Fraction below, Fraction threshold) {
    }

    /**
     * One case at the common threshold.
     *
     * @param score   its metric at the threshold
     * @param volume  |I{m ≥ threshold}|
     * @param optimum its own sup of the metric (1 when M = 0: the empty segmentation)
     * @param voxels  n
     * @param mass    M = Σ m
     */
    public record CaseResult(Fraction score, long volume, Fraction optimum, long voxels, Fraction mass) {
    }

    /**
     * The objective for t in (from, to] lies in [lower, upper] (approximately, in doubles; equal
     * where the search resolved it). The lowest step has from = to: it stands for every t ≤ to.
     */
    public record Step(double from, double to, double lower, double upper) {
    }
}
