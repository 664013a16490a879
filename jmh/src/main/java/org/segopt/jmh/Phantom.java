package org.segopt.jmh;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Deterministic synthetic multi-rater CT-like volumes of shape (N, 512, 512), slices slowest.
 *
 * <p>The anatomy lives in a fixed physical box of 512 × 512 × 300 (units: in-plane voxels) holding
 * a few ellipsoidal "organs" (centers, radii and in-plane rotations drawn once from a fixed seed);
 * a volume of N slices samples that box at N evenly spaced z positions, so every N shows the same
 * organs (fewer slices = thicker slices), and the foreground fraction (a few per cent, as in CT)
 * does not depend on N.
 *
 * <ul>
 *   <li>{@link #votes(int)}: R = 5 raters, each drawing every organ slightly differently (radius
 *   jitter per axis, a small shift, and a slow in-plane wobble from slice to slice, as when
 *   delineating slice by slice); a voxel's value is how many raters include it (0..5).
 *   <li>{@link #marginal(int)}: a float32 marginal such as a network would output: a logistic
 *   falloff across each organ's surface (width {@value #BORDER_WIDTH} voxels, radial distance to
 *   the surface), exactly 0 farther than {@value #OUTER_CUTOFF} voxels outside, exactly 1 deeper
 *   than {@value #INNER_CUTOFF} voxels inside; overlapping organs combine by max.
 * </ul>
 *
 * <p>Generation is analytic per image row (each ellipse's x-interval is solved in closed form), so
 * only voxels near organs cost anything: 512 × 512 × 300 takes a few seconds and allocates nothing
 * per voxel. The same seed gives bit-identical arrays on every JVM.
 *
 * <p>{@code java -cp jmh/target/benchmarks.jar org.segopt.jmh.Phantom DIR [N...]} writes
 * {@code DIR/phantom_votes5_N<N>.npy} (|u1) and {@code DIR/phantom_float32_N<N>.npy} (&lt;f4) for
 * {@code segopt bench}.
 */
public final class Phantom {
    /** In-plane size: rows and columns. */
    public static final int SIZE = 512;
    /** Raters of {@link #votes(int)}. */
    public static final int RATERS = 5;
    /** Height of the physical box in in-plane voxel units (a 300-slice volume is isotropic). */
    public static final double DEPTH = 300.0;
    /** Logistic scale of the float32 border, voxels. */
    public static final double BORDER_WIDTH = 1.0;
    /** Beyond this distance outside a surface the float32 marginal is exactly 0 (m ≈ 3.4e-4 just inside it). */
    public static final double OUTER_CUTOFF = 8.0;
    /** Deeper than this inside a surface the float32 marginal is exactly 1. */
    public static final double INNER_CUTOFF = 12.0;
    /** The seed of the anatomy and of the raters. */
    public static final long SEED = 0x5E60_0D7L;

    private static final int ORGANS = 6;

    /** One ellipsoid as a quadric q(p) = (p - c)ᵀ A (p - c) ≤ 1, rotated about z only. */
    private record Ellipsoid(double cx, double cy, double cz, double axx, double axy, double ayy, double azz,
                             double rMin, double rMax,
                             double wobbleX, double wobbleY, double wobblePeriod, double wobblePhase) {

        static Ellipsoid of(double cx, double cy, double cz, double ra, double rb, double rc, double angle) {
            return of(cx, cy, cz, ra, rb, rc, angle, 0, 0, 1, 0);
        }

        static Ellipsoid of(double cx, double cy, double cz, double ra, double rb, double rc, double angle,
                            double wobbleX, double wobbleY, double wobblePeriod, double wobblePhase) {
            double c = Math.cos(angle);
            double s = Math.sin(angle);
            double ia = 1 / (ra * ra);
            double ib = 1 / (rb * rb);
            // A = Rᵀ diag(ia, ib) R with R the in-plane rotation; z is an independent axis.
            double axx = c * c * ia + s * s * ib;
            double axy = c * s * (ia - ib);
            double ayy = s * s * ia + c * c * ib;
            return new Ellipsoid(cx, cy, cz, axx, axy, ayy, 1 / (rc * rc),
                    Math.min(ra, Math.min(rb, rc)), Math.max(ra, Math.max(rb, rc)),
                    wobbleX, wobbleY, wobblePeriod, wobblePhase);
        }

        /** The in-plane center shift at height z (a rater's slow slice-to-slice wobble). */
        double shiftX(double z) {
            return wobbleX * Math.sin(2 * Math.PI * z / wobblePeriod + wobblePhase);
        }

        double shiftY(double z) {
            return wobbleY * Math.cos(2 * Math.PI * z / wobblePeriod + wobblePhase);
        }
    }

    /** An organ's generating parameters: center, semi-axes (x', y' in-plane after rotation, z), rotation. */
    private record Organ(double cx, double cy, double cz, double ra, double rb, double rc, double angle) {
    }

    private final Ellipsoid[] organs;
    private final Ellipsoid[][] drawn; // [rater][organ]

    /** The phantom of {@link #SEED}. */
    public Phantom() {
        this(SEED);
    }

    /** A phantom with its own anatomy and raters. */
    public Phantom(long seed) {
        Random random = new Random(seed);
        Organ[] truth = new Organ[ORGANS];
        for (int o = 0; o < ORGANS; o++) {
            // One large organ (liver-like), the others smaller, all inside a body-sized region.
            double scale = o == 0 ? 1.0 : 0.35 + 0.45 * random.nextDouble();
            truth[o] = new Organ(140 + 232 * random.nextDouble(), 150 + 212 * random.nextDouble(),
                    DEPTH * (0.25 + 0.5 * random.nextDouble()),
                    scale * (70 + 30 * random.nextDouble()), scale * (45 + 30 * random.nextDouble()),
                    scale * (45 + 35 * random.nextDouble()), Math.PI * random.nextDouble());
        }
        organs = new Ellipsoid[ORGANS];
        for (int o = 0; o < ORGANS; o++) {
            Organ t = truth[o];
            organs[o] = Ellipsoid.of(t.cx, t.cy, t.cz, t.ra, t.rb, t.rc, t.angle);
        }
        // Each rater: semi-axes jittered by ~4 %, rotation by ~3 degrees, center shifted by ~1.5 voxels,
        // plus a slow in-plane wobble of ~1 voxel with a period of 25-50 voxels along z.
        drawn = new Ellipsoid[RATERS][ORGANS];
        for (int r = 0; r < RATERS; r++) {
            for (int o = 0; o < ORGANS; o++) {
                Organ t = truth[o];
                drawn[r][o] = Ellipsoid.of(
                        t.cx + 1.5 * random.nextGaussian(), t.cy + 1.5 * random.nextGaussian(),
                        t.cz + 1.5 * random.nextGaussian(),
                        t.ra * (1 + 0.04 * random.nextGaussian()), t.rb * (1 + 0.04 * random.nextGaussian()),
                        t.rc * (1 + 0.04 * random.nextGaussian()), t.angle + 0.05 * random.nextGaussian(),
                        random.nextGaussian(), random.nextGaussian(),
                        25 + 25 * random.nextDouble(), 2 * Math.PI * random.nextDouble());
            }
        }
    }

    /** The physical height of slice k of N. */
    private static double sliceZ(int k, int slices) {
        return (k + 0.5) * DEPTH / slices;
    }

    /**
     * Vote counts 0..5 in C order (slice, row, column), one byte per voxel.
     */
    public byte[] votes(int slices) {
        byte[] out = new byte[Math.multiplyExact(slices, SIZE * SIZE)];
        int[] mark = new int[SIZE * SIZE];
        for (int k = 0; k < slices; k++) {
            double z = sliceZ(k, slices);
            for (int r = 0; r < RATERS; r++) {
                for (Ellipsoid e : drawn[r]) {
                    double dz = z - e.cz;
                    double restZ = 1 - e.azz * dz * dz;
                    if (restZ <= 0) {
                        continue;
                    }
                    double cx = e.cx + e.shiftX(z);
                    double cy = e.cy + e.shiftY(z);
                    // Rows where the slice's ellipse has points: ayy' (y - cy)² ≤ restZ with the x-minimized quadric.
                    double yReach = Math.sqrt(restZ * e.axx / (e.axx * e.ayy - e.axy * e.axy));
                    int y0 = Math.max(0, (int) Math.ceil(cy - yReach));
                    int y1 = Math.min(SIZE - 1, (int) Math.floor(cy + yReach));
                    for (int y = y0; y <= y1; y++) {
                        double dy = y - cy;
                        // axx dx² + 2 axy dy dx + ayy dy² - restZ ≤ 0
                        double b = e.axy * dy;
                        double disc = b * b - e.axx * (e.ayy * dy * dy - restZ);
                        if (disc < 0) {
                            continue;
                        }
                        double root = Math.sqrt(disc);
                        int x0 = Math.max(0, (int) Math.ceil(cx + (-b - root) / e.axx));
                        int x1 = Math.min(SIZE - 1, (int) Math.floor(cx + (-b + root) / e.axx));
                        // A voxel counts once per rater even where that rater's organs overlap:
                        // mark[pixel] remembers the last (slice, rater) that counted it.
                        int t = k * RATERS + r + 1;
                        int row = y * SIZE;
                        int base = k * SIZE * SIZE + row;
                        for (int x = x0; x <= x1; x++) {
                            if (mark[row + x] != t) {
                                mark[row + x] = t;
                                out[base + x]++;
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    /**
     * A float32 marginal in [0, 1] in C order (slice, row, column): logistic across each organ's
     * surface, exactly 0 far outside and exactly 1 deep inside.
     */
    public float[] marginal(int slices) {
        float[] out = new float[Math.multiplyExact(slices, SIZE * SIZE)];
        for (int k = 0; k < slices; k++) {
            double z = sliceZ(k, slices);
            for (Ellipsoid e : organs) {
                // Every point with radial distance ≤ OUTER_CUTOFF outside has ρ = √q ≤ 1 + OUTER_CUTOFF / rMin,
                // every point with ρ ≤ 1 - INNER_CUTOFF / rMin lies deeper than INNER_CUTOFF inside.
                double rhoOut = 1 + OUTER_CUTOFF / e.rMin;
                double rhoIn = Math.max(0, 1 - INNER_CUTOFF / e.rMin);
                double qOut = rhoOut * rhoOut;
                double qIn = rhoIn * rhoIn;
                double dz = z - e.cz;
                double qz = e.azz * dz * dz;
                if (qz >= qOut) {
                    continue;
                }
                double yReach = Math.sqrt((qOut - qz) * e.axx / (e.axx * e.ayy - e.axy * e.axy));
                int y0 = Math.max(0, (int) Math.ceil(e.cy - yReach));
                int y1 = Math.min(SIZE - 1, (int) Math.floor(e.cy + yReach));
                for (int y = y0; y <= y1; y++) {
                    double dy = y - e.cy;
                    double b = e.axy * dy;
                    double cyz = e.ayy * dy * dy + qz;
                    double discOut = b * b - e.axx * (cyz - qOut);
                    if (discOut < 0) {
                        continue;
                    }
                    double rootOut = Math.sqrt(discOut);
                    int x0 = Math.max(0, (int) Math.ceil(e.cx + (-b - rootOut) / e.axx));
                    int x1 = Math.min(SIZE - 1, (int) Math.floor(e.cx + (-b + rootOut) / e.axx));
                    // The deep interior [i0, i1] (empty when i0 > i1) is exactly 1.
                    int i0 = x1 + 1;
                    int i1 = x1;
                    double discIn = b * b - e.axx * (cyz - qIn);
                    if (qIn > 0 && discIn > 0) {
                        double rootIn = Math.sqrt(discIn);
                        i0 = Math.max(x0, (int) Math.ceil(e.cx + (-b - rootIn) / e.axx));
                        i1 = Math.min(x1, (int) Math.floor(e.cx + (-b + rootIn) / e.axx));
                    }
                    int base = (k * SIZE + y) * SIZE;
                    double dz2 = dz * dz;
                    for (int x = x0; x <= x1; x++) {
                        if (x == i0 && i0 <= i1) {
                            Arrays.fill(out, base + i0, base + i1 + 1, 1.0f);
                            x = i1;
                            continue;
                        }
                        double dx = x - e.cx;
                        double q = e.axx * dx * dx + 2 * b * dx + cyz;
                        // Radial distance to the surface: |p - c| (1 - 1/ρ), negative inside.
                        double rho = Math.sqrt(q);
                        double d = rho == 0 ? -e.rMin : Math.sqrt(dx * dx + dy * dy + dz2) * (1 - 1 / rho);
                        float p;
                        if (d >= OUTER_CUTOFF) {
                            continue;
                        } else if (d <= -INNER_CUTOFF) {
                            p = 1.0f;
                        } else {
                            p = (float) (1 / (1 + Math.exp(d / BORDER_WIDTH)));
                        }
                        if (p > out[base + x]) {
                            out[base + x] = p;
                        }
                    }
                }
            }
        }
        return out;
    }

    // ---- .npy output -----------------------------------------------------------------------------

    /** Writes a C-order .npy (format 1.0) of shape (slices, 512, 512) and dtype descr. */
    static void writeNpy(Path file, String descr, int slices, ByteBuffer data) throws IOException {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + slices + ", " + SIZE + ", "
                + SIZE + "), }";
        int unpadded = 10 + dict.length() + 1;
        int total = (unpadded + 63) / 64 * 64;
        StringBuilder header = new StringBuilder(dict);
        header.append(" ".repeat(total - unpadded)).append('\n');
        byte[] h = header.toString().getBytes(StandardCharsets.US_ASCII);
        ByteBuffer prefix = ByteBuffer.allocate(10 + h.length).order(ByteOrder.LITTLE_ENDIAN);
        prefix.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        prefix.putShort((short) h.length).put(h).flip();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (prefix.hasRemaining()) {
                ch.write(prefix);
            }
            while (data.hasRemaining()) {
                ch.write(data);
            }
        }
    }

    /** Writes the votes and the float32 marginal of N slices as .npy files into dir; returns their paths. */
    public List<Path> write(Path dir, int slices) throws IOException {
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        Path v = dir.resolve("phantom_votes5_N" + slices + ".npy");
        writeNpy(v, "|u1", slices, ByteBuffer.wrap(votes(slices)));
        written.add(v);
        float[] m = marginal(slices);
        ByteBuffer bytes = ByteBuffer.allocate(Math.multiplyExact(m.length, 4)).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(m);
        Path f = dir.resolve("phantom_float32_N" + slices + ".npy");
        writeNpy(f, "<f4", slices, bytes);
        written.add(f);
        return written;
    }

    /** {@code Phantom DIR [N...]} (default N: 16 100 300). */
    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args[0].startsWith("-")) {
            System.err.println("usage: java -cp jmh/target/benchmarks.jar org.segopt.jmh.Phantom DIR [N...]");
            System.err.println("writes DIR/phantom_votes5_N<N>.npy (|u1, counts 0..5) and DIR/phantom_float32_N<N>.npy (<f4)");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        List<Integer> sizes = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            sizes.add(Integer.parseInt(args[i]));
        }
        if (sizes.isEmpty()) {
            sizes = List.of(16, 100, 300);
        }
        Phantom phantom = new Phantom();
        for (int n : sizes) {
            long t0 = System.nanoTime();
            List<Path> files = phantom.write(dir, n);
            System.out.printf(Locale.ROOT, "N=%d: %s (%.1f s)%n", n, files, (System.nanoTime() - t0) / 1e9);
        }
    }
}
