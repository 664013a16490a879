package org.segopt.jmh;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A soft-probability marginal of the {@link Phantom}: what one {@link Network} outputs, stored in
 * one {@link Precision}. Its encoding name, as the benchmarks' {@code @Param} and the file writer
 * spell it, is {@code soft-NETWORK-PRECISION}, e.g. {@code soft-confident-f32}.
 */
public record Soft(Network network, Precision precision) {
    /** The noise-free logit never goes below this far from the organs: sigmoid(−70) ≈ 3.98e-31. */
    public static final double LOGIT_FLOOR = -70;
    /**
     * No logit, noise included, exceeds this: m ≤ sigmoid(16) ≈ 1 − 1.13e-7, which float32 keeps
     * below 1 (it rounds to 1 only above 1 − 2^-25 ≈ 1 − 2.98e-8).
     */
    public static final double LOGIT_CEILING = 16;

    /**
     * A network's output: m = sigmoid(ℓ), ℓ = clamp(−d / scale, {@link #LOGIT_FLOOR},
     * {@link #logitCap}) + noise · z, with d the signed distance to the organs and z standard
     * normal per voxel.
     */
    public enum Network {
        /** A confident network: scale 3 voxels, noise N(0, 0.3²). */
        CONFIDENT(3, 0.3),
        /** An uncertain network: scale 4 voxels, noise N(0, 1). */
        UNCERTAIN(4, 1);

        final double scale;
        final double noise;

        Network(double scale, double noise) {
            this.scale = scale;
            this.noise = noise;
        }

        /**
         * The largest noise-free logit, {@link #LOGIT_CEILING} − noise · {@link VoxelNoise#BOUND}
         * (13.43 confident, 7.43 uncertain), so that no noise can lift ℓ above the ceiling.
         */
        double logitCap() {
            return LOGIT_CEILING - noise * VoxelNoise.BOUND;
        }

        /** {@code confident}, {@code uncertain}. */
        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The element type a soft marginal is stored in, each value rounded once from the double
     * sigmoid to nearest, ties to even. The 16-bit types are bit patterns in {@code short}s.
     */
    public enum Precision {
        /** IEEE binary32 ({@code <f4}). */
        FLOAT32("f32", "float32", "<f4", 4),
        /** IEEE binary64 ({@code <f8}): the sigmoid as computed. */
        FLOAT64("f64", "float64", "<f8", 8),
        /** IEEE binary16 ({@code <f2}). */
        FLOAT16("f16", "float16", "<f2", 2),
        /** bfloat16, the top 16 bits of a float32 pattern; NumPy has no such dtype, so .npy files hold {@code <u2}. */
        BFLOAT16("bf16", "bfloat16", "<u2", 2);

        final String suffix;
        final String typeName;
        final String npyDescr;
        final int bytes;

        Precision(String suffix, String typeName, String npyDescr, int bytes) {
            this.suffix = suffix;
            this.typeName = typeName;
            this.npyDescr = npyDescr;
            this.bytes = bytes;
        }

        /** Stores m rounded to this type at element offset, offset + 1, ... of out. */
        void store(double[] m, MemorySegment out, ByteOrder order, long offset) {
            switch (this) {
                case FLOAT32 -> {
                    ValueLayout.OfFloat layout = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(order);
                    for (int i = 0; i < m.length; i++) {
                        out.setAtIndex(layout, offset + i, (float) m[i]);
                    }
                }
                case FLOAT64 -> MemorySegment.copy(m, 0, out, ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(order), offset * 8,
                        m.length);
                case FLOAT16, BFLOAT16 -> {
                    ValueLayout.OfShort layout = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order);
                    boolean half = this == FLOAT16;
                    for (int i = 0; i < m.length; i++) {
                        out.setAtIndex(layout, offset + i, half ? HalfPrecision.float16(m[i]) : HalfPrecision.bfloat16(m[i]));
                    }
                }
            }
        }
    }

    /** Every soft encoding, networks slowest: confident f32, f64, f16, bf16, then uncertain. */
    public static List<Soft> all() {
        List<Soft> all = new ArrayList<>();
        for (Network n : Network.values()) {
            for (Precision p : Precision.values()) {
                all.add(new Soft(n, p));
            }
        }
        return all;
    }

    /** The soft marginal named {@code soft-NETWORK-PRECISION}. */
    public static Soft parse(String encoding) {
        for (Soft s : all()) {
            if (s.encoding().equals(encoding)) {
                return s;
            }
        }
        throw new IllegalArgumentException("not a soft encoding (soft-confident|uncertain-f32|f64|f16|bf16): " + encoding);
    }

    /** {@code soft-confident-f32} and so on. */
    public String encoding() {
        return "soft-" + network.label() + "-" + precision.suffix;
    }

    /** The stem of its .npy file name: {@code soft-confident_float32}. */
    String fileStem() {
        return "soft-" + network.label() + "_" + precision.typeName;
    }
}
