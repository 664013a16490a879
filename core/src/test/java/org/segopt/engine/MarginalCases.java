package org.segopt.engine;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.segopt.ElementType;
import org.segopt.Marginal;

/**
 * Random marginals of every encoding and memory layout the {@link Marginal} factories accept, each
 * paired with an {@link ExactReference} built from the same values as plain Java numbers (never
 * through the engine's readers). Everything is a deterministic function of (kind, n, seed), so a
 * failing case prints everything needed to rebuild it.
 *
 * <p>Memory layouts deliberately surround the data with garbage (NaN bit patterns, invalid vote
 * counts) and slice at odd byte offsets, so reading outside the marginal's window, or an aligned
 * read, shows up as a wrong answer or an exception.
 */
final class MarginalCases {
    private MarginalCases() {
    }

    enum Kind {
        VOTES_U8, QUANTIZED_U8, VOTES_U16, QUANTIZED_U16, VOTES_I32, VOTES_SEGMENT,
        MASKS_ARRAYS, MASKS_SEGMENTS,
        F32_ARRAY, F32_BUFFER, F32_SEGMENT,
        F64_ARRAY, F64_BUFFER, F64_SEGMENT
    }

    record Case(Marginal marginal, ExactReference ref, String description) {
        @Override
        public String toString() {
            return description;
        }
    }

    /**
     * Random cases of every kind with 1 ≤ n ≤ maxVoxels, small sizes more often: n is drawn from
     * [1, 16], [1, 300] or [1, maxVoxels] in the ratio 4 : 3 : 2, each {@link SizeDistribution#banded},
     * with the edges of all three planted.
     */
    static Gen<Case> cases(int maxVoxels) {
        int small = Math.min(16, maxVoxels);
        int medium = Math.min(300, maxVoxels);
        Gen<Integer> sizes = new SizeDistribution().banded(1, small, 4).banded(1, medium, 3).banded(1, maxVoxels, 2)
                .withEdges(1, Math.min(2, maxVoxels), Math.min(3, maxVoxels), small, medium, maxVoxels).gen();
        return Generate.enumValues(Kind.class).zip(sizes, Theories.seeds(), MarginalCases::build);
    }

    private static final int[] SPECIAL_RATERS = {1, 2, 5, 7, 255, 65535};

    static Case build(Kind kind, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        String head = kind + " n=" + n + " seed=" + seed;
        return switch (kind) {
            case VOTES_U8, QUANTIZED_U8, VOTES_U16, QUANTIZED_U16, VOTES_I32, VOTES_SEGMENT -> votes(kind, n, r, head);
            case MASKS_ARRAYS, MASKS_SEGMENTS -> masks(kind, n, r, head);
            case F32_ARRAY, F32_BUFFER, F32_SEGMENT -> floats(kind, n, r, head);
            case F64_ARRAY, F64_BUFFER, F64_SEGMENT -> doubles(kind, n, r, head);
        };
    }

    // ---- votes -----------------------------------------------------------------------------------

    private static int raters(SplittableRandom r) {
        return switch (r.nextInt(4)) {
            case 0, 1 -> SPECIAL_RATERS[r.nextInt(SPECIAL_RATERS.length)];
            case 2 -> 1 + r.nextInt(12);
            default -> 1 + r.nextInt(65535);
        };
    }

    private static Case votes(Kind kind, int n, SplittableRandom r, String head) {
        int raters = switch (kind) {
            case QUANTIZED_U8 -> 255;
            case QUANTIZED_U16 -> 65535;
            default -> raters(r);
        };
        ElementType type = switch (kind) {
            case VOTES_U8, QUANTIZED_U8 -> ElementType.UINT8;
            case VOTES_U16, QUANTIZED_U16 -> ElementType.UINT16;
            case VOTES_I32 -> ElementType.INT32;
            default -> List.of(ElementType.UINT8, ElementType.UINT16, ElementType.INT32).get(r.nextInt(3));
        };
        int cap = Math.min(raters, type == ElementType.UINT8 ? 255 : type == ElementType.UINT16 ? 65535 : 65535);
        StringBuilder desc = new StringBuilder(head).append(" R=").append(raters).append(" type=").append(type);
        long[] counts = counts(n, raters, cap, r, desc);
        Marginal m = switch (kind) {
            case VOTES_U8 -> Marginal.ofVotes(toBytes(counts), raters);
            case QUANTIZED_U8 -> Marginal.ofQuantized(toBytes(counts));
            case VOTES_U16 -> Marginal.ofVotes(toShorts(counts), raters);
            case QUANTIZED_U16 -> Marginal.ofQuantized(toShorts(counts));
            case VOTES_I32 -> Marginal.ofVotes(toInts(counts), raters);
            default -> {
                ByteOrder order = r.nextBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
                MemorySegment s = integerSegment(counts, type, order, r, desc);
                yield Marginal.ofVotes(s, type, order, raters);
            }
        };
        return new Case(m, ExactReference.ofCounts(counts, raters), desc.toString());
    }

    /** Vote counts 0..cap (cap ≤ R) in one of several patterns; ties are common on purpose. */
    static long[] counts(int n, int raters, int cap, SplittableRandom r, StringBuilder desc) {
        long[] c = new long[n];
        int pattern = r.nextInt(6);
        switch (pattern) {
            case 0 -> { // uniform
                for (int i = 0; i < n; i++) {
                    c[i] = r.nextInt(cap + 1);
                }
            }
            case 1 -> { // a few distinct levels
                int k = 1 + r.nextInt(4);
                long[] levels = new long[k];
                for (int j = 0; j < k; j++) {
                    levels[j] = r.nextInt(cap + 1);
                }
                for (int i = 0; i < n; i++) {
                    c[i] = levels[r.nextInt(k)];
                }
            }
            case 2 -> { // 0, cap and R/2 (an Accuracy tie when R is even)
                long[] levels = raters % 2 == 0 && raters / 2 <= cap ? new long[] {0, cap, raters / 2}
                        : new long[] {0, cap};
                for (int i = 0; i < n; i++) {
                    c[i] = levels[r.nextInt(levels.length)];
                }
            }
            case 3 -> { // near R/2
                for (int i = 0; i < n; i++) {
                    c[i] = Math.clamp(raters / 2 + r.nextInt(5) - 2, 0, cap);
                }
            }
            case 4 -> { // an exact tie at τ*: a voxels at h, b voxels at c = τ*·R, the rest 0
                if (!voteTie(c, raters, cap, r, desc)) {
                    for (int i = 0; i < n; i++) {
                        c[i] = r.nextInt(cap + 1);
                    }
                    pattern = 0;
                }
            }
            default -> { // mixture: uniform noise over a few heavy levels
                long heavy = r.nextInt(cap + 1);
                for (int i = 0; i < n; i++) {
                    c[i] = r.nextInt(3) == 0 ? r.nextInt(cap + 1) : heavy;
                }
            }
        }
        desc.append(" votePattern=").append(pattern);
        return c;
    }

    /**
     * With a voxels at h / R and b at c / R, D(a) = D(a + b) = 2c / R exactly when
     * b = a (R h − R c − c h) / c², so τ* = c / R and V^D = [a, a + b] (Figure 4 has R = h = 7, c = 2).
     */
    private static boolean voteTie(long[] out, int raters, int cap, SplittableRandom r, StringBuilder desc) {
        int n = out.length;
        for (int attempt = 0; attempt < 20; attempt++) {
            long h = r.nextBoolean() ? cap : 1 + r.nextInt(cap);
            long cMax = (raters * h - 1) / (raters + h); // need c < R h / (R + h)
            if (cMax < 1) {
                continue;
            }
            long c = 1 + r.nextLong(Math.min(cMax, 40));
            long top = raters * h - raters * c - c * h;
            long g = gcd(c * c, top);
            long a = c * c / g;
            long b = top / g;
            if (a + b > n) {
                continue;
            }
            long k = 1 + r.nextLong(n / (a + b));
            int[] perm = permutation(n, r);
            for (int i = 0; i < n; i++) {
                int p = perm[i];
                out[p] = i < k * a ? h : i < k * (a + b) ? c : 0;
            }
            desc.append(" tie(h=").append(h).append(",c=").append(c).append(",a=").append(k * a).append(",b=")
                    .append(k * b).append(')');
            return true;
        }
        return false;
    }

    // ---- rater masks -------------------------------------------------------------------------------

    private static Case masks(Kind kind, int n, SplittableRandom r, String head) {
        int raters = 1 + r.nextInt(9);
        StringBuilder desc = new StringBuilder(head).append(" raters=").append(raters);
        long[] counts = counts(n, raters, raters, r, desc);
        byte[][] masks = new byte[raters][n];
        for (int i = 0; i < n; i++) {
            int[] perm = permutation(raters, r);
            for (int j = 0; j < counts[i]; j++) {
                masks[perm[j]][i] = 1;
            }
        }
        Marginal m;
        if (kind == Kind.MASKS_ARRAYS) {
            m = Marginal.ofRaterMasks(masks);
        } else {
            ElementType type = List.of(ElementType.BOOL, ElementType.UINT8, ElementType.UINT16, ElementType.INT32)
                    .get(r.nextInt(4));
            ByteOrder order = r.nextBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            desc.append(" type=").append(type).append(" order=").append(order);
            List<MemorySegment> segments = new ArrayList<>();
            for (byte[] mask : masks) {
                long[] values = new long[n];
                for (int i = 0; i < n; i++) {
                    values[i] = mask[i];
                }
                segments.add(integerSegment(values, type, order, r, new StringBuilder()));
            }
            m = Marginal.ofRaterMasks(segments, type, order);
        }
        return new Case(m, ExactReference.ofCounts(counts, raters), desc.toString());
    }

    // ---- floats --------------------------------------------------------------------------------------

    private static Case floats(Kind kind, int n, SplittableRandom r, String head) {
        StringBuilder desc = new StringBuilder(head);
        double[] d = values(n, true, r, desc);
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) d[i]; // values() already produced float values
        }
        Marginal m = switch (kind) {
            case F32_ARRAY -> Marginal.ofFloats(f);
            case F32_BUFFER -> Marginal.ofFloats(floatBuffer(f, r, desc));
            default -> {
                ByteOrder order = r.nextBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
                int off = r.nextInt(8);
                int tail = r.nextInt(3);
                ByteBuffer b = ByteBuffer.allocate(off + 4 * (n + tail)).order(order);
                fillGarbage(b);
                for (int i = 0; i < n; i++) {
                    b.putFloat(off + 4 * i, f[i]);
                }
                desc.append(" order=").append(order).append(" offset=").append(off);
                yield Marginal.ofFloats(place(b.array(), r, desc).asSlice(off, 4L * n), order);
            }
        };
        return new Case(m, ExactReference.ofFloats(f), desc.toString());
    }

    private static Case doubles(Kind kind, int n, SplittableRandom r, String head) {
        StringBuilder desc = new StringBuilder(head);
        double[] d = values(n, false, r, desc);
        Marginal m = switch (kind) {
            case F64_ARRAY -> Marginal.ofDoubles(d);
            case F64_BUFFER -> Marginal.ofDoubles(doubleBuffer(d, r, desc));
            default -> {
                ByteOrder order = r.nextBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
                int off = r.nextInt(8);
                int tail = r.nextInt(3);
                ByteBuffer b = ByteBuffer.allocate(off + 8 * (n + tail)).order(order);
                fillGarbage(b);
                for (int i = 0; i < n; i++) {
                    b.putDouble(off + 8 * i, d[i]);
                }
                desc.append(" order=").append(order).append(" offset=").append(off);
                yield Marginal.ofDoubles(place(b.array(), r, desc).asSlice(off, 8L * n), order);
            }
        };
        return new Case(m, ExactReference.ofDoubles(d), desc.toString());
    }

    /** Interesting single values (as floats when {@code single}). */
    static double[] specials(boolean single) {
        if (single) {
            float t = 2f / 7;
            return new double[] {0, -0.0f, 0.5f, 1f, Math.nextDown(0.5f), Math.nextUp(0.5f), Float.MIN_VALUE,
                    Float.MIN_NORMAL, Math.nextDown(Float.MIN_NORMAL), t, Math.nextUp(t), Math.nextDown(t), 1f / 3,
                    Math.nextDown(1f), 0.25f, 0.75f, 1f / 7};
        }
        double t = 2.0 / 7;
        return new double[] {0, -0.0, 0.5, 1, Math.nextDown(0.5), Math.nextUp(0.5), Double.MIN_VALUE,
                Double.MIN_NORMAL, Math.nextDown(Double.MIN_NORMAL), t, Math.nextUp(t), Math.nextDown(t), 1.0 / 3,
                Math.nextDown(1.0), 0.25, 0.75, 1.0 / 7, Float.MIN_VALUE, 2f / 7};
    }

    /** n probabilities in [0, 1], exactly representable as floats when {@code single}. */
    static double[] values(int n, boolean single, SplittableRandom r, StringBuilder desc) {
        int pattern = r.nextInt(12);
        desc.append(" pattern=").append(pattern);
        double[] v = new double[n];
        switch (pattern) {
            case 6 -> { // exact dyadic tie at τ*
                if (!dyadicTie(v, single, r, desc)) {
                    fill(v, 1, single, r);
                }
            }
            case 7 -> nearFigure4(v, single, r, desc);
            case 9 -> clusters(v, single, r, desc);
            case 10 -> denseBand(v, single, r, desc);
            case 11 -> nearTie(v, single, r, desc);
            case 8 -> { // per-voxel mixture of the simple patterns
                for (int i = 0; i < n; i++) {
                    v[i] = simple(r.nextInt(6), single, r);
                }
            }
            default -> fill(v, pattern, single, r);
        }
        return v;
    }

    private static void fill(double[] v, int pattern, boolean single, SplittableRandom r) {
        // per-array parameters so that the pattern is coherent (same R, same band)
        int rr = 1 + r.nextInt(12);
        double base = r.nextDouble();
        for (int i = 0; i < v.length; i++) {
            v[i] = switch (pattern) {
                case 0 -> round(r.nextInt(rr + 1) / (double) rr, single); // k/R: ties everywhere
                case 2 -> band(base, r.nextInt(48), single); // a narrow band: one 16-bit bin
                default -> simple(pattern, single, r);
            };
        }
    }

    /** One value of pattern 0..5. */
    private static double simple(int pattern, boolean single, SplittableRandom r) {
        return switch (pattern) {
            case 0 -> {
                int rr = 1 + r.nextInt(12);
                yield round(r.nextInt(rr + 1) / (double) rr, single);
            }
            case 1 -> single ? r.nextInt(1 << 24) / (double) (1 << 24) : r.nextDouble();
            case 2 -> band(single ? 0.3f : 0.3, r.nextInt(48), single);
            case 3 -> {
                double[] s = specials(single);
                yield s[r.nextInt(s.length)];
            }
            case 4 -> { // subnormal or tiny
                if (single) {
                    yield Float.intBitsToFloat(r.nextInt(1, 0x0080_0000 + 2000));
                }
                yield Double.longBitsToDouble(r.nextLong(1, 0x0010_0000_0000_0000L + 2000));
            }
            default -> r.nextInt(4) == 0 ? 0.0 : round(r.nextDouble(), single); // many zeros
        };
    }

    /** base moved up by steps ulps (in the target precision), at most 1. */
    private static double band(double base, int steps, boolean single) {
        return band(base, steps, 1, single);
    }

    /** base moved by steps · stride ulps (in the target precision; steps may be negative), at most 1. */
    private static double band(double base, long steps, long stride, boolean single) {
        if (single) {
            long bits = Float.floatToRawIntBits((float) base) + steps * stride;
            return Float.intBitsToFloat((int) Math.min(bits, Float.floatToRawIntBits(1f)));
        }
        long bits = Double.doubleToRawLongBits(base) + steps * stride;
        return Double.longBitsToDouble(Math.min(bits, Double.doubleToRawLongBits(1.0)));
    }

    /**
     * Two boundaries whose Dice values agree to about the last bit of a double: a "top" voxels with
     * sum S (all equal to h, or all distinct in [½, 1] so that a double prefix sum carries many
     * roundings), b voxels at c, the rest 0, where c is the float/double within a few ulps of the root
     * c* of b c² + (a + S) c − S = 0. At c* exactly, D(a) = D(a + b); near it, deciding which
     * boundary is optimal needs exact arithmetic (or a large enough error bound on the doubles).
     */
    private static void nearTie(double[] v, boolean single, SplittableRandom r, StringBuilder desc) {
        int n = v.length;
        if (n < 2) {
            v[0] = r.nextBoolean() ? 1.0 : 0.0;
            return;
        }
        int a = 1 + r.nextInt(Math.max(1, n / 2));
        int b = 1 + r.nextInt(Math.max(1, n - a));
        boolean distinct = r.nextBoolean();
        double h = r.nextBoolean() ? 1.0 : round(0.5 + 0.5 * r.nextDouble(), single);
        double[] top = new double[a];
        java.math.BigDecimal sum = java.math.BigDecimal.ZERO;
        for (int i = 0; i < a; i++) {
            top[i] = distinct ? round(0.5 + 0.5 * r.nextDouble(), single) : h;
            sum = sum.add(new java.math.BigDecimal(top[i]));
        }
        java.math.MathContext mc = new java.math.MathContext(80);
        java.math.BigDecimal p = java.math.BigDecimal.valueOf(a).add(sum);
        java.math.BigDecimal bb = java.math.BigDecimal.valueOf(b);
        java.math.BigDecimal disc = p.multiply(p).add(bb.multiply(sum).multiply(java.math.BigDecimal.valueOf(4)));
        java.math.BigDecimal root = disc.sqrt(mc).subtract(p).divide(bb.multiply(java.math.BigDecimal.TWO), mc);
        int ulps = r.nextInt(-3, 4);
        double c = band(single ? root.floatValue() : root.doubleValue(), ulps, 1, single); // ± ulps, either way
        int[] perm = permutation(n, r);
        for (int i = 0; i < n; i++) {
            v[perm[i]] = i < a ? top[i] : i < a + b ? c : 0.0;
        }
        desc.append(" nearTie(a=").append(a).append(",b=").append(b).append(distinct ? ",distinct" : ",h=" + h)
                .append(",ulps=").append(ulps).append(')');
    }

    /**
     * Some ones and a dense band of distinct values around where τ* falls: many inexact histogram
     * bins near the Dice threshold at once (more than one refinement pass can take).
     */
    private static void denseBand(double[] v, boolean single, SplittableRandom r, StringBuilder desc) {
        double lo = 0.05 + 0.3 * r.nextDouble();
        double width = 0.02 + 0.3 * r.nextDouble();
        double ones = 0.3 * r.nextDouble();
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextDouble() < ones ? 1.0 : round(lo + width * r.nextDouble(), single);
        }
        desc.append(" denseBand(lo=").append(lo).append(",width=").append(width).append(",ones=").append(ones)
                .append(')');
    }

    /**
     * Clusters: several bases, each with many distinct values a few ulps (or 2^8, 2^17, 2^33 ulps)
     * apart, so that many histogram bins are inexact at once and need refinement at several depths.
     */
    private static void clusters(double[] v, boolean single, SplittableRandom r, StringBuilder desc) {
        int k = 1 + r.nextInt(24);
        double[] bases = new double[k];
        long[] strides = new long[k];
        long[] choices = single ? new long[] {1, 1 << 8} : new long[] {1, 1 << 8, 1L << 17, 1L << 33};
        for (int j = 0; j < k; j++) {
            bases[j] = r.nextInt(5) == 0 ? 0.5 : r.nextDouble();
            strides[j] = choices[r.nextInt(choices.length)];
        }
        for (int i = 0; i < v.length; i++) {
            int j = r.nextInt(k);
            v[i] = r.nextInt(10) == 0 ? 1.0 : band(bases[j], r.nextInt(40), strides[j], single);
        }
        desc.append(" clusters=").append(k);
    }

    private static double round(double d, boolean single) {
        return single ? (float) d : d;
    }

    /** a ones, b values c = p / 2^j with D(a) = D(a + b) = 2c exactly (b = a q (q − 2p) / p²), zeros. */
    private static boolean dyadicTie(double[] v, boolean single, SplittableRandom r, StringBuilder desc) {
        long[][] cs = {{1, 4}, {1, 8}, {3, 8}, {3, 16}, {5, 16}, {1, 16}, {7, 16}};
        long[] pq = cs[r.nextInt(cs.length)];
        long p = pq[0];
        long q = pq[1];
        long top = q * (q - 2 * p);
        long g = gcd(p * p, top);
        long a = p * p / g;
        long b = top / g;
        if (a + b > v.length) {
            return false;
        }
        long k = 1 + r.nextLong(v.length / (a + b));
        int[] perm = permutation(v.length, r);
        for (int i = 0; i < v.length; i++) {
            v[perm[i]] = i < k * a ? 1.0 : i < k * (a + b) ? (double) p / q : (r.nextBoolean() ? -0.0 : 0.0);
        }
        desc.append(" dyadicTie(c=").append(p).append('/').append(q).append(",a=").append(k * a).append(",b=")
                .append(k * b).append(')');
        return true;
    }

    /**
     * Figure 4 with the float/double nearest 2/7 or a neighbour: 4k ones, 21k values ≈ 2/7, zeros.
     * Sometimes the ≈ 2/7 values are spread over many adjacent histogram bins (two values per bin),
     * so that D is nearly flat over many inexact bins and all of them need refinement.
     */
    private static void nearFigure4(double[] v, boolean single, SplittableRandom r, StringBuilder desc) {
        double c;
        int which = r.nextInt(3);
        if (single) {
            float t = 2f / 7;
            c = which == 0 ? t : which == 1 ? Math.nextUp(t) : Math.nextDown(t);
        } else {
            double t = 2.0 / 7;
            c = which == 0 ? t : which == 1 ? Math.nextUp(t) : Math.nextDown(t);
        }
        boolean spread = r.nextBoolean();
        long binStride = single ? 1L << 16 : List.of(1L << 16, 1L << 32, 1L << 48).get(r.nextInt(3));
        long k = v.length >= 25 ? 1 + r.nextLong(v.length / 25) : 0;
        int[] perm = permutation(v.length, r);
        for (int i = 0; i < v.length; i++) {
            double x = c;
            if (spread && i >= 4 * k && i < 25 * k) {
                x = band(band(c, r.nextInt(-12, 13), binStride, single), r.nextInt(2), 1, single);
            }
            v[perm[i]] = i < 4 * k ? 1.0 : i < 25 * k ? x : 0.0;
        }
        desc.append(" nearFigure4(k=").append(k).append(",which=").append(which).append(",spread=").append(spread)
                .append(spread ? ",stride=" + binStride : "").append(')');
    }

    /**
     * float64 values crowded into 8-15 ADJACENT top-level histogram bins (16-bit prefixes p0, p0+1, ...),
     * two distinct values at the bottom of each bin, with counts growing roughly exponentially from the
     * lowest bin up, plus ones and zeros. Then D is nearly flat over many inexact bins, so many bins
     * "may hide a better Dice" at once: with the engine of commit 58660cf, for seeds 2343, 3506, 8564, 12770 and 16625 one refinement
     * pass has more candidate bins than the engine refines per pass (8), so the leftovers must be
     * carried to the next pass. n is a few thousand.
     */
    static Case crowdedBins(long seed, boolean segment) {
        SplittableRandom r = new SplittableRandom(seed);
        double base = 0.05 + 0.4 * r.nextDouble();
        long p0 = Double.doubleToRawLongBits(base) >>> 48;
        int bins = 8 + r.nextInt(8);
        double[] u = new double[bins];
        for (int j = 0; j < bins; j++) {
            u[j] = r.nextDouble() * 7;
        }
        Arrays.sort(u);
        List<Double> vals = new ArrayList<>();
        for (int j = 0; j < bins; j++) {
            long c = 1 + (long) Math.exp(u[j]);
            for (long i = 0; i < c; i++) {
                vals.add(Double.longBitsToDouble(((p0 + j) << 48) + (i % 2)));
            }
        }
        int ones = r.nextInt(3000);
        for (int i = 0; i < ones; i++) {
            vals.add(1.0);
        }
        int zeros = r.nextInt(3000);
        for (int i = 0; i < zeros; i++) {
            vals.add(0.0);
        }
        double[] v = vals.stream().mapToDouble(Double::doubleValue).toArray();
        StringBuilder desc = new StringBuilder("crowdedBins seed=" + seed + " n=" + v.length + " bins=" + bins);
        Marginal m;
        if (segment) {
            ByteOrder order = r.nextBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(order);
            for (double x : v) {
                b.putDouble(x);
            }
            desc.append(" segment ").append(order);
            m = Marginal.ofDoubles(place(b.array(), r, desc), order);
        } else {
            m = Marginal.ofDoubles(v);
        }
        return new Case(m, ExactReference.ofDoubles(v), desc.toString());
    }

    // ---- memory layouts ------------------------------------------------------------------------------

    /** Integers of {@code type} in {@code order} in a slice at a random offset, between garbage. */
    static MemorySegment integerSegment(long[] values, ElementType type, ByteOrder order, SplittableRandom r,
                                        StringBuilder desc) {
        int size = type.byteSize();
        int off = r.nextInt(8);
        int tail = r.nextInt(3);
        ByteBuffer b = ByteBuffer.allocate(off + size * (values.length + tail)).order(order);
        fillGarbage(b);
        for (int i = 0; i < values.length; i++) {
            int at = off + size * i;
            switch (type) {
                case BOOL, UINT8 -> b.put(at, (byte) values[i]);
                case UINT16 -> b.putShort(at, (short) values[i]);
                case INT32 -> b.putInt(at, (int) values[i]);
                default -> throw new IllegalArgumentException(type.toString());
            }
        }
        desc.append(" order=").append(order).append(" offset=").append(off);
        return place(b.array(), r, desc).asSlice(off, (long) size * values.length);
    }

    /** The bytes on the heap or in native memory (an automatic arena). */
    private static MemorySegment place(byte[] bytes, SplittableRandom r, StringBuilder desc) {
        if (r.nextBoolean()) {
            desc.append(" heap");
            return MemorySegment.ofArray(bytes);
        }
        desc.append(" native");
        MemorySegment s = Arena.ofAuto().allocate(bytes.length, 8);
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, s, 0, bytes.length);
        return s;
    }

    /** 0xFF bytes: NaN for floats, -1 for int32, 255 / 65535 for unsigned types. */
    private static void fillGarbage(ByteBuffer b) {
        for (int i = 0; i < b.capacity(); i++) {
            b.put(i, (byte) 0xFF);
        }
    }

    private static FloatBuffer floatBuffer(float[] f, SplittableRandom r, StringBuilder desc) {
        int pos = r.nextInt(4);
        int tail = r.nextInt(3);
        int cap = pos + f.length + tail;
        FloatBuffer fb;
        switch (r.nextInt(3)) {
            case 0 -> {
                desc.append(" wrap");
                fb = FloatBuffer.wrap(new float[cap]);
            }
            case 1 -> {
                ByteOrder order = r.nextBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
                desc.append(" direct ").append(order);
                fb = ByteBuffer.allocateDirect(4 * cap).order(order).asFloatBuffer();
            }
            default -> {
                ByteOrder order = r.nextBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
                desc.append(" heapView ").append(order);
                fb = ByteBuffer.allocate(4 * cap).order(order).asFloatBuffer();
            }
        }
        for (int i = 0; i < cap; i++) {
            fb.put(i, Float.NaN);
        }
        for (int i = 0; i < f.length; i++) {
            fb.put(pos + i, f[i]);
        }
        fb.position(pos).limit(pos + f.length);
        desc.append(" position=").append(pos);
        if (r.nextBoolean()) {
            desc.append(" readOnly");
            return fb.asReadOnlyBuffer();
        }
        return fb;
    }

    private static DoubleBuffer doubleBuffer(double[] d, SplittableRandom r, StringBuilder desc) {
        int pos = r.nextInt(4);
        int tail = r.nextInt(3);
        int cap = pos + d.length + tail;
        DoubleBuffer db;
        switch (r.nextInt(3)) {
            case 0 -> {
                desc.append(" wrap");
                db = DoubleBuffer.wrap(new double[cap]);
            }
            case 1 -> {
                ByteOrder order = r.nextBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
                desc.append(" direct ").append(order);
                db = ByteBuffer.allocateDirect(8 * cap).order(order).asDoubleBuffer();
            }
            default -> {
                ByteOrder order = r.nextBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
                desc.append(" heapView ").append(order);
                db = ByteBuffer.allocate(8 * cap).order(order).asDoubleBuffer();
            }
        }
        for (int i = 0; i < cap; i++) {
            db.put(i, Double.NaN);
        }
        for (int i = 0; i < d.length; i++) {
            db.put(pos + i, d[i]);
        }
        db.position(pos).limit(pos + d.length);
        desc.append(" position=").append(pos);
        if (r.nextBoolean()) {
            desc.append(" readOnly");
            return db.asReadOnlyBuffer();
        }
        return db;
    }

    // ---- small helpers ---------------------------------------------------------------------------------

    static byte[] toBytes(long[] c) {
        byte[] out = new byte[c.length];
        for (int i = 0; i < c.length; i++) {
            out[i] = (byte) c[i];
        }
        return out;
    }

    static short[] toShorts(long[] c) {
        short[] out = new short[c.length];
        for (int i = 0; i < c.length; i++) {
            out[i] = (short) c[i];
        }
        return out;
    }

    static int[] toInts(long[] c) {
        return Arrays.stream(c).mapToInt(Math::toIntExact).toArray();
    }

    static int[] permutation(int n, SplittableRandom r) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
