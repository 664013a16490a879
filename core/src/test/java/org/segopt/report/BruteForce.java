package org.segopt.report;

/**
 * The greatest Accuracy- and Dice-optimal volumes of a tiny marginal m = votes / R, found by trying
 * every segmentation (all 2^n subsets) with exact integer comparisons: no thresholds, no sorting,
 * none of the paper's theorems. The reference the report tests check Table 1 against.
 */
public final class BruteForce {
    private BruteForce() {
    }

    /** Greatest volumes {accuracy, dice} among the maximizers of A_m and D_m (n at most 20). */
    public static long[] greatestVolumes(int[] votes, int raters) {
        int n = votes.length;
        if (n > 20) {
            throw new IllegalArgumentException("too many voxels for brute force: " + n);
        }
        long total = 0;
        for (int c : votes) {
            total += c;
        }
        long bestAcc = -1;
        long accVolume = -1;
        long dNum = -1;
        long dDen = 1;
        long diceVolume = -1;
        for (int s = 0; s < (1 << n); s++) {
            long inside = 0;
            long accuracy = 0; // R * A_m(s) * n
            int size = Integer.bitCount(s);
            for (int i = 0; i < n; i++) {
                boolean in = (s >>> i & 1) != 0;
                accuracy += in ? votes[i] : raters - votes[i];
                inside += in ? votes[i] : 0;
            }
            if (accuracy > bestAcc || (accuracy == bestAcc && size > accVolume)) {
                bestAcc = accuracy;
                accVolume = size;
            }
            // D = 2 inside / (R size + total); Dice of two empty sets is 1
            long num = 2 * inside;
            long den = (long) raters * size + total;
            if (den == 0) {
                num = 1;
                den = 1;
            }
            int cmp = Long.compare(num * dDen, dNum * den);
            if (dNum < 0 || cmp > 0 || (cmp == 0 && size > diceVolume)) {
                dNum = num;
                dDen = den;
                diceVolume = size;
            }
        }
        return new long[] {accVolume, diceVolume};
    }
}
