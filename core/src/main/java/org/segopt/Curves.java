package org.segopt;

/**
 * The functions of the paper's Figures 2-4 at the breakpoints of the engine's histogram of m, for
 * plotting. Point k (k = 0 .. size-1) is the top-volume segmentation after the k-th level of m in
 * descending order; point 0 is the empty segmentation. Levels that the engine did not need to
 * resolve to a single value are reported by their smallest possible value, so the curves may skip
 * breakpoints inside such levels. Values are doubles computed in double precision (relative error
 * below 10^-9): they are for plotting; the decisions are in {@link Analysis}.
 *
 * @param level    m at the breakpoint (the smallest m taken; 1 at point 0)
 * @param volume   v, volume of the top-volume segmentation as a fraction of n: F_m(1 − level)
 * @param accuracy a_m(v), eq. (10)
 * @param dice     d_m(v), eq. (14)
 */
public record Curves(double[] level, double[] volume, double[] accuracy, double[] dice) {

    /** Number of points. */
    public int size() {
        return level.length;
    }
}
