package org.segopt.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.segopt.BitMask;
import org.segopt.Marginal;

/**
 * The CPU {@link PassBackend}: runs {@link Kernels} over a whole marginal, split into chunks over
 * a fixed pool of threads, each chunk with its own histogram, merged at the end. Integer histograms merge exactly,
 * so the result is bit-identical to one thread.
 */
final class Passes implements PassBackend {
    /** Chunks are multiples of this many voxels (whole blocks, bit-mask words and vectors). */
    private static final long ALIGN = BlockRanges.BLOCK;
    /**
     * Chunks are at least this many voxels (a chosen value, not a measured break-even): at the
     * single-thread rates of jmh/README.md (0.05-0.5 ns per voxel) some 3-30 µs of kernel work.
     */
    private static final long MIN_CHUNK = 1 << 16;

    final Kernels kernels;
    private final int threads;
    private final ExecutorService pool;
    private final ThreadLocal<long[][]> threadTables = ThreadLocal.withInitial(() -> new long[0][0]);

    Passes(Kernels kernels, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.kernels = kernels;
        this.threads = threads;
        this.pool = threads == 1 ? null : Tasks.pool(threads, "segopt-pass");
    }

    @Override
    public String name() {
        return kernels instanceof ScalarKernels ? "scalar" : "simd-" + PanamaKernels.vectorBits() + "bit";
    }

    @Override
    public int threads() {
        return threads;
    }

    /** A pass over [from, to) of one chunk, producing a partial result. */
    @FunctionalInterface
    private interface ChunkPass<T> {
        T run(long from, long to);
    }

    /** Splits [0, n) into at most {@code threads} aligned chunks and runs {@code pass} on each. */
    private long chunks(long n) {
        return pool == null ? 1 : Math.min(threads, Math.max(1, n / MIN_CHUNK));
    }

    private <T> List<T> split(long n, ChunkPass<T> pass) {
        long chunks = chunks(n);
        if (chunks <= 1) {
            return List.of(pass.run(0, n));
        }
        long size = (n / chunks + ALIGN - 1) / ALIGN * ALIGN;
        List<Future<T>> futures = new ArrayList<>();
        for (long from = 0; from < n; from += size) {
            long start = from;
            long end = Math.min(n, from + size);
            futures.add(pool.submit(() -> pass.run(start, end)));
        }
        return Tasks.join(futures);
    }

    /**
     * Runs a histogram pass on every pool thread: each claims ranges of {@link #grain} voxels one
     * after another until none is left, so that a thread whose ranges hold little border takes
     * more of them (the border of a volume is not spread evenly: on the jmh phantom one half of
     * the slices holds 58 % of the mixed blocks). Each task fills its pool thread's own tables
     * (kept between calls, zero between uses) and merges them into {@code into} under a lock
     * before it ends, so concurrent callers never share a thread's tables. (With one chunk the
     * callers write straight into their tables instead.) A task stops at its first invalid voxel;
     * ranges are claimed in order, so the smallest index reported is the first invalid voxel.
     */
    private long histogram(long n, long[][] into, RangePass<long[][]> pass, Merge merge) {
        return claimRanges(n, () -> chunkTables(into), pass, own -> merge.into(own, into), into);
    }

    /**
     * The claim loop of {@link #histogram} for any per-thread state: each pool thread takes its
     * state from {@code own}, runs {@code pass} on ranges it claims, and merges under {@code lock}.
     */
    private <T> long claimRanges(long n, Supplier<T> own, RangePass<T> pass,
                                 Consumer<T> merge, Object lock) {
        long grain = grain(n);
        AtomicLong next = new AtomicLong();
        long[] firstBad = {-1};
        List<Future<Long>> tasks = new ArrayList<>();
        for (long t = 0; t < Math.min(threads, (n + grain - 1) / grain); t++) {
            tasks.add(pool.submit(() -> {
                T state = own.get();
                long bad = -1;
                for (long from; bad < 0 && (from = next.getAndAdd(grain)) < n; ) {
                    bad = pass.run(from, Math.min(n, from + grain), state);
                }
                synchronized (lock) {
                    if (bad >= 0 && (firstBad[0] < 0 || bad < firstBad[0])) {
                        firstBad[0] = bad;
                    }
                    merge.accept(state);
                }
                return bad;
            }));
        }
        Tasks.join(tasks);
        return firstBad[0];
    }

    /** A pass over [from, to) into per-thread state. */
    @FunctionalInterface
    private interface RangePass<T> {
        long run(long from, long to, T state);
    }

    /**
     * Voxels per claimed range: about eight ranges per thread (a chosen value, not tuned), aligned,
     * at least {@link #MIN_CHUNK}.
     */
    private long grain(long n) {
        long target = n / (8L * threads);
        return Math.max(MIN_CHUNK, (target + ALIGN - 1) / ALIGN * ALIGN);
    }

    /** Adds a chunk's tables into the result and zeroes them. */
    @FunctionalInterface
    private interface Merge {
        void into(long[][] own, long[][] into);
    }

    /** Merges entries [0, length) of the first {@code tables} tables by addition. */
    private static Merge sums(int tables, int length) {
        return (own, into) -> {
            for (int t = 0; t < tables; t++) {
                long[] src = own[t];
                long[] dst = into[t];
                for (int i = 0; i < length; i++) {
                    dst[i] += src[i];
                    src[i] = 0;
                }
            }
        };
    }

    /**
     * Merges refinement tables (counts, high and low sums, then the occupancy bitmap) from table
     * {@code at} on: only the digits whose occupancy bit is set, a few thousand at most, not the
     * k · 2^16 entries.
     */
    private static void mergeOccupied(long[][] own, long[][] into, int at) {
        long[] occupied = own[at + 3];
        for (int w = 0; w < into[at + 3].length; w++) {
            long bits = occupied[w];
            if (bits == 0) {
                continue;
            }
            into[at + 3][w] |= bits;
            occupied[w] = 0;
            for (; bits != 0; bits &= bits - 1) {
                int i = w * 64 + Long.numberOfTrailingZeros(bits);
                for (int t = at; t < at + 3; t++) {
                    into[t][i] += own[t][i];
                    own[t][i] = 0;
                }
            }
        }
    }

    /** This pool thread's zeroed tables, one at least as long as each table of {@code into}. */
    private long[][] chunkTables(long[][] into) {
        long[][] tables = threadTables.get();
        if (tables.length < into.length) {
            tables = java.util.Arrays.copyOf(tables, into.length);
            threadTables.set(tables);
        }
        for (int t = 0; t < into.length; t++) {
            if (tables[t] == null || tables[t].length < into[t].length) {
                tables[t] = new long[into[t].length];
            }
        }
        return tables;
    }

    @Override
    public long countVotes(Marginal m, long[] hist, int length) {
        if (chunks(m.voxels()) <= 1) {
            return kernels.countVotes(m, 0, m.voxels(), hist);
        }
        return histogram(m.voxels(), new long[][] {hist}, (from, to, t) -> kernels.countVotes(m, from, to, t[0]),
                sums(1, length));
    }

    @Override
    public long countFloats(Marginal m, long[] counts, long[] sumHigh, long[] sumLow, BlockRanges ranges) {
        ranges.reset(m.voxels());
        if (chunks(m.voxels()) <= 1) {
            return kernels.countFloats(m, 0, m.voxels(), counts, sumHigh, sumLow, ranges);
        }
        int bins = topBins(m);
        return histogram(m.voxels(), new long[][] {counts, sumHigh, sumLow},
                (from, to, t) -> kernels.countFloats(m, from, to, t[0], t[1], t[2], ranges), sums(3, bins));
    }

    @Override
    public boolean refinesWhileCounting() {
        return true;
    }

    /** One pass for both (see {@link PassBackend#countAndRefineFloats}). */
    @Override
    public long countAndRefineFloats(Marginal m, long[] counts, long[] sumHigh, long[] sumLow, BlockRanges ranges,
                                     int[] shifts, long[] prefixes, int k, long[] refineCounts, long[] refineHigh,
                                     long[] refineLow, long[] occupied) {
        ranges.reset(m.voxels());
        if (chunks(m.voxels()) <= 1) {
            return kernels.countAndRefineFloats(m, 0, m.voxels(), counts, sumHigh, sumLow, ranges, shifts, prefixes, k,
                    refineCounts, refineHigh, refineLow, occupied);
        }
        Merge top = sums(3, topBins(m));
        return histogram(m.voxels(), new long[][] {counts, sumHigh, sumLow, refineCounts, refineHigh, refineLow, occupied},
                (from, to, t) -> kernels.countAndRefineFloats(m, from, to, t[0], t[1], t[2], ranges, shifts, prefixes, k,
                        t[3], t[4], t[5], t[6]),
                (own, into) -> {
                    top.into(own, into);
                    mergeOccupied(own, into, 3);
                });
    }

    /** Top-level bins that valid keys can fill: they end at 1.0's. */
    private static int topBins(Marginal m) {
        FloatFormat format = Keys.format(m);
        return (int) (format.maxKey >>> (format.width - 16)) + 1;
    }

    @Override
    public void refineFloats(Marginal m, int[] shifts, long[] prefixes, int k, long[] counts, long[] sumHigh,
                             long[] sumLow, long[] occupied, BlockRanges ranges) {
        if (chunks(m.voxels()) <= 1) {
            kernels.refineFloats(m, 0, m.voxels(), shifts, prefixes, k, counts, sumHigh, sumLow, occupied, ranges);
            return;
        }
        histogram(m.voxels(), new long[][] {counts, sumHigh, sumLow, occupied}, (from, to, t) -> {
            kernels.refineFloats(m, from, to, shifts, prefixes, k, t[0], t[1], t[2], t[3], ranges);
            return -1;
        }, (own, into) -> mergeOccupied(own, into, 0));
    }

    @Override
    public boolean summarizes() {
        return true;
    }

    /** {@link Kernels#summarize} on every pool thread, each into its own summary, merged exactly. */
    @Override
    public long summarize(Marginal m, LevelSummary summary) {
        if (chunks(m.voxels()) <= 1) {
            return kernels.summarize(m, 0, m.voxels(), summary);
        }
        return claimRanges(m.voxels(), () -> {
            LevelSummary own = threadSummaries.get();
            own.setRequest(summary);
            return own;
        }, (from, to, own) -> kernels.summarize(m, from, to, own), summary::merge, summary);
    }

    private final ThreadLocal<LevelSummary> threadSummaries = ThreadLocal.withInitial(() -> new LevelSummary(0));

    /**
     * {@link Kernels#select}: chunks in parallel when every voxel at {@code level} is taken; with a
     * finite quota the lowest-index-first rule makes it one sequential pass.
     */
    @Override
    public void select(Marginal m, long level, long quota, BitMask out) {
        if (quota != Long.MAX_VALUE) {
            kernels.select(m, 0, m.voxels(), level, quota, out);
            return;
        }
        split(m.voxels(), (from, to) -> {
            kernels.select(m, from, to, level, quota, out);
            return Boolean.TRUE;
        });
    }

    /** One {@link ReadPass} over every byte of m, split like the other passes. */
    @Override
    public long readPass(Marginal m) {
        long bytesPerVoxel = m.elementType().byteSize();
        long total = 0;
        for (java.lang.foreign.MemorySegment s : m.segments()) {
            for (long part : split(m.voxels(), (from, to) -> ReadPass.sum(s, from * bytesPerVoxel, to * bytesPerVoxel))) {
                total += part;
            }
        }
        return total;
    }

}
