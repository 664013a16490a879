package org.segopt.jmh;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
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
 * {@code Marginal.ofVotes(byte[], 5)} / {@code Marginal.ofFloats(float[])}).
 */
@State(Scope.Benchmark)
public class Volume {
    /** Slices: 512 × 512 × N voxels. */
    @Param({"16", "100", "300"})
    public int N;

    /** {@code votes5}: counts 0..5 as u8 (R = 5); {@code float32}: the fuzzy-bordered float marginal. */
    @Param({"votes5", "float32"})
    public String encoding;

    /** {@code native}: an off-heap segment; {@code heap}: the byte[] / float[] itself. */
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
        boolean votes = switch (encoding) {
            case "votes5" -> true;
            case "float32" -> false;
            default -> throw new IllegalArgumentException("encoding must be votes5 or float32, not " + encoding);
        };
        byte[] counts = votes ? phantom.votes(N) : null;
        float[] floats = votes ? null : phantom.marginal(N);
        switch (memory) {
            case "heap" -> {
                // The array API, as a caller with a byte[] / float[] uses it.
                marginal = votes ? Marginal.ofVotes(counts, Phantom.RATERS) : Marginal.ofFloats(floats);
                data = votes ? MemorySegment.ofArray(counts) : MemorySegment.ofArray(floats);
            }
            case "native" -> {
                MemorySegment heap = votes ? MemorySegment.ofArray(counts) : MemorySegment.ofArray(floats);
                arena = Arena.ofShared();
                data = arena.allocate(heap.byteSize(), 64);
                data.copyFrom(heap);
                marginal = votes
                        ? Marginal.ofVotes(data, ElementType.UINT8, ByteOrder.nativeOrder(), Phantom.RATERS)
                        : Marginal.ofFloats(data, ByteOrder.nativeOrder());
            }
            default -> throw new IllegalArgumentException("memory must be native or heap, not " + memory);
        }
        marginal = marginal.withShape(N, Phantom.SIZE, Phantom.SIZE);
    }

    @TearDown(Level.Trial)
    public void release() {
        if (arena != null) {
            arena.close();
            arena = null;
        }
    }

    /** Whether m is vote counts (else float32). */
    public boolean votes() {
        return encoding.equals("votes5");
    }

    /** Voxels n. */
    public int voxels() {
        return Math.toIntExact(marginal.voxels());
    }
}
