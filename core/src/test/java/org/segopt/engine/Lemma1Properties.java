package org.segopt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.BitSet;
import org.junit.jupiter.api.Test;
import org.segopt.Analysis;
import org.segopt.BitMask;
import org.segopt.Fraction;
import org.segopt.Segmentation;
import org.segopt.engine.MarginalCases.Case;

/**
 * Lemma 1 and Theorem 4 by exhaustion: for n ≤ 12 every one of the 2^n segmentations is scored
 * exactly, with no sorting and no top-k argument at all, and the engine must agree:
 * <ul>
 *   <li>the maximum Dice / Accuracy over all subsets is the engine's sup;</li>
 *   <li>the volumes of all maximizers are exactly [leastVolume, greatestVolume], and every maximizer
 *       lies between I{m > threshold} and I{m ≥ threshold};</li>
 *   <li>for every v, the maximum over subsets of size v is the engine's Theorem-4 Accuracy and Dice
 *       at v, and the engine's volume-v mask attains both.</li>
 * </ul>
 */
class Lemma1Properties {
    private static final Engine ENGINE = Engine.scalar();

    @Test
    void exhaustiveOptimaMatchTheEngine() {
        Theories.check(250, MarginalCases.cases(12), Lemma1Properties::exhaustiveOptima);
    }

    private static void exhaustiveOptima(Case c) {
        ExactReference ref = c.ref();
        int n = ref.voxels();
        String d = c.description();
        BigInteger l = ref.denominator();
        BigInteger total = ref.totalNumerator();
        BigInteger nL = BigInteger.valueOf(n).multiply(l);

        // Σ_s a for every subset s, built from the subset without its lowest voxel.
        int subsets = 1 << n;
        BigInteger[] sum = new BigInteger[subsets];
        sum[0] = BigInteger.ZERO;
        for (int s = 1; s < subsets; s++) {
            sum[s] = sum[s & (s - 1)].add(ref.numerator(Integer.numberOfTrailingZeros(s)));
        }

        // Best Dice / Accuracy overall and per volume (as numerator/denominator pairs).
        BigInteger[] bestDiceP = new BigInteger[n + 1];
        BigInteger[] bestDiceQ = new BigInteger[n + 1];
        BigInteger[] bestAcc = new BigInteger[n + 1]; // over n L
        for (int s = 0; s < subsets; s++) {
            int k = Integer.bitCount(s);
            BigInteger q = BigInteger.valueOf(k).multiply(l).add(total);
            BigInteger p = q.signum() == 0 ? BigInteger.ONE : sum[s].shiftLeft(1);
            if (q.signum() == 0) {
                q = BigInteger.ONE;
            }
            if (bestDiceP[k] == null || p.multiply(bestDiceQ[k]).compareTo(bestDiceP[k].multiply(q)) > 0) {
                bestDiceP[k] = p;
                bestDiceQ[k] = q;
            }
            BigInteger acc = sum[s].shiftLeft(1).subtract(total).add(BigInteger.valueOf(n - k).multiply(l));
            if (bestAcc[k] == null || acc.compareTo(bestAcc[k]) > 0) {
                bestAcc[k] = acc;
            }
        }
        Fraction supDice = null;
        Fraction supAcc = null;
        for (int k = 0; k <= n; k++) {
            Fraction dk = Fraction.of(bestDiceP[k], bestDiceQ[k]);
            Fraction ak = Fraction.of(bestAcc[k], nL);
            supDice = supDice == null || dk.compareTo(supDice) > 0 ? dk : supDice;
            supAcc = supAcc == null || ak.compareTo(supAcc) > 0 ? ak : supAcc;
        }

        Analysis a = ENGINE.analyze(c.marginal());
        assertEquals(supDice, a.dice().sup(), d);
        assertEquals(supAcc, a.accuracy().sup(), d);

        // All maximizers: their volumes, and that each lies between I{m > t} and I{m ≥ t}.
        int diceAbove = bitsOf(ENGINE.threshold(c.marginal(), a.dice().threshold(), false));
        int diceAtLeast = bitsOf(ENGINE.threshold(c.marginal(), a.dice().threshold(), true));
        int accAbove = bitsOf(ENGINE.threshold(c.marginal(), Fraction.HALF, false));
        int accAtLeast = bitsOf(ENGINE.threshold(c.marginal(), Fraction.HALF, true));
        BitSet diceVolumes = new BitSet();
        BitSet accVolumes = new BitSet();
        for (int s = 0; s < subsets; s++) {
            int k = Integer.bitCount(s);
            BigInteger q = BigInteger.valueOf(k).multiply(l).add(total);
            Fraction dice = q.signum() == 0 ? Fraction.ONE : Fraction.of(sum[s].shiftLeft(1), q);
            if (dice.equals(supDice)) {
                diceVolumes.set(k);
                int subset = s;
                assertTrue((subset & diceAbove) == diceAbove && (subset & ~diceAtLeast) == 0,
                        () -> d + ": Dice maximizer " + Integer.toBinaryString(subset) + " not between I{m>τ*} and I{m≥τ*}");
            }
            Fraction acc = Fraction.of(sum[s].shiftLeft(1).subtract(total).add(BigInteger.valueOf(n - k).multiply(l)), nL);
            if (acc.equals(supAcc)) {
                accVolumes.set(k);
                int subset = s;
                assertTrue((subset & accAbove) == accAbove && (subset & ~accAtLeast) == 0,
                        () -> d + ": Accuracy maximizer " + Integer.toBinaryString(subset) + " not between I{m>½} and I{m≥½}");
            }
        }
        assertEquals(range(a.dice().leastVolume(), a.dice().greatestVolume()), diceVolumes, d + " Dice maximizer volumes");
        assertEquals(range(a.accuracy().leastVolume(), a.accuracy().greatestVolume()), accVolumes,
                d + " Accuracy maximizer volumes");

        // Theorem 4 at every volume.
        for (int v = 0; v <= n; v++) {
            Analysis av = ENGINE.analyze(c.marginal(), v);
            Fraction dv = Fraction.of(bestDiceP[v], bestDiceQ[v]);
            Fraction accv = Fraction.of(bestAcc[v], nL);
            String dv2 = d + " v=" + v;
            assertEquals(v, av.volumeConstrained().volume(), dv2);
            assertEquals(dv, av.volumeConstrained().dice(), dv2);
            assertEquals(accv, av.volumeConstrained().accuracy(), dv2);
            BitMask mask = ENGINE.segment(c.marginal(), av, Segmentation.VOLUME_CONSTRAINED);
            boolean[] s = ExactReference.bits(mask);
            assertEquals(v, mask.cardinality(), dv2);
            assertEquals(dv, ref.diceOf(s), dv2);
            assertEquals(accv, ref.accuracyOf(s), dv2);
        }
    }

    /** The mask of n ≤ 31 voxels as the bits of an int (voxel i is bit i). */
    static int bitsOf(BitMask mask) {
        int bits = 0;
        for (int i = 0; i < mask.voxels(); i++) {
            if (mask.get(i)) {
                bits |= 1 << i;
            }
        }
        return bits;
    }

    private static BitSet range(long from, long to) {
        BitSet b = new BitSet();
        b.set((int) from, (int) to + 1);
        return b;
    }
}
