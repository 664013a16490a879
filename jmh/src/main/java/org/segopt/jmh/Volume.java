package org.segopt.jmh;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.function.Function;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.segopt.ElementType;
import org.segopt.Marginal;

/**
 * The benchmarks' input: the {@link Phantom} of N slices of 512 × 512 in one encoding, built once
 * per trial, either off-heap ({@code memory=native}: 64-byte aligned, as the CLI sees a mapped
 * .npy file) or in the Java array the {@link Marginal} API wraps ({@code memory=heap}:
 * {@code Marginal.ofVotes(byte[], 5)}, {@code Marginal.ofFloats(float[])},
 * {@code Marginal.ofDoubles(double[])}).
 */
@State(Scope.Benchmark)
public class Volume {
    /** Slices: 512 × 512 × N voxels. */
    @Param({"16", "100", "300"})
    public int N;

    /**
     * {@code votes5}: counts 0..5 as u8 (R = 5); {@code float32}: the fuzzy-bordered float
     * marginal, 95 % exact zeros; {@code soft-NETWORK-f32|f64|f16|bf16}: a network's sigmoid output, every
     * voxel fractional ({@link Soft}).
     */
    @Param({"votes5", "float32", "soft-confident-f32", "soft-uncertain-f32", "soft-confident-f64", "soft-uncertain-f64",
        "soft-confident-f16", "soft-uncertain-f16", "soft-confident-bf16", "soft-uncertain-bf16"})
    public String encoding;

    /** {@code native}: an off-heap segment; {@code heap}: the Java array itself. */
    @Param({"native", "heap"})
    public String memory;

    /** The marginal the engines read. */
    public Marginal marginal;
    /** Its one data segment (what the sort reference copies from). */
    public MemorySegment data;

    private Arena arena;

    @Setup(Level.Trial)
    public void build() {
        Phantom phantom = new Phantom();
        ByteOrder order = ByteOrder.nativeOrder();
        switch (encoding) {
            case "votes5" -> {
                byte[] counts = phantom.votes(N);
                wrap(MemorySegment.ofArray(counts), () -> Marginal.ofVotes(counts, Phantom.RATERS),
                        s -> Marginal.ofVotes(s, ElementType.UINT8, order, Phantom.RATERS));
            }
            case "float32" -> {
                float[] m = phantom.marginal(N);
                wrap(MemorySegment.ofArray(m), () -> Marginal.ofFloats(m), s -> Marginal.ofFloats(s, order));
            }
            default -> {
                Soft soft = Soft.parse(encoding);
                Region region = Region.volume(N);
                switch (soft.precision()) {
                    case FLOAT32 -> {
                        float[] m = phantom.softFloat32(soft.network(), region);
                        wrap(MemorySegment.ofArray(m), () -> Marginal.ofFloats(m), s -> Marginal.ofFloats(s, order));
                    }
                    case FLOAT64 -> {
                        double[] m = phantom.softFloat64(soft.network(), region);
                        wrap(MemorySegment.ofArray(m), () -> Marginal.ofDoubles(m), s -> Marginal.ofDoubles(s, order));
                    }
                    case FLOAT16 -> {
                        short[] m = phantom.softFloat16(soft.network(), region);
                        wrap(MemorySegment.ofArray(m), () -> Marginal.ofFloat16(m), s -> Marginal.ofFloat16(s, order));
                    }
                    case BFLOAT16 -> {
                        short[] m = phantom.softBFloat16(soft.network(), region);
                        wrap(MemorySegment.ofArray(m), () -> Marginal.ofBFloat16(m), s -> Marginal.ofBFloat16(s, order));
                    }
                }
            }
        }
        marginal = marginal.withShape(N, Phantom.SIZE, Phantom.SIZE);
    }

    /**
     * Sets {@link #data} and {@link #marginal} from the phantom in its Java array (heap): the
     * array API's marginal, or (native) a 64-byte aligned off-heap copy read as a segment.
     */
    private void wrap(MemorySegment heap, Supplier<Marginal> ofArray, Function<MemorySegment, Marginal> ofSegment) {
        switch (memory) {
            case "heap" -> {
                data = heap;
                marginal = ofArray.get();
            }
            case "native" -> {
                arena = Arena.ofShared();
                data = arena.allocate(heap.byteSize(), 64);
                data.copyFrom(heap);
                marginal = ofSegment.apply(data);
            }
            default -> throw new IllegalArgumentException("memory must be native or heap, not " + memory);
        }
    }

    @TearDown(Level.Trial)
    public void release() {
        if (arena != null) {
            arena.close();
            arena = null;
        }
    }

    /**
     * m as float64 into out, as NumPy's {@code np.asarray(m, dtype=np.float64)} (votes as
     * counts / 5): the sort reference's first step.
     */
    public void toDoubles(double[] out) {
        int n = out.length;
        if (encoding.equals("votes5")) {
            for (int i = 0; i < n; i++) {
                out[i] = (data.get(ValueLayout.JAVA_BYTE, i) & 0xff) / (double) Phantom.RATERS;
            }
            return;
        }
        switch (encoding.equals("float32") ? Soft.Precision.FLOAT32 : Soft.parse(encoding).precision()) {
            case FLOAT32 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = data.getAtIndex(ValueLayout.JAVA_FLOAT, i);
                }
            }
            case FLOAT64 -> MemorySegment.copy(data, ValueLayout.JAVA_DOUBLE, 0, out, 0, n);
            case FLOAT16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Float.float16ToFloat(data.getAtIndex(ValueLayout.JAVA_SHORT, i));
                }
            }
            case BFLOAT16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Float.intBitsToFloat(data.getAtIndex(ValueLayout.JAVA_SHORT, i) << 16);
                }
            }
        }
    }

    /** Voxels n. */
    public int voxels() {
        return Math.toIntExact(marginal.voxels());
    }
}
