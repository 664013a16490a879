package org.segopt.engine;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.segopt.Encoding;
import org.segopt.Marginal;

/**
 * Analyses float marginals from one summary pass (see {@link LevelSummary}) instead of histograms:
 * it brackets the places where the decisions fall (τ* and the Theorem 4 cut; ½ is a fixed cut),
 * runs the pass, and loads the {@link LevelTable} with exact levels inside the brackets and exact
 * ranges between them. The {@link Solver} then either decides everything, and the call read the
 * data once, or finds a decision inside a range (a bracket missed), and the caller falls back to
 * histograms. Results never depend on the brackets, only the time does. It brackets Dice's τ*
 * only: the optima of other metrics ({@link Engine#optimum}) come from histograms.
 *
 * <p>Where the brackets come from: the previous call's exact τ* and cut (a training loop, a
 * benchmark), or else (float32, float64) an estimate from a sample of 1/64 of the voxels (at most
 * 2^19), in blocks of 64 at positions jittered by a hash so that no stride lines up with image
 * rows. A float16 call without such brackets counts its bit patterns instead, all values below
 * 2^−13 lumped into one exact range ({@link PatternCounts}): one pass that needs no sample. Owns
 * its tables and reuses them; not thread-safe.
 */
final class Summarizer {
    /** Most voxels one bracket may capture (8 MB of keys; the buffers grow only as needed). */
    static final int CAPACITY = 1 << 20;
    /** Relative half-width of a bracket around the previous call's τ* or cut. */
    private static final double GUESS_WIDTH = 0.015;
    /**
     * Relative half-width of the τ* bracket around a sample's estimate, at least: 5-20 times the
     * error jmh's {@code SummaryPieces} shows on the soft phantom volumes and patch (0.05-0.22 %,
     * jmh/README.md); a sample with few values above its τ* widens it by 1 / √(that many).
     */
    private static final double SAMPLE_TAU_WIDTH = 0.01;
    /** Voxels per sampled block, and one block sampled out of this many. */
    private static final int SAMPLE_BLOCK = 64;
    /** Below this many voxels the sample is the whole marginal. */
    private static final long SAMPLE_ALL = 1 << 16;
    /** Sample bins: the top 16 bits of the float32 pattern, 128 per binade, up to 1.0. */
    private static final int BINS = (0x3F80_0000 >>> 16) + 1;
    /** Sampled values below 2^−20 (this bin) are not binned: they can hold neither τ* nor a cut. */
    private static final int TINY_BIN = Float.floatToRawIntBits(0x1p-20f) >>> 16;
    /** Constant layouts, so that the sample's reads compile to plain loads. */
    private static final ValueLayout.OfInt INTS = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong LONGS = ValueLayout.JAVA_LONG_UNALIGNED;

    private final PassBackend passes;
    private final LevelSummary summary = new LevelSummary(CAPACITY);
    private final long[] cuts = new long[LevelSummary.MAX_CUTS];
    private final long[] los = new long[LevelSummary.MAX_BRACKETS];
    private final long[] his = new long[LevelSummary.MAX_BRACKETS];

    /** The previous call's exact τ* and cut value, or NaN; and the encoding they are of. */
    private double lastTau = Double.NaN;
    private double lastCut = Double.NaN;
    private Encoding lastEncoding;

    /** The estimates of the current call (see {@link #estimate}). */
    private double tau;
    private double sampleTauWidth;
    private double cut;
    private double cutLow;
    private double cutHigh;

    Summarizer(PassBackend passes) {
        this.passes = passes;
        this.samples = new Sample[passes instanceof Passes p ? p.threads() : 1];
        for (int t = 0; t < samples.length; t++) {
            samples[t] = new Sample();
        }
    }

    /**
     * Whether to analyse m from a summary: a float32, float64 or float16 marginal, on a backend
     * with a summary pass, unless most of it is uniform. A volume that is mostly exact zeros and
     * ones (a thresholded or clean label map, the jmh phantom) is cheaper by histograms, whose
     * first pass counts a uniform block after one vector scan; a network's soft output has no
     * such blocks. Decided by the previous call's outcome, or else by {@value #PROBES} probes of
     * 64 voxels at jittered positions (16 Ki reads, against a pass over every voxel).
     */
    boolean serves(Marginal m) {
        Encoding e = m.encoding();
        if ((e != Encoding.FLOAT32 && e != Encoding.FLOAT64 && e != Encoding.FLOAT16) || !passes.summarizes()) {
            return false;
        }
        return (lastEncoding == e && !Double.isNaN(lastTau)) || !mostlyUniform(m);
    }

    /** Probes of the uniformity test. */
    private static final int PROBES = 256;

    /**
     * Whether most of {@value #PROBES} blocks of 64 voxels spread over m hold one bit pattern
     * each; for float16, most of those not all 0, as its pattern pass and summary add blocks of
     * zeros (an underflowed background) with an OR and an add.
     */
    private static boolean mostlyUniform(Marginal m) {
        long n = m.voxels();
        if (n < (long) PROBES * SAMPLE_BLOCK) {
            return false;
        }
        KeyReader keys = KeyReader.of(m);
        boolean f16 = m.encoding() == Encoding.FLOAT16;
        long stride = n / PROBES;
        int probed = 0;
        int uniform = 0;
        for (int p = 0; p < PROBES; p++) {
            long first = p * stride + jitter(p, SAMPLE_BLOCK) * (stride - SAMPLE_BLOCK) / SAMPLE_BLOCK;
            long key = keys.key(first);
            boolean same = true;
            for (long i = first + 1; i < first + SAMPLE_BLOCK && same; i++) {
                same = keys.key(i) == key;
            }
            boolean zeros = f16 && same && key == 0;
            probed += zeros ? 0 : 1;
            uniform += same && !zeros ? 1 : 0;
        }
        return 2 * uniform > probed;
    }

    /**
     * Runs one summary pass of m and loads {@code table} from it, bracketing τ* and, for
     * {@code volume} ≥ 0 or −1 (the default volume ⌊M + ½⌋) unless {@code cutNeeded} is false,
     * the Theorem 4 cut; a float16 call without the previous call's brackets runs a pattern
     * pass instead ({@link #countPatterns}).
     *
     * @return false when a bracket held too many voxels (the table is then not loaded)
     * @throws org.segopt.InvalidMarginalException at the first voxel whose value is not in [0, 1]
     */
    private boolean summarize(Marginal m, LevelTable table, long volume, boolean cutNeeded) {
        boolean guessed = !Double.isNaN(lastTau) && lastEncoding == m.encoding()
                && (!cutNeeded || !Double.isNaN(lastCut)) && volume < 0;
        if (m.encoding() == Encoding.FLOAT16 && (!guessed || patternsPay)) {
            countPatterns(m, table);
            return true;
        }
        if (guessed) {
            tau = lastTau;
            cut = lastCut;
            cutLow = cut * (1 - GUESS_WIDTH);
            cutHigh = cut * (1 + GUESS_WIDTH);
        } else {
            estimate(m, volume);
        }
        double tauWidth = guessed ? GUESS_WIDTH : sampleTauWidth;
        plan(Keys.format(m), tau * (1 - tauWidth), tau * (1 + tauWidth), cutNeeded ? cutLow : Double.NaN, cutHigh);
        long bad = passes.summarize(m, summary);
        if (bad >= 0) {
            throw Validation.invalid(m, bad);
        }
        if (summary.overflowed()) {
            forget();
            return false;
        }
        table.loadSummary(m, summary);
        return true;
    }

    /** A float16 call's pattern counts: allocated on the first such call, zero between uses. */
    private PatternCounts patterns;
    /**
     * Whether the last pattern pass lumped at least a quarter of the voxels: then the next float16
     * call takes a pattern pass again rather than the summary, which costs more on such outputs
     * (one thread, jmh's {@code HotMethods}: soft float16 N = 100, confident / uncertain, 6.8-8.2 /
     * 7.2-8.7 ms against 7.4-9.4 / 8.5-9.8; the calibrator on the uncertain 128³ patch, 36 % of
     * its groups lumped, 1.06-1.12 ms against 1.42-1.68); on a dense output (no values below
     * 2^−13) the summary costs less (two threads: 6.8-7.2 ms against 8.0).
     */
    private boolean patternsPay;
    /** Whether the table holds the current call's pattern counts, and which of its blocks are loaded exact (a bit set). */
    private boolean patternsLoaded;
    private final long[] exactBlocks = new long[(LevelTable.PATTERN_BLOCKS + 63) / 64];

    /**
     * A float16 call without brackets, or after a pass that lumped a quarter of the voxels: one pattern pass
     * ({@link PatternCounts}), whose lump of values below 2^−13 becomes a range level; no sample,
     * which would cost more than it saves.
     */
    private void countPatterns(Marginal m, LevelTable table) {
        if (patterns == null) {
            patterns = new PatternCounts();
        }
        passes.countPatterns(m, patterns);
        patternsLoaded = true;
        try {
            Histogrammer.requireValidPatterns(passes, m, patterns.counts());
            patternsPay = 4 * patterns.lumpedVoxels() >= m.voxels();
            table.loadPatterns(m, patterns, exactBlocks, false);
        } catch (RuntimeException e) { // an invalid voxel or a broken backend: the next call starts from zero
            clearPatterns();
            throw e;
        }
    }

    /** {@link #solve}'s answer when the summary could not decide everything. */
    static final long NOT_SOLVED = Long.MIN_VALUE;

    /**
     * Runs one summary pass of m and leaves {@code solver} ready over {@code table} with every
     * decision exact, or says it could not (a bracket overflowed or missed: the caller
     * histograms). For the engine ({@code calibrating} false) it brackets the Theorem 4 cut at
     * {@code volume} (−1: ⌊M + ½⌋); the calibrator needs no cut but the smallest value ≥ τ*,
     * which must then be a level of its own, not a range. After a float16 pattern pass, the
     * blocks of patterns such decisions fall into are loaded exact and solved again, without
     * reading the data. A solved call's τ* and cut are the next call's brackets.
     *
     * @return the Theorem 4 volume decided on (−1 when calibrating), or {@link #NOT_SOLVED}
     */
    long solve(Marginal m, LevelTable table, Solver solver, long volume, boolean calibrating, int[] unresolved) {
        if (!summarize(m, table, volume, !calibrating)) {
            return NOT_SOLVED;
        }
        solver.solve(table, null);
        for (;;) {
            long target = calibrating ? -1 : volume >= 0 ? volume : solver.defaultVolume();
            int k = solver.unresolved(target, unresolved);
            int greatest = solver.lastAboveThreshold(false);
            if (calibrating && greatest >= 0 && !table.exact(greatest) && k < unresolved.length) {
                unresolved[k++] = greatest;
            }
            if (k == 0) {
                clearPatterns();
                remember(m, solver, target);
                return target;
            }
            if (!loadExactBlocks(m, table, unresolved, k)) {
                clearPatterns();
                forget();
                return NOT_SOLVED;
            }
            solver.solve(table, null); // its exact mass again: a reload may change the table's denominator
        }
    }

    /**
     * After a pattern pass: reloads {@code table} with the blocks of levels {@code indices[0..k)}
     * exact (see {@link LevelTable#loadPatterns}), unless one of them is the lump, whose
     * patterns the pass did not keep; false then, and after a summary pass, whose ranges cannot
     * be split.
     */
    private boolean loadExactBlocks(Marginal m, LevelTable table, int[] indices, int k) {
        if (!patternsLoaded) {
            return false;
        }
        boolean more = false; // a block not yet exact: without one, reloading would loop
        for (int j = 0; j < k; j++) {
            long first = table.keyLo[indices[j]];
            if (first < PatternCounts.LUMPED_BELOW) {
                return false;
            }
            int word = (int) (first >>> (LevelTable.PATTERN_BLOCK_BITS + 6));
            long bit = 1L << (first >>> LevelTable.PATTERN_BLOCK_BITS);
            more |= (exactBlocks[word] & bit) == 0;
            exactBlocks[word] |= bit;
        }
        if (!more) {
            clearPatterns();
            throw new IllegalStateException("a float16 block loaded exact is still a range");
        }
        table.loadPatterns(m, patterns, exactBlocks, true);
        return true;
    }

    /** Zeroes the pattern counts and the exact blocks after a call that loaded them. */
    private void clearPatterns() {
        if (patternsLoaded) {
            patterns.clear();
            Arrays.fill(exactBlocks, 0);
            patternsLoaded = false;
        }
    }

    /**
     * Keeps the exact τ* and the value at {@code target} (none for target −1) of a solved call,
     * by this summarizer or (after a miss) by histograms, as the next call's brackets.
     */
    void remember(Marginal m, Solver solver, long target) {
        lastEncoding = m.encoding();
        lastTau = solver.threshold();
        lastCut = solver.valueAtVolume(target);
    }

    /**
     * τ*, the Theorem 4 cut at the default volume and that cut's bracket [low, high], as a first
     * call's sample estimates them: to measure the sample (jmh's {@code SummaryPieces}).
     *
     * @throws IllegalArgumentException for a float16 marginal, which is never sampled
     */
    double[] sampledEstimates(Marginal m) {
        if (m.encoding() == Encoding.FLOAT16) {
            throw new IllegalArgumentException("float16 marginals are not sampled");
        }
        estimate(m, -1);
        return new double[] {tau, cut, cutLow, cutHigh};
    }

    /** The last pass's request and results (jmh's {@code SummaryPieces} times the pass alone with it). */
    LevelSummary summary() {
        return summary;
    }

    /**
     * Forgets the last call: the next one samples (float16: takes a pattern pass), and a float16
     * call after the next takes the summary, not another pattern pass that may miss again.
     */
    void forget() {
        lastTau = Double.NaN;
        lastCut = Double.NaN;
        patternsPay = false;
    }

    /**
     * Sets the request: cuts at ½ and just above it, brackets [tauLow, tauHigh) and (unless
     * cutLow is NaN) [cutLow, cutHigh), merged where they overlap, each ending at a cut; no cut
     * inside a bracket. Brackets ending at or below the vector kernels' least cut
     * ({@link LevelSummary#LEAST_VECTOR_CUT_F32}) are left out (a Solver decision there falls back).
     */
    private void plan(FloatFormat f, double tauLow, double tauHigh, double cutLow, double cutHigh) {
        long minCut = switch (f) {
            case F32 -> LevelSummary.LEAST_VECTOR_CUT_F32;
            case F64 -> LevelSummary.LEAST_VECTOR_CUT_F64;
            default -> 1; // float16: every sum is exact in the vector kernel's int lanes
        };
        int brackets = 0;
        brackets = addBracket(f, tauLow, tauHigh, minCut, brackets);
        if (!Double.isNaN(cutLow)) {
            brackets = addBracket(f, cutLow, cutHigh, minCut, brackets);
        }
        if (brackets == 2 && los[1] < his[0] && los[0] < his[1]) { // overlapping: one bracket
            los[0] = Math.min(los[0], los[1]);
            his[0] = Math.max(his[0], his[1]);
            brackets = 1;
        }
        long half = f.keyNear(0.5); // ½ is a float: no rounding
        int n = 0;
        n = addCut(half, brackets, n);
        n = addCut(half + 1, brackets, n);
        for (int j = 0; j < brackets; j++) {
            n = addCut(his[j], brackets, n);
        }
        Arrays.sort(cuts, 0, n);
        int distinct = 0;
        for (int i = 0; i < n; i++) {
            if (distinct == 0 || cuts[i] != cuts[distinct - 1]) {
                cuts[distinct++] = cuts[i];
            }
        }
        summary.setCuts(cuts, distinct);
        summary.setBrackets(los, his, brackets);
    }

    /**
     * Adds the bracket of the keys of [low, high] (as floats, high at most just past 1) unless it
     * is empty or ends at or below {@code minCut}, the least key a cut may have.
     */
    private int addBracket(FloatFormat f, double low, double high, long minCut, int brackets) {
        long hi = Math.min(f.keyNear(high) + 1, f.maxKey + 1);
        if (!(low < high) || hi <= minCut) {
            return brackets;
        }
        los[brackets] = Math.min(f.keyNear(Math.max(low, 0)), hi - 1);
        his[brackets] = hi;
        return brackets + 1;
    }

    /** Adds a cut unless it lies strictly inside a bracket (whose keys the pass captures anyway). */
    private int addCut(long key, int brackets, int n) {
        for (int j = 0; j < brackets; j++) {
            if (key > los[j] && key < his[j]) {
                return n;
            }
        }
        cuts[n] = key;
        return n + 1;
    }

    /**
     * Estimates τ* and the cut at {@code volume} (the default when −1) from a sample: an
     * approximate histogram on the top 16 bits of each sampled value's float32 pattern. The cut
     * bracket spans the sample's values at the target rank, give or take its error (below).
     */
    private void estimate(Marginal m, long volume) {
        long n = m.voxels();
        boolean f32 = m.encoding() == Encoding.FLOAT32;
        long perGroup = (n + MAX_GROUPS - 1) / MAX_GROUPS; // at most MAX_GROUPS groups
        long step = n <= SAMPLE_ALL ? SAMPLE_BLOCK
                : Math.max((long) SAMPLE_BLOCK * SAMPLE_BLOCK, (perGroup + SAMPLE_BLOCK - 1) / SAMPLE_BLOCK * SAMPLE_BLOCK);
        long groups = (n + step - 1) / step;
        int tasks = groups * SAMPLE_BLOCK >= PARALLEL_SAMPLE ? samples.length : 1;
        if (tasks == 1) {
            samples[0].take(m, f32, step, 0, groups);
        } else { // the pass's threads would wait for the sample: they take a share each
            ((Passes) passes).forEach(tasks, t -> samples[t].take(m, f32, step, groups * t / tasks, groups * (t + 1) / tasks));
            for (int t = 1; t < tasks; t++) {
                samples[0].absorb(samples[t]);
            }
        }
        Sample sample = samples[0];
        long[] sampleCounts = sample.counts;
        double[] sampleSums = sample.sums;
        long sampled = sample.sampled;
        double scale = sampled == 0 ? 0 : (double) n / sampled;
        double mass = sample.tinyMass;
        for (int b = TINY_BIN; b < BINS; b++) {
            mass += sampleSums[b];
        }
        mass *= scale;
        double target = volume >= 0 ? volume : Math.floor(mass + 0.5);
        // The cut's rank: one binomial standard error of the sample's count (the sample is
        // stratified, one block per group, so its real error is smaller) and 0.5 % for M. On the
        // soft phantoms the sample's cut lies 0.02-0.4 % from the exact one (N = 100, 300) and
        // 2.9-4.6 % on 128³ patches, inside brackets of −3.5..−14 % / +2.6..+6.4 % around it
        // (jmh's SummaryPieces prints both for a file).
        double spread = 1.0 * Math.sqrt(Math.max(1, target * scale)) + 0.005 * target;
        double k = 0;
        double sum = 0;
        double best = 0;
        tau = Double.NaN;
        cutLow = Double.NaN;
        cutHigh = Double.NaN;
        cut = Double.NaN;
        for (int b = BINS - 1; b >= TINY_BIN; b--) {
            long c = sampleCounts[b];
            if (c == 0) {
                continue;
            }
            double lo = Float.intBitsToFloat(b << 16);
            double hi = Float.intBitsToFloat((b << 16) | 0xFFFF);
            double before = k;
            k += c * scale;
            sum += sampleSums[b] * scale;
            double d = 2 * sum / (k + mass);
            if (d > best) {
                best = d;
                tau = d / 2;
                sampleTauWidth = SAMPLE_TAU_WIDTH + 1 / Math.sqrt(k / Math.max(scale, 1));
            }
            if (before < target + spread && k >= target - spread && target > 0) {
                cutHigh = Double.isNaN(cutHigh) ? hi : cutHigh;
                cutLow = lo;
            }
            if (before < target && k >= target) {
                cut = (lo + hi) / 2;
            }
            sampleCounts[b] = 0;
            sampleSums[b] = 0;
        }
        if (Double.isNaN(tau)) { // an all-zero sample: ½ decides, and a pass proves M = 0 or falls back
            tau = 0.5;
            sampleTauWidth = SAMPLE_TAU_WIDTH;
        }
    }

    /**
     * The fewest sampled voxels the pass threads share (2^17: a volume of 2^23 voxels and more);
     * a smaller sample stays on the calling thread, where handing it off would cost more than it
     * takes (a 65 536-voxel input's first call went from 0.41-0.66 to 0.70-0.91 ms when its
     * whole-input sample went to two threads).
     */
    private static final long PARALLEL_SAMPLE = 1 << 17;

    /** One share of the sample per pass thread (a thread of the pass's pool fills each). */
    private final Sample[] samples;

    /**
     * A share of the sample: the groups it read, binned on the top 16 bits of each value's
     * float32 pattern (128 bins per binade), with the count and sum of each bin and the mass of
     * the values below 2^−20, which the bins leave out (estimates: double sums).
     */
    private static final class Sample {
        final long[] counts = new long[BINS];
        final double[] sums = new double[BINS];
        double tinyMass;
        long sampled;
        private final int[] gathered32 = new int[GATHER * SAMPLE_BLOCK];
        private final long[] gathered64 = new long[GATHER * SAMPLE_BLOCK];
        private final MemorySegment heap32 = MemorySegment.ofArray(gathered32);
        private final MemorySegment heap64 = MemorySegment.ofArray(gathered64);

        /** Samples groups [from, to) of the float32 or float64 m, {@code step} voxels each, one block of each (its bins must be clear). */
        void take(Marginal m, boolean f32, long step, long from, long to) {
            long n = m.voxels();
            MemorySegment s = m.segments().getFirst();
            ValueLayout.OfInt ints = INTS.withOrder(m.byteOrder());
            ValueLayout.OfLong longs = LONGS.withOrder(m.byteOrder());
            boolean nativeOrder = m.byteOrder().equals(ByteOrder.nativeOrder());
            int bytes = f32 ? Float.BYTES : Double.BYTES;
            tinyMass = 0;
            sampled = 0;
            for (long batch = from; batch < to; batch += GATHER) {
                int filled = 0;
                for (long group = batch; group < Math.min(to, batch + GATHER); group++) {
                    long first = group * step + (step == SAMPLE_BLOCK ? 0 : jitter(group, step / SAMPLE_BLOCK) * SAMPLE_BLOCK);
                    int length = (int) Math.max(0, Math.min(n, first + SAMPLE_BLOCK) - first);
                    if (length == 0) {
                        continue; // the last group's block may start past the end
                    }
                    // Native order: a plain byte copy. The copy through a layout cost about as
                    // much again as the memory it reads (SummaryPieces, "of which the sample", on
                    // the soft-confident float32 volume: 1.9-2.0 ms of one thread, 1.1-1.6 ms as bytes).
                    if (nativeOrder) {
                        MemorySegment.copy(s, first * bytes, f32 ? heap32 : heap64, (long) filled * bytes,
                                (long) length * bytes);
                    } else if (f32) {
                        MemorySegment.copy(s, ints, first * Float.BYTES, gathered32, filled, length);
                    } else {
                        MemorySegment.copy(s, longs, first * Double.BYTES, gathered64, filled, length);
                    }
                    filled += length;
                }
                if (f32) {
                    sample32(filled);
                } else {
                    sample64(filled);
                }
                sampled += filled;
            }
        }

        /** Adds other's bins, tiny mass and count into these, and clears other's bins. */
        void absorb(Sample other) {
            for (int b = TINY_BIN; b < BINS; b++) {
                counts[b] += other.counts[b];
                sums[b] += other.sums[b];
                other.counts[b] = 0;
                other.sums[b] = 0;
            }
            tinyMass += other.tinyMass;
            sampled += other.sampled;
        }

        /**
         * Bins the first {@code count} gathered float32 patterns: a value below 2^−20 (its
         * pattern's top 16 bits below {@link #TINY_BIN}) only adds to {@link #tinyMass}, an
         * invalid one (the pass reports it) is left out.
         */
        private void sample32(int count) {
            double tiny = 0;
            for (int i = 0; i < count; i++) {
                int bits = gathered32[i];
                if ((bits >>> 16) < TINY_BIN) {
                    tiny += Float.intBitsToFloat(bits);
                } else {
                    bin32(bits);
                }
            }
            tinyMass += tiny;
        }

        /** As {@link #sample32} for gathered float64 values, binned by their float32 rounding. */
        private void sample64(int count) {
            double tiny = 0;
            for (int i = 0; i < count; i++) {
                float v = (float) Double.longBitsToDouble(gathered64[i]);
                int bits = Float.floatToRawIntBits(v);
                if ((bits >>> 16) < TINY_BIN) {
                    tiny += v;
                } else {
                    bin32(bits);
                }
            }
            tinyMass += tiny;
        }

        /** Adds a sampled float32 pattern of at least 2^−20 to its bin, unless it is invalid (or −0.0). */
        private void bin32(int bits) {
            int bin = bits >>> 16;
            if (bin < BINS) {
                counts[bin]++;
                sums[bin] += Float.intBitsToFloat(bits);
            }
        }
    }

    /**
     * Sampled blocks a {@link Sample} copies at a time into its buffer before it bins them: the
     * copies' reads overlap, where a loop that bins each block as it reads it waits for memory
     * block after block (the blocks lie 16 KB apart).
     */
    private static final int GATHER = 64;

    /** Which of the {@code blocks} blocks of a group is sampled (a 64-bit mix of the group). */
    private static long jitter(long group, long blocks) {
        long z = group * 0x9E37_79B9_7F4A_7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return Long.remainderUnsigned(z ^ (z >>> 31), blocks);
    }

    /**
     * The most groups of a sample, one block sampled from each: 2^13 blocks, 2^19 voxels, 1/64 of
     * a volume of 2^25 voxels; a larger volume has larger groups. A sample's error depends on
     * its size, not on the volume's: on the soft 512×512×300 volume (78.6 M voxels) 8192 groups
     * put τ* 0.5 % and the cut 0.8 % off (a 1/64 sample: 0.09 % and 0.4 %), well inside the
     * brackets, and took 2.0 ms of one thread instead of 5.0 (jmh's {@code SummaryPieces}; 4096
     * groups put τ* 0.6-0.8 % off, and the sample cost barely less).
     */
    private static final long MAX_GROUPS = 1 << 13;
}
