package org.segopt;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A marginal m over n voxels: the per-voxel probability that the noisy label says "object", in
 * one of the {@link Encoding encodings} segopt reads without conversion. A marginal is a view: it
 * wraps the caller's memory (arrays, NIO buffers or {@link MemorySegment}s) and never copies it.
 * Values are validated by the engine as it reads them (one pass), not here.
 *
 * <p>Voxels are numbered by their position in memory, 0..n-1; the deterministic tie rule of the
 * volume-constrained optimum ("lowest index first") refers to that order.
 */
public final class Marginal {
    /** The most raters (the largest R) a vote-type marginal may have. */
    public static final int MAX_RATERS = 65535;

    private final Encoding encoding;
    private final int raters;
    private final ElementType type;
    private final ByteOrder order;
    private final List<MemorySegment> segments;
    private final long voxels;
    private final long[] shape;

    private Marginal(Encoding encoding, int raters, ElementType type, ByteOrder order,
                     List<MemorySegment> segments, long[] shape) {
        this.encoding = encoding;
        this.raters = raters;
        this.type = type;
        this.order = order;
        this.segments = List.copyOf(segments);
        long bytes = this.segments.getFirst().byteSize();
        if (bytes % type.byteSize() != 0) {
            throw new IllegalArgumentException(bytes + " bytes is not a whole number of " + type + " elements");
        }
        for (MemorySegment s : this.segments) {
            if (s.byteSize() != bytes) {
                throw new IllegalArgumentException("rater masks differ in size: " + s.byteSize() + " vs " + bytes + " bytes");
            }
        }
        this.voxels = bytes / type.byteSize();
        if (shape != null) {
            long product = 1;
            for (long d : shape) {
                if (d < 0) {
                    throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
                }
                product = Math.multiplyExact(product, d);
            }
            if (product != voxels) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has " + product
                        + " voxels, the data " + voxels);
            }
        }
        this.shape = shape == null ? null : shape.clone();
    }

    // ---- votes -------------------------------------------------------------------------------

    /** Vote counts 0..R stored as unsigned bytes. */
    public static Marginal ofVotes(byte[] counts, int raters) {
        return ofVotes(MemorySegment.ofArray(counts), ElementType.UINT8, ByteOrder.nativeOrder(), raters);
    }

    /** Vote counts 0..R stored as unsigned 16-bit integers. */
    public static Marginal ofVotes(short[] counts, int raters) {
        return ofVotes(MemorySegment.ofArray(counts), ElementType.UINT16, ByteOrder.nativeOrder(), raters);
    }

    /** Vote counts 0..R stored as (non-negative) 32-bit integers. */
    public static Marginal ofVotes(int[] counts, int raters) {
        return ofVotes(MemorySegment.ofArray(counts), ElementType.INT32, ByteOrder.nativeOrder(), raters);
    }

    /** Vote counts 0..R of any integer element type in {@code segment}, in byte order {@code order}. */
    public static Marginal ofVotes(MemorySegment segment, ElementType type, ByteOrder order, int raters) {
        requireInteger(type);
        requireRaters(raters);
        return new Marginal(Encoding.VOTES, raters, type, order, List.of(segment), null);
    }

    /** A u8-quantized marginal: m = q / 255 (votes with R = 255). */
    public static Marginal ofQuantized(byte[] quantized) {
        return ofVotes(quantized, 255);
    }

    /** A u16-quantized marginal: m = q / 65535 (votes with R = 65535). */
    public static Marginal ofQuantized(short[] quantized) {
        return ofVotes(quantized, 65535);
    }

    // ---- rater masks ---------------------------------------------------------------------------

    /** R binary rater masks of equal length, one byte (0 or 1) per voxel; m is their mean. */
    public static Marginal ofRaterMasks(byte[]... masks) {
        return ofRaterMasks(Arrays.stream(masks).map(MemorySegment::ofArray).toList(), ElementType.UINT8,
                ByteOrder.nativeOrder());
    }

    /** R binary rater masks (values 0/1 of an integer element type) of equal size; m is their mean. */
    public static Marginal ofRaterMasks(List<MemorySegment> masks, ElementType type, ByteOrder order) {
        requireInteger(type);
        requireRaters(masks.size());
        return new Marginal(Encoding.RATER_MASKS, masks.size(), type, order, masks, null);
    }

    // ---- probabilities -------------------------------------------------------------------------

    /** float32 probabilities in [0, 1]. */
    public static Marginal ofFloats(float[] values) {
        return ofFloats(MemorySegment.ofArray(values), ByteOrder.nativeOrder());
    }

    /** float32 probabilities in [0, 1] from position to limit of {@code buffer} (heap or direct). */
    public static Marginal ofFloats(FloatBuffer buffer) {
        return ofFloats(MemorySegment.ofBuffer(buffer), buffer.order());
    }

    /** float32 probabilities in [0, 1] stored in {@code segment} in byte order {@code order}. */
    public static Marginal ofFloats(MemorySegment segment, ByteOrder order) {
        return new Marginal(Encoding.FLOAT32, 0, ElementType.FLOAT32, order, List.of(segment), null);
    }

    /** float64 probabilities in [0, 1]. */
    public static Marginal ofDoubles(double[] values) {
        return ofDoubles(MemorySegment.ofArray(values), ByteOrder.nativeOrder());
    }

    /** float64 probabilities in [0, 1] from position to limit of {@code buffer} (heap or direct). */
    public static Marginal ofDoubles(DoubleBuffer buffer) {
        return ofDoubles(MemorySegment.ofBuffer(buffer), buffer.order());
    }

    /** float64 probabilities in [0, 1] stored in {@code segment} in byte order {@code order}. */
    public static Marginal ofDoubles(MemorySegment segment, ByteOrder order) {
        return new Marginal(Encoding.FLOAT64, 0, ElementType.FLOAT64, order, List.of(segment), null);
    }

    /** float16 (IEEE-754 binary16) probabilities in [0, 1], as bit patterns (e.g. from {@link Float#floatToFloat16}). */
    public static Marginal ofFloat16(short[] bits) {
        return ofFloat16(MemorySegment.ofArray(bits), ByteOrder.nativeOrder());
    }

    /** float16 probabilities in [0, 1], as bit patterns from position to limit of {@code buffer}. */
    public static Marginal ofFloat16(ShortBuffer buffer) {
        return ofFloat16(MemorySegment.ofBuffer(buffer), buffer.order());
    }

    /** float16 probabilities in [0, 1] stored in {@code segment} in byte order {@code order}. */
    public static Marginal ofFloat16(MemorySegment segment, ByteOrder order) {
        return new Marginal(Encoding.FLOAT16, 0, ElementType.FLOAT16, order, List.of(segment), null);
    }

    /** bfloat16 probabilities in [0, 1], as bit patterns (the top 16 bits of a float32's). */
    public static Marginal ofBFloat16(short[] bits) {
        return ofBFloat16(MemorySegment.ofArray(bits), ByteOrder.nativeOrder());
    }

    /** bfloat16 probabilities in [0, 1], as bit patterns from position to limit of {@code buffer}. */
    public static Marginal ofBFloat16(ShortBuffer buffer) {
        return ofBFloat16(MemorySegment.ofBuffer(buffer), buffer.order());
    }

    /** bfloat16 probabilities in [0, 1] stored in {@code segment} in byte order {@code order}. */
    public static Marginal ofBFloat16(MemorySegment segment, ByteOrder order) {
        return new Marginal(Encoding.BFLOAT16, 0, ElementType.BFLOAT16, order, List.of(segment), null);
    }

    /**
     * The same marginal with a shape (dimensions, slowest-varying first).
     *
     * @throws IllegalArgumentException if the product of the dimensions is not the voxel count
     */
    public Marginal withShape(long... dimensions) {
        return new Marginal(encoding, raters, type, order, segments, dimensions.clone());
    }

    // ---- accessors -----------------------------------------------------------------------------

    public Encoding encoding() {
        return encoding;
    }

    /** R for vote-type encodings (m = votes / R); 0 for float encodings. */
    public int raters() {
        return raters;
    }

    /** n, the number of voxels. */
    public long voxels() {
        return voxels;
    }

    /** The shape given by {@link #withShape}, if any. */
    public Optional<long[]> shape() {
        return Optional.ofNullable(shape).map(long[]::clone);
    }

    /** How each stored element is laid out. */
    public ElementType elementType() {
        return type;
    }

    /** Byte order of multi-byte elements. */
    public ByteOrder byteOrder() {
        return order;
    }

    /** The stored data: one segment, or one per rater for {@link Encoding#RATER_MASKS}. */
    public List<MemorySegment> segments() {
        return segments;
    }

    @Override
    public String toString() {
        return "Marginal[" + encoding + (raters > 0 ? ", R=" + raters : "") + ", " + type + ", n=" + voxels
                + (shape != null ? ", shape=" + Arrays.toString(shape) : "") + "]";
    }

    private static void requireInteger(ElementType type) {
        if (!type.isInteger()) {
            throw new IllegalArgumentException("votes and rater masks need an integer element type, not " + type);
        }
    }

    private static void requireRaters(int raters) {
        if (raters < 1 || raters > MAX_RATERS) {
            throw new IllegalArgumentException("number of raters must be in 1.." + MAX_RATERS + ", got " + raters);
        }
    }
}
