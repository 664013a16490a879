package org.segopt.raters;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.segopt.Analysis;
import org.segopt.Marginal;
import org.segopt.engine.Engine;

/**
 * Wall-clock seconds of {@link RaterDice#of(Marginal, Analysis)} (its pass over the masks and the
 * volume search) beside {@code Engine.parallel().analyze(masks)} on the same 16 rater masks, so that
 * the README's timings of the rater-averaged Dice come with a command. Three kinds of masks, made
 * with a fixed seed: independent random masks of random densities (up to 2^16 = 65 536
 * patterns), every rater marking about half the voxels (volumes within a fraction of a percent, so
 * many classes weigh nearly the same: the search's hard case), and nested blobs with per-rater
 * radii and boundary noise (overlapping noisy outlines, like real raters). For each kind it prints
 * the first call and the median of the repeated calls; the first call of the first kind also pays
 * for JIT compilation, later kinds' first calls run on warmed code. Wall clock, not CPU time: the
 * engine is parallel, and on a shared machine other load shows in the numbers.
 *
 * <p>{@code java --add-modules jdk.incubator.vector -cp jmh/target/benchmarks.jar
 * org.segopt.raters.RaterDiceTiming [VOXELS [REPEATS]]} (defaults 10^7 and 5; needs about
 * 16 × VOXELS bytes of heap).
 */
public final class RaterDiceTiming {
    private static final int RATERS = 16;
    private static final long SEED = 20_260_512L;

    private RaterDiceTiming() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? (int) Double.parseDouble(args[0]) : 10_000_000;
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        System.out.printf(Locale.ROOT, "%d voxels, %d raters, %d threads, wall-clock seconds: first call, median of %d"
                + " repeated calls%n", n, RATERS, Runtime.getRuntime().availableProcessors(), repeats);
        System.out.printf(Locale.ROOT, "  %-34s %10s %10s %10s %10s  %s%n", "kind", "engine 1st", "engine med",
                "rdice 1st", "rdice med", "sup E[D_L], volumes");
        long sink = 0;
        for (String kind : new String[] {"random densities", "half each", "noisy nested outlines"}) {
            byte[][] masks = switch (kind) {
                case "random densities" -> randomDensities(n, new SplittableRandom(SEED));
                case "half each" -> halfEach(n, new SplittableRandom(SEED + 1));
                default -> noisyOutlines(n, new SplittableRandom(SEED + 2));
            };
            Marginal m = Marginal.ofRaterMasks(masks);
            double[] engine = new double[repeats + 1];
            double[] raterDice = new double[repeats + 1];
            RaterDice result = null;
            for (int r = 0; r <= repeats; r++) {
                long t0 = System.nanoTime();
                Analysis analysis = Engine.parallel().analyze(m);
                long t1 = System.nanoTime();
                result = RaterDice.of(m, analysis);
                long t2 = System.nanoTime();
                engine[r] = (t1 - t0) / 1e9;
                raterDice[r] = (t2 - t1) / 1e9;
                sink += result.greatestVolume() + analysis.hashCode();
            }
            System.out.printf(Locale.ROOT, "  %-34s %10.2f %10.2f %10.2f %10.2f  %.6f, %d-%d%n", kind, engine[0],
                    median(engine), raterDice[0], median(raterDice), result.sup().doubleValue(),
                    result.leastVolume(), result.greatestVolume());
        }
        System.out.printf(Locale.ROOT, "  (sink %d)%n", sink);
    }

    /** The median of the repeated calls, {@code values[1..]}. */
    private static double median(double[] values) {
        double[] v = Arrays.copyOfRange(values, 1, values.length);
        Arrays.sort(v);
        return v[v.length / 2];
    }

    /** Independent masks, rater r marking each voxel with its own density, uniform in [0.02, 0.98]. */
    private static byte[][] randomDensities(int n, SplittableRandom random) {
        byte[][] masks = new byte[RATERS][n];
        for (byte[] mask : masks) {
            double density = 0.02 + 0.96 * random.nextDouble();
            for (int i = 0; i < n; i++) {
                mask[i] = (byte) (random.nextDouble() < density ? 1 : 0);
            }
        }
        return masks;
    }

    /** Independent masks, every rater marking each voxel with probability 1/2. */
    private static byte[][] halfEach(int n, SplittableRandom random) {
        byte[][] masks = new byte[RATERS][n];
        for (byte[] mask : masks) {
            for (int i = 0; i < n; i += 64) {
                long bits = random.nextLong();
                for (int j = 0; j < 64 && i + j < n; j++) {
                    mask[i + j] = (byte) ((bits >>> j) & 1);
                }
            }
        }
        return masks;
    }

    /**
     * The voxels as a cube of side ⌈n^(1/3)⌉ (in index order, the last slab cut short); rater r
     * outlines a ball about a slightly shifted centre of radius (0.22 + 0.01 r) of the side, and
     * within 3 voxels of its boundary marks a voxel when its distance plus uniform noise of ±3
     * voxels is inside: nested, overlapping, noisy outlines.
     */
    private static byte[][] noisyOutlines(int n, SplittableRandom random) {
        int side = (int) Math.ceil(Math.cbrt(n));
        byte[][] masks = new byte[RATERS][n];
        for (int r = 0; r < RATERS; r++) {
            double radius = (0.22 + 0.01 * r) * side;
            double cx = side / 2.0 + 2 * random.nextDouble() - 1;
            double cy = side / 2.0 + 2 * random.nextDouble() - 1;
            double cz = side / 2.0 + 2 * random.nextDouble() - 1;
            byte[] mask = masks[r];
            for (int i = 0; i < n; i++) {
                double dx = i % side - cx;
                double dy = (i / side) % side - cy;
                double dz = i / ((long) side * side) - cz;
                double d = Math.sqrt(dx * dx + dy * dy + dz * dz) - radius;
                if (Math.abs(d) < 3) {
                    d += 6 * random.nextDouble() - 3;
                }
                mask[i] = (byte) (d < 0 ? 1 : 0);
            }
        }
        return masks;
    }
}
