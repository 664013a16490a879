package org.segopt.engine;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.segopt.BitMask;
import org.segopt.ElementType;
import org.segopt.Encoding;
import org.segopt.Marginal;

/**
 * Vector API kernels, species chosen at runtime. Where a layout has no vector path (i32 votes,
 * many raters, float64 refinement) they delegate to {@link ScalarKernels}, whose integers
 * they reproduce exactly.
 *
 * <ul>
 *   <li>Votes (u8/bool): all-zero (background) vectors are counted in one step; for R ≤
 *       {@link #MAX_COMPARE_RATERS} the rest is compare-and-count in byte counters, no scatter at
 *       all; more levels take the scalar scatter.</li>
 *   <li>float32 histograms: a 1024-voxel block holding one value throughout (background 0,
 *       interior 1: most of a real volume) is counted after one vector scan; in other blocks,
 *       lanes at 0, at 1 and in the bin just below 1 are counted with vector masks and only the
 *       remaining fractional lanes go through a scalar scatter. Bins guessed for refinement are
 *       refined on the way (see {@link Histogrammer}). float64 vectors equal to the previous
 *       uniform value are counted in one step, others scattered.</li>
 *   <li>Refinement: a vector is tested against the key range of the refined bins at once and
 *       only its lanes inside go to the scalar refinement.</li>
 *   <li>Votes (u16/i16): groups of 64 voxels equal to the voxel before them are counted in one
 *       step, others scattered. Where every u16 is valid (R = 65535: float16 / bfloat16 bit
 *       patterns, see {@link Histogrammer}), long calls count into an int table instead, by a
 *       loop chosen per range from a sample (see {@link #countPatterns}).</li>
 *   <li>Summaries: float32 and float64 in {@link PanamaSummary}, float16 in
 *       {@link PanamaHalfSummary}.</li>
 *   <li>Selection (u8 votes, float32, float16, bfloat16): one vector compare per lane group, its
 *       mask bits written straight into the bit mask words.</li>
 * </ul>
 */
final class PanamaKernels implements Kernels {
    /** Compare-and-count (one local counter vector per level) serves up to this many raters. */
    static final int MAX_COMPARE_RATERS = 8;
    /** Vectors between flushes of the byte counters (a counter gains at most 1 per vector). */
    private static final int FLUSH = 255;

    private static final VectorSpecies<Byte> BYTES = ByteVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Short> SHORTS = ShortVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_PREFERRED;
    private static final int F32_MAX = 0x3F80_0000;
    /** Bits of 1.0f (also the largest valid key). */
    private static final int F32_ONE = F32_MAX;
    private static final long F64_MAX = 0x3FF0_0000_0000_0000L;

    private final ScalarKernels scalar = new ScalarKernels();
    /** Per thread: the lanes of one float32 block that need the scalar scatter. */
    private static final ThreadLocal<int[]> SCRATCH = ThreadLocal.withInitial(() -> new int[BlockRanges.BLOCK + 64]);

    /** Whether the preferred species is wide enough for these kernels to pay off. */
    static boolean supported() {
        return BYTES.vectorBitSize() >= 128 && 64 % INTS.length() == 0 && 64 % LONGS.length() == 0
                && 64 % BYTES.length() == 0;
    }

    /** Bits of the preferred vector species, for reports. */
    static int vectorBits() {
        return BYTES.vectorBitSize();
    }

    // ---- votes ---------------------------------------------------------------------------------

    @Override
    public long countVotes(Marginal m, long from, long to, long[] hist) {
        ElementType t = m.elementType();
        if (m.encoding() == Encoding.VOTES && (t == ElementType.UINT16 || t == ElementType.INT16)) {
            return countVotes16(m, from, to, hist);
        }
        if (m.encoding() != Encoding.VOTES || (t != ElementType.UINT8 && t != ElementType.BOOL)) {
            return scalar.countVotes(m, from, to, hist);
        }
        int max = t == ElementType.BOOL ? Math.min(1, m.raters()) : m.raters();
        long bad = max <= MAX_COMPARE_RATERS ? compareAndCount(m, from, to, max, hist) : skipZerosAndScatter(m, from, to, hist);
        long upper = from + (to - from) / BYTES.length() * BYTES.length();
        return bad >= 0 ? bad : upper < to ? scalar.countVotes(m, upper, to, hist) : -1;
    }

    /**
     * Votes 0..max (max ≤ 8), whole vectors of [from, to): an all-zero vector (background) is only
     * counted; otherwise each level c keeps a vector of byte counters in a local, bumped by
     * subtracting the compare mask (−1 per hit) and emptied every {@link #FLUSH} vectors, before
     * a counter can overflow.
     */
    private long compareAndCount(Marginal m, long from, long to, int max, long[] hist) {
        MemorySegment s = m.segments().getFirst();
        int lanes = BYTES.length();
        long upper = from + (to - from) / lanes * lanes;
        ByteVector limit = ByteVector.broadcast(BYTES, (byte) max);
        long nonZero = 0;
        for (long block = from; block < upper; block += (long) FLUSH * lanes) {
            long blockEnd = Math.min(upper, block + (long) FLUSH * lanes);
            ByteVector c1 = ByteVector.zero(BYTES);
            ByteVector c2 = c1, c3 = c1, c4 = c1, c5 = c1, c6 = c1, c7 = c1, c8 = c1;
            for (long i = block; i < blockEnd; i += lanes) {
                ByteVector v = ByteVector.fromMemorySegment(BYTES, s, i, ByteOrder.nativeOrder());
                if (!v.compare(VectorOperators.NE, (byte) 0).anyTrue()) {
                    continue;
                }
                if (v.compare(VectorOperators.UGT, limit).anyTrue()) {
                    return scalar.countVotes(m, i, i + lanes, hist); // finds the bad voxel
                }
                c1 = bump(c1, v, 1, max);
                c2 = bump(c2, v, 2, max);
                c3 = bump(c3, v, 3, max);
                c4 = bump(c4, v, 4, max);
                c5 = bump(c5, v, 5, max);
                c6 = bump(c6, v, 6, max);
                c7 = bump(c7, v, 7, max);
                c8 = bump(c8, v, 8, max);
            }
            // Explicit calls, not a loop over an array: vectors stored in an array would be boxed.
            nonZero += flush(hist, max, 1, c1) + flush(hist, max, 2, c2) + flush(hist, max, 3, c3)
                    + flush(hist, max, 4, c4) + flush(hist, max, 5, c5) + flush(hist, max, 6, c6)
                    + flush(hist, max, 7, c7) + flush(hist, max, 8, c8);
        }
        hist[0] += (upper - from) - nonZero;
        return -1;
    }

    /** The counters of level c plus one in each lane of v equal to c (unchanged for levels above max). */
    private static ByteVector bump(ByteVector counters, ByteVector v, int c, int max) {
        // The compare mask as a vector is −1 where it holds: subtracting it adds 1.
        return c > max ? counters : counters.sub((ByteVector) v.compare(VectorOperators.EQ, (byte) c).toVector());
    }

    /** Adds the byte counters of level c to hist[c] (levels above max have none); returns how many. */
    private static long flush(long[] hist, int max, int c, ByteVector counters) {
        if (c > max) {
            return 0;
        }
        long k = laneSum(counters);
        hist[c] += k;
        return k;
    }

    /** Sum of the unsigned byte lanes of v, via 16-bit lanes so that nothing overflows. */
    private static long laneSum(ByteVector v) {
        ShortVector pairs = v.reinterpretAsShorts();
        return pairs.and((short) 0xFF).reduceLanesToLong(VectorOperators.ADD)
                + pairs.lanewise(VectorOperators.LSHR, 8).reduceLanesToLong(VectorOperators.ADD);
    }

    /** Votes with many levels, whole vectors of [from, to): all-zero vectors counted at once, others scattered. */
    private long skipZerosAndScatter(Marginal m, long from, long to, long[] hist) {
        MemorySegment s = m.segments().getFirst();
        int lanes = BYTES.length();
        long upper = from + (to - from) / lanes * lanes;
        long zeros = 0;
        for (long i = from; i < upper; i += lanes) {
            ByteVector v = ByteVector.fromMemorySegment(BYTES, s, i, ByteOrder.nativeOrder());
            if (!v.compare(VectorOperators.NE, (byte) 0).anyTrue()) {
                zeros += lanes;
                continue;
            }
            long bad = scalar.countVotes(m, i, i + lanes, hist);
            if (bad >= 0) {
                return bad;
            }
        }
        hist[0] += zeros;
        return -1;
    }

    /**
     * u16 / i16 votes (also the bit patterns of float16 and bfloat16, see {@link Histogrammer}),
     * whole groups of {@link #GROUP16} voxels of [from, to): a group equal throughout to the voxel
     * before it (background, interior, a float16 volume's underflowed zeros) is only counted;
     * another is checked against R with one vector compare and scattered voxel by voxel. Where
     * every u16 is valid (R = 65535), a long call goes to {@link #countPatterns}, and a short
     * one whose sample finds few uniform vectors to the plain scalar loop, as countPatterns
     * chooses per range (jmh's {@code HotMethods analyze} of the 64 Ki-voxel float16 cut of the
     * soft patch, with a level table filled in one go: 0.32-0.40 ms a call against 0.37-0.48 ms,
     * three runs of each build).
     */
    private long countVotes16(Marginal m, long from, long to, long[] hist) {
        if (ScalarKernels.votes16Limit(m) == PATTERNS - 1) { // every u16 is valid
            if (to - from >= PATTERN_RANGE) {
                countPatterns(m, from, to, hist);
                return -1;
            }
            if (uniformSamples(m, from, to - (to - from) % SHORTS.length()) < UNIFORM_SAMPLES) {
                return scalar.countVotes(m, from, to, hist); // the plain loop, as countPatterns chooses
            }
        }
        MemorySegment s = m.segments().getFirst();
        ByteOrder order = m.byteOrder();
        boolean swap = ScalarKernels.swap(m);
        short limit = (short) ScalarKernels.votes16Limit(m);
        int lanes = SHORTS.length();
        long upper = from + (to - from) / GROUP16 * GROUP16;
        int uniform = 0;
        ShortVector same = ShortVector.zero(SHORTS);
        long run = 0;
        for (long i = from; i < upper; i += GROUP16) {
            ShortVector differs = ShortVector.zero(SHORTS);
            ShortVector highest = differs;
            for (int k = 0; k < GROUP16; k += lanes) {
                ShortVector v = ShortVector.fromMemorySegment(SHORTS, s, 2 * (i + k), order);
                differs = differs.or(v.lanewise(VectorOperators.XOR, same));
                highest = highest.lanewise(VectorOperators.UMAX, v);
            }
            if (!differs.compare(VectorOperators.NE, (short) 0).anyTrue()) {
                run += GROUP16;
                continue;
            }
            if (highest.compare(VectorOperators.UGT, limit).anyTrue()) {
                return scalar.countVotes(m, i, i + GROUP16, hist); // finds the bad voxel
            }
            int c = 0;
            for (int k = 0; k < GROUP16; k++) {
                short raw = s.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i + k);
                c = Short.toUnsignedInt(swap ? Short.reverseBytes(raw) : raw);
                hist[c]++;
            }
            if (c != uniform) {
                hist[uniform] += run;
                run = 0;
                uniform = c;
                same = ShortVector.broadcast(SHORTS, (short) c);
            }
        }
        hist[uniform] += run;
        return upper < to ? scalar.countVotes(m, upper, to, hist) : -1;
    }

    /** Voxels a 16-bit vote group tests at once (a whole number of vectors). */
    private static final int GROUP16 = 64;

    /** 16-bit patterns: the u16 values, and the levels of the histogram that counts every one. */
    private static final int PATTERNS = 1 << 16;
    /**
     * Voxels over which one loop is chosen, and the least a call must cover to use the int table
     * (which costs 2^16 additions to empty).
     */
    static final int PATTERN_RANGE = 1 << 18;
    /** Voxels counted into the int table before it is emptied: its counts stay below 2^31. */
    private static final long PATTERN_FLUSH = 1L << 30;
    /** Vectors sampled per range to choose between the two pattern loops. */
    static final int PATTERN_SAMPLES = 32;
    /**
     * Sampled vectors that must be uniform for a range to take the vector loop: where the two
     * loops cost the same. jmh's {@code PatternLoops} times both on every range of a file; over
     * the 324 ranges of the soft float16 and bfloat16 N = 100 volumes and 128³ patches, the
     * vector loop took 1.14-1.87× the plain one's time with 5 or fewer of 32 uniform, 0.88-1.10×
     * with 9 or 10, at most 0.72× from 17 on, and every threshold from 6 to 17 gave the least
     * total, 47.7 ms (vector loop everywhere 57.0, plain loop everywhere 67.4; jmh/README.md).
     */
    static final int UNIFORM_SAMPLES = 7;
    /** Per thread: the int counts of a call's patterns (zero between uses), and one vector's lanes. */
    private static final ThreadLocal<PatternTables> PATTERN_TABLES = ThreadLocal.withInitial(PatternTables::new);

    /** A thread's tables for {@link #countPatterns}. */
    static final class PatternTables {
        final int[] counts = new int[PATTERNS];
        final short[] lanes = new short[SHORTS.length()];
    }

    /**
     * u16 data where every value is valid (R = 65535; float16 / bfloat16 bit patterns, see
     * {@link Histogrammer}), counted into an int table: on the soft bfloat16 N = 100 volume the
     * plain loop into it took 17.5-17.9 ms of one thread, the scalar loop into the long histogram
     * 23.2-23.5 ms (jmh's {@code PatternLoops}, two runs). A range of
     * {@link #PATTERN_RANGE} voxels where a sample of vectors finds enough equal throughout (a
     * float16 volume's underflowed zeros, its interior at 1) counts such vectors in one step and
     * scatters the others from their lanes; a range with fewer (a soft bfloat16 volume, where
     * 98 % of voxels differ from the one before) is scattered voxel by voxel in a plain loop,
     * as the vector loop took 1.3-1.9× its time there ({@code PatternLoops}). Only speed depends
     * on the choice.
     */
    private void countPatterns(Marginal m, long from, long to, long[] hist) {
        PatternTables tables = PATTERN_TABLES.get();
        MemorySegment s = m.segments().getFirst();
        boolean swap = ScalarKernels.swap(m);
        for (long block = from; block < to; block += PATTERN_FLUSH) {
            long stop = Math.min(to, block + PATTERN_FLUSH);
            for (long start = block; start < stop; start += PATTERN_RANGE) {
                long end = Math.min(stop, start + PATTERN_RANGE);
                long upper = end - (end - start) % SHORTS.length();
                if (uniformSamples(m, start, upper) >= UNIFORM_SAMPLES) {
                    scatterMixedVectors(m, start, upper, tables);
                } else {
                    scatterPatterns(s, swap, start, upper, tables.counts);
                }
                scatterPatterns(s, swap, upper, end, tables.counts);
            }
            for (int p = 0; p < PATTERNS; p++) {
                hist[p] += tables.counts[p];
                tables.counts[p] = 0;
            }
        }
    }

    /**
     * How many of {@link #PATTERN_SAMPLES} vectors of [from, upper) are equal throughout: one at a
     * fixed pseudo-random place in each of as many equal strides. A fixed place per stride would
     * line up with an image's rows (2^18 voxels are 512 rows of 512) and see only their first
     * voxels, the background at the border. A range too short to sample has none.
     */
    static int uniformSamples(Marginal m, long from, long upper) {
        MemorySegment s = m.segments().getFirst();
        int lanes = SHORTS.length();
        long stride = (upper - from) / lanes / PATTERN_SAMPLES;
        int uniform = 0;
        for (int j = 0; j < PATTERN_SAMPLES && stride > 0; j++) {
            long i = sample(from, stride, j, lanes);
            ShortVector v = ShortVector.fromMemorySegment(SHORTS, s, 2 * i, m.byteOrder());
            if (v.compare(VectorOperators.EQ, v.lane(0)).allTrue()) {
                uniform++;
            }
        }
        return uniform;
    }

    /**
     * The first voxel of sample j of a range sampled in {@link #PATTERN_SAMPLES} strides of
     * {@code stride} units of {@code unit} voxels from {@code from}: a pseudo-random unit of
     * stride j, so that no sample lines up with image rows.
     */
    static long sample(long from, long stride, int j, int unit) {
        return from + (j * stride + (j * 0x9E37_79B9_7F4A_7C15L >>> 40) % stride) * unit;
    }

    /** Adds each pattern of [from, to) to its count, voxel by voxel. */
    static void scatterPatterns(MemorySegment s, boolean swap, long from, long to, int[] counts) {
        for (long i = from; i < to; i++) {
            short raw = s.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i);
            counts[Short.toUnsignedInt(swap ? Short.reverseBytes(raw) : raw)]++;
        }
    }

    /**
     * Whole vectors of [from, upper): one equal throughout to the last voxel scattered (to 0 at
     * first) is only counted, as a run of that pattern; another is stored to the lanes array and
     * scattered from there.
     */
    static void scatterMixedVectors(Marginal m, long from, long upper, PatternTables tables) {
        MemorySegment s = m.segments().getFirst();
        ByteOrder order = m.byteOrder();
        int[] counts = tables.counts;
        short[] lanes = tables.lanes;
        int width = SHORTS.length();
        int uniform = 0;
        ShortVector same = ShortVector.zero(SHORTS);
        int run = 0;
        for (long i = from; i < upper; i += width) {
            ShortVector v = ShortVector.fromMemorySegment(SHORTS, s, 2 * i, order);
            if (v.compare(VectorOperators.EQ, same).allTrue()) {
                run += width;
                continue;
            }
            v.intoArray(lanes, 0);
            for (int k = 0; k < width; k++) {
                counts[Short.toUnsignedInt(lanes[k])]++;
            }
            int last = Short.toUnsignedInt(lanes[width - 1]);
            if (last != uniform) {
                counts[uniform] += run;
                run = 0;
                uniform = last;
                same = ShortVector.broadcast(SHORTS, lanes[width - 1]);
            }
        }
        counts[uniform] += run;
    }

    // ---- float histograms ----------------------------------------------------------------------

    /** float32: one sweep that counts and refines the guesses (the scatter tests each fractional key against the bins). */
    @Override
    public long countFloats(Marginal m, long from, long to, FloatHistogram top, BlockRanges ranges,
                            Refinement guesses) {
        boolean refine = guesses != null && guesses.bins() > 0;
        if (m.encoding() == Encoding.FLOAT32) {
            return refine
                    ? countFloat32(m, from, to, top.counts(), top.sumHigh(), top.sumLow(), ranges, guesses.shifts(),
                            guesses.prefixes(), guesses.bins(), guesses.counts(), guesses.sumHigh(), guesses.sumLow(),
                            guesses.occupied())
                    : countFloat32(m, from, to, top.counts(), top.sumHigh(), top.sumLow(), ranges, null, null, 0,
                            null, null, null, null);
        }
        for (long start = from; start < to; start += BlockRanges.BLOCK) {
            long bad = countFloat64Block(m, start, Math.min(to, start + BlockRanges.BLOCK), top.counts(), top.sumHigh(),
                    top.sumLow(), ranges);
            if (bad >= 0) {
                return bad;
            }
        }
        if (refine) {
            ScalarKernels.refineRange(m, from, to, guesses);
        }
        return -1;
    }

    /**
     * The float32 histogram of [from, to), block by block, refining bins j < k on the way. A whole
     * block that holds the previous block's last value throughout (most of a volume) is counted
     * after one vector scan; any other goes to {@link #countFloat32Block}. float32 has no high
     * sums, so sumHigh serves as the packed table of the scatter.
     */
    private long countFloat32(Marginal m, long from, long to, long[] counts, long[] sumHigh, long[] sumLow,
                              BlockRanges ranges, int[] shifts, long[] prefixes, int k, long[] refineCounts,
                              long[] refineHigh, long[] refineLow, long[] occupied) {
        long[] packed = sumHigh;
        int[] scratch = SCRATCH.get();
        long range = refinedKeys(shifts, prefixes, k);
        int first = (int) (range >>> 32);
        int span = (int) range;
        MemorySegment s = m.segments().getFirst();
        ByteOrder order = m.byteOrder();
        int uniform = 0; // the value of the last whole block, tried first on the next
        for (long start = from; start < to; start += BlockRanges.BLOCK) {
            long end = Math.min(to, start + BlockRanges.BLOCK);
            if (end - start == BlockRanges.BLOCK && blockEquals(s, start, end, uniform, order)) {
                counts[uniform >>> 16] += BlockRanges.BLOCK;
                sumLow[uniform >>> 16] += (long) BlockRanges.BLOCK * (uniform & 0xFFFF);
                ranges.set(start / BlockRanges.BLOCK, uniform, uniform);
                if (Integer.compareUnsigned(uniform - first, span) < 0) {
                    ScalarKernels.refineKeys(uniform, BlockRanges.BLOCK, shifts, prefixes, k, refineCounts, refineHigh,
                            refineLow, occupied);
                }
                continue;
            }
            long bad = countFloat32Block(m, start, end, counts, packed, sumLow, ranges, scratch, first, span, shifts,
                    prefixes, k, refineCounts, refineHigh, refineLow, occupied);
            if (bad >= 0) {
                unpack(packed, counts, sumLow);
                return bad;
            }
            int last = int32(s, end - 1, ScalarKernels.swap(m));
            if (last >= 0 && last <= F32_MAX) {
                uniform = last; // the next block most likely goes on with it: background or interior
            }
            if ((end - from) % PACK_VOXELS == 0) {
                unpack(packed, counts, sumLow);
            }
        }
        unpack(packed, counts, sumLow);
        return -1;
    }

    /** Whether every voxel of [from, to) (a whole number of four-vector groups) has the bit pattern u. */
    private static boolean blockEquals(MemorySegment s, long from, long to, int u, ByteOrder order) {
        int lanes = INTS.length();
        IntVector uniform = IntVector.broadcast(INTS, u);
        for (long i = from; i < to; i += 4L * lanes) {
            if (float32Bits(s, i, order).lanewise(VectorOperators.XOR, uniform)
                    .or(float32Bits(s, i + lanes, order).lanewise(VectorOperators.XOR, uniform))
                    .or(float32Bits(s, i + 2 * lanes, order).lanewise(VectorOperators.XOR, uniform))
                    .or(float32Bits(s, i + 3 * lanes, order).lanewise(VectorOperators.XOR, uniform))
                    .compare(VectorOperators.NE, 0).anyTrue()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The float32 keys that may fall into a refined bin j < k, as (first << 32) | span: valid keys
     * k with {@code Integer.compareUnsigned(k - first, span) < 0}; span 0 when there are none.
     */
    private static long refinedKeys(int[] shifts, long[] prefixes, int k) {
        long lowest = F32_MAX + 1L;
        long highest = -1;
        for (int j = 0; j < k; j++) {
            lowest = Math.min(lowest, prefixes[j] << shifts[j]);
            highest = Math.max(highest, ((prefixes[j] + 1) << shifts[j]) - 1);
        }
        long span = Math.max(0, Math.min(highest, F32_MAX) - lowest + 1);
        return (lowest << 32) | span;
    }

    /** Voxels a packed entry can take: its count (bits 40+) and sum of 16-bit rests (bits 0-39) stay apart. */
    private static final long PACK_VOXELS = 1L << 24;
    private static final long PACK_COUNT = 1L << 40;
    /**
     * The first key of the float32 bin just below 1, [1 − 2^−8, 1): in a fuzzy border everything
     * from about six voxels inside falls into it, a quarter of the fractional values of the jmh
     * patch, so it is counted with vector masks rather than scattered.
     */
    private static final int TOP_BIN = 0x3F7F_0000;

    /** Adds the packed (count, sum) entries of float32 bins to counts and sumLow and zeroes them. */
    private static void unpack(long[] packed, long[] counts, long[] sumLow) {
        for (int bin = 0; bin <= F32_MAX >>> 16; bin++) {
            long p = packed[bin];
            if (p != 0) {
                counts[bin] += p >>> 40;
                sumLow[bin] += p & (PACK_COUNT - 1);
                packed[bin] = 0;
            }
        }
    }

    /**
     * One block of float32, refining the keys in [first, first + span) on the way:
     * <ol>
     *   <li>groups of four vectors equal to the block's first value are skipped (a uniform
     *       prefix);</li>
     *   <li>in the remaining whole vectors, lanes at 1 and lanes in the {@link #TOP_BIN} (with
     *       their rests) are counted in lane-wise counters, lanes at 0 by what is left, and the
     *       others compressed into {@code scratch}; lane-wise min/max give the block's range;</li>
     *   <li>if that range shows only valid non-negative patterns, a bare scalar loop adds the
     *       scratch values to the packed table (1.3 ns per value: the largest part of the pass on
     *       the jmh 128³ patch, see jmh/README.md). Otherwise (−0.0, an invalid value) or with a
     *       partial last vector, the block is counted voxel by voxel instead.</li>
     * </ol>
     */
    private long countFloat32Block(Marginal m, long from, long to, long[] counts, long[] packed, long[] sumLow,
                                   BlockRanges ranges, int[] scratch, int first, int span, int[] shifts,
                                   long[] prefixes, int k, long[] refineCounts, long[] refineHigh, long[] refineLow,
                                   long[] occupied) {
        MemorySegment s = m.segments().getFirst();
        ByteOrder order = m.byteOrder();
        int lanes = INTS.length();
        if ((to - from) % lanes != 0) {
            return countFloat32Scalar(m, from, to, counts, sumLow, ranges, shifts, prefixes, k, refineCounts, refineHigh,
                    refineLow, occupied);
        }
        int u = int32(s, from, ScalarKernels.swap(m));
        long i = from;
        if (u >= 0 && u <= F32_MAX) {
            IntVector uniform = IntVector.broadcast(INTS, u);
            long group = 4L * lanes;
            while (i + group <= to && float32Bits(s, i, order).lanewise(VectorOperators.XOR, uniform)
                    .or(float32Bits(s, i + lanes, order).lanewise(VectorOperators.XOR, uniform))
                    .or(float32Bits(s, i + 2 * lanes, order).lanewise(VectorOperators.XOR, uniform))
                    .or(float32Bits(s, i + 3 * lanes, order).lanewise(VectorOperators.XOR, uniform))
                    .compare(VectorOperators.EQ, 0).allTrue()) {
                i += group;
            }
        }
        long run = i - from; // voxels equal to u, a valid non-negative key when run > 0
        IntVector low = IntVector.broadcast(INTS, run > 0 ? u : Integer.MAX_VALUE);
        IntVector high = IntVector.broadcast(INTS, run > 0 ? u : Integer.MIN_VALUE);
        int n = 0;
        long mixed = to - i;
        // The top bin, [1 - 2^-8, 1), is counted here unless it is being refined: no valid key then
        // lies in [topFirst, topFirst + 2^16).
        int topFirst = Integer.compareUnsigned(TOP_BIN - first, span) < 0 ? Integer.MAX_VALUE & ~0xFFFF : TOP_BIN;
        IntVector oneCounts = IntVector.zero(INTS); // lane-wise counts of exact 1s
        IntVector topCounts = IntVector.zero(INTS); // and of values in the top bin, and their rests
        IntVector topRests = IntVector.zero(INTS);
        for (; i < to; i += lanes) {
            IntVector v = float32Bits(s, i, order);
            low = low.min(v);
            high = high.max(v);
            VectorMask<Integer> one = v.compare(VectorOperators.EQ, F32_ONE);
            VectorMask<Integer> top = v.sub(topFirst).compare(VectorOperators.ULT, 1 << 16);
            VectorMask<Integer> other = v.compare(VectorOperators.NE, 0).andNot(one).andNot(top);
            oneCounts = oneCounts.add(1, one);
            topCounts = topCounts.add(1, top);
            topRests = topRests.add(v.and(0xFFFF), top);
            if (other.anyTrue()) {
                v.compress(other).intoArray(scratch, n);
                n += other.trueCount();
            }
        }
        int ones = oneCounts.reduceLanes(VectorOperators.ADD);
        int tops = topCounts.reduceLanes(VectorOperators.ADD);
        long zeros = mixed - n - ones - tops; // every lane is 0, 1, in the top bin or in scratch
        int lo = low.reduceLanes(VectorOperators.MIN);
        int hi = high.reduceLanes(VectorOperators.MAX);
        if (lo < 0 || hi > F32_MAX) {
            return countFloat32Scalar(m, from, to, counts, sumLow, ranges, shifts, prefixes, k, refineCounts, refineHigh,
                    refineLow, occupied);
        }
        if (run > 0) {
            counts[u >>> 16] += run;
            sumLow[u >>> 16] += run * (u & 0xFFFF);
            refineRun(u, run, first, span, shifts, prefixes, k, refineCounts, refineHigh, refineLow, occupied);
        }
        counts[0] += zeros;
        counts[F32_ONE >>> 16] += ones;
        packed[TOP_BIN >>> 16] += tops * PACK_COUNT + topRests.reduceLanesToLong(VectorOperators.ADD);
        refineRun(0, zeros, first, span, shifts, prefixes, k, refineCounts, refineHigh, refineLow, occupied);
        refineRun(F32_ONE, ones, first, span, shifts, prefixes, k, refineCounts, refineHigh, refineLow, occupied);
        int hits = 0;
        for (int j = 0; j < n; j++) {
            int key = scratch[j];
            packed[key >>> 16] += PACK_COUNT + (key & 0xFFFF);
            if (Integer.compareUnsigned(key - first, span) < 0) {
                scratch[hits++] = key; // over entries already read (hits ≤ j)
            }
        }
        for (int j = 0; j < hits; j++) {
            ScalarKernels.refineKeys(scratch[j], 1, shifts, prefixes, k, refineCounts, refineHigh, refineLow, occupied);
        }
        ranges.set(from / BlockRanges.BLOCK, lo, hi);
        return -1;
    }

    /** Refines n voxels of one key, if it lies in [first, first + span). */
    private static void refineRun(int key, long n, int first, int span, int[] shifts, long[] prefixes, int k,
                                  long[] refineCounts, long[] refineHigh, long[] refineLow, long[] occupied) {
        if (n > 0 && Integer.compareUnsigned(key - first, span) < 0) {
            ScalarKernels.refineKeys(key, n, shifts, prefixes, k, refineCounts, refineHigh, refineLow, occupied);
        }
    }

    /** A float32 block voxel by voxel (−0.0, an invalid value, a partial vector): the scalar kernels' way. */
    private long countFloat32Scalar(Marginal m, long from, long to, long[] counts, long[] sumLow, BlockRanges ranges,
                                    int[] shifts, long[] prefixes, int k, long[] refineCounts, long[] refineHigh,
                                    long[] refineLow, long[] occupied) {
        long bad = ScalarKernels.countFloats(m, from, to, counts, null, sumLow, ranges);
        if (bad < 0 && k > 0) {
            ScalarKernels.refineRange(m, from, to, shifts, prefixes, k, refineCounts, refineHigh, refineLow, occupied);
        }
        return bad;
    }


    /** One block of float64, as {@link #countFloat32Block}. */
    private long countFloat64Block(Marginal m, long from, long to, long[] counts, long[] sumHigh, long[] sumLow,
                                   BlockRanges ranges) {
        MemorySegment s = m.segments().getFirst();
        ByteOrder order = m.byteOrder();
        boolean swap = ScalarKernels.swap(m);
        int lanes = LONGS.length();
        long upper = from + (to - from) / lanes * lanes;
        LongVector low = LongVector.broadcast(LONGS, Long.MAX_VALUE);
        LongVector high = LongVector.broadcast(LONGS, Long.MIN_VALUE);
        long uniform = 0;
        long run = 0;
        for (long i = from; i < upper; i += lanes) {
            LongVector v = float64Bits(s, i, order);
            low = low.min(v);
            high = high.max(v);
            if (v.compare(VectorOperators.EQ, uniform).allTrue()) {
                run += lanes;
                continue;
            }
            for (int k = 0; k < lanes; k++) {
                if (!ScalarKernels.addFloat64(int64(s, i + k, swap), counts, sumHigh, sumLow)) {
                    return i + k;
                }
            }
            long last = int64(s, i + lanes - 1, swap);
            if (last != uniform && last != Long.MIN_VALUE) {
                addRun64(uniform, run, counts, sumHigh, sumLow);
                run = 0;
                uniform = last;
            }
        }
        addRun64(uniform, run, counts, sumHigh, sumLow);
        long lo = low.reduceLanes(VectorOperators.MIN);
        long hi = high.reduceLanes(VectorOperators.MAX);
        for (long i = upper; i < to; i++) {
            long bits = int64(s, i, swap);
            if (!ScalarKernels.addFloat64(bits, counts, sumHigh, sumLow)) {
                return i;
            }
            lo = Math.min(lo, bits);
            hi = Math.max(hi, bits);
        }
        ranges.set(from / BlockRanges.BLOCK, lo, hi);
        return -1;
    }

    private static void addRun64(long key, long run, long[] counts, long[] sumHigh, long[] sumLow) {
        int bin = (int) (key >>> 48);
        long rest = key & 0xFFFF_FFFF_FFFFL;
        counts[bin] += run;
        sumHigh[bin] += run * (rest >>> 24);
        sumLow[bin] += run * (rest & 0xFF_FFFF);
    }

    // ---- refinement ----------------------------------------------------------------------------

    @Override
    public void refineFloats(Marginal m, long from, long to, Refinement r, BlockRanges ranges) {
        int[] shifts = r.shifts();
        long[] prefixes = r.prefixes();
        int k = r.bins();
        long[] counts = r.counts();
        long[] sumHigh = r.sumHigh();
        long[] sumLow = r.sumLow();
        long[] occupied = r.occupied();
        long range = refinedKeys(shifts, prefixes, k);
        for (long start = from; start < to; start += BlockRanges.BLOCK) {
            if (!ranges.mayHold(start / BlockRanges.BLOCK, shifts, prefixes, k)) {
                continue;
            }
            long end = Math.min(to, start + BlockRanges.BLOCK);
            if (m.encoding() == Encoding.FLOAT32) {
                refineFloat32Block(m, start, end, (int) (range >>> 32), (int) range, prefixes, k, shifts, counts, sumHigh,
                        sumLow, occupied);
            } else {
                ScalarKernels.refineRange(m, start, end, shifts, prefixes, k, counts, sumHigh, sumLow, occupied);
            }
        }
    }

    /**
     * A vector is tested against the key range [first, first + span) of all refined bins at once
     * (masking the sign bit maps −0.0 to its key 0); only its lanes inside go to the scalar
     * refinement, which matches them bin by bin.
     */
    private static void refineFloat32Block(Marginal m, long from, long to, int first, int span, long[] prefixes, int k,
                                           int[] shifts, long[] counts, long[] sumHigh, long[] sumLow, long[] occupied) {
        MemorySegment s = m.segments().getFirst();
        ByteOrder order = m.byteOrder();
        boolean swap = ScalarKernels.swap(m);
        int lanes = INTS.length();
        long upper = from + (to - from) / lanes * lanes;
        for (long i = from; i < upper; i += lanes) {
            IntVector offset = float32Bits(s, i, order).and(Integer.MAX_VALUE).sub(first);
            for (long in = offset.compare(VectorOperators.ULT, span).toLong(); in != 0; in &= in - 1) {
                int bits = int32(s, i + Long.numberOfTrailingZeros(in), swap);
                long key = bits == Integer.MIN_VALUE ? 0 : Integer.toUnsignedLong(bits);
                ScalarKernels.refineKeys(key, 1, shifts, prefixes, k, counts, sumHigh, sumLow, occupied);
            }
        }
        if (upper < to) {
            ScalarKernels.refineRange(m, upper, to, shifts, prefixes, k, counts, sumHigh, sumLow, occupied);
        }
    }

    /**
     * {@code key ≥ level} for the whole words of float16 / bfloat16 from voxel {@code from}: the
     * bit pattern, unsigned, is at least {@code level} and is not −0.0 (key 0), exact for every
     * pattern (also those an analysis would reject) when level ≥ 1; level 0 takes every voxel.
     */
    private static void selectHalves(MemorySegment s, long from, long words, long level, ByteOrder order, BitMask out) {
        int lanes = SHORTS.length();
        short threshold = (short) Math.min(level, 0xFFFF);
        for (long w = 0; w < words; w++) {
            long bits = level <= 0 ? -1L : 0;
            long base = from + w * 64;
            for (int k = 0; k < 64 && level > 0 && level <= 0xFFFF; k += lanes) {
                ShortVector v = ShortVector.fromMemorySegment(SHORTS, s, 2 * (base + k), order);
                bits |= v.compare(VectorOperators.UGE, threshold)
                        .andNot(v.compare(VectorOperators.EQ, (short) KeyReader.HALF_NEGATIVE_ZERO)).toLong() << k;
            }
            out.setWord((int) (from / 64 + w), bits);
        }
    }

    /**
     * The bit patterns of the floats from voxel {@code index}: loaded as floats and reinterpreted,
     * because an int load from a {@code float[]}-backed segment takes a slow path (JMH, 2026-11-26,
     * with int loads: the engine took 51.7 ms on a heap {@code float[]} against 22.2 ms off-heap;
     * jmh/README.md now shows heap and native alike).
     */
    private static IntVector float32Bits(MemorySegment s, long index, ByteOrder order) {
        return FloatVector.fromMemorySegment(FLOATS, s, index * 4, order).reinterpretAsInts();
    }

    /** As {@link #float32Bits} for doubles. */
    private static LongVector float64Bits(MemorySegment s, long index, ByteOrder order) {
        return DoubleVector.fromMemorySegment(DOUBLES, s, index * 8, order).reinterpretAsLongs();
    }

    private static int int32(MemorySegment s, long index, boolean swap) {
        int raw = s.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, index);
        return swap ? Integer.reverseBytes(raw) : raw;
    }

    private static long int64(MemorySegment s, long index, boolean swap) {
        long raw = s.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, index);
        return swap ? Long.reverseBytes(raw) : raw;
    }

    // ---- selection -----------------------------------------------------------------------------

    @Override
    public long summarize(Marginal m, long from, long to, LevelSummary summary) {
        return switch (m.encoding()) {
            case FLOAT32 -> PanamaSummary.supported() ? PanamaSummary.float32(m, from, to, summary, scalar)
                    : scalar.summarize(m, from, to, summary);
            case FLOAT64 -> PanamaSummary.supported() ? PanamaSummary.float64(m, from, to, summary, scalar)
                    : scalar.summarize(m, from, to, summary);
            case FLOAT16 -> PanamaHalfSummary.supported() ? PanamaHalfSummary.float16(m, from, to, summary, scalar)
                    : scalar.summarize(m, from, to, summary);
            default -> scalar.summarize(m, from, to, summary);
        };
    }

    @Override
    public void countPatterns(Marginal m, long from, long to, PatternCounts counts) {
        if (PanamaHalfSummary.supported()) {
            PanamaHalfSummary.patterns(m, from, to, counts);
        } else {
            scalar.countPatterns(m, from, to, counts);
        }
    }

    @Override
    public void select(Marginal m, long from, long to, long level, long quota, BitMask out) {
        boolean u8Votes = m.encoding() == Encoding.VOTES
                && (m.elementType() == ElementType.UINT8 || m.elementType() == ElementType.BOOL);
        boolean halves = m.encoding() == Encoding.FLOAT16 || m.encoding() == Encoding.BFLOAT16;
        if (quota != Long.MAX_VALUE || !(u8Votes || halves || m.encoding() == Encoding.FLOAT32)) {
            scalar.select(m, from, to, level, quota, out);
            return;
        }
        MemorySegment s = m.segments().getFirst();
        long words = (to - from) / 64;
        long firstWord = from / 64;
        if (u8Votes) {
            int lanes = BYTES.length();
            ByteVector threshold = ByteVector.broadcast(BYTES, (byte) Math.min(level, 255));
            for (long w = 0; w < words; w++) {
                long bits = 0;
                long base = from + w * 64;
                for (int k = 0; k < 64; k += lanes) {
                    ByteVector v = ByteVector.fromMemorySegment(BYTES, s, base + k, ByteOrder.nativeOrder());
                    bits |= v.compare(VectorOperators.UGE, threshold).toLong() << k;
                }
                out.setWord((int) (firstWord + w), level > 255 ? 0 : bits);
            }
        } else if (halves) {
            selectHalves(s, from, words, level, m.byteOrder(), out);
        } else {
            int lanes = INTS.length();
            ByteOrder order = m.byteOrder();
            // Valid keys are 0..0x3F800000 as signed ints and −0.0 is negative, so a signed
            // compare against level ≥ 1 is exact; level ≤ 0 selects everything.
            int threshold = (int) Math.min(level, Integer.MAX_VALUE);
            for (long w = 0; w < words; w++) {
                long bits = 0;
                if (level <= 0) {
                    bits = -1L;
                } else {
                    long base = from + w * 64;
                    for (int k = 0; k < 64; k += lanes) {
                        IntVector v = float32Bits(s, base + k, order);
                        bits |= v.compare(VectorOperators.GE, threshold).toLong() << k;
                    }
                }
                out.setWord((int) (firstWord + w), bits);
            }
        }
        long done = from + words * 64;
        if (done < to) {
            scalar.select(m, done, to, level, quota, out);
        }
    }
}
