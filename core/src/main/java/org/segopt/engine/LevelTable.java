package org.segopt.engine;

import java.math.BigInteger;
import java.util.Arrays;
import org.segopt.Marginal;

/**
 * The histogram of m as levels in descending order of value (struct of arrays, reusable).
 *
 * <p>A level is a run of keys [keyLo, keyHi] (see {@link Kernels}) holding {@code count} voxels;
 * it is exact when keyLo = keyHi, i.e. it holds a single value. Vote levels are exact from the
 * first pass (key c, value c / R), and so are float16 and bfloat16 levels (key = bit pattern, at
 * most 2^16 of them). float32 and float64 levels start as the bins of the top 16 bits of the
 * IEEE pattern and are refined 16 bits at a time where a decision needs it. All keys of a float bin
 * share one exponent e, so its exact sum is (count · significand(keyLo) + Σ rest) · 2^e, where
 * "rest" is each key minus keyLo, summed in two longs as the kernels produce it.
 *
 * <p>Exact values are numerators over {@link #denominator()}: R for votes, 2^unit for floats,
 * where 2^−unit is the least ulp present (at most 2^24 for float16, 2^133 for bfloat16).
 * Doubles ({@link #lo}, {@link #hi}, {@link #sum}) serve as fast approximations; for floats lo
 * and hi are exact.
 */
final class LevelTable {
    /** At most this many levels are refined in one pass (each needs three tables of 2^16 longs). */
    static final int MAX_REFINED_PER_PASS = Refinement.MAX_BINS;

    Marginal marginal;
    /** Null for vote-type marginals. */
    FloatFormat format;
    /** Float values are multiples of 2^−unit. */
    int unit;
    int size;
    long[] count = new long[16];
    long[] keyLo = new long[16];
    long[] keyHi = new long[16];
    long[] restHigh = new long[16];
    long[] restLow = new long[16];
    int[] depth = new int[16];
    /** Approximations in units of m. */
    double[] lo = new double[16];
    double[] hi = new double[16];
    double[] sum = new double[16];
    /**
     * Whether the levels come from a {@link LevelSummary} ({@link #loadSummary}): then levels
     * that are not exact are key ranges between the summary's cuts, with exact sums of their own
     * ({@link #rangeSum}), and are never refined.
     */
    boolean fromSummary;
    /** The exact sum of a summary's range level; null for every other level. */
    ExactSum[] rangeSum = new ExactSum[16];
    /** Reused sums for range levels (a summary has at most a few). */
    private final ExactSum[] rangePool = new ExactSum[2 * (LevelSummary.MAX_CUTS + LevelSummary.MAX_BRACKETS) + 2];
    private final ExactSum work = new ExactSum();

    /** The levels of a vote histogram ({@code hist[c]} voxels with c votes, c = 0..R). */
    void loadVotes(Marginal m, long[] hist) {
        marginal = m;
        fromSummary = false;
        format = null;
        unit = 0;
        size = 0;
        double r = m.raters();
        for (int c = m.raters(); c >= 0; c--) {
            if (hist[c] > 0) {
                appendExact(hist[c], c, c / r, hist[c] * (double) c / r);
            }
        }
    }

    /**
     * The levels of a float16 or bfloat16 histogram ({@code counts[p]} voxels with bit pattern p,
     * p = 0 .. {@link FloatFormat#maxKey}, −0.0 already counted at 0): every level is one exact
     * value, so no refinement follows. Zeroes those entries.
     */
    void loadHalves(Marginal m, long[] counts) {
        marginal = m;
        format = Keys.format(m);
        fromSummary = false;
        size = 0;
        long smallest = 0; // the least non-zero key present fixes the common denominator
        reserve((int) Math.min(format.maxKey + 1, m.voxels())); // once, not per level: at most one per pattern or voxel
        for (int p = (int) format.maxKey; p >= 0; p--) {
            long n = counts[p];
            if (n > 0) {
                double value = format.approximate(p);
                setExact(size++, n, p, value, n * value);
                counts[p] = 0;
                smallest = p > 0 ? p : smallest;
            }
        }
        unit = smallest == 0 ? 0 : Math.max(0, -format.exponent(smallest));
    }

    /** Keys per block of a float16 pattern table ({@link #loadPatterns}): 2^6, 16 blocks per binade. */
    static final int PATTERN_BLOCK_BITS = 6;
    /** Blocks of a float16 pattern table up to 1.0's key. */
    static final int PATTERN_BLOCKS = (int) (FloatFormat.F16.maxKey >>> PATTERN_BLOCK_BITS) + 1;
    /** A marginal this large could overflow a block's rest in a long: all its blocks load exact. */
    private static final long BLOCK_REST_LIMIT = 1L << 56;
    /**
     * Per block of the pattern table last loaded: voxels, Σ count · (pattern − least pattern), least
     * and greatest occupied pattern, patterns occupied.
     */
    private final long[] blockVoxels = new long[PATTERN_BLOCKS];
    private final long[] blockRest = new long[PATTERN_BLOCKS];
    private final int[] blockLowest = new int[PATTERN_BLOCKS];
    private final int[] blockHighest = new int[PATTERN_BLOCKS];
    private final int[] blockOccupied = new int[PATTERN_BLOCKS];

    /**
     * The levels of a float16 pattern pass ({@link PatternCounts}, −0.0 already counted at 0). The
     * voxels below {@link PatternCounts#LUMPED_BELOW} (lumped or counted) form one range level with
     * its exact count and mass (its patterns are its units of 2^−24); above it, each block of
     * 2^{@value #PATTERN_BLOCK_BITS} patterns is one level, exact where it holds one pattern or its
     * bit in {@code exactBlocks} is set (then one level per pattern), else a range from its least
     * to its greatest pattern, as a summary's ranges ({@link #fromSummary}), whose exact mass is
     * that of a float bin: its patterns share one exponent, so it is (count · significand(least)
     * + Σ count · (pattern − least)) · 2^exponent, and {@link #sumNumerator} adds such levels in
     * 128-bit integers, one BigInteger step per exponent. A solve over 200-odd levels instead of
     * one per pattern (13-15 thousand on the soft phantoms) then names the few blocks to load
     * exact (see {@link Summarizer}), and {@code reload} loads the same counts again with more
     * blocks exact, reading only those.
     * Leaves the counts as they are.
     *
     * @throws IllegalStateException if the counts do not add up to m's voxels (a broken pass backend)
     */
    void loadPatterns(Marginal m, PatternCounts p, long[] exactBlocks, boolean reload) {
        long[] counts = p.counts();
        marginal = m;
        format = Keys.format(m);
        fromSummary = true;
        size = 0;
        boolean allExact = m.voxels() >= BLOCK_REST_LIMIT;
        int lumpBlocks = PatternCounts.LUMPED_BELOW >>> PATTERN_BLOCK_BITS;
        if (!reload) {
            measureBlocks(counts, lumpBlocks);
        }
        long counted = 0;
        int finest = 0;
        for (int b = PATTERN_BLOCKS - 1; b >= lumpBlocks; b--) {
            long n = blockVoxels[b];
            counted += n;
            if (n == 0) {
                continue;
            }
            if (blockOccupied[b] == 1 || allExact || (exactBlocks[b >>> 6] & (1L << b)) != 0) {
                for (int key = blockHighest[b]; key >= blockLowest[b]; key--) {
                    long c = counts[key];
                    if (c != 0) {
                        double value = format.approximate(key);
                        appendExact(c, key, value, c * value);
                    }
                }
                continue;
            }
            int i = append();
            count[i] = n;
            rangeSum[i] = null;
            keyLo[i] = blockLowest[b];
            keyHi[i] = blockHighest[b];
            restHigh[i] = 0;
            restLow[i] = blockRest[b];
            depth[i] = 0;
            lo[i] = format.approximate(keyLo[i]);
            hi[i] = format.approximate(keyHi[i]);
            sum[i] = n * lo[i] + scaled(blockRest[b], format.exponent(keyLo[i]));
        }
        long lumped = p.lumpedVoxels();
        long units = p.lumpedPatterns();
        for (int key = 0; key < PatternCounts.LUMPED_BELOW; key++) {
            lumped += counts[key];
            units += counts[key] * key;
        }
        if (counted + lumped != m.voxels()) {
            throw new IllegalStateException("a pattern pass counted " + (counted + lumped) + " of " + m.voxels()
                    + " voxels: the pass backend is broken");
        }
        int smallest = size == 0 ? 0 : -format.exponent(keyLo[size - 1]);
        if (lumped > 0) {
            if (rangePool[0] == null) {
                rangePool[0] = new ExactSum();
            }
            ExactSum mass = rangePool[0];
            mass.clear();
            mass.addScaled(units, -24);
            finest = Math.max(finest, mass.finestGrid());
            addRange(0, PatternCounts.LUMPED_BELOW - 1, lumped, mass);
        }
        unit = Math.max(0, Math.max(smallest, ExactSum.GRID_BITS * finest));
    }

    /** Each block's voxels, rest, least and greatest pattern and patterns occupied, from the counts. */
    private void measureBlocks(long[] counts, int lumpBlocks) {
        for (int b = lumpBlocks; b < PATTERN_BLOCKS; b++) {
            int first = b << PATTERN_BLOCK_BITS;
            int last = Math.min(first + (1 << PATTERN_BLOCK_BITS), (int) format.maxKey + 1) - 1;
            long n = 0;
            long rest = 0;
            int lowest = -1;
            int highest = -1;
            int occupied = 0;
            for (int key = first; key <= last; key++) {
                long c = counts[key];
                if (c != 0) {
                    lowest = lowest < 0 ? key : lowest;
                    n += c;
                    rest += c * (key - lowest);
                    highest = key;
                    occupied++;
                }
            }
            blockVoxels[b] = n;
            blockRest[b] = rest;
            blockLowest[b] = lowest;
            blockHighest[b] = highest;
            blockOccupied[b] = occupied;
        }
    }

    /** Appends a level of {@code n} voxels at one key, whose value is about {@code value}, their sum about {@code levelSum}. */
    private void appendExact(long n, long key, double value, double levelSum) {
        setExact(append(), n, key, value, levelSum);
    }

    /** Makes level i (within the reserved room) that of {@code n} voxels at one key, as {@link #appendExact}. */
    private void setExact(int i, long n, long key, double value, double levelSum) {
        count[i] = n;
        rangeSum[i] = null;
        keyLo[i] = key;
        keyHi[i] = key;
        restHigh[i] = 0;
        restLow[i] = 0;
        depth[i] = 0;
        lo[i] = value;
        hi[i] = value;
        sum[i] = levelSum;
    }

    /** The levels of a top-level float32 / float64 histogram (bins of the top 16 key bits); zeroes the tables. */
    void loadFloats(Marginal m, FloatHistogram top) {
        long[] counts = top.counts();
        long[] sumHigh = top.sumHigh();
        long[] sumLow = top.sumLow();
        marginal = m;
        format = Keys.format(m);
        fromSummary = false;
        size = 0;
        // Valid keys end at 1.0, so no bin above its prefix can be occupied.
        int bins = occupied(counts, (int) (format.maxKey >>> (format.width - 16)) + 1);
        // The smallest exponent present fixes the common denominator 2^unit; a first bin holding
        // only exact zeros (no rest) needs none.
        int smallest = bins > 1 && occupied[0] == 0 && sumHigh[0] == 0 && sumLow[0] == 0 ? 1 : 0;
        unit = bins == 0 ? 0 : Math.max(0, -format.exponent((long) occupied[smallest] << (format.width - 16)));
        for (int j = bins - 1; j >= 0; j--) {
            int p = occupied[j];
            addBin(1, p, counts[p], sumHigh[p], sumLow[p]);
            counts[p] = 0; // leave the work tables zeroed for the next pass
            sumHigh[p] = 0;
            sumLow[p] = 0;
        }
    }

    /**
     * The levels of a float summary (see {@link LevelSummary}), its request's brackets sorted in
     * place: every captured key becomes an exact level, and each key range between the cuts and
     * brackets a level of its own with its exact count and sum. Decisions that fall inside such
     * a range cannot be taken (the {@link Solver} reports it as unresolved).
     *
     * @throws IllegalStateException if the summary is inconsistent (a broken pass backend)
     */
    void loadSummary(Marginal m, LevelSummary s) {
        requireNoCutInside(s);
        marginal = m;
        format = Keys.format(m);
        fromSummary = true;
        size = 0;
        int pooled = 0;
        int finest = ExactSum.VECTOR_GRIDS;
        // Walk the boundaries from the top: after a boundary at key b, every voxel with key ≥ b is
        // accounted for, `counted` of them with mass `known`.
        long top = format.maxKey + 1;
        long counted = 0;
        ExactSum known = work;
        known.clear();
        for (int c = s.cutCount() - 1; c >= -1; c--) {
            long cut = c < 0 ? 0 : s.cut(c);
            long atOrAbove = c < 0 ? m.voxels() : s.above(c);
            ExactSum massAbove = c < 0 ? s.mass() : s.aboveMass(c);
            int bracket = bracketBelow(s, top);
            if (bracket >= 0 && s.bracketLo(bracket) >= cut) {
                // [lo, top) is a bracket: its keys, descending, as exact levels.
                long[] keys = s.capturedKeys(bracket);
                int n = s.capturedCount(bracket);
                sortKeys(keys, n, s.bracketLo(bracket), s.bracketHi(bracket));
                addExactLevels(keys, n, s.bracketLo(bracket), top, known);
                counted += n;
                top = s.bracketLo(bracket);
            }
            // [cut, top): a range level.
            long inRange = atOrAbove - counted;
            if (inRange < 0) {
                throw new IllegalStateException("a summary counted " + atOrAbove + " voxels at or above a cut with "
                        + counted + " above it: the pass backend is broken");
            }
            if (inRange > 0) {
                if (pooled == rangePool.length) {
                    throw new IllegalStateException("too many range levels");
                }
                if (rangePool[pooled] == null) {
                    rangePool[pooled] = new ExactSum();
                }
                ExactSum rangeMass = rangePool[pooled++];
                rangeMass.set(massAbove);
                rangeMass.subtract(known);
                finest = Math.max(finest, rangeMass.finestGrid());
                addRange(cut, top - 1, inRange, rangeMass);
                known.set(massAbove);
                counted = atOrAbove;
            }
            top = cut;
        }
        if (counted != m.voxels()) {
            throw new IllegalStateException("a summary accounted for " + counted + " of " + m.voxels() + " voxels");
        }
        int smallest = size == 0 ? 0 : -format.exponent(keyLo[size - 1]);
        unit = Math.max(0, Math.max(smallest, ExactSum.GRID_BITS * finest));
    }

    /** The request's shape this loader needs: each bracket ends at a cut, and no cut lies inside one. */
    private static void requireNoCutInside(LevelSummary s) {
        for (int j = 0; j < s.bracketCount(); j++) {
            boolean endsAtCut = false;
            for (int c = 0; c < s.cutCount(); c++) {
                endsAtCut |= s.cut(c) == s.bracketHi(j);
                if (s.cut(c) > s.bracketLo(j) && s.cut(c) < s.bracketHi(j)) {
                    throw new IllegalArgumentException("cut " + s.cut(c) + " lies inside bracket " + j);
                }
            }
            if (!endsAtCut) {
                throw new IllegalArgumentException("bracket " + j + " does not end at a cut");
            }
        }
    }

    /** Radix digits: 11 bits, so the counts of one digit stay in L1. */
    private static final int RADIX_BITS = 11;
    private final int[] radixCounts = new int[1 << RADIX_BITS];
    private long[] radixBuffer = new long[0];

    /**
     * Sorts keys[0..n), all in [lo, hi), ascending: a least-significant-digit radix sort of
     * key − lo (as many 11-bit digits as hi − lo needs; a narrow bracket of float32 keys takes
     * two), linear in n where a comparison sort of a first call's 10^5 keys took milliseconds.
     */
    private void sortKeys(long[] keys, int n, long lo, long hi) {
        int bits = 64 - Long.numberOfLeadingZeros(hi - lo - 1);
        if (n < 256 || bits > 4 * RADIX_BITS) {
            Arrays.sort(keys, 0, n);
            return;
        }
        if (radixBuffer.length < n) {
            radixBuffer = new long[Math.max(n, 2 * radixBuffer.length)];
        }
        long[] from = keys;
        long[] to = radixBuffer;
        for (int shift = 0; shift < bits; shift += RADIX_BITS) {
            Arrays.fill(radixCounts, 0);
            for (int q = 0; q < n; q++) {
                radixCounts[(int) ((from[q] - lo) >>> shift) & ((1 << RADIX_BITS) - 1)]++;
            }
            int total = 0;
            for (int d = 0; d < radixCounts.length; d++) {
                int c = radixCounts[d];
                radixCounts[d] = total;
                total += c;
            }
            for (int q = 0; q < n; q++) {
                long k = from[q];
                to[radixCounts[(int) ((k - lo) >>> shift) & ((1 << RADIX_BITS) - 1)]++] = k;
            }
            long[] t = from;
            from = to;
            to = t;
        }
        if (from != keys) {
            System.arraycopy(from, 0, keys, 0, n);
        }
    }

    /** The bracket whose keys end just below {@code top}, or −1. */
    private static int bracketBelow(LevelSummary s, long top) {
        for (int j = 0; j < s.bracketCount(); j++) {
            if (s.bracketHi(j) == top) {
                return j;
            }
        }
        return -1;
    }

    /**
     * Appends the {@code n} sorted keys of a bracket [lo, top), descending, as exact levels (one per
     * distinct key), adding their mass to {@code known}. The masses of the keys of one exponent
     * are added up as count · significand in a long first and reach {@code known} in one
     * {@link ExactSum#addScaled} per exponent (or per 2^61 units): on a soft marginal a first
     * call's brackets hold 10-26 thousand keys of two or three exponents, and an addition per
     * key was most of the time spent loading them (JFR, loading and solving the soft-confident
     * float32 volume's first-call summary 3000 times: 116 of 210 samples; 1.07-1.15 ms a load
     * and solve before, 0.65-0.68 after, jmh/README.md).
     */
    private void addExactLevels(long[] keys, int n, long lo, long top, ExactSum known) {
        reserve(size + n); // at most one level per key
        long units = 0; // Σ count · significand of the keys since the last addition to known, at `exponent`
        int exponent = 0;
        for (int q = n - 1; q >= 0; ) {
            int r = q;
            while (r > 0 && keys[r - 1] == keys[q]) {
                r--;
            }
            long key = keys[q];
            if (key < lo || key >= top) {
                throw new IllegalStateException("a captured key lies outside its bracket: the pass backend is broken");
            }
            long voxels = q - r + 1;
            double value = format.approximate(key);
            setExact(size++, voxels, key, value, voxels * value);
            long significand = format.significand(key);
            int e = format.exponent(key);
            if (e != exponent || units >= 1L << 61) {
                known.addScaled(units, exponent);
                units = 0;
                exponent = e;
            }
            if (voxels < 1L << 30 && significand < 1L << 30) { // the product is below 2^60: units stays below 2^62
                units += voxels * significand;
            } else { // float64 significands, or 2^30 voxels at one key
                long perAdd = significand == 0 ? voxels : ((1L << 62) - 1) / significand; // voxels one addScaled takes
                for (long left = voxels; left > 0; left -= perAdd) {
                    known.addScaled(Math.min(left, perAdd) * significand, e);
                }
            }
            q = r - 1;
        }
        known.addScaled(units, exponent);
    }

    /** Appends the range level of keys [first, last] holding {@code n} voxels of exact mass {@code mass}. */
    private void addRange(long first, long last, long n, ExactSum mass) {
        int i = append();
        count[i] = n;
        boolean zeros = mass.isZero(); // every voxel is 0
        rangeSum[i] = zeros ? null : mass;
        keyLo[i] = first;
        keyHi[i] = zeros ? first : last;
        restHigh[i] = 0;
        restLow[i] = 0;
        depth[i] = 0;
        lo[i] = format.approximate(first);
        hi[i] = format.approximate(keyHi[i]);
        sum[i] = mass.approximate();
    }

    private final int[] occupied = new int[PassBackend.DIGITS];

    /**
     * Writes into {@link #occupied}, ascending, the bins p &lt; length with {@code counts[p] != 0};
     * returns how many.
     */
    private int occupied(long[] counts, int length) {
        int n = 0;
        for (int p = 0; p < length; p++) {
            if (counts[p] != 0) {
                occupied[n++] = p;
            }
        }
        return n;
    }

    /** Appends the float bin at {@code depth} with key prefix {@code prefix}, tightened where its sums prove a single value. */
    private void addBin(int binDepth, long prefix, long n, long sumHigh, long sumLow) {
        setBin(append(), binDepth, prefix, n, sumHigh, sumLow);
    }

    /** Writes level i as the float bin {@code prefix} at {@code binDepth} (see {@link #addBin}). */
    private void setBin(int i, int binDepth, long prefix, long n, long sumHigh, long sumLow) {
        int rest = format.width - 16 * binDepth;
        long first = prefix << rest;
        long last = Math.min(first + ((1L << rest) - 1), format.maxKey);
        if (sumHigh == 0 && sumLow == 0) {
            last = first; // every voxel sits at the bin's first key
        } else if (n == 1) {
            first = first + (sumHigh << 24) + sumLow; // the one voxel's key
            last = first;
            sumHigh = 0;
            sumLow = 0;
        }
        count[i] = n;
        rangeSum[i] = null;
        keyLo[i] = first;
        keyHi[i] = last;
        restHigh[i] = sumHigh;
        restLow[i] = sumLow;
        depth[i] = binDepth;
        lo[i] = format.approximate(first);
        hi[i] = format.approximate(last);
        int e = format.exponent(first);
        sum[i] = n * lo[i] + scaled(sumHigh, 24 + e) + scaled(sumLow, e);
    }

    /** x · 2^e rounded as {@link Math#scalb} rounds it; a multiplication where 2^e is a normal double. */
    private static double scaled(long x, int e) {
        if (x == 0) {
            return 0;
        }
        return e >= Double.MIN_EXPONENT && e <= Double.MAX_EXPONENT
                ? x * Double.longBitsToDouble((long) (e + 1023) << 52) : Math.scalb((double) x, e);
    }

    boolean exact(int i) {
        return keyLo[i] == keyHi[i];
    }

    /** The shift that exposes level i's prefix: {@code key >>> shift(i) == prefix(i)} for its keys. */
    int shift(int i) {
        return format.width - 16 * depth[i];
    }

    long prefix(int i) {
        return keyLo[i] >>> shift(i);
    }

    /**
     * Replaces the levels {@code indices[0..k)} (ascending) by their non-empty sub-bins on the next
     * 16 key bits, from the tables a refinement pass filled (level {@code indices[j]} in table
     * {@code tables[j]}, at offset {@code tables[j]} · 2^16) and its occupancy bitmap (which digits
     * may be non-empty); leaves the entries of those tables zeroed.
     */
    void refine(int[] indices, int[] tables, int k, Refinement r) {
        long[] counts = r.counts();
        long[] sumHigh = r.sumHigh();
        long[] sumLow = r.sumLow();
        long[] occupancy = r.occupied();
        // Gather every refined level's sub-bins first (level indices[j]'s from starts[j] on)...
        int gatheredCount = 0;
        for (int j = 0; j < k; j++) {
            // The last 16 key bits leave nothing below the digit: no sums to read (or clear).
            boolean sums = shift(indices[j]) > 16;
            starts[j] = gatheredCount;
            gatheredCount += gather(gatheredCount, tables[j] * Kernels.DIGITS, counts, sums ? sumHigh : null,
                    sums ? sumLow : null, occupancy);
            long found = 0;
            for (int q = starts[j]; q < gatheredCount; q++) {
                found += gathered[q];
            }
            if (found != count[indices[j]]) {
                throw new IllegalStateException("the refinement pass counted " + found + " voxels in a bin of "
                        + count[indices[j]] + ": the pass backend is broken");
            }
        }
        starts[k] = gatheredCount;
        // ...then move the levels between refined ones to their new places, last first (every
        // refined level has at least one sub-bin, so nothing moves left), and write the sub-bins.
        int newSize = size - k + gatheredCount;
        reserve(newSize);
        int end = size;
        int to = newSize;
        for (int j = k - 1; j >= 0; j--) {
            int i = indices[j];
            int after = end - (i + 1);
            to -= after;
            move(i + 1, to, after);
            int binDepth = depth[i] + 1;
            long parent = prefix(i);
            int base = tables[j] * Kernels.DIGITS;
            for (int q = starts[j]; q < starts[j + 1]; q++) { // ascending digits, from the last place back
                setBin(--to, binDepth, (parent << 16) | (digits[q] - base), gathered[q], gatheredHigh[q], gatheredLow[q]);
            }
            end = i;
        }
        size = newSize;
    }

    /** Where each refined level's sub-bins start in {@link #digits}. */
    private final int[] starts = new int[MAX_REFINED_PER_PASS + 1];

    /** Moves levels [from, from + n) to [to, to + n). */
    private void move(int from, int to, int n) {
        System.arraycopy(count, from, count, to, n);
        System.arraycopy(keyLo, from, keyLo, to, n);
        System.arraycopy(keyHi, from, keyHi, to, n);
        System.arraycopy(restHigh, from, restHigh, to, n);
        System.arraycopy(restLow, from, restLow, to, n);
        System.arraycopy(depth, from, depth, to, n);
        System.arraycopy(lo, from, lo, to, n);
        System.arraycopy(hi, from, hi, to, n);
        System.arraycopy(sum, from, sum, to, n);
        System.arraycopy(rangeSum, from, rangeSum, to, n);
    }

    /** Occupied digits of one refinement table and their entries, ascending (reused). */
    private int[] digits = new int[64];
    private long[] gathered = new long[64];
    private long[] gatheredHigh = new long[64];
    private long[] gatheredLow = new long[64];

    /**
     * Moves the non-empty entries of the table at {@code base} into {@link #digits} and
     * {@link #gathered} (sums: 0 when {@code sumHigh} is null), zeroing the table and its
     * occupancy words; returns how many. The table was written long ago by a pass over the data,
     * so its entries are likely out of cache: the loads are independent of each other, so that
     * their misses overlap.
     */
    private int gather(int at, int base, long[] counts, long[] sumHigh, long[] sumLow, long[] occupancy) {
        int n = at;
        for (int w = base / 64; w < (base + Kernels.DIGITS) / 64; w++) {
            for (long bits = occupancy[w]; bits != 0; bits &= bits - 1) {
                if (n == digits.length) {
                    digits = Arrays.copyOf(digits, 2 * n);
                    gathered = Arrays.copyOf(gathered, 2 * n);
                    gatheredHigh = Arrays.copyOf(gatheredHigh, 2 * n);
                    gatheredLow = Arrays.copyOf(gatheredLow, 2 * n);
                }
                digits[n++] = w * 64 + Long.numberOfTrailingZeros(bits);
            }
            occupancy[w] = 0;
        }
        int kept = at;
        for (int j = at; j < n; j++) {
            int b = digits[j];
            long c = counts[b];
            counts[b] = 0;
            digits[kept] = b;
            gathered[kept] = c;
            gatheredHigh[kept] = sumHigh == null ? 0 : sumHigh[b];
            gatheredLow[kept] = sumLow == null ? 0 : sumLow[b];
            if (sumHigh != null) {
                sumHigh[b] = 0;
                sumLow[b] = 0;
            }
            kept += c > 0 ? 1 : 0; // a backend may mark digits that counted nothing
        }
        return kept - at;
    }

    /**
     * This table as an immutable {@link LevelHistogram} (exact masses per level). Only for tables
     * loaded from histograms, not from a summary.
     */
    LevelHistogram histogram() {
        LevelHistogram.Builder out = new LevelHistogram.Builder(size);
        for (int i = 0; i < size; i++) {
            out.add(count[i], keyLo[i], keyHi[i], depth[i], sumNumerator(i, i + 1));
        }
        return out.build(format, marginal.raters(), unit);
    }

    /**
     * Loads levels {@code indices[from..to)} (ascending) of {@code h}, bins of m, as this table's
     * levels, for {@link #refine} to replace by their sub-bins; masses over h's denominator.
     */
    void loadBins(Marginal m, LevelHistogram h, int[] indices, int from, int to) {
        marginal = m;
        format = h.format();
        unit = h.unit();
        fromSummary = false;
        size = 0;
        for (int j = from; j < to; j++) {
            int i = append();
            int l = indices[j];
            count[i] = h.count(l);
            rangeSum[i] = null;
            keyLo[i] = h.keyLo(l);
            keyHi[i] = h.keyHi(l);
            depth[i] = h.depth(l);
        }
    }

    // ---- exact values --------------------------------------------------------------------------

    /** The common denominator of every exact numerator: R for votes, 2^unit for floats. */
    BigInteger denominator() {
        return format == null ? BigInteger.valueOf(marginal.raters()) : BigInteger.ONE.shiftLeft(unit);
    }

    /** Exact lower bound (the value, if exact) of level i, over {@link #denominator()}. */
    BigInteger loNumerator(int i) {
        if (format == null) {
            return BigInteger.valueOf(keyLo[i]);
        }
        return BigInteger.valueOf(format.significand(keyLo[i])).shiftLeft(format.exponent(keyLo[i]) + unit);
    }

    /**
     * Exact Σ m over levels [from, to), over {@link #denominator()}. Float levels of one exponent
     * are summed in 128-bit integers, so the BigInteger work grows with the number of exponents
     * (a few dozen), not of levels (thousands).
     */
    BigInteger sumNumerator(int from, int to) {
        BigInteger total = BigInteger.ZERO;
        if (format == null) {
            for (int i = from; i < to; i++) {
                total = total.add(BigInteger.valueOf(keyLo[i]).multiply(BigInteger.valueOf(count[i])));
            }
            return total;
        }
        for (int i = from; i < to; ) {
            if (rangeSum[i] != null) {
                total = total.add(rangeSum[i].numerator(unit));
                i++;
                continue;
            }
            int e = format.exponent(keyLo[i]);
            // Σ count · significand + Σ restLow as an unsigned 128-bit (high, low); Σ restHigh apart.
            long high = 0;
            long low = 0;
            long restHighSum = 0;
            for (; i < to && rangeSum[i] == null && format.exponent(keyLo[i]) == e; i++) {
                long sig = format.significand(keyLo[i]);
                long product = count[i] * sig;
                high += Math.multiplyHigh(count[i], sig);
                long sum = low + product;
                high += Long.compareUnsigned(sum, low) < 0 ? 1 : 0;
                low = sum + restLow[i];
                high += Long.compareUnsigned(low, sum) < 0 ? 1 : 0;
                restHighSum = Math.addExact(restHighSum, restHigh[i]);
            }
            BigInteger group = BigInteger.valueOf(high).shiftLeft(64).add(unsigned(low))
                    .add(BigInteger.valueOf(restHighSum).shiftLeft(24));
            total = total.add(group.shiftLeft(e + unit));
        }
        return total;
    }

    private static BigInteger unsigned(long x) {
        BigInteger b = BigInteger.valueOf(x & Long.MAX_VALUE);
        return x < 0 ? b.setBit(63) : b;
    }

    /** Whether every voxel is 0 (M = 0): the top level is the exact value 0. */
    boolean massIsZero() {
        return size == 0 || keyHi[0] == 0;
    }

    // ---- storage -------------------------------------------------------------------------------

    private int append() {
        reserve(size + 1);
        return size++;
    }

    /** Makes room for {@code levels} levels. */
    private void reserve(int levels) {
        if (levels > count.length) {
            int capacity = Math.max(levels, count.length * 2);
            count = Arrays.copyOf(count, capacity);
            keyLo = Arrays.copyOf(keyLo, capacity);
            keyHi = Arrays.copyOf(keyHi, capacity);
            restHigh = Arrays.copyOf(restHigh, capacity);
            restLow = Arrays.copyOf(restLow, capacity);
            depth = Arrays.copyOf(depth, capacity);
            lo = Arrays.copyOf(lo, capacity);
            hi = Arrays.copyOf(hi, capacity);
            sum = Arrays.copyOf(sum, capacity);
            rangeSum = Arrays.copyOf(rangeSum, capacity);
        }
    }
}
