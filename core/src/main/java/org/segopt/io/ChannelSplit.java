package org.segopt.io;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.segopt.Marginal;

/**
 * A C-channel volume (softmax or sigmoid outputs) split along one axis into C marginals, one per
 * channel. In memory the array is {@code outer × C × inner} elements ({@code outer}, {@code inner}:
 * the products of the axes varying slower and faster than the channel axis); channel c is the
 * {@code outer} runs of {@code inner} elements at {@code (o·C + c)·inner}.
 *
 * <p>When {@code outer} is 1 (the channel axis varies slowest: axis 0 of a C-order array, the last
 * of a Fortran one, NIfTI's 4th/5th dimension) every channel is one contiguous slice and its
 * marginal is a view, no copy. Otherwise the engine, whose passes read contiguous memory, gets a
 * gathered copy of the one channel asked for (n / C elements in the caller's scratch arena): the
 * alternative, transposing the whole array at once, would read the data once but hold all n
 * elements twice. Here at most one channel is held at a time, and each channel's gather reads the
 * mapped data once more.
 */
public final class ChannelSplit implements ClassMarginals {
    /** Runs from this many bytes are copied in bulk. */
    private static final long BULK_BYTES = 64;

    private final NdArray array;
    private final Marginal whole;
    private final int axis;
    private final long outer;
    private final long inner;
    private final int channels;
    private final long[] shape;

    private ChannelSplit(NdArray array, Marginal whole, int axis, long outer, long inner, int channels, long[] shape) {
        this.array = array;
        this.whole = whole;
        this.axis = axis;
        this.outer = outer;
        this.inner = inner;
        this.channels = channels;
        this.shape = shape;
    }

    /**
     * Splits {@code array} along {@code axis}, an index into its {@link NdArray#shape() shape}
     * (negative counts from the end, as in NumPy).
     *
     * @param whole how the array's values are read: a marginal over all of {@code array}'s data (its
     *              encoding, raters, element type and byte order carry over to every channel)
     * @throws InputException           if the axis is out of range, has more than
     *                                  {@link Integer#MAX_VALUE} channels, or leaves no voxels
     * @throws IllegalArgumentException if {@code whole} is not one segment of {@code array}'s size
     */
    public static ChannelSplit of(NdArray array, Marginal whole, int axis) throws InputException {
        if (whole.segments().size() != 1 || whole.voxels() != array.size()
                || whole.elementType().byteSize() != array.type().byteSize()) {
            throw new IllegalArgumentException(whole + " does not read the data of " + array);
        }
        long[] dims = array.shape();
        if (axis < -dims.length || axis >= dims.length) {
            throw new InputException(array.source(), "channel axis " + axis + " is out of range for shape "
                    + Arrays.toString(dims) + " (" + dims.length + " axes: 0.." + (dims.length - 1) + " or -"
                    + dims.length + "..-1)");
        }
        int k = axis < 0 ? axis + dims.length : axis;
        if (dims[k] > Integer.MAX_VALUE) {
            throw new InputException(array.source(), "channel axis " + axis + " has " + dims[k] + " channels");
        }
        long outer = 1;
        long inner = 1;
        for (int i = 0; i < dims.length; i++) {
            boolean slower = array.fortranOrder() ? i > k : i < k;
            if (slower) {
                outer *= dims[i];
            } else if (i != k) {
                inner *= dims[i];
            }
        }
        if (outer * inner == 0) {
            throw new InputException(array.source(), "the channels of shape " + Arrays.toString(dims) + " have no voxels");
        }
        long[] shape = new long[dims.length - 1];
        for (int i = 0, j = 0; i < dims.length; i++) {
            if (i != k) {
                shape[j++] = dims[i];
            }
        }
        return new ChannelSplit(array, whole, k, outer, inner, (int) dims[k], shape);
    }

    @Override
    public int classes() {
        return channels;
    }

    /** The channel index {@code k} itself. */
    @Override
    public int label(int k) {
        return k;
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public boolean fortranOrder() {
        return array.fortranOrder();
    }

    /**
     * The input's geometry without the channel axis; null when the channel axis is a spatial one
     * (the remaining axes would not be placed in the world as the header says).
     */
    @Override
    public Geometry geometry() {
        if (array.geometry() == null) {
            return null;
        }
        // Geometry lists axes in memory order, fastest first.
        int fastestFirst = array.fortranOrder() ? axis : shape.length - axis;
        return array.geometry().withoutAxis(fastestFirst);
    }

    /** Whether every channel is a contiguous slice of the data, so that {@link #marginal} copies nothing. */
    public boolean viewsOnly() {
        return outer == 1 || channels == 1;
    }

    @Override
    public Marginal marginal(int k, Arena scratch) {
        Objects.checkIndex(k, channels);
        long run = inner * whole.elementType().byteSize();
        MemorySegment data;
        if (viewsOnly()) {
            data = array.data().asSlice(k * outer * run, outer * run);
        } else {
            data = scratch.allocate(outer * run, Long.BYTES);
            for (long o = 0; o < outer; o++) {
                copyRun(array.data(), (o * channels + k) * run, data, o * run, run);
            }
        }
        return wrap(data).withShape(shape);
    }

    /** Copies {@code run} raw bytes (byte order kept); runs of a few elements word by word, not by a bulk copy each. */
    private static void copyRun(MemorySegment from, long src, MemorySegment to, long dst, long run) {
        if (run >= BULK_BYTES) {
            MemorySegment.copy(from, src, to, dst, run);
            return;
        }
        long b = 0;
        for (; b + Long.BYTES <= run; b += Long.BYTES) {
            to.set(ValueLayout.JAVA_LONG_UNALIGNED, dst + b, from.get(ValueLayout.JAVA_LONG_UNALIGNED, src + b));
        }
        if (b + Integer.BYTES <= run) {
            to.set(ValueLayout.JAVA_INT_UNALIGNED, dst + b, from.get(ValueLayout.JAVA_INT_UNALIGNED, src + b));
            b += Integer.BYTES;
        }
        if (b + Short.BYTES <= run) {
            to.set(ValueLayout.JAVA_SHORT_UNALIGNED, dst + b, from.get(ValueLayout.JAVA_SHORT_UNALIGNED, src + b));
            b += Short.BYTES;
        }
        if (b < run) {
            to.set(ValueLayout.JAVA_BYTE, dst + b, from.get(ValueLayout.JAVA_BYTE, src + b));
        }
    }

    /** A marginal over {@code data} that reads it as {@link #whole} reads the whole array. */
    private Marginal wrap(MemorySegment data) {
        return switch (whole.encoding()) {
            case VOTES -> Marginal.ofVotes(data, whole.elementType(), whole.byteOrder(), whole.raters());
            case RATER_MASKS -> Marginal.ofRaterMasks(List.of(data), whole.elementType(), whole.byteOrder());
            case FLOAT32 -> Marginal.ofFloats(data, whole.byteOrder());
            case FLOAT64 -> Marginal.ofDoubles(data, whole.byteOrder());
            case FLOAT16 -> Marginal.ofFloat16(data, whole.byteOrder());
            case BFLOAT16 -> Marginal.ofBFloat16(data, whole.byteOrder());
        };
    }
}
