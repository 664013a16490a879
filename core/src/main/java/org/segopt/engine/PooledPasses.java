package org.segopt.engine;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import org.segopt.Analysis;
import org.segopt.BitMask;
import org.segopt.ElementType;
import org.segopt.Encoding;
import org.segopt.Marginal;

/**
 * A {@link PassBackend} whose passes run on the parts of a pooled marginal through a
 * {@link PartExecutor} and add up exactly, so that the engine analyses the union of the parts as
 * if they were one volume: the vote histogram in one pass, float marginals from the top-level
 * histogram and as many refinement passes as the decisions need. The marginal the engine sees
 * only describes the union (encoding, R, n); its data is never read here.
 */
public final class PooledPasses implements PassBackend {
    private final PartExecutor parts;
    private final Encoding encoding;

    private PooledPasses(PartExecutor parts, Encoding encoding) {
        this.parts = parts;
        this.encoding = encoding;
    }

    /**
     * The exact analysis of the union of the parts: {@code voxels} voxels in all, votes with R =
     * {@code raters} (a multiple of every part's R) when {@code encoding} is vote-type, else FLOAT32
     * or FLOAT64 values. Every part must be valid (the caller has checked them).
     */
    public static Analysis analyze(PartExecutor parts, Encoding encoding, int raters, long voxels) {
        return Engine.of(new PooledPasses(parts, encoding)).analyze(union(encoding, raters, voxels));
    }

    /**
     * A marginal of n voxels that describes the union (encoding, R, n) for the engine's decisions
     * and for reports; its data is not readable.
     */
    public static Marginal union(Encoding encoding, int raters, long voxels) {
        if (voxels < 1) {
            throw new IllegalArgumentException("a pooled marginal needs voxels, got " + voxels);
        }
        return switch (encoding) {
            case VOTES, RATER_MASKS -> raters <= 255
                    ? Marginal.ofVotes(unread(voxels), ElementType.UINT8, ByteOrder.nativeOrder(), raters)
                    : Marginal.ofVotes(unread(Math.multiplyExact(voxels, 2)), ElementType.UINT16, ByteOrder.nativeOrder(), raters);
            case FLOAT32 -> Marginal.ofFloats(unread(Math.multiplyExact(voxels, 4)), ByteOrder.nativeOrder());
            case FLOAT64 -> Marginal.ofDoubles(unread(Math.multiplyExact(voxels, 8)), ByteOrder.nativeOrder());
            default -> throw new IllegalArgumentException("pooled floats are float32 or float64, not " + encoding);
        };
    }

    /** A segment of the given size at address 0 that nobody dereferences. */
    private static MemorySegment unread(long bytes) {
        return MemorySegment.NULL.reinterpret(bytes);
    }

    @Override
    public String name() {
        return "pooled";
    }

    @Override
    public int threads() {
        return parts.parallelism();
    }

    @Override
    public long countVotes(Marginal m, long[] hist) {
        parts.run(PartPass.votes(m.raters())).addTo(hist);
        return -1;
    }

    @Override
    public long countFloats(Marginal m, FloatHistogram top, Refinement guesses) {
        parts.run(PartPass.top(encoding)).addTo(top);
        return -1;
    }

    @Override
    public void refineFloats(Marginal m, Refinement refinement, BlockRanges ranges) {
        parts.run(PartPass.refine(encoding, refinement)).addTo(refinement);
    }

    /** A pooled marginal is analysed, not segmented: its voxels live in the parts. */
    @Override
    public void select(Marginal m, long level, long quota, BitMask out) {
        throw new UnsupportedOperationException("a pooled marginal is analysed, not segmented");
    }

    /** A pooled marginal's bytes live in the parts: there is no one read pass to time. */
    @Override
    public long readPass(Marginal m) {
        throw new UnsupportedOperationException("a pooled marginal has no bytes of its own to read");
    }
}
