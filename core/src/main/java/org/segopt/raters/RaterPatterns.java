package org.segopt.raters;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.segopt.ElementType;
import org.segopt.Encoding;
import org.segopt.InvalidMarginalException;
import org.segopt.Marginal;

/**
 * The histogram of rater patterns of R ≤ 16 rater masks: for each bit mask p over the raters, the
 * number of voxels whose raters are exactly p. One pass over the masks, block by block (each mask
 * read sequentially), with a table of 2^R counts and no n-sized temporaries.
 */
final class RaterPatterns {
    /** Voxels per block: the block's patterns stay in L1 while each mask adds its bit. */
    private static final int BLOCK = 4096;

    private final long[] histogram;
    private final long[] raterVolumes;

    private RaterPatterns(long[] histogram, long[] raterVolumes) {
        this.histogram = histogram;
        this.raterVolumes = raterVolumes;
    }

    /**
     * Counts the patterns of {@code masks}.
     *
     * @throws IllegalArgumentException  if {@code masks} are not rater masks or more than
     *                                   {@link RaterDice#MAX_RATERS}
     * @throws InvalidMarginalException if a mask holds a value other than 0 and 1 (the lowest such
     *                                   voxel, then the lowest rater)
     */
    static RaterPatterns count(Marginal masks) {
        requireMasks(masks);
        int raters = masks.raters();
        long[] histogram = new long[1 << raters];
        List<MemorySegment> segments = masks.segments();
        ElementType type = masks.elementType();
        ByteOrder order = masks.byteOrder();
        int[] patterns = new int[BLOCK];
        long[] values = new long[BLOCK];
        long n = masks.voxels();
        for (long start = 0; start < n; start += BLOCK) {
            int length = (int) Math.min(BLOCK, n - start);
            Arrays.fill(patterns, 0, length, 0);
            for (int r = 0; r < raters; r++) {
                read(segments.get(r), type, order, start, length, values);
                long invalid = 0;
                for (int i = 0; i < length; i++) {
                    long v = values[i];
                    invalid |= v & ~1L;
                    patterns[i] |= (int) (v & 1) << r;
                }
                if (invalid != 0) {
                    throw firstBad(segments, type, order, start, length);
                }
            }
            for (int i = 0; i < length; i++) {
                histogram[patterns[i]]++;
            }
        }
        long[] volumes = new long[raters];
        for (int p = 0; p < histogram.length; p++) {
            for (int r = 0; r < raters; r++) {
                if ((p >>> r & 1) != 0) {
                    volumes[r] += histogram[p];
                }
            }
        }
        return new RaterPatterns(histogram, volumes);
    }

    /** Refuses a marginal that is not R ≤ {@link RaterDice#MAX_RATERS} rater masks. */
    static void requireMasks(Marginal masks) {
        if (masks.encoding() != Encoding.RATER_MASKS) {
            throw new IllegalArgumentException("rater-averaged Dice needs rater masks, not a marginal encoded as "
                    + masks.encoding());
        }
        if (masks.raters() > RaterDice.MAX_RATERS) {
            throw new IllegalArgumentException("rater-averaged Dice takes at most " + RaterDice.MAX_RATERS
                    + " rater masks, not " + masks.raters());
        }
    }

    /** Reads elements start..start+length of one mask into {@code values}. */
    private static void read(MemorySegment s, ElementType type, ByteOrder order, long start, int length, long[] values) {
        switch (type) {
            case BOOL, UINT8 -> {
                for (int i = 0; i < length; i++) {
                    values[i] = s.get(ValueLayout.JAVA_BYTE, start + i) & 0xFF;
                }
            }
            case UINT16 -> {
                ValueLayout.OfShort layout = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order);
                for (int i = 0; i < length; i++) {
                    values[i] = s.getAtIndex(layout, start + i) & 0xFFFF;
                }
            }
            case INT16 -> {
                ValueLayout.OfShort layout = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order);
                for (int i = 0; i < length; i++) {
                    values[i] = s.getAtIndex(layout, start + i);
                }
            }
            case INT32 -> {
                ValueLayout.OfInt layout = ValueLayout.JAVA_INT_UNALIGNED.withOrder(order);
                for (int i = 0; i < length; i++) {
                    values[i] = s.getAtIndex(layout, start + i);
                }
            }
            default -> throw new IllegalStateException("not an integer type: " + type);
        }
    }

    /** The lowest voxel of the block holding a value other than 0 and 1, in the lowest rater's mask. */
    private static InvalidMarginalException firstBad(List<MemorySegment> masks, ElementType type, ByteOrder order,
                                                     long start, int length) {
        long[] values = new long[length];
        long[] bad = new long[masks.size()];
        for (int r = 0; r < masks.size(); r++) {
            read(masks.get(r), type, order, start, length, values);
            bad[r] = -1;
            for (int i = 0; i < length && bad[r] < 0; i++) {
                bad[r] = values[i] == 0 || values[i] == 1 ? -1 : i;
            }
        }
        int rater = -1;
        for (int r = 0; r < bad.length; r++) {
            if (bad[r] >= 0 && (rater < 0 || bad[r] < bad[rater])) {
                rater = r;
            }
        }
        read(masks.get(rater), type, order, start, length, values);
        return new InvalidMarginalException(start + bad[rater], rater, Long.toString(values[(int) bad[rater]]),
                "not 0 or 1");
    }

    /** R. */
    int raters() {
        return raterVolumes.length;
    }

    /** |L_r| for each rater r, in voxels. */
    long[] raterVolumes() {
        return raterVolumes.clone();
    }

    /** The distinct non-zero rater volumes, ascending: the groups of {@link PatternClass#multiplicity}. */
    long[] groupVolumes() {
        return Arrays.stream(raterVolumes).filter(v -> v > 0).distinct().sorted().toArray();
    }

    /** The voxels grouped by the multiset of their raters' volumes; classes with no voxel are left out. */
    List<PatternClass> classes() {
        long[] groups = groupVolumes();
        Map<List<Integer>, long[]> counts = new LinkedHashMap<>();
        for (int p = 0; p < histogram.length; p++) {
            if (histogram[p] == 0) {
                continue;
            }
            Integer[] multiplicity = new Integer[groups.length];
            Arrays.fill(multiplicity, 0);
            for (int r = 0; r < raterVolumes.length; r++) {
                if ((p >>> r & 1) != 0) {
                    multiplicity[Arrays.binarySearch(groups, raterVolumes[r])]++;
                }
            }
            counts.computeIfAbsent(List.of(multiplicity), k -> new long[1])[0] += histogram[p];
        }
        List<PatternClass> classes = new ArrayList<>(counts.size());
        counts.forEach((multiplicity, count) -> classes.add(new PatternClass(
                multiplicity.stream().mapToInt(Integer::intValue).toArray(), count[0],
                multiplicity.stream().mapToInt(Integer::intValue).sum())));
        return classes;
    }
}
