package org.segopt.jmh;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

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
 *   <li>{@link #soft}: a network's sigmoid output ({@link Soft}: a confident and an uncertain
 *   network, as float32, float64, float16 or bfloat16), every voxel fractional and most of them
 *   tiny, for the whole volume or a {@link Region} of it.
 * </ul>
 *
 * <p>The votes and the float32 marginal are analytic per image row (each ellipse's x-interval is
 * solved in closed form), so only voxels near organs cost anything and nothing is allocated per
 * voxel. The soft marginals cost every voxel a distance, a Gaussian and a sigmoid (about 2.5 s
 * of CPU per 26 M voxels), spread over the cores. The same seed gives bit-identical arrays on
 * every JVM.
 *
 * <p>{@code java -cp jmh/target/benchmarks.jar org.segopt.jmh.Phantom [--kinds K,...] DIR [N...]}
 * writes .npy files for {@code segopt bench} ({@link #main}).
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

        /** The image row y of the slice dz above the center (organs only: no wobble). */
        Line line(int y, double dz) {
            double dy = y - cy;
            double b = axy * dy;
            return new Line(this, dy, dz * dz, b, ayy * dy * dy + azz * dz * dz);
        }
    }

    /**
     * One image row of an ellipsoid: the quadric along it is q(x) = axx dx² + 2 b dx + cyz with
     * dx = x − cx, b = axy dy, cyz = ayy dy² + azz dz².
     */
    private record Line(Ellipsoid e, double dy, double dz2, double b, double cyz) {
        /**
         * The radial distance from column x to the surface, |p − c| (1 − 1/ρ) with ρ = √q(x):
         * the distance along the ray from the center, positive outside, negative inside (−rMin at
         * the center itself). It is never less than the Euclidean distance outside.
         */
        double distance(int x) {
            double dx = x - e.cx;
            double rho = Math.sqrt(e.axx * dx * dx + 2 * b * dx + cyz);
            return rho == 0 ? -e.rMin : Math.sqrt(dx * dx + dy * dy + dz2) * (1 - 1 / rho);
        }
    }

    /** An organ's generating parameters: center, semi-axes (x', y' in-plane after rotation, z), rotation. */
    private record Organ(double cx, double cy, double cz, double ra, double rb, double rc, double angle) {
    }

    private final long seed;
    private final Ellipsoid[] organs;
    private final Ellipsoid[][] drawn; // [rater][organ]

    /** The phantom of {@link #SEED}. */
    public Phantom() {
        this(SEED);
    }

    /** A phantom with its own anatomy and raters. */
    public Phantom(long seed) {
        this.seed = seed;
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
                    Line line = e.line(y, dz);
                    double b = line.b();
                    double cyz = line.cyz();
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
                    for (int x = x0; x <= x1; x++) {
                        if (x == i0 && i0 <= i1) {
                            Arrays.fill(out, base + i0, base + i1 + 1, 1.0f);
                            x = i1;
                            continue;
                        }
                        double d = line.distance(x);
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

    // ---- soft-probability marginals ------------------------------------------------------------

    /**
     * The soft marginal kind of region, C order (slice, row, column), written into out (exactly
     * region.voxels() elements of kind's type, in the given byte order; a heap, native or mapped
     * segment). Every voxel is m = sigmoid(ℓ) computed in double and rounded once to the type:
     * ℓ = clamp(−d / s, {@link Soft#LOGIT_FLOOR}, cap) + σ · z with d = min over the organs of the
     * radial distance to the organ's surface ({@link Line#distance}: positive outside, negative
     * inside; min as {@link #marginal} combines organs by max), s and σ the network's scale and
     * noise, cap its {@link Soft.Network#logitCap} and z the voxel's {@link VoxelNoise} (a
     * function of this phantom's seed and the voxel's index in the whole N-slice volume, the
     * same for both networks). So ℓ lies in [−70 − 8.57 σ, 16]: m from 3.0e-32 (confident) or
     * 7.5e-35 (uncertain) up to 1 − 1.13e-7, never 0 or 1 in float32 or float64.
     *
     * <p>Slices are filled in parallel; each value depends on its voxel alone, so the result does
     * not depend on the threads. Besides out, a task allocates two rows of doubles.
     */
    public void soft(Soft kind, Region region, MemorySegment out, ByteOrder order) {
        long bytes = region.voxels() * kind.precision().bytes;
        if (out.byteSize() != bytes) {
            throw new IllegalArgumentException("a " + kind.encoding() + " region of " + region.voxels() + " voxels needs "
                    + bytes + " bytes, not " + out.byteSize());
        }
        Soft.Network network = kind.network();
        double cap = network.logitCap();
        IntStream.range(0, region.slices()).parallel().forEach(k -> {
            double[] row = new double[region.columns()];
            double[] noise = new double[region.columns()];
            double dz0 = sliceZ(k, region.slices());
            for (int r = 0; r < region.rows(); r++) {
                int y = region.row0() + r;
                distances(y, dz0, region.column0(), row);
                VoxelNoise.fill(seed, ((long) k * SIZE + y) * SIZE + region.column0(), noise);
                for (int c = 0; c < row.length; c++) {
                    float logit = (float) (Math.clamp(-row[c] / network.scale, Soft.LOGIT_FLOOR, cap) + network.noise * noise[c]);
                    row[c] = 1 / (1 + StrictMath.exp(-logit));
                }
                kind.precision().store(row, out, order, ((long) k * region.rows() + r) * region.columns());
            }
        });
    }

    /** Columns whose organ distances {@link #distances} bounds together. */
    private static final int CHUNK = 32;

    /**
     * Fills d with the least radial distance to an organ ({@link Line#distance}) of the voxels at
     * height z, row y, columns column0, column0 + 1, ... Per chunk of {@value #CHUNK} columns the
     * organs go nearest first, and one whose lower bound (|p − c| − rMax, with |p − c| at least
     * the distance from c to the chunk) reaches the chunk's largest distance so far is skipped:
     * it could not lower any of them, so the result is what every organ's minimum is.
     */
    private void distances(int y, double z, int column0, double[] d) {
        Line[] lines = new Line[organs.length];
        double[] bound = new double[organs.length];
        Integer[] order = new Integer[organs.length];
        for (int o = 0; o < organs.length; o++) {
            lines[o] = organs[o].line(y, z - organs[o].cz);
            order[o] = o;
        }
        Comparator<Integer> nearestFirst = Comparator.comparingDouble(o -> bound[o]);
        for (int c0 = 0; c0 < d.length; c0 += CHUNK) {
            int c1 = Math.min(d.length, c0 + CHUNK);
            for (int o = 0; o < organs.length; o++) {
                Line line = lines[o];
                double gap = Math.max(0, Math.max(column0 + c0 - line.e().cx, line.e().cx - (column0 + c1 - 1)));
                bound[o] = Math.sqrt(gap * gap + line.dy() * line.dy() + line.dz2()) - line.e().rMax;
            }
            Arrays.sort(order, nearestFirst);
            Arrays.fill(d, c0, c1, Double.POSITIVE_INFINITY);
            double largest = Double.POSITIVE_INFINITY;
            for (int o : order) {
                if (bound[o] >= largest) {
                    break;
                }
                largest = Double.NEGATIVE_INFINITY;
                for (int c = c0; c < c1; c++) {
                    d[c] = Math.min(d[c], lines[o].distance(column0 + c));
                    largest = Math.max(largest, d[c]);
                }
            }
        }
    }

    /** The network's soft marginal of region as float32. */
    public float[] softFloat32(Soft.Network network, Region region) {
        float[] m = new float[region.arrayLength()];
        soft(new Soft(network, Soft.Precision.FLOAT32), region, MemorySegment.ofArray(m), ByteOrder.nativeOrder());
        return m;
    }

    /** The network's soft marginal of region as float64: the sigmoid as computed. */
    public double[] softFloat64(Soft.Network network, Region region) {
        double[] m = new double[region.arrayLength()];
        soft(new Soft(network, Soft.Precision.FLOAT64), region, MemorySegment.ofArray(m), ByteOrder.nativeOrder());
        return m;
    }

    /** The network's soft marginal of region as float16 bit patterns (IEEE binary16). */
    public short[] softFloat16(Soft.Network network, Region region) {
        short[] m = new short[region.arrayLength()];
        soft(new Soft(network, Soft.Precision.FLOAT16), region, MemorySegment.ofArray(m), ByteOrder.nativeOrder());
        return m;
    }

    /** The network's soft marginal of region as bfloat16 bit patterns (the top half of a float32 pattern). */
    public short[] softBFloat16(Soft.Network network, Region region) {
        short[] m = new short[region.arrayLength()];
        soft(new Soft(network, Soft.Precision.BFLOAT16), region, MemorySegment.ofArray(m), ByteOrder.nativeOrder());
        return m;
    }

    // ---- .npy output -----------------------------------------------------------------------------

    /** Every encoding the writer knows, in the order {@link #main} writes them: votes5, float32, then {@link Soft#all}. */
    public static List<String> encodings() {
        List<String> all = new ArrayList<>(List.of("votes5", "float32"));
        Soft.all().forEach(s -> all.add(s.encoding()));
        return all;
    }

    /**
     * Writes a C-order .npy (format 1.0) of the given shape and dtype descr; fill writes the
     * dataBytes of data into a little-endian mapped view of the file, so nothing but the mapping
     * is allocated for them.
     */
    static void writeNpy(Path file, String descr, long[] shape, long dataBytes, Consumer<MemorySegment> fill)
            throws IOException {
        String dims = Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", "));
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims
                + (shape.length == 1 ? "," : "") + "), }";
        int unpadded = 10 + dict.length() + 1;
        int total = (unpadded + 63) / 64 * 64;
        byte[] h = (dict + " ".repeat(total - unpadded) + "\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer prefix = ByteBuffer.allocate(10 + h.length).order(ByteOrder.LITTLE_ENDIAN);
        prefix.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        prefix.putShort((short) h.length).put(h).flip();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING); Arena arena = Arena.ofShared()) {
            while (prefix.hasRemaining()) {
                ch.write(prefix);
            }
            fill.accept(ch.map(FileChannel.MapMode.READ_WRITE, total, dataBytes, arena));
        }
    }

    /**
     * Writes one encoding ({@link #encodings}) of the N-slice volume into dir as
     * {@code phantom_votes5_N<N>.npy} (|u1), {@code phantom_float32_N<N>.npy} (&lt;f4) or
     * {@code phantom_soft-NETWORK_TYPE_N<N>.npy} ({@link #write(Path, Soft, Region)}); returns the file.
     */
    public Path write(Path dir, String encoding, int slices) throws IOException {
        Files.createDirectories(dir);
        long[] shape = Region.volume(slices).shape();
        Path file = dir.resolve("phantom_" + encoding + "_N" + slices + ".npy");
        switch (encoding) {
            case "votes5" -> {
                byte[] v = votes(slices);
                writeNpy(file, "|u1", shape, v.length, data -> data.copyFrom(MemorySegment.ofArray(v)));
            }
            case "float32" -> {
                float[] m = marginal(slices);
                writeNpy(file, "<f4", shape, 4L * m.length, data -> MemorySegment.copy(m, 0, data,
                        ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0, m.length));
            }
            default -> {
                return write(dir, Soft.parse(encoding), Region.volume(slices));
            }
        }
        return file;
    }

    /**
     * Writes the soft marginal kind of region into dir as
     * {@code phantom_soft-NETWORK_TYPE_TAG.npy}, TAG {@code N<N>} or {@code patch<EDGE>}, TYPE
     * float32 (&lt;f4), float64 (&lt;f8), float16 (&lt;f2) or bfloat16 (&lt;u2: the bit patterns,
     * NumPy having no bfloat16); generated straight into the mapped file. Returns the file.
     */
    public Path write(Path dir, Soft kind, Region region) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve("phantom_" + kind.fileStem() + "_" + region.fileTag() + ".npy");
        writeNpy(file, kind.precision().npyDescr, region.shape(), region.voxels() * kind.precision().bytes,
                data -> soft(kind, region, data, ByteOrder.LITTLE_ENDIAN));
        return file;
    }

    /**
     * {@code Phantom [--kinds K,...] DIR [N...]}: each kind at each N (default 16 100 300), and
     * the {@link Region#centralPatch 128³ patch} of each soft kind; kinds default to all of
     * {@link #encodings}.
     */
    public static void main(String[] args) throws IOException {
        List<String> rest = List.of(args);
        List<String> kinds = encodings();
        if (rest.size() >= 2 && rest.get(0).equals("--kinds")) {
            kinds = List.of(rest.get(1).split(","));
            rest = rest.subList(2, rest.size());
        }
        for (String kind : kinds) {
            if (!encodings().contains(kind)) {
                usage("unknown kind " + kind);
            }
        }
        if (rest.isEmpty() || rest.get(0).startsWith("-")) {
            usage("no DIR");
        }
        List<Integer> sizes = new ArrayList<>();
        for (String n : rest.subList(1, rest.size())) {
            // 8191 slices: the largest volume a byte[] of votes can hold
            if (!n.matches("[1-9][0-9]{0,3}") || Integer.parseInt(n) > 8191) {
                usage("N must be a slice count 1..8191, not " + n);
            }
            sizes.add(Integer.parseInt(n));
        }
        Path dir = Path.of(rest.get(0));
        Phantom phantom = new Phantom();
        for (int n : sizes.isEmpty() ? List.of(16, 100, 300) : sizes) {
            for (String kind : kinds) {
                long t0 = System.nanoTime();
                report(phantom.write(dir, kind, n), t0);
            }
        }
        for (String kind : kinds) {
            if (kind.startsWith("soft-")) {
                long t0 = System.nanoTime();
                report(phantom.write(dir, Soft.parse(kind), Region.centralPatch(CalibratorBenchmark.EDGE)), t0);
            }
        }
    }

    private static void usage(String problem) {
        System.err.println("Phantom: " + problem);
        System.err.println("usage: java -cp jmh/target/benchmarks.jar org.segopt.jmh.Phantom [--kinds K,...] DIR [N...]");
        System.err.println("writes DIR/phantom_K_N<N>.npy for each kind K (default: all of " + String.join(" ", encodings())
                + ") and N (default: 16 100 300), and the 128³ patch of each soft kind");
        System.exit(2);
    }

    private static void report(Path file, long startNanos) throws IOException {
        System.out.printf(Locale.ROOT, "%s (%.1f MB, %.2f s)%n", file, Files.size(file) / 1e6,
                (System.nanoTime() - startNanos) / 1e9);
    }
}
