package org.segopt.engine;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.segopt.Marginal;

/**
 * The float16 summary pass ({@link Kernels#summarize}) with the Vector API, a group of four
 * vectors (64 voxels on AVX2) at a time; its results equal {@link ScalarKernels#summarize}'s.
 *
 * <p>Every float16 value in [0, 1] is a whole number of units of 2^−24 (at most 2^24), so every
 * sum is exact in int lanes; for keys below 2^11 (the subnormals and the least normal binade)
 * the number of units is the key itself. A soft network output is mostly such values (80-86 %
 * of the 64-voxel groups of the soft float16 phantoms): a group whose keys all lie below
 * 2^11 and below every cut and bracket only adds its keys to short lanes, three vector
 * operations per 16 voxels. Any other group goes to {@link #group}, which validates it, sums its
 * units and, where its keys reach the request's, counts and sums it at each cut it straddles and
 * captures its bracket keys. A group holding a pattern with the sign bit set (−0.0, or a
 * negative value) or above 1.0's goes to the scalar kernel, which counts −0.0 at 0 and finds an
 * invalid voxel.
 */
final class PanamaHalfSummary {
    private static final VectorSpecies<Short> SHORTS = ShortVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> INTS = SHORTS.withLanes(int.class);
    /** Vectors per group. */
    private static final int VECTORS = 4;
    private static final int GROUP = VECTORS * SHORTS.length();
    /** Keys below this count their own units (2^−24 each): the subnormals and exponent field 1. */
    private static final int OWN_UNITS = 1 << 11;
    /** Groups whose keys a short lane adds before it is folded: 8 · 4 · (2^11 − 1) < 2^16. */
    private static final int FOLD = 8;
    private static final int MAX_KEY = (int) FloatFormat.F16.maxKey;
    /** Per thread: a call's tallies and one group's keys and units. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** A thread's work arrays. */
    private static final class Scratch {
        /** The voxels at and above each cut, then (from {@link LevelSummary#MAX_CUTS} on) their units, over a call's groups. */
        final long[] tallies = new long[2 * LevelSummary.MAX_CUTS];
        /** A straddling group's keys and their units, in int lanes. */
        final int[] keys = new int[GROUP];
        final int[] units = new int[GROUP];
        /** A scattered group's patterns (the pattern pass). */
        final short[] patterns = new short[GROUP];
    }

    private PanamaHalfSummary() {
    }

    /** Whether these kernels run here: vectors of at least 8 shorts, and a group's units (at most 2^24 a voxel) within 32 bits. */
    static boolean supported() {
        return SHORTS.length() >= 8 && GROUP * (1L << 24) <= 1L << 32;
    }

    /**
     * Summarizes the float16 voxels [from, to) of m into s. A request with a bracket from key 0
     * (which would capture zeros) goes to the scalar kernel, and so do the last partial group
     * and every group holding an invalid value.
     */
    static long float16(Marginal m, long from, long to, LevelSummary s, ScalarKernels scalar) {
        long lowest = s.lowestKey();
        if (lowest == 0) {
            return scalar.summarize(m, from, to, s);
        }
        MemorySegment seg = m.segments().getFirst();
        ByteOrder order = m.byteOrder();
        // A group is fast when no key has a bit of this mask: all below min(2^11, lowest), rounded down to a power of 2.
        short slow = (short) -Integer.highestOneBit((int) Math.min(lowest, OWN_UNITS));
        Scratch scratch = SCRATCH.get();
        long[] tallies = scratch.tallies;
        long units = 0;
        ShortVector own = ShortVector.zero(SHORTS);
        int pending = 0;
        int width = SHORTS.length();
        long i = from;
        for (; i + GROUP <= to; i += GROUP) {
            long offset = 2 * i;
            ShortVector v0 = ShortVector.fromMemorySegment(SHORTS, seg, offset, order);
            ShortVector v1 = ShortVector.fromMemorySegment(SHORTS, seg, offset + 2L * width, order);
            ShortVector v2 = ShortVector.fromMemorySegment(SHORTS, seg, offset + 4L * width, order);
            ShortVector v3 = ShortVector.fromMemorySegment(SHORTS, seg, offset + 6L * width, order);
            if (v0.or(v1).or(v2.or(v3)).and(slow).compare(VectorOperators.EQ, (short) 0).allTrue()) {
                own = own.add(v0.add(v1)).add(v2.add(v3));
                if (++pending == FOLD) {
                    units += fold(own);
                    own = ShortVector.zero(SHORTS);
                    pending = 0;
                }
                continue;
            }
            long groupUnits = group(seg, order, i, lowest, s, scratch);
            if (groupUnits < 0) {
                long bad = scalar.summarize(m, i, i + GROUP, s);
                if (bad >= 0) {
                    clear(tallies);
                    return bad;
                }
                continue;
            }
            units += groupUnits;
        }
        units += fold(own);
        addUnits(s.mass(), units);
        for (int c = 0; c < s.cutCount(); c++) {
            s.addAbove(c, tallies[c]);
            addUnits(s.aboveMass(c), tallies[LevelSummary.MAX_CUTS + c]);
        }
        clear(tallies);
        return i < to ? scalar.summarize(m, i, to, s) : -1;
    }

    /**
     * The pattern pass of the float16 voxels [from, to) of m ({@link Kernels#countPatterns}), in
     * blocks of at most {@link PatternCounts#FLUSH} voxels between flushes of the int table.
     */
    static void patterns(Marginal m, long from, long to, PatternCounts counts) {
        MemorySegment seg = m.segments().getFirst();
        boolean swap = ScalarKernels.swap(m);
        for (long block = from; block < to; block += PatternCounts.FLUSH) {
            long end = Math.min(to, block + PatternCounts.FLUSH);
            if (counts.pendingVoxels + (end - block) > PatternCounts.FLUSH) {
                counts.flush();
            }
            for (long start = block; start < end; start += PanamaKernels.PATTERN_RANGE) {
                long stop = Math.min(end, start + PanamaKernels.PATTERN_RANGE);
                if (lumpableSamples(m, start, stop) >= LUMPABLE_SAMPLES) {
                    patternBlock(m, start, stop, counts);
                } else {
                    PanamaKernels.scatterPatterns(seg, swap, start, stop, counts.pending);
                    counts.pendingVoxels += stop - start;
                }
            }
        }
    }

    /**
     * Sampled groups of a range that must be lumpable for {@link #patternBlock} to take it; with
     * fewer (a dense output, few values below 2^−13) the plain scatter loop costs less.
     */
    private static final int LUMPABLE_SAMPLES = 4;

    /**
     * How many of {@link PanamaKernels#PATTERN_SAMPLES} groups of [from, to), one at a
     * pseudo-random place in each of as many strides (as {@link PanamaKernels#uniformSamples}),
     * hold only keys below {@link PatternCounts#LUMPED_BELOW}; all of them for a range too short to
     * sample.
     */
    private static int lumpableSamples(Marginal m, long from, long to) {
        MemorySegment seg = m.segments().getFirst();
        long stride = (to - from) / GROUP / PanamaKernels.PATTERN_SAMPLES;
        if (stride == 0) {
            return PanamaKernels.PATTERN_SAMPLES;
        }
        short slow = (short) -PatternCounts.LUMPED_BELOW;
        int lumpable = 0;
        for (int j = 0; j < PanamaKernels.PATTERN_SAMPLES; j++) {
            long i = PanamaKernels.sample(from, stride, j, GROUP);
            ShortVector any = ShortVector.zero(SHORTS);
            for (int k = 0; k < VECTORS; k++) {
                any = any.or(ShortVector.fromMemorySegment(SHORTS, seg, 2 * (i + (long) k * SHORTS.length()), m.byteOrder()));
            }
            lumpable += any.and(slow).compare(VectorOperators.EQ, (short) 0).allTrue() ? 1 : 0;
        }
        return lumpable;
    }

    /**
     * One block of {@link #patterns}: a group whose keys all lie below
     * {@link PatternCounts#LUMPED_BELOW} is lumped (its keys added to short lanes, as the summary's
     * fast groups); a group of 1.0 throughout (an organ's interior) is counted in one step; any
     * other is scattered voxel by voxel into the int table (a group equal to the last pattern
     * scattered, tested instead, cost a third of the pass: the broadcast of a new pattern for the
     * next group's test ran as Java code). −0.0 and invalid patterns fall into the last kind. On
     * the soft-confident float16 N = 100 volume a call takes 6.8-8.2 ms of one thread, most of
     * the rest over a read being the scatter (jmh/README.md). The lumping is written out as in
     * {@link #float16}, not shared: a helper returning the accumulator would box it whenever the
     * JIT leaves it out of line.
     */
    private static void patternBlock(Marginal m, long from, long to, PatternCounts counts) {
        MemorySegment seg = m.segments().getFirst();
        ByteOrder order = m.byteOrder();
        short slow = (short) -PatternCounts.LUMPED_BELOW;
        int[] table = counts.pending;
        short[] lanes = SCRATCH.get().patterns;
        int width = SHORTS.length();
        long lumpedGroups = 0;
        long units = 0;
        ShortVector own = ShortVector.zero(SHORTS);
        int pending = 0;
        ShortVector ones = ShortVector.broadcast(SHORTS, (short) MAX_KEY);
        long run = 0;
        long i = from;
        for (; i + GROUP <= to; i += GROUP) {
            long offset = 2 * i;
            ShortVector v0 = ShortVector.fromMemorySegment(SHORTS, seg, offset, order);
            ShortVector v1 = ShortVector.fromMemorySegment(SHORTS, seg, offset + 2L * width, order);
            ShortVector v2 = ShortVector.fromMemorySegment(SHORTS, seg, offset + 4L * width, order);
            ShortVector v3 = ShortVector.fromMemorySegment(SHORTS, seg, offset + 6L * width, order);
            if (v0.or(v1).or(v2.or(v3)).and(slow).compare(VectorOperators.EQ, (short) 0).allTrue()) {
                own = own.add(v0.add(v1)).add(v2.add(v3));
                lumpedGroups++;
                if (++pending == FOLD) {
                    units += fold(own);
                    own = ShortVector.zero(SHORTS);
                    pending = 0;
                }
                continue;
            }
            if (v0.lanewise(VectorOperators.XOR, ones).or(v1.lanewise(VectorOperators.XOR, ones))
                    .or(v2.lanewise(VectorOperators.XOR, ones).or(v3.lanewise(VectorOperators.XOR, ones)))
                    .compare(VectorOperators.EQ, (short) 0).allTrue()) {
                run += GROUP;
                continue;
            }
            v0.intoArray(lanes, 0);
            v1.intoArray(lanes, width);
            v2.intoArray(lanes, 2 * width);
            v3.intoArray(lanes, 3 * width);
            for (int q = 0; q < GROUP; q++) {
                table[Short.toUnsignedInt(lanes[q])]++;
            }
        }
        table[MAX_KEY] += (int) run;
        PanamaKernels.scatterPatterns(seg, ScalarKernels.swap(m), i, to, table); // the partial group at the end
        long lumped = lumpedGroups * GROUP;
        counts.lump(lumped, units + fold(own));
        counts.pendingVoxels += (to - from) - lumped;
    }

    /** The sum of a short accumulator's lanes, read as unsigned. */
    private static long fold(ShortVector own) {
        IntVector pairs = own.reinterpretAsInts();
        return pairs.and(0xFFFF).add(pairs.lanewise(VectorOperators.LSHR, 16)).reduceLanes(VectorOperators.ADD);
    }

    /**
     * One group that is not fast: returns its units, having added it to the tallies of each cut
     * at or below its keys and captured its bracket keys; or −1, with nothing added, when it
     * holds a pattern with the sign bit set or above 1.0's. The units of each key are computed in int
     * lanes: (key − (s << 10)) << s with s = max(exponent field, 1) − 1. The vector code is
     * written out in place, not in helpers: a helper the JIT leaves out of line boxes its vectors.
     */
    private static long group(MemorySegment seg, ByteOrder order, long i, long lowest, LevelSummary s, Scratch scratch) {
        int width = SHORTS.length();
        IntVector sum = IntVector.zero(INTS);
        ShortVector max = ShortVector.zero(SHORTS);
        ShortVector min = ShortVector.broadcast(SHORTS, (short) MAX_KEY);
        for (int k = 0; k < VECTORS; k++) {
            ShortVector v = ShortVector.fromMemorySegment(SHORTS, seg, 2 * (i + (long) k * width), order);
            max = max.max(v);
            min = min.min(v);
            IntVector pairs = v.reinterpretAsInts();
            IntVector low = pairs.and(0xFFFF);
            IntVector high = pairs.lanewise(VectorOperators.LSHR, 16);
            IntVector sl = low.lanewise(VectorOperators.LSHR, 10).max(1).sub(1);
            IntVector sh = high.lanewise(VectorOperators.LSHR, 10).max(1).sub(1);
            sum = sum.add(low.sub(sl.lanewise(VectorOperators.LSHL, 10)).lanewise(VectorOperators.LSHL, sl))
                    .add(high.sub(sh.lanewise(VectorOperators.LSHL, 10)).lanewise(VectorOperators.LSHL, sh));
        }
        int top = max.reduceLanes(VectorOperators.MAX);
        int bottom = min.reduceLanes(VectorOperators.MIN);
        if (bottom < 0 || top > MAX_KEY) { // signed: a pattern with the sign bit set (a negative value, −0.0) is below 0
            return -1;
        }
        long units = sum.reduceLanes(VectorOperators.ADD) & 0xFFFF_FFFFL;
        if (top < lowest) {
            return units;
        }
        long[] tallies = scratch.tallies;
        int first = 0; // the cuts below every key take the whole group
        for (; first < s.cutCount() && s.cut(first) <= bottom; first++) {
            tallies[first] += GROUP;
            tallies[LevelSummary.MAX_CUTS + first] += units;
        }
        int last = first; // cuts [first, last) lie inside the group's range
        while (last < s.cutCount() && s.cut(last) <= top) {
            last++;
        }
        boolean captures = false;
        for (int j = 0; j < s.bracketCount(); j++) {
            captures |= s.bracketLo(j) <= top && s.bracketHi(j) > bottom;
        }
        if (first < last || captures) {
            straddled(seg, order, i, s, first, last, captures, scratch);
        }
        return units;
    }

    /**
     * The group's tallies at the cuts [first, last), which lie inside its range, and its bracket
     * captures: its keys and units go to the scratch arrays once, and each cut and bracket reads
     * them back (in int lanes, whose masks turn into bits cheaply, where short lanes' do not).
     */
    private static void straddled(MemorySegment seg, ByteOrder order, long i, LevelSummary s, int first, int last,
            boolean captures, Scratch scratch) {
        int width = SHORTS.length();
        int half = INTS.length();
        int[] keys = scratch.keys;
        int[] units = scratch.units;
        for (int k = 0; k < VECTORS; k++) {
            ShortVector v = ShortVector.fromMemorySegment(SHORTS, seg, 2 * (i + (long) k * width), order);
            IntVector pairs = v.reinterpretAsInts();
            IntVector low = pairs.and(0xFFFF);
            IntVector high = pairs.lanewise(VectorOperators.LSHR, 16);
            IntVector sl = low.lanewise(VectorOperators.LSHR, 10).max(1).sub(1);
            IntVector sh = high.lanewise(VectorOperators.LSHR, 10).max(1).sub(1);
            low.intoArray(keys, 2 * k * half);
            high.intoArray(keys, (2 * k + 1) * half);
            low.sub(sl.lanewise(VectorOperators.LSHL, 10)).lanewise(VectorOperators.LSHL, sl).intoArray(units, 2 * k * half);
            high.sub(sh.lanewise(VectorOperators.LSHL, 10)).lanewise(VectorOperators.LSHL, sh).intoArray(units, (2 * k + 1) * half);
        }
        for (int j = 0; captures && j < s.bracketCount(); j++) {
            int lo = (int) s.bracketLo(j);
            int width1 = (int) s.bracketHi(j) - lo - 1;
            for (int q = 0; q < GROUP; q += half) {
                // key − lo in [0, hi − lo) exactly when neither it nor hi − lo − 1 − (key − lo) is negative
                IntVector d = IntVector.fromArray(INTS, keys, q).sub(lo);
                IntVector out = d.or(d.neg().add(width1));
                if (!out.compare(VectorOperators.LT, 0).allTrue()) { // the keys are captured, not the voxels: lane order does not matter
                    for (int lane = 0; lane < half; lane++) {
                        int key = keys[q + lane];
                        if (key >= lo && key - lo <= width1) {
                            s.capture(j, key);
                        }
                    }
                }
            }
        }
        long[] tallies = scratch.tallies;
        for (int c = first; c < last; c++) {
            int cut = (int) s.cut(c);
            boolean pair = c + 1 < last && s.cut(c + 1) == cut + 1; // like ½ and the key above it
            IntVector count = IntVector.zero(INTS);
            IntVector sum = IntVector.zero(INTS);
            IntVector at = IntVector.zero(INTS);
            for (int q = 0; q < GROUP; q += half) {
                IntVector key = IntVector.fromArray(INTS, keys, q);
                IntVector above = key.sub(cut).lanewise(VectorOperators.ASHR, 31).not(); // −1 where key ≥ cut
                count = count.sub(above);
                sum = sum.add(IntVector.fromArray(INTS, units, q).and(above));
                if (pair) {
                    at = at.sub(key.sub(cut + 1).lanewise(VectorOperators.ASHR, 31).and(above)); // −1 where key = cut
                }
            }
            long n = count.reduceLanes(VectorOperators.ADD);
            long u = sum.reduceLanes(VectorOperators.ADD) & 0xFFFF_FFFFL;
            tallies[c] += n;
            tallies[LevelSummary.MAX_CUTS + c] += u;
            if (pair) { // the next cut's voxels are these less those at this cut, whose units are the cut's
                long atCut = at.reduceLanes(VectorOperators.ADD);
                c++;
                tallies[c] += n - atCut;
                tallies[LevelSummary.MAX_CUTS + c] += u - atCut * unitsOf(cut);
            }
        }
    }

    /** The units (2^−24 each) of a valid key's value. */
    private static long unitsOf(int key) {
        int shift = Math.max(key >>> 10, 1) - 1;
        return (long) (key - (shift << 10)) << shift;
    }

    /** Adds {@code units} · 2^−24 to e exactly: the whole units, and the rest on the first grid. */
    private static void addUnits(ExactSum e, long units) {
        e.addWhole(units >>> 24);
        e.addPart(1, (units & 0xFF_FFFF) << (ExactSum.GRID_BITS - 24));
    }

    private static void clear(long[] tallies) {
        java.util.Arrays.fill(tallies, 0);
    }
}
