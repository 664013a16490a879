package org.segopt.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
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

    /** Runs {@code task} for 0 .. tasks − 1 on the pool (on the calling thread without one) and waits for every one. */
    void forEach(int tasks, IntConsumer task) {
        if (pool == null || tasks <= 1) {
            for (int t = 0; t < tasks; t++) {
                task.accept(t);
            }
            return;
        }
        List<Future<Object>> futures = new ArrayList<>(tasks);
        for (int t = 0; t < tasks; t++) {
            int index = t;
            futures.add(pool.submit(() -> {
                task.accept(index);
                return null;
            }));
        }
        Tasks.join(futures);
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
     * Runs a pass on every pool thread: each claims ranges of {@link #grain} voxels one after
     * another until none is left, so that a thread whose ranges hold little border takes more of
     * them (the border of a volume is not spread evenly: on the jmh phantom one half of the
     * slices holds 58 % of the mixed blocks). Each task fills its pool thread's own state (from
     * {@code own}: kept between calls, zero between uses) and merges it under {@code lock} before
     * it ends, so concurrent callers never share a thread's tables. (With one chunk the callers
     * write straight into their tables instead.) A task stops at its first invalid voxel; ranges
     * are claimed in order, so the smallest index reported is the first invalid voxel.
     */
    private <T> long claimRanges(long n, Supplier<T> own, RangePass<T> pass, Consumer<T> merge, Object lock) {
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

    /** A pool thread's tables for float passes, zero between uses. */
    private static final class FloatTables {
        final FloatHistogram top = new FloatHistogram();
        final Refinement refinement = new Refinement();
        long[] votes = new long[0];
    }

    private final ThreadLocal<FloatTables> threadTables = ThreadLocal.withInitial(FloatTables::new);
    private final ThreadLocal<PatternCounts> threadPatterns = ThreadLocal.withInitial(PatternCounts::new);
    private final ThreadLocal<LevelSummary> threadSummaries = ThreadLocal.withInitial(() -> new LevelSummary(0));

    @Override
    public long countVotes(Marginal m, long[] hist) {
        if (chunks(m.voxels()) <= 1) {
            return kernels.countVotes(m, 0, m.voxels(), hist);
        }
        int levels = m.raters() + 1;
        return claimRanges(m.voxels(), () -> {
            FloatTables t = threadTables.get();
            if (t.votes.length < levels) {
                t.votes = new long[levels];
            }
            return t.votes;
        }, (from, to, own) -> kernels.countVotes(m, from, to, own), own -> {
            for (int c = 0; c < levels; c++) {
                hist[c] += own[c];
                own[c] = 0;
            }
        }, hist);
    }

    @Override
    public long countFloats(Marginal m, FloatHistogram top, Refinement guesses) {
        BlockRanges ranges = top.ranges();
        ranges.reset(m.voxels());
        if (chunks(m.voxels()) <= 1) {
            return kernels.countFloats(m, 0, m.voxels(), top, ranges, guesses);
        }
        int bins = topBins(m);
        boolean refine = guesses != null && guesses.bins() > 0;
        return claimRanges(m.voxels(), () -> {
            FloatTables t = threadTables.get();
            if (refine) {
                t.refinement.setBins(guesses);
            }
            return t;
        }, (from, to, own) -> kernels.countFloats(m, from, to, own.top, ranges, refine ? own.refinement : null), own -> {
            own.top.addTo(top, bins);
            if (refine) {
                own.refinement.addTo(guesses);
            }
        }, top);
    }

    @Override
    public boolean refinesWhileCounting() {
        return true;
    }

    /** Top-level bins that valid keys can fill: they end at 1.0's. */
    private static int topBins(Marginal m) {
        FloatFormat format = Keys.format(m);
        return (int) (format.maxKey >>> (format.width - 16)) + 1;
    }

    @Override
    public void refineFloats(Marginal m, Refinement refinement, BlockRanges ranges) {
        if (chunks(m.voxels()) <= 1) {
            kernels.refineFloats(m, 0, m.voxels(), refinement, ranges);
            return;
        }
        claimRanges(m.voxels(), () -> {
            FloatTables t = threadTables.get();
            t.refinement.setBins(refinement);
            return t.refinement;
        }, (from, to, own) -> {
            kernels.refineFloats(m, from, to, own, ranges);
            return -1;
        }, own -> own.addTo(refinement), refinement);
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

    /** {@link Kernels#countPatterns} on every pool thread, each into its own counts, merged exactly. */
    @Override
    public void countPatterns(Marginal m, PatternCounts counts) {
        if (chunks(m.voxels()) <= 1) {
            kernels.countPatterns(m, 0, m.voxels(), counts);
            return;
        }
        claimRanges(m.voxels(), threadPatterns::get, (from, to, own) -> {
            kernels.countPatterns(m, from, to, own);
            return -1;
        }, counts::absorb, counts);
    }

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
