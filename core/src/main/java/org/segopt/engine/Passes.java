package org.segopt.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.segopt.BitMask;
import org.segopt.Marginal;

/**
 * Runs {@link Kernels} passes over a whole marginal, split into chunks over a fixed pool of
 * threads, each chunk with its own histogram, merged at the end. Integer histograms merge exactly,
 * so the result is bit-identical to one thread.
 */
final class Passes {
    /** Chunks are multiples of this many voxels (whole bit-mask words, whole vectors). */
    private static final long ALIGN = 4096;
    /** Below this many voxels per thread, splitting costs more than it saves. */
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
        this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "segopt-pass");
            t.setDaemon(true);
            return t;
        });
    }

    int threads() {
        return threads;
    }

    /** A pass over [from, to) of one chunk, producing a partial result. */
    @FunctionalInterface
    private interface ChunkPass<T> {
        T run(long from, long to);
    }

    /** Splits [0, n) into at most {@code threads} aligned chunks and runs {@code pass} on each. */
    private <T> List<T> split(long n, ChunkPass<T> pass) {
        long chunks = Math.min(threads, Math.max(1, n / MIN_CHUNK));
        if (chunks <= 1 || pool == null) {
            return List.of(pass.run(0, n));
        }
        long size = (n / chunks + ALIGN - 1) / ALIGN * ALIGN;
        List<Future<T>> futures = new ArrayList<>();
        for (long from = 0; from < n; from += size) {
            long start = from;
            long end = Math.min(n, from + size);
            futures.add(pool.submit(() -> pass.run(start, end)));
        }
        List<T> results = new ArrayList<>(futures.size());
        for (Future<T> f : futures) {
            try {
                results.add(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException(e.getCause());
            }
        }
        return results;
    }

    private record Partial(long firstBad, long[][] tables) {
    }

    /** {@link Kernels#countVotes} over all voxels; returns the first invalid voxel or −1. */
    long countVotes(Marginal m, long[] hist) {
        List<Partial> parts = split(m.voxels(), (from, to) -> {
            long[] h = new long[hist.length];
            return new Partial(kernels.countVotes(m, from, to, h), new long[][] {h});
        });
        return merge(parts, hist);
    }

    /** {@link Kernels#countFloats} over all voxels; returns the first invalid voxel or −1. */
    long countFloats(Marginal m, long[] counts, long[] sumHigh, long[] sumLow) {
        List<Partial> parts = split(m.voxels(), (from, to) -> {
            long[] c = new long[counts.length];
            long[] h = new long[sumHigh.length];
            long[] l = new long[sumLow.length];
            return new Partial(kernels.countFloats(m, from, to, c, h, l), new long[][] {c, h, l});
        });
        return merge(parts, counts, sumHigh, sumLow);
    }

    /** {@link Kernels#refineFloats} over all voxels. */
    void refineFloats(Marginal m, int[] shifts, long[] prefixes, long[] counts, long[] sumHigh, long[] sumLow) {
        List<Partial> parts = split(m.voxels(), (from, to) -> {
            long[] c = new long[counts.length];
            long[] h = new long[sumHigh.length];
            long[] l = new long[sumLow.length];
            kernels.refineFloats(m, from, to, shifts, prefixes, c, h, l);
            return new Partial(-1, new long[][] {c, h, l});
        });
        merge(parts, counts, sumHigh, sumLow);
    }

    /**
     * {@link Kernels#select}: chunks in parallel when every voxel at {@code level} is taken; with a
     * finite quota the lowest-index-first rule makes it one sequential pass.
     */
    void select(Marginal m, long level, long quota, BitMask out) {
        if (quota != Long.MAX_VALUE) {
            kernels.select(m, 0, m.voxels(), level, quota, out);
            return;
        }
        split(m.voxels(), (from, to) -> {
            kernels.select(m, from, to, level, quota, out);
            return Boolean.TRUE;
        });
    }

    /** One {@link ReadPass} over every byte of m, split like the other passes; returns a checksum. */
    long readPass(Marginal m) {
        long bytesPerVoxel = m.elementType().byteSize();
        long total = 0;
        for (java.lang.foreign.MemorySegment s : m.segments()) {
            for (long part : split(m.voxels(), (from, to) -> ReadPass.sum(s, from * bytesPerVoxel, to * bytesPerVoxel))) {
                total += part;
            }
        }
        return total;
    }

    private static long merge(List<Partial> parts, long[]... into) {
        long firstBad = -1;
        for (Partial p : parts) {
            if (p.firstBad >= 0 && (firstBad < 0 || p.firstBad < firstBad)) {
                firstBad = p.firstBad;
            }
            for (int t = 0; t < into.length; t++) {
                long[] src = p.tables[t];
                long[] dst = into[t];
                for (int i = 0; i < dst.length; i++) {
                    dst[i] += src[i];
                }
            }
        }
        return firstBad;
    }
}
