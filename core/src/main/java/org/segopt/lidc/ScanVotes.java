package org.segopt.lidc;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.TreeSet;
import java.util.function.IntConsumer;
import org.segopt.Marginal;

/**
 * The marginal of one scan as the paper's code forms it: m = (number of annotations covering the
 * voxel) / 4, over all annotations of the scan ({@code np.sum(masks, axis=0) / 4} of pylidc's
 * {@code consensus} masks), held as vote counts with R = 4 over the union bounding box of the
 * annotations: rows and columns of all their points, and the slices (distinct
 * {@code imageZposition}s) that carry a contour.
 *
 * <p>Slices without any contour and pixels outside the box have m = 0; such voxels never belong to
 * an Accuracy- or Dice-optimal segmentation when M > 0 (the thresholds ½ and τ* = sup D / 2 are
 * positive, and dropping a voxel with m = 0 from a segmentation never lowers its Dice), and M does
 * not change, so the volumes and ratios are those of the whole CT volume.
 *
 * <p>Where more than 4 annotations would cover one voxel (one reader's annotations overlapping),
 * each reader is counted once: votes = number of readers whose union of annotations covers the
 * voxel, for the whole scan ({@link #readerDeduplicated()}).
 */
public final class ScanVotes {
    /** R: the paper divides by the four LIDC readers. */
    public static final int RATERS = 4;
    /**
     * The most voxels one scan may rasterize, over its annotations' boxes and over their union
     * (2^27, 128 MiB of votes: a real scan's nodules need a few million at most). The limit is per
     * file, so that one hostile file is refused with one line while the others run.
     */
    public static final long MAX_VOXELS = 1L << 27;

    private final byte[] votes;
    private final int slices;
    private final int height;
    private final int width;
    private final int row0;
    private final int col0;
    private final double[] zs;
    private final boolean readerDeduplicated;
    private final long positive;

    private ScanVotes(byte[] votes, int slices, int height, int width, int row0, int col0, double[] zs,
                      boolean readerDeduplicated, long positive) {
        this.votes = votes;
        this.slices = slices;
        this.height = height;
        this.width = width;
        this.row0 = row0;
        this.col0 = col0;
        this.zs = zs;
        this.readerDeduplicated = readerDeduplicated;
        this.positive = positive;
    }

    /**
     * The votes of a scan's annotations (at least one).
     *
     * @throws LidcException if even counting each reader once leaves a voxel with more than 4 votes
     */
    public static ScanVotes of(List<Annotation> annotations) throws LidcException {
        if (annotations.isEmpty()) {
            throw new IllegalArgumentException("no annotations");
        }
        int r0 = Integer.MAX_VALUE;
        int r1 = Integer.MIN_VALUE;
        int c0 = Integer.MAX_VALUE;
        int c1 = Integer.MIN_VALUE;
        TreeSet<Double> zset = new TreeSet<>();
        long rasterized = 0;
        for (Annotation a : annotations) {
            AnnotationMask.Box m = AnnotationMask.box(a);
            rasterized += m.voxels();
            r0 = Math.min(r0, m.row0());
            r1 = Math.max(r1, m.row0() + m.height() - 1);
            c0 = Math.min(c0, m.col0());
            c1 = Math.max(c1, m.col0() + m.width() - 1);
            for (double z : m.zs()) {
                zset.add(z);
            }
        }
        int height = r1 - r0 + 1;
        int width = c1 - c0 + 1;
        double[] zs = zset.stream().mapToDouble(Double::doubleValue).toArray();
        long size = (long) zs.length * height * width;
        if (Math.max(size, rasterized) > MAX_VOXELS) {
            throw new LidcException("the annotations' boxes hold " + rasterized + " voxels and their union " + size
                    + " (" + zs.length + " slices of " + height + " x " + width + "), more than the limit of " + MAX_VOXELS
                    + " voxels per scan");
        }
        List<AnnotationMask> masks = new ArrayList<>();
        for (Annotation a : annotations) {
            masks.add(AnnotationMask.of(a));
        }
        byte[] votes = new byte[(int) size];
        boolean over = false;
        for (AnnotationMask m : masks) {
            over |= add(m, votes, zs, r0, c0, height, width);
        }
        boolean dedup = false;
        if (over) {
            dedup = true;
            java.util.Arrays.fill(votes, (byte) 0);
            int readers = annotations.stream().mapToInt(Annotation::reader).max().orElse(0) + 1;
            BitSet covered = new BitSet(votes.length);
            for (int reader = 0; reader < readers; reader++) {
                covered.clear();
                for (int i = 0; i < masks.size(); i++) {
                    if (annotations.get(i).reader() == reader) {
                        forEachVoxel(masks.get(i), zs, r0, c0, height, width, covered::set);
                    }
                }
                for (int v = covered.nextSetBit(0); v >= 0; v = covered.nextSetBit(v + 1)) {
                    int count = votes[v] + 1;
                    if (count > RATERS) {
                        throw new LidcException("more than " + RATERS + " readers cover voxel " + describe(v, zs, r0, c0,
                                height, width) + " even counting each reader once");
                    }
                    votes[v] = (byte) count;
                }
            }
        }
        long positive = 0;
        for (byte v : votes) {
            positive += v != 0 ? 1 : 0;
        }
        return new ScanVotes(votes, zs.length, height, width, r0, c0, zs, dedup, positive);
    }

    /** Adds one annotation's voxels; whether some voxel now exceeds {@link #RATERS}. */
    private static boolean add(AnnotationMask m, byte[] votes, double[] zs, int r0, int c0, int height, int width) {
        boolean[] over = {false};
        forEachVoxel(m, zs, r0, c0, height, width, v -> {
            int count = (votes[v] & 0xff) + 1;
            if (count > RATERS) {
                over[0] = true;
                count = RATERS + 1;
            }
            votes[v] = (byte) count;
        });
        return over[0];
    }

    /** Calls {@code voxel} with the index in the scan's box of every pixel of the annotation. */
    private static void forEachVoxel(AnnotationMask m, double[] zs, int r0, int c0, int height, int width,
                                     IntConsumer voxel) {
        for (int s = 0; s < m.zs.length; s++) {
            int slice = java.util.Arrays.binarySearch(zs, m.zs[s]);
            boolean[] px = m.pixels[s];
            for (int dr = 0; dr < m.height; dr++) {
                int base = (slice * height + (m.row0 - r0 + dr)) * width + (m.col0 - c0);
                for (int dc = 0; dc < m.width; dc++) {
                    if (px[dr * m.width + dc]) {
                        voxel.accept(base + dc);
                    }
                }
            }
        }
    }

    private static String describe(int v, double[] zs, int r0, int c0, int height, int width) {
        int slice = v / (height * width);
        int rest = v % (height * width);
        return "(z " + zs[slice] + ", row " + (r0 + rest / width) + ", column " + (c0 + rest % width) + ")";
    }

    /** The marginal: votes with R = 4, shape (slices, rows, columns) of the box. */
    public Marginal marginal() {
        return Marginal.ofVotes(votes, RATERS).withShape(slices, height, width);
    }

    /** The vote counts, slice-major then row-major (not a copy). */
    byte[] votes() {
        return votes;
    }

    /** Voxels of the box. */
    public long voxels() {
        return votes.length;
    }

    /** Voxels with m > 0. */
    public long positive() {
        return positive;
    }

    /** Whether each reader was counted once because annotations overlapped more than 4 deep. */
    public boolean readerDeduplicated() {
        return readerDeduplicated;
    }

    /** Votes at pixel (row, col) of the slice at {@code z} (0 outside the box). */
    public int votesAt(double z, int row, int col) {
        int s = java.util.Arrays.binarySearch(zs, z);
        if (s < 0 || row < row0 || row >= row0 + height || col < col0 || col >= col0 + width) {
            return 0;
        }
        return votes[(s * height + row - row0) * width + col - col0];
    }

    /** The box: slices, rows, columns, first row, first column. */
    public int[] box() {
        return new int[] {slices, height, width, row0, col0};
    }
}
