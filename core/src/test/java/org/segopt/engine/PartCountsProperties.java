package org.segopt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.segopt.Encoding;
import org.segopt.Marginal;

/**
 * The merge of {@link PartCounts} is a commutative monoid, and the merge of a pass over the parts
 * of a volume is the pass over the whole volume: for vote histograms (parts of R counted over a
 * multiple of R, the same as scaling the entries), top-level float histograms and refinements,
 * float32 and float64; and a float16, bfloat16 or (into float64) float32 part, which pools without
 * a widened copy, counts as its widened copy does.
 */
class PartCountsProperties {
    enum Kind { VOTES, FLOAT32, FLOAT64 }

    @Test
    void mergeIsAssociativeCommutativeAndAddsUpToTheWhole() {
        Theories.check(60, Generate.enumValues(Kind.class), Theories.sizes(3, 20_000), Theories.seeds(),
                PartCountsProperties::mergeAddsUp);
    }

    private static void mergeAddsUp(Kind kind, int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int first = 1 + random.nextInt(n - 2);
        int second = first + 1 + random.nextInt(n - first - 1);
        int[][] ranges = {{0, first}, {first, second}, {second, n}};
        int raters = 1 + random.nextInt(7);
        double[] values = new double[n];
        byte[] votes = new byte[n];
        for (int i = 0; i < n; i++) {
            votes[i] = (byte) random.nextInt(raters + 1);
            values[i] = switch (random.nextInt(4)) {
                case 0 -> 0;
                case 1 -> 1;
                case 2 -> random.nextInt(16) / 16.0;
                default -> random.nextDouble();
            };
        }
        List<PartPass> passes = switch (kind) {
            case VOTES -> List.of(PartPass.votes(raters), PartPass.votes(raters * 6));
            case FLOAT32, FLOAT64 -> {
                Encoding e = kind == Kind.FLOAT32 ? Encoding.FLOAT32 : Encoding.FLOAT64;
                Refinement bins = new Refinement();
                int shift = kind == Kind.FLOAT32 ? 16 : 48;
                long[] keys = Arrays.stream(values).mapToLong(v -> kind == Kind.FLOAT32
                        ? Float.floatToRawIntBits((float) v) : Double.doubleToRawLongBits(v)).map(k -> k >>> shift)
                        .distinct().limit(3).toArray();
                for (long prefix : keys) {
                    bins.addBin(shift, prefix);
                }
                yield List.of(PartPass.top(e), PartPass.refine(e, bins));
            }
        };
        for (PartPass pass : passes) {
            PartCounts whole = pass.run(slice(kind, values, votes, raters, 0, n));
            PartCounts a = pass.run(slice(kind, values, votes, raters, ranges[0][0], ranges[0][1]));
            PartCounts b = pass.run(slice(kind, values, votes, raters, ranges[1][0], ranges[1][1]));
            PartCounts c = pass.run(slice(kind, values, votes, raters, ranges[2][0], ranges[2][1]));
            assertEquals(a.merge(b).merge(c), a.merge(b.merge(c)), pass.toString());
            assertEquals(a.merge(b), b.merge(a), pass.toString());
            assertEquals(a, a.merge(PartCounts.EMPTY));
            assertEquals(a, PartCounts.EMPTY.merge(a));
            assertEquals(whole, c.merge(a).merge(b), pass.toString());
        }
        if (kind == Kind.VOTES) { // counting votes of R as votes of 6R is scaling the entries
            Marginal m = slice(kind, values, votes, raters, 0, n);
            assertEquals(PartPass.votes(raters * 6).run(m), PartPass.votes(raters).run(m).scaled(6));
        }
    }

    @Test
    void aNarrowerPartCountsAsItsWidenedCopy() {
        Theories.check(40, Generate.booleans(), Theories.sizes(1, 30_000), Theories.seeds(),
                PartCountsProperties::sixteenBitPartCountsAsWidened);
    }

    private static void sixteenBitPartCountsAsWidened(boolean bfloat16, int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        short[] bits = new short[n];
        float[] widened = new float[n];
        for (int i = 0; i < n; i++) {
            double v = switch (random.nextInt(5)) {
                case 0 -> 0;
                case 1 -> 1;
                case 2 -> random.nextInt(16) / 16.0;
                case 3 -> Math.scalb(random.nextDouble(), -random.nextInt(160)); // float16 and float32 subnormals, and below
                default -> random.nextDouble();
            };
            bits[i] = bfloat16 ? (short) (Float.floatToRawIntBits((float) v) >>> 16) : Float.floatToFloat16((float) v);
            if (random.nextInt(50) == 0 && v == 0) {
                bits[i] = (short) KeyReader.HALF_NEGATIVE_ZERO; // −0.0 counts at 0
            }
            widened[i] = bfloat16 ? Float.intBitsToFloat(bits[i] << 16) : Float.float16ToFloat(bits[i]);
        }
        Marginal half = bfloat16 ? Marginal.ofBFloat16(bits) : Marginal.ofFloat16(bits);
        double[] wide = new double[n];
        for (int i = 0; i < n; i++) {
            wide[i] = widened[i];
        }
        for (Marginal copy : List.of(Marginal.ofFloats(widened), Marginal.ofDoubles(wide))) {
            Encoding e = copy.encoding();
            int shift = e == Encoding.FLOAT32 ? 16 : 48;
            Refinement bins = new Refinement();
            // Bins of the widened keys' top digits; for float64 the third one a level deeper.
            long[] prefixes = keys(copy).map(k -> k >>> shift).distinct().limit(3).toArray();
            for (int j = 0; j < prefixes.length; j++) {
                long prefix = prefixes[j];
                if (e == Encoding.FLOAT64 && j == 2) {
                    bins.addBin(32, keys(copy).filter(k -> k >>> 48 == prefix).findFirst().orElseThrow() >>> 32);
                } else {
                    bins.addBin(shift, prefix);
                }
            }
            for (PartPass pass : List.of(PartPass.top(e), PartPass.refine(e, bins))) {
                assertEquals(pass.run(copy), pass.run(half), pass + (bfloat16 ? " of bfloat16" : " of float16"));
                if (e == Encoding.FLOAT64) { // a float32 part of a float64 pool is read widened too
                    assertEquals(pass.run(copy), pass.run(Marginal.ofFloats(widened)), pass + " of float32");
                }
            }
        }
    }

    /**
     * A narrower part with an invalid voxel is refused at that voxel, and the thread's tables are
     * left clean: the next pass counts as on a fresh thread.
     */
    @Test
    void anInvalidNarrowerPartIsRefusedAndLeavesNoCounts() {
        float[] values = new float[5000];
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextDouble();
        }
        Marginal valid = Marginal.ofFloats(values.clone());
        values[3210] = 1.5f;
        short[] halves = new short[5000];
        for (int i = 0; i < halves.length; i++) {
            halves[i] = Float.floatToFloat16((float) random.nextDouble());
        }
        halves[77] = Float.floatToFloat16(Float.NaN);
        Refinement bins = new Refinement();
        bins.addBin(48, Double.doubleToRawLongBits(values[0]) >>> 48);
        for (PartPass pass : List.of(PartPass.top(Encoding.FLOAT64), PartPass.refine(Encoding.FLOAT64, bins))) {
            PartCounts expected = pass.run(valid);
            org.segopt.InvalidMarginalException e = org.junit.jupiter.api.Assertions.assertThrows(
                    org.segopt.InvalidMarginalException.class, () -> pass.run(Marginal.ofFloats(values)));
            assertEquals(3210, e.voxel(), pass.toString());
            e = org.junit.jupiter.api.Assertions.assertThrows(org.segopt.InvalidMarginalException.class,
                    () -> pass.run(Marginal.ofFloat16(halves)));
            assertEquals(77, e.voxel(), pass.toString());
            assertEquals(expected, pass.run(valid), pass + " after the refusals");
        }
    }

    /** The keys of a small marginal, voxel by voxel. */
    private static java.util.stream.LongStream keys(Marginal m) {
        KeyReader keys = KeyReader.of(m);
        return java.util.stream.LongStream.range(0, m.voxels()).map(keys::key);
    }

    private static Marginal slice(Kind kind, double[] values, byte[] votes, int raters, int from, int to) {
        return switch (kind) {
            case VOTES -> Marginal.ofVotes(Arrays.copyOfRange(votes, from, to), raters);
            case FLOAT32 -> {
                float[] f = new float[to - from];
                for (int i = from; i < to; i++) {
                    f[i - from] = (float) values[i];
                }
                yield Marginal.ofFloats(f);
            }
            case FLOAT64 -> Marginal.ofDoubles(Arrays.copyOfRange(values, from, to));
        };
    }
}
