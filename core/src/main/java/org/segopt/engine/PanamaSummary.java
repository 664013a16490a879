package org.segopt.engine;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.segopt.Marginal;

/**
 * The summary pass ({@link Kernels#summarize}) with the Vector API, block by block.
 *
 * <p>Each block of {@value #BLOCK} voxels is read from memory once, by a loop that checks every
 * value and adds it to the exact mass on the {@link ExactSum} grids: adding 1.5 · 2 rounds v to a
 * multiple of 2^−51 (the sum's bit pattern then holds it), the exact remainder is rounded to
 * 2^−102 the same way, and so on, three times for float32 and four for float64 (no multiply: each
 * grid has its own constant; a float32 block whose values all reach 2^−79 needs two). Nothing is
 * scattered, so the loop's cost does not depend on the values. float32 blocks also record, per
 * part of {@value #PART} voxels, their bounds and first-grid sum: only a part whose values
 * straddle a cut or a bracket is read again, from L1, in sub-parts of {@value #SUB} voxels whose
 * bounds a cheap loop finds first (a cut below a whole part or sub-part takes its first-grid sum:
 * values of at least 2^−24, the least cut, lie on that grid). A bracket's loop counts the cut at its upper end too; other cuts go two to a loop; the
 * rare lanes inside a bracket are captured one by one. On a network's soft output most parts
 * are far from every organ, or inside one, and take the first loop only. (float64 blocks record
 * only their largest pattern; their second loops find each sub-part's bounds themselves.)
 *
 * <p>Blocks that hold an invalid value or a −0.0 (a sign bit makes a block's least pattern
 * negative), float64 blocks with values too small for four grids, the partial block at the end,
 * and requests with a float32 cut below 2^−24 (float64: 2^−28) go to
 * {@link ScalarKernels#summarize}, whose results these equal exactly.
 */
final class PanamaSummary {
    /** Voxels per block: 8 KB of float32, 16 KB of float64, so the second loops read L1. */
    static final int BLOCK = 2048;

    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_PREFERRED;
    /** Floats that convert to one vector of {@link #DOUBLES}. */
    private static final VectorSpecies<Float> HALF_FLOATS = VectorSpecies.of(float.class,
            VectorShape.forBitSize(DOUBLES.vectorBitSize() / 2));
    private static final VectorSpecies<Integer> HALF_INTS = HALF_FLOATS.withLanes(int.class);
    /**
     * 1.5 · 2^(1 − 51·(k − 1)): for |x| ≤ 2^(−51·(k − 1)), x + GRIDk lies in GRIDk's binade (or
     * at its upper end), whose spacing is 2^(−51·k), so it is GRIDk plus x rounded to that grid,
     * and its bit pattern exceeds GRIDk's by the rounded x in units of the grid.
     */
    private static final double GRID1 = 0x1.8p1;
    private static final double GRID2 = 0x1.8p-50;
    private static final double GRID3 = 0x1.8p-101;
    private static final double GRID4 = 0x1.8p-152;
    private static final long[] GRID_BITS = {0, Double.doubleToRawLongBits(GRID1), Double.doubleToRawLongBits(GRID2),
        Double.doubleToRawLongBits(GRID3), Double.doubleToRawLongBits(GRID4)};
    private static final int F32_ONE = 0x3F80_0000;
    /** The least cut these kernels take (see UNITS_EXACT below and {@link LevelSummary#LEAST_VECTOR_CUT_F32}). */
    private static final long MIN_CUT32 = LevelSummary.LEAST_VECTOR_CUT_F32;
    private static final long MIN_CUT64 = LevelSummary.LEAST_VECTOR_CUT_F64;
    private static final long F64_ONE = 0x3FF0_0000_0000_0000L;
    /** Constant layouts for the rare captured keys, read one by one. */
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private PanamaSummary() {
    }

    /** Whether these kernels run here: float32 vectors convert to exactly two double vectors. */
    static boolean supported() {
        return DOUBLES.length() * 2 == FLOATS.length() && LONGS.length() == DOUBLES.length()
                && INTS.length() == FLOATS.length() && HALF_FLOATS.length() == DOUBLES.length()
                && BLOCK % FLOATS.length() == 0;
    }

    static long float32(Marginal m, long from, long to, LevelSummary s, ScalarKernels scalar) {
        return blocks(m, from, to, s, scalar, false);
    }

    static long float64(Marginal m, long from, long to, LevelSummary s, ScalarKernels scalar) {
        return blocks(m, from, to, s, scalar, true);
    }

    /**
     * The blocks of a float32 or ({@code f64}) float64 summary: each block's first loop, then the
     * second loops where its keys reach the request's lowest. A block the vector loops cannot
     * take (an invalid value, a −0.0, a float64 below 2^−152), the partial block at the end, and
     * a request with a cut below the least vector cut go to the scalar kernel.
     */
    private static long blocks(Marginal m, long from, long to, LevelSummary s, ScalarKernels scalar, boolean f64) {
        if (s.cutCount() > 0 && s.cut(0) < (f64 ? MIN_CUT64 : MIN_CUT32)) {
            return scalar.summarize(m, from, to, s); // the second loops sum on the first grid(s) only
        }
        MemorySegment seg = m.segments().getFirst();
        ByteOrder order = m.byteOrder();
        long lowest = s.lowestKey();
        long[] grids = GRID_SUMS.get();
        int gridCount = f64 ? 4 : 3; // float32: the grids the previous block needed
        long start = from;
        for (; start + BLOCK <= to; start += BLOCK) {
            long top;
            boolean vector;
            if (f64) {
                top = massOfBlock64(seg, order, start, grids);
                vector = top <= F64_ONE && grids[0] == 0;
            } else {
                top = massOfBlock32(seg, order, start, gridCount, grids);
                vector = top <= F32_ONE && grids[4] >= 0;
                int needed = grids[4] >= TWO_GRIDS_LEAST32 ? 2 : 3;
                if (vector && needed > gridCount) {
                    top = massOfBlock32(seg, order, start, needed, grids);
                }
                gridCount = needed;
            }
            if (!vector) {
                long bad = scalar.summarize(m, start, start + BLOCK, s);
                if (bad >= 0) {
                    return bad;
                }
                continue;
            }
            addGrids(s.mass(), BLOCK, grids, gridCount);
            if (top < lowest) {
                continue;
            }
            if (f64) {
                cutsAndBrackets64(seg, order, start, s);
                continue;
            }
            for (int q = 0; q < PARTS; q++) {
                int partTop = (int) grids[PART_MAX + q];
                if (partTop >= lowest) {
                    cutsAndBrackets32(seg, order, start + (long) q * PART, partTop, (int) grids[PART_MIN + q],
                            grids[PART_GRID + q] - PART * GRID_BITS[1], grids, s);
                }
            }
        }
        return start < to ? scalar.summarize(m, start, to, s) : -1;
    }

    /** Voxels per part of a block: the second loops read only the parts that need them. */
    private static final int PART = 256;
    private static final int PARTS = BLOCK / PART;
    /** Where {@link #massOfBlock32} writes each part's largest and smallest pattern and first-grid lane sum. */
    private static final int PART_MAX = 5;
    private static final int PART_MIN = PART_MAX + PARTS;
    private static final int PART_GRID = PART_MIN + PARTS;
    /** Voxels per sub-part of the second loops, sub-parts per part, and where {@link #boundsOfSubs32} puts their bounds. */
    private static final int SUB = 64;
    private static final int SUBS = PART / SUB;
    private static final int SUB_MAX = PART_GRID + PARTS;
    private static final int SUB_MIN = SUB_MAX + SUBS;
    /**
     * Per thread: a block's three grid lane sums (from index 1), its smallest pattern, then per
     * part the largest and smallest pattern and first-grid lane sum, then the sub-parts' bounds
     * of one part.
     */
    private static final ThreadLocal<long[]> GRID_SUMS = ThreadLocal.withInitial(() -> new long[SUB_MIN + SUBS]);

    /**
     * The least float32 bit pattern, 2^−79, whose values lie on the second grid (their last bit is
     * 2^−102 or more): a block whose values all reach it needs only two grids. On a network's
     * output the organ-dense patches a training loop calibrates hold no smaller value, while a
     * whole volume's background goes down to 1e-30 (NumPy over the soft phantoms: every 2048-voxel
     * block of the 128³ patches, 0-11 % of the N = 100 volumes'; the mass-only pass on the patches,
     * jmh's {@code SummaryPieces}: 0.96-1.22 ms of one thread against 1.26-1.43 with three grids).
     */
    private static final int TWO_GRIDS_LEAST32 = Float.floatToRawIntBits(0x1p-79f);

    /**
     * The first loop over a float32 block: returns its largest bit pattern and writes into
     * {@code out} the lane sums of the first {@code grids} (2 or 3) grids (each carrying GRIDk's
     * pattern per value) and the smallest bit pattern (negative when a value has its sign set: a
     * negative value, or −0.0, which the scalar kernel takes). With two grids the sum is exact
     * only when that pattern reaches {@link #TWO_GRIDS_LEAST32}: the caller checks, and runs the
     * block again with three when it does not. {@link #blocks} asks for the grids the previous
     * block needed, so a volume pays the third grid's four operations per four voxels only where
     * its values need it, and a block again only where that changes. A method of its own so that
     * the compiler keeps every vector in registers.
     */
    private static int massOfBlock32(MemorySegment seg, ByteOrder order, long start, int grids, long[] out) {
        LongVector g2 = LongVector.zero(LONGS);
        LongVector g3 = LongVector.zero(LONGS);
        long g1Sum = 0;
        int top = 0;
        int bottom = Integer.MAX_VALUE;
        for (int q = 0; q < PARTS; q++) {
            IntVector max = IntVector.broadcast(HALF_INTS, 0);
            IntVector min = IntVector.broadcast(HALF_INTS, Integer.MAX_VALUE);
            LongVector g1 = LongVector.zero(LONGS);
            long from = start + (long) q * PART;
            for (long i = from; i < from + PART; i += HALF_FLOATS.length()) {
                // Half-width loads: each converts to one double vector with no lane shuffle.
                FloatVector f = FloatVector.fromMemorySegment(HALF_FLOATS, seg, i * Float.BYTES, order);
                IntVector bits = f.reinterpretAsInts();
                max = max.max(bits);
                min = min.min(bits); // negative when a sign bit is set
                DoubleVector x = (DoubleVector) f.convertShape(VectorOperators.F2D, DOUBLES, 0);
                DoubleVector y = x.add(GRID1); // GRID1 + x rounded to a multiple of 2^−51
                g1 = g1.add(y.reinterpretAsLongs());
                DoubleVector r = x.sub(y.sub(GRID1)); // the remainder, |r| ≤ 2^−52, exact
                DoubleVector z = r.add(GRID2);
                g2 = g2.add(z.reinterpretAsLongs());
                if (grids > 2) {
                    g3 = g3.add(r.sub(z.sub(GRID2)).add(GRID3).reinterpretAsLongs());
                }
            }
            int partMax = max.reduceLanes(VectorOperators.MAX);
            int partMin = min.reduceLanes(VectorOperators.MIN);
            long partGrid = g1.reduceLanes(VectorOperators.ADD);
            out[PART_MAX + q] = partMax;
            out[PART_MIN + q] = partMin;
            out[PART_GRID + q] = partGrid;
            top = Math.max(top, partMax);
            bottom = Math.min(bottom, partMin);
            g1Sum += partGrid;
        }
        out[1] = g1Sum;
        out[2] = g2.reduceLanes(VectorOperators.ADD);
        out[3] = g3.reduceLanes(VectorOperators.ADD);
        out[4] = bottom;
        return top;
    }

    /**
     * The second loops over a valid float32 part of a block ({@value #PART} voxels from
     * {@code start}) whose keys lie in [bottom, top] and whose first-grid sum is {@code grid}
     * units of 2^−51: a cut below the whole part takes all of it without a loop (its values, at
     * least 2^−24, lie on the first grid); a bracket that meets the part is captured in a loop
     * that also counts the cut at its upper end; the other cuts go two to a loop. A part that
     * needs a loop is first split into its sub-parts of {@value #SUB} voxels, whose bounds one
     * cheap loop finds: on a network's output only the few voxels of an organ's shell straddle a
     * cut, so most sub-parts then need no loop at all.
     */
    private static void cutsAndBrackets32(MemorySegment seg, ByteOrder order, long start, int top, int bottom,
                                          long grid, long[] out, LevelSummary s) {
        if (!needsLoop(s, top, bottom)) {
            loops32(seg, order, start, PART, top, bottom, grid, out, s);
            return;
        }
        boundsOfSubs32(seg, order, start, out);
        long lowest = s.lowestKey();
        for (int k = 0; k < SUBS; k++) {
            int subTop = (int) out[SUB_MAX + k];
            if (subTop >= lowest) {
                loops32(seg, order, start + (long) k * SUB, SUB, subTop, (int) out[SUB_MIN + k], UNKNOWN, out, s);
            }
        }
    }

    /**
     * What {@link #cutsAndBrackets32} does for a part that needs no loop or for one sub-part
     * ({@code length} voxels from start; {@code grid} {@link #UNKNOWN} when not yet summed): the
     * cuts below all of it from its first-grid sum, the loops for the rest.
     */
    private static void loops32(MemorySegment seg, ByteOrder order, long start, int length, int top, int bottom,
                                long grid, long[] out, LevelSummary s) {
        int done = 0; // bit c: cut c is counted
        for (int c = 0; c < s.cutCount(); c++) {
            if (s.cut(c) > top) {
                done |= 1 << c; // nothing of the part is at or above it
            } else if (bottom >= s.cut(c)) {
                grid = grid == UNKNOWN ? gridOf32(seg, order, start, length) : grid;
                addCut(s, c, length, grid);
                done |= 1 << c;
            }
        }
        for (int j = 0; j < s.bracketCount(); j++) {
            if (s.bracketLo(j) > top || bottom >= s.bracketHi(j)) {
                continue;
            }
            int c = cutAt(s, s.bracketHi(j));
            boolean counts = c >= 0 && (done & (1 << c)) == 0;
            long count = bracketOfPart32(seg, order, start, j, counts ? s.cut(c) : F32_ONE + 1, out, s);
            if (counts) {
                addCut(s, c, count, out[1]);
                done |= 1 << c;
            }
        }
        for (int c = 0; c < s.cutCount(); c++) {
            if ((done & (1 << c)) != 0) {
                continue;
            }
            int d = c + 1;
            while (d < s.cutCount() && (done & (1 << d)) != 0) {
                d++;
            }
            long other = d < s.cutCount() ? s.cut(d) : F32_ONE + 1;
            long count = cutsOfPart32(seg, order, start, s.cut(c), other, out);
            addCut(s, c, count, out[1]);
            done |= 1 << c;
            if (d < s.cutCount()) {
                addCut(s, d, out[4], out[2]);
                done |= 1 << d;
            }
        }
    }

    /** A first-grid lane sum not yet computed (those of 64 or 256 valid values lie in [2^57, 2^60]). */
    private static final long UNKNOWN = Long.MIN_VALUE;

    /** Whether keys in [bottom, top] straddle a cut or meet a bracket, so that a loop must look at them. */
    private static boolean needsLoop(LevelSummary s, int top, int bottom) {
        for (int c = 0; c < s.cutCount(); c++) {
            if (bottom < s.cut(c) && s.cut(c) <= top) {
                return true;
            }
        }
        for (int j = 0; j < s.bracketCount(); j++) {
            if (s.bracketLo(j) <= top && bottom < s.bracketHi(j)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The largest and smallest bit patterns of each sub-part of a valid part (from start) into
     * {@code out[SUB_MAX + k]} and {@code out[SUB_MIN + k]}: one call for the {@value #SUBS}
     * sub-parts (the same lines from L1), where a call per sub-part cost its prologue each.
     */
    private static void boundsOfSubs32(MemorySegment seg, ByteOrder order, long start, long[] out) {
        for (int k = 0; k < SUBS; k++) {
            IntVector max = IntVector.zero(INTS);
            IntVector min = IntVector.broadcast(INTS, Integer.MAX_VALUE);
            long from = start + (long) k * SUB;
            for (long i = from; i < from + SUB; i += INTS.length()) {
                IntVector bits = FloatVector.fromMemorySegment(FLOATS, seg, i * Float.BYTES, order).reinterpretAsInts();
                max = max.max(bits);
                min = min.min(bits);
            }
            out[SUB_MAX + k] = max.reduceLanes(VectorOperators.MAX);
            out[SUB_MIN + k] = min.reduceLanes(VectorOperators.MIN);
        }
    }

    /** The sum of a valid part of {@code length} voxels from start on the first grid, in units of 2^−51. */
    private static long gridOf32(MemorySegment seg, ByteOrder order, long start, int length) {
        LongVector sum = LongVector.zero(LONGS);
        for (long i = start; i < start + length; i += HALF_FLOATS.length()) {
            FloatVector f = FloatVector.fromMemorySegment(HALF_FLOATS, seg, i * Float.BYTES, order);
            sum = sum.add(((DoubleVector) f.convertShape(VectorOperators.F2D, DOUBLES, 0)).add(GRID1).reinterpretAsLongs());
        }
        return sum.reduceLanes(VectorOperators.ADD) - length * GRID_BITS[1];
    }

    /** The index of the cut at {@code key}, or −1. */
    private static int cutAt(LevelSummary s, long key) {
        for (int c = 0; c < s.cutCount(); c++) {
            if (s.cut(c) == key) {
                return c;
            }
        }
        return -1;
    }

    /** Adds a part's count and the sum of its values in units of 2^−51 (values ≥ 2^−24 are multiples of it) to cut c. */
    private static void addCut(LevelSummary s, int c, long count, long units) {
        s.addAbove(c, count);
        s.aboveMass(c).addPart(1, units);
    }

    /*
     * UNITS_EXACT: the second loops sum the values at or above a cut of at least MIN_CUT32 = 2^−24
     * in double lanes. Such values are multiples of 2^−47, so every lane sum of a sub-part, and
     * their total (at most SUB = 2^6), is exact in 53 bits, and times 2^51 it is the exact count
     * of first-grid units.
     */

    /** −1 in the lanes whose pattern is at least {@code key}, 0 elsewhere. */
    private static IntVector atOrAbove(IntVector bits, int key) {
        return (IntVector) bits.compare(VectorOperators.GE, key).toVector();
    }

    /**
     * Counts a sub-part's values ({@value #SUB} from start) at or above the keys a and b; returns
     * a's count, writes b's into {@code out[4]} and their sums (units of 2^−51) into
     * {@code out[1]}, {@code out[2]}. Keys compare as ints (valid patterns are non-negative),
     * counts accumulate in int lanes (from {@link #atOrAbove}'s −1s), and only the end reduces
     * lanes. When b is the key just above a (the cuts at ½ and just above it), the values in
     * [a, b) all equal a's value, so b's sum is a's less that value per voxel, with no sum of
     * its own in the loop.
     */
    private static long cutsOfPart32(MemorySegment seg, ByteOrder order, long start, long a, long b,
                                     long[] out) {
        int keyA = (int) a;
        int keyB = (int) Math.min(b, F32_ONE + 1);
        boolean adjacent = b == a + 1;
        IntVector countA = IntVector.zero(INTS);
        IntVector countB = IntVector.zero(INTS);
        DoubleVector sumA = DoubleVector.zero(DOUBLES);
        DoubleVector sumB = DoubleVector.zero(DOUBLES);
        for (long i = start; i < start + SUB; i += FLOATS.length()) {
            FloatVector f = FloatVector.fromMemorySegment(FLOATS, seg, i * Float.BYTES, order);
            IntVector bits = f.reinterpretAsInts();
            IntVector atA = atOrAbove(bits, keyA);
            IntVector atB = atOrAbove(bits, keyB);
            countA = countA.sub(atA);
            countB = countB.sub(atB);
            // Selected values as doubles, the two halves added first (exactly), so that one
            // addition per loop waits for the previous one. (Written out: a helper was not inlined.)
            FloatVector inA = bits.and(atA).reinterpretAsFloats();
            sumA = sumA.add(((DoubleVector) inA.convertShape(VectorOperators.F2D, DOUBLES, 0))
                    .add((DoubleVector) inA.convertShape(VectorOperators.F2D, DOUBLES, 1)));
            if (!adjacent) {
                FloatVector inB = bits.and(atB).reinterpretAsFloats();
                sumB = sumB.add(((DoubleVector) inB.convertShape(VectorOperators.F2D, DOUBLES, 0))
                        .add((DoubleVector) inB.convertShape(VectorOperators.F2D, DOUBLES, 1)));
            }
        }
        long above = countA.reduceLanes(VectorOperators.ADD);
        long aboveB = countB.reduceLanes(VectorOperators.ADD);
        out[1] = (long) (sumA.reduceLanes(VectorOperators.ADD) * 0x1p51); // see UNITS_EXACT
        out[2] = adjacent ? out[1] - (above - aboveB) * (long) (Float.intBitsToFloat(keyA) * 0x1p51)
                : (long) (sumB.reduceLanes(VectorOperators.ADD) * 0x1p51);
        out[4] = aboveB;
        return above;
    }

    /**
     * Captures the keys of a sub-part's values ({@value #SUB} from start) inside bracket j and
     * counts those at or above {@code cut} (its upper end, or past 1 for none); writes their sum
     * (units of 2^−51) into {@code out[1]} and returns their count.
     */
    private static long bracketOfPart32(MemorySegment seg, ByteOrder order, long start, int j,
                                         long cut, long[] out, LevelSummary s) {
        int lo = (int) s.bracketLo(j);
        int hi = (int) s.bracketHi(j);
        int key = (int) Math.min(cut, F32_ONE + 1);
        IntVector count = IntVector.zero(INTS);
        DoubleVector sum = DoubleVector.zero(DOUBLES);
        for (long i = start; i < start + SUB; i += FLOATS.length()) {
            FloatVector f = FloatVector.fromMemorySegment(FLOATS, seg, i * Float.BYTES, order);
            IntVector bits = f.reinterpretAsInts();
            IntVector at = atOrAbove(bits, key);
            count = count.sub(at);
            FloatVector above = bits.and(at).reinterpretAsFloats(); // as in cutsOfPart32
            sum = sum.add(((DoubleVector) above.convertShape(VectorOperators.F2D, DOUBLES, 0))
                    .add((DoubleVector) above.convertShape(VectorOperators.F2D, DOUBLES, 1)));
            VectorMask<Integer> in = bits.compare(VectorOperators.GE, lo).andNot(bits.compare(VectorOperators.GE, hi));
            if (in.anyTrue()) {
                capture32(seg, order, i, in.toLong(), j, s);
            }
        }
        out[1] = (long) (sum.reduceLanes(VectorOperators.ADD) * 0x1p51); // see UNITS_EXACT
        return count.reduceLanes(VectorOperators.ADD);
    }

    /**
     * Captures into bracket j the float32 keys of the voxels from i whose bits are set in
     * {@code lanes}, read again from memory (no vector lane extraction, which runs as Java code
     * for a variable lane): rare, so a method of its own that keeps the vector loop small.
     */
    private static void capture32(MemorySegment seg, ByteOrder order, long i, long lanes, int j, LevelSummary s) {
        ValueLayout.OfInt pattern = order == ByteOrder.LITTLE_ENDIAN ? INT_LE : INT_BE;
        for (long set = lanes; set != 0; set &= set - 1) {
            // no −0.0 here: its block went to the scalar kernel
            s.capture(j, seg.get(pattern, (i + Long.numberOfTrailingZeros(set)) * Float.BYTES));
        }
    }

    /** {@link #capture32} for float64 keys. */
    private static void capture64(MemorySegment seg, ByteOrder order, long i, long lanes, int j, LevelSummary s) {
        ValueLayout.OfLong pattern = order == ByteOrder.LITTLE_ENDIAN ? LONG_LE : LONG_BE;
        for (long set = lanes; set != 0; set &= set - 1) {
            s.capture(j, seg.get(pattern, (i + Long.numberOfTrailingZeros(set)) * Double.BYTES));
        }
    }

    /**
     * The first loop over a float64 block, as {@link #massOfBlock32} but on four grids (a float64
     * of at least 2^−152 needs no more; a network's output goes down to 1e-32, 2^−106), the fourth
     * lane sum in {@code out[4]}; {@code out[0]} is non-zero when a value has its sign set (a
     * negative value, or −0.0) or leaves a remainder past the fourth grid.
     */
    private static long massOfBlock64(MemorySegment seg, ByteOrder order, long start, long[] out) {
        LongVector max = LongVector.zero(LONGS);
        LongVector signs = LongVector.zero(LONGS);
        LongVector residue = LongVector.zero(LONGS);
        LongVector g1 = LongVector.zero(LONGS);
        LongVector g2 = LongVector.zero(LONGS);
        LongVector g3 = LongVector.zero(LONGS);
        LongVector g4 = LongVector.zero(LONGS);
        for (long i = start; i < start + BLOCK; i += DOUBLES.length()) {
            DoubleVector v = DoubleVector.fromMemorySegment(DOUBLES, seg, i * Double.BYTES, order);
            LongVector bits = v.reinterpretAsLongs();
            max = max.max(bits);
            signs = signs.or(bits);
            DoubleVector y = v.add(GRID1);
            g1 = g1.add(y.reinterpretAsLongs());
            DoubleVector r = v.sub(y.sub(GRID1));
            DoubleVector y2 = r.add(GRID2);
            g2 = g2.add(y2.reinterpretAsLongs());
            DoubleVector x3 = r.sub(y2.sub(GRID2));
            DoubleVector y3 = x3.add(GRID3);
            g3 = g3.add(y3.reinterpretAsLongs());
            DoubleVector x4 = x3.sub(y3.sub(GRID3));
            DoubleVector y4 = x4.add(GRID4);
            g4 = g4.add(y4.reinterpretAsLongs());
            residue = residue.or(x4.sub(y4.sub(GRID4)).reinterpretAsLongs());
        }
        out[0] = residue.or(signs.and(Long.MIN_VALUE)).reduceLanes(VectorOperators.OR);
        out[1] = g1.reduceLanes(VectorOperators.ADD);
        out[2] = g2.reduceLanes(VectorOperators.ADD);
        out[3] = g3.reduceLanes(VectorOperators.ADD);
        out[4] = g4.reduceLanes(VectorOperators.ADD);
        return max.reduceLanes(VectorOperators.MAX);
    }

    /**
     * The second loops over a valid float64 block, {@value #SUB} voxels at a time: a loop finds a
     * sub-part's bounds; one below every cut and bracket needs nothing more, a cut below the
     * whole sub-part takes its sums on the first two grids (values of at least 2^−28 are
     * multiples of 2^−80), and only the other cuts and the brackets that meet it take a loop.
     */
    private static void cutsAndBrackets64(MemorySegment seg, ByteOrder order, long start, LevelSummary s) {
        long[] out = LOOP_SUMS.get();
        long lowest = s.lowestKey();
        for (long sub = start; sub < start + BLOCK; sub += SUB) {
            long top = boundsOf64(seg, order, sub, out);
            long bottom = out[0];
            if (top < lowest) {
                continue;
            }
            boolean summed = false; // out[3..4] hold the whole sub-part's grid sums
            int pending = -1; // a straddling cut waiting for a second one to share its loop
            for (int c = 0; c < s.cutCount() && s.cut(c) <= top; c++) {
                if (bottom >= s.cut(c)) {
                    if (!summed) {
                        gridsOf64(seg, order, sub, out);
                        summed = true;
                    }
                    addCut64(s, c, SUB, out[3], out[4]);
                } else if (pending < 0) {
                    pending = c;
                } else {
                    long count = cutsOfPart64(seg, order, sub, s.cut(pending), s.cut(c), out);
                    addCut64(s, pending, count, out[1], out[2]);
                    addCut64(s, c, out[7], out[5], out[6]);
                    pending = -1;
                }
            }
            if (pending >= 0) {
                long count = cutsOfPart64(seg, order, sub, s.cut(pending), F64_ONE + 1, out);
                addCut64(s, pending, count, out[1], out[2]);
            }
            for (int j = 0; j < s.bracketCount(); j++) {
                if (s.bracketLo(j) <= top && bottom < s.bracketHi(j)) {
                    bracketOfPart64(seg, order, sub, j, s);
                }
            }
        }
    }

    /** Per thread: what the float64 second loops write (bounds, counts, sums on the first two grids). */
    private static final ThreadLocal<long[]> LOOP_SUMS = ThreadLocal.withInitial(() -> new long[8]);

    /** Adds a sub-part's count and sums on the first two grids (in units of each) to cut c. */
    private static void addCut64(LevelSummary s, int c, long count, long grid1, long grid2) {
        s.addAbove(c, count);
        s.aboveMass(c).addPart(1, grid1);
        s.aboveMass(c).addPart(2, grid2);
    }

    /** The largest pattern of a valid float64 sub-part ({@value #SUB} voxels from start); its smallest goes to {@code out[0]}. */
    private static long boundsOf64(MemorySegment seg, ByteOrder order, long start, long[] out) {
        LongVector max = LongVector.zero(LONGS);
        LongVector min = LongVector.broadcast(LONGS, Long.MAX_VALUE);
        for (long i = start; i < start + SUB; i += DOUBLES.length()) {
            LongVector bits = DoubleVector.fromMemorySegment(DOUBLES, seg, i * Double.BYTES, order).reinterpretAsLongs();
            max = max.max(bits);
            min = min.min(bits);
        }
        // Reduced as doubles: AVX2 has no long minimum or maximum, and JFR found the long
        // reductions running as Java code (6 % of a float64 analysis's samples); these are the
        // patterns of valid values, non-negative doubles, which order as their patterns do.
        out[0] = Double.doubleToRawLongBits(min.reinterpretAsDoubles().reduceLanes(VectorOperators.MIN));
        return Double.doubleToRawLongBits(max.reinterpretAsDoubles().reduceLanes(VectorOperators.MAX));
    }

    /** Writes a valid float64 sub-part's sums on the first two grids (in units of each) into {@code out[3..4]}. */
    private static void gridsOf64(MemorySegment seg, ByteOrder order, long start, long[] out) {
        LongVector sum1 = LongVector.zero(LONGS);
        LongVector sum2 = LongVector.zero(LONGS);
        for (long i = start; i < start + SUB; i += DOUBLES.length()) {
            DoubleVector x = DoubleVector.fromMemorySegment(DOUBLES, seg, i * Double.BYTES, order);
            DoubleVector y = x.add(GRID1);
            sum1 = sum1.add(y.reinterpretAsLongs());
            sum2 = sum2.add(x.sub(y.sub(GRID1)).add(GRID2).reinterpretAsLongs());
        }
        out[3] = sum1.reduceLanes(VectorOperators.ADD) - SUB * GRID_BITS[1];
        out[4] = sum2.reduceLanes(VectorOperators.ADD) - SUB * GRID_BITS[2];
    }

    /**
     * Counts a float64 sub-part's values at or above the keys a and b (b past 1 for none):
     * returns a's count and writes their sums on the first two grids (in units of each) into
     * {@code out[1..2]}, b's into {@code out[5..6]} and b's count into {@code out[7]}. Values
     * ≥ 2^−28 are multiples of 2^−80, which two grids hold.
     */
    private static long cutsOfPart64(MemorySegment seg, ByteOrder order, long start, long a, long b, long[] out) {
        double cutA = Double.longBitsToDouble(a);
        double cutB = Double.longBitsToDouble(b);
        LongVector a1 = LongVector.zero(LONGS);
        LongVector a2 = LongVector.zero(LONGS);
        LongVector b1 = LongVector.zero(LONGS);
        LongVector b2 = LongVector.zero(LONGS);
        long countA = 0;
        long countB = 0;
        for (long i = start; i < start + SUB; i += DOUBLES.length()) {
            DoubleVector x = DoubleVector.fromMemorySegment(DOUBLES, seg, i * Double.BYTES, order);
            VectorMask<Long> inA = x.compare(VectorOperators.GE, cutA).cast(LONGS);
            VectorMask<Long> inB = x.compare(VectorOperators.GE, cutB).cast(LONGS);
            DoubleVector y = x.add(GRID1);
            LongVector y1 = y.reinterpretAsLongs();
            LongVector y2 = x.sub(y.sub(GRID1)).add(GRID2).reinterpretAsLongs();
            a1 = a1.add(y1, inA);
            a2 = a2.add(y2, inA);
            b1 = b1.add(y1, inB);
            b2 = b2.add(y2, inB);
            countA += inA.trueCount();
            countB += inB.trueCount();
        }
        out[1] = a1.reduceLanes(VectorOperators.ADD) - countA * GRID_BITS[1];
        out[2] = a2.reduceLanes(VectorOperators.ADD) - countA * GRID_BITS[2];
        out[5] = b1.reduceLanes(VectorOperators.ADD) - countB * GRID_BITS[1];
        out[6] = b2.reduceLanes(VectorOperators.ADD) - countB * GRID_BITS[2];
        out[7] = countB;
        return countA;
    }

    /** Captures the keys of a valid float64 sub-part's values inside bracket j. */
    private static void bracketOfPart64(MemorySegment seg, ByteOrder order, long start, int j, LevelSummary s) {
        double lo = Double.longBitsToDouble(s.bracketLo(j));
        double hi = Double.longBitsToDouble(s.bracketHi(j));
        for (long i = start; i < start + SUB; i += DOUBLES.length()) {
            DoubleVector v = DoubleVector.fromMemorySegment(DOUBLES, seg, i * Double.BYTES, order);
            VectorMask<Double> in = v.compare(VectorOperators.GE, lo).and(v.compare(VectorOperators.LT, hi));
            if (in.anyTrue()) {
                capture64(seg, order, i, in.toLong(), j, s);
            }
        }
    }

    /** Adds a block's lane sums on grids 1 .. {@code last} to the mass: each carries one GRIDk pattern per value. */
    private static void addGrids(ExactSum mass, long values, long[] grids, int last) {
        for (int k = 1; k <= last; k++) { // the products wrap like the lane sums, so the differences are exact
            mass.addPart(k, grids[k] - values * GRID_BITS[k]);
        }
    }
}
