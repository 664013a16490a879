package org.segopt.engine;

import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.quicktheories.core.Gen;

/**
 * A distribution over sizes (voxel counts, volumes), drawn from a single QuickTheories value
 * through its inverse distribution function: a smaller draw never gives a larger size, so
 * shrinking a failure's draw shrinks its size. (Picking a component first and then a value in it
 * would shrink badly: a smaller pick jumps to another component.)
 *
 * <p>The distribution is a weighted sum of {@linkplain #banded banded ranges}, small values more
 * likely, and a fifth of it on {@linkplain #withEdges edge values}.
 */
final class SizeDistribution {
    /** The draw is uniform in [0, DRAWS); each size gets a share of them in proportion to its probability. */
    private static final long DRAWS = 1L << 40;

    /** Bands narrower than this are not split further. */
    private static final int NARROWEST_BAND = 20;

    /** The share of all draws that {@link #withEdges} puts on the edge values. */
    private static final double EDGE_SHARE = 0.2;

    /** Weight spread evenly over the sizes lo..hi. */
    private record Part(int lo, int hi, double weight) {
        double perSize() {
            return weight / ((long) hi - lo + 1);
        }
    }

    private final List<Part> parts = new ArrayList<>();

    /** The sizes between min and max, small ones more often, with min, min + 1, min + 2 and max planted. */
    static SizeDistribution between(int min, int max) {
        return new SizeDistribution().banded(min, max, 1)
                .withEdges(min, Math.min(min + 1, max), Math.min(min + 2, max), max);
    }

    /**
     * Adds {@code weight} over [min, max], small sizes more likely: split evenly over bands a third
     * as wide each, from max down toward min (for [1, 150 000]: [50 001, 150 000], [16 668, 50 000],
     * ..., [9, 23], [1, 8]), each band uniform.
     */
    SizeDistribution banded(int min, int max, double weight) {
        List<int[]> bands = new ArrayList<>();
        int top = max;
        while (top - min > NARROWEST_BAND) {
            int bottom = min + (top - min) / 3;
            bands.add(new int[] {bottom + 1, top});
            top = bottom;
        }
        bands.add(new int[] {min, top});
        for (int[] band : bands) {
            parts.add(new Part(band[0], band[1], weight / bands.size()));
        }
        return this;
    }

    /** Adds a fifth of all draws (once the ranges are added), split evenly over the distinct {@code edges}. */
    SizeDistribution withEdges(int... edges) {
        double ranges = parts.stream().mapToDouble(Part::weight).sum();
        int[] distinct = Arrays.stream(edges).distinct().toArray();
        for (int edge : distinct) {
            parts.add(new Part(edge, edge, ranges * EDGE_SHARE / (1 - EDGE_SHARE) / distinct.length));
        }
        return this;
    }

    /** Sizes with this distribution; the shrink target is the smallest size. */
    Gen<Integer> gen() {
        // Cut the sizes into runs over which the probability of a size is constant.
        TreeSet<Integer> cuts = new TreeSet<>();
        for (Part p : parts) {
            cuts.add(p.lo());
            cuts.add(p.hi() + 1);
        }
        Integer[] at = cuts.toArray(Integer[]::new);
        int runs = at.length - 1;
        double[] mass = new double[runs];
        double total = 0;
        for (int k = 0; k < runs; k++) {
            for (Part p : parts) {
                if (p.lo() <= at[k] && at[k] <= p.hi()) {
                    mass[k] += p.perSize() * ((long) at[k + 1] - at[k]);
                }
            }
            total += mass[k];
        }
        // Runs in order, each with its first draw; a run too unlikely to get a draw is left out.
        long[] firstDraw = new long[runs + 1];
        int[] first = new int[runs];
        long[] length = new long[runs];
        int kept = 0;
        double cumulative = 0;
        for (int k = 0; k < runs; k++) {
            long from = Math.round(cumulative / total * DRAWS);
            cumulative += mass[k];
            if (Math.round(cumulative / total * DRAWS) > from) {
                firstDraw[kept] = from;
                first[kept] = at[k];
                length[kept++] = (long) at[k + 1] - at[k];
            }
        }
        firstDraw[kept] = DRAWS;
        long[] starts = Arrays.copyOf(firstDraw, kept + 1);
        return longs().between(0, DRAWS - 1).map(draw -> {
            int found = Arrays.binarySearch(starts, draw);
            int k = found >= 0 ? found : -found - 2;
            return (int) (first[k] + Math.multiplyExact(draw - starts[k], length[k]) / (starts[k + 1] - starts[k]));
        });
    }
}
