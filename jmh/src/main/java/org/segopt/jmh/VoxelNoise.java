package org.segopt.jmh;

/**
 * Standard normal noise that is a pure function of (seed, voxel index): a counter-based
 * generator, so a volume can be filled in any order, on any number of threads, with the same
 * result on every JVM ({@link StrictMath} for the transcendental functions).
 *
 * <p>Voxels 2j and 2j + 1 share pair j: two SplitMix64-finalized counters give two uniforms with
 * 53 random bits each, u1 in (0, 1] and u2 in [0, 1), and Box–Muller turns them into
 * r cos θ (voxel 2j) and r sin θ (voxel 2j + 1), with r = √(−2 ln u1) and θ = 2π u2.
 */
final class VoxelNoise {
    /** No value exceeds this in magnitude: the Box–Muller radius of the smallest u1, 2^-53 (≈ 8.57). */
    static final double BOUND = radius(0x1p-53);

    private static final long GOLDEN = 0x9E37_79B9_7F4A_7C15L;

    private VoxelNoise() {
    }

    /** Fills into with the deviates of voxels firstIndex, firstIndex + 1, ... under seed. */
    static void fill(long seed, long firstIndex, double[] into) {
        int i = 0;
        long index = firstIndex;
        while (i < into.length) {
            long pair = index >>> 1;
            long h1 = mix(seed + (2 * pair + 1) * GOLDEN);
            long h2 = mix(seed + (2 * pair + 2) * GOLDEN);
            double r = radius(((h1 >>> 11) + 1) * 0x1p-53);
            double theta = 2 * Math.PI * ((h2 >>> 11) * 0x1p-53);
            if ((index & 1) == 0) {
                into[i++] = r * StrictMath.cos(theta);
                index++;
            }
            if (i < into.length) {
                into[i++] = r * StrictMath.sin(theta);
                index++;
            }
        }
    }

    private static double radius(double u1) {
        return Math.sqrt(-2 * StrictMath.log(u1));
    }

    /** SplitMix64's output function (Steele, Lea, Flood 2014): a bijection that mixes every bit. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }
}
