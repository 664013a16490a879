package org.segopt.engine;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.segopt.Marginal;

/**
 * The summary pass ({@link Kernels#summarize}) with the Vector API, block by block.
 *
 * <p>Each block of {@value #BLOCK} voxels is read from memory once, by a loop that checks every
 * value and adds it to the exact mass on the {@link ExactSum} grids: x = v · 2^51 is rounded
 * to an integer by adding 1.5 · 2^52 (whose bit pattern then holds it), the remainder is scaled
 * again, three times. Nothing is scattered, so the loop's cost does not depend on the values.
 * Only a block whose largest value reaches the summary's lowest cut or bracket is read again,
 * from L1, once per cut (counts and masked sums of the first grids, exact there: a cut is at
 * least 2^−28) and once per bracket (a compare, and the rare lanes inside captured one by one).
 * On a network's soft output most blocks are far from every organ and take the first loop only.
 *
 * <p>Blocks that hold an invalid value, float64 blocks with values too small for three grids,
 * and the partial block at the end go to {@link ScalarKernels#summarize}, whose results these
 * equal exactly.
 */
final class PanamaSummary {
    /** Voxels per block: 8 KB of float32, 16 KB of float64, so the second loops read L1. */
    static final int BLOCK = 2048;

    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_PREFERRED;
    private static final double SCALE = 0x1p51;
    /** 1.5 · 2^52: x + MAGIC holds round(x) in its low bits for |x| ≤ 2^51. */
    private static final double MAGIC = 0x1.8p52;
    private static final long MAGIC_BITS = Double.doubleToRawLongBits(MAGIC);
    private static final int F32_ONE = 0x3F80_0000;
    private static final long F64_ONE = 0x3FF0_0000_0000_0000L;

    private PanamaSummary() {
    }

    /** Whether these kernels run here: float32 vectors convert to exactly two double vectors. */
    static boolean supported() {
        return DOUBLES.length() * 2 == FLOATS.length() && LONGS.length() == DOUBLES.length()
                && INTS.length() == FLOATS.length() && BLOCK % FLOATS.length() == 0;
    }

    static long float32(Marginal m, long from, long to, LevelSummary s, ScalarKernels scalar) {
        MemorySegment seg = m.segments().getFirst();
        ByteOrder order = m.byteOrder();
        long lowest = s.lowestKey();
        long start = from;
        for (; start + BLOCK <= to; start += BLOCK) {
            IntVector max = IntVector.broadcast(INTS, 0);
            IntVector negative = IntVector.broadcast(INTS, Integer.MIN_VALUE);
            LongVector g1 = LongVector.zero(LONGS);
            LongVector g2 = LongVector.zero(LONGS);
            LongVector g3 = LongVector.zero(LONGS);
            for (long i = start; i < start + BLOCK; i += FLOATS.length()) {
                FloatVector f = FloatVector.fromMemorySegment(FLOATS, seg, i * Float.BYTES, order);
                IntVector bits = f.reinterpretAsInts();
                max = max.max(bits);
                // bits ^ sign is ≤ 0 for valid values (−0.0 gives 0), the magnitude of a negative one.
                negative = negative.max(bits.lanewise(VectorOperators.XOR, Integer.MIN_VALUE));
                // The two halves, written out: convertShape's part must be a constant to compile to one instruction.
                DoubleVector x0 = ((DoubleVector) f.convertShape(VectorOperators.F2D, DOUBLES, 0)).mul(SCALE);
                DoubleVector x1 = ((DoubleVector) f.convertShape(VectorOperators.F2D, DOUBLES, 1)).mul(SCALE);
                DoubleVector y0 = x0.add(MAGIC);
                DoubleVector y1 = x1.add(MAGIC);
                g1 = g1.add(y0.reinterpretAsLongs()).add(y1.reinterpretAsLongs());
                DoubleVector r0 = x0.sub(y0.sub(MAGIC)).mul(SCALE);
                DoubleVector r1 = x1.sub(y1.sub(MAGIC)).mul(SCALE);
                DoubleVector z0 = r0.add(MAGIC);
                DoubleVector z1 = r1.add(MAGIC);
                g2 = g2.add(z0.reinterpretAsLongs()).add(z1.reinterpretAsLongs());
                g3 = g3.add(r0.sub(z0.sub(MAGIC)).mul(SCALE).add(MAGIC).reinterpretAsLongs())
                        .add(r1.sub(z1.sub(MAGIC)).mul(SCALE).add(MAGIC).reinterpretAsLongs());
            }
            int top = max.reduceLanes(VectorOperators.MAX);
            if (top > F32_ONE || negative.reduceLanes(VectorOperators.MAX) > 0) {
                return scalar.summarize(m, start, start + BLOCK, s); // reports the first invalid voxel
            }
            addGrids(s.mass(), BLOCK, g1, g2, g3);
            if (top >= lowest) {
                cutsAndBrackets32(seg, order, start, top, s);
            }
        }
        return start < to ? scalar.summarize(m, start, to, s) : -1;
    }

    /** The second loops over a valid float32 block whose largest key is {@code top}. */
    private static void cutsAndBrackets32(MemorySegment seg, ByteOrder order, long start, int top, LevelSummary s) {
        for (int c = 0; c < s.cutCount() && s.cut(c) <= top; c++) {
            double cut = Float.intBitsToFloat((int) s.cut(c)) * SCALE;
            LongVector sum = LongVector.zero(LONGS);
            long count = 0;
            for (long i = start; i < start + BLOCK; i += FLOATS.length()) {
                FloatVector f = FloatVector.fromMemorySegment(FLOATS, seg, i * Float.BYTES, order);
                DoubleVector x0 = ((DoubleVector) f.convertShape(VectorOperators.F2D, DOUBLES, 0)).mul(SCALE);
                DoubleVector x1 = ((DoubleVector) f.convertShape(VectorOperators.F2D, DOUBLES, 1)).mul(SCALE);
                VectorMask<Double> in0 = x0.compare(VectorOperators.GE, cut);
                VectorMask<Double> in1 = x1.compare(VectorOperators.GE, cut);
                sum = sum.add(x0.add(MAGIC).reinterpretAsLongs(), in0.cast(LONGS))
                        .add(x1.add(MAGIC).reinterpretAsLongs(), in1.cast(LONGS));
                count += in0.trueCount() + in1.trueCount();
            }
            s.addAbove(c, count);
            // Values ≥ 2^−28 are multiples of 2^−51: the first grid holds them exactly.
            s.aboveMass(c).addPart(1, sum.reduceLanes(VectorOperators.ADD) - count * MAGIC_BITS);
            s.aboveMass(c).normalize();
        }
        for (int j = 0; j < s.bracketCount(); j++) {
            if (s.bracketLo(j) > top) {
                continue;
            }
            float lo = Float.intBitsToFloat((int) s.bracketLo(j));
            float hi = Float.intBitsToFloat((int) s.bracketHi(j));
            for (long i = start; i < start + BLOCK; i += FLOATS.length()) {
                FloatVector f = FloatVector.fromMemorySegment(FLOATS, seg, i * Float.BYTES, order);
                VectorMask<Float> in = f.compare(VectorOperators.GE, lo).and(f.compare(VectorOperators.LT, hi));
                if (in.anyTrue()) {
                    IntVector bits = f.reinterpretAsInts();
                    for (int lane = 0; lane < FLOATS.length(); lane++) {
                        if (in.laneIsSet(lane)) {
                            int b = bits.lane(lane);
                            s.capture(j, b == Integer.MIN_VALUE ? 0 : b);
                        }
                    }
                }
            }
        }
    }

    static long float64(Marginal m, long from, long to, LevelSummary s, ScalarKernels scalar) {
        MemorySegment seg = m.segments().getFirst();
        ByteOrder order = m.byteOrder();
        long lowest = s.lowestKey();
        long start = from;
        for (; start + BLOCK <= to; start += BLOCK) {
            LongVector max = LongVector.zero(LONGS);
            LongVector negative = LongVector.broadcast(LONGS, Long.MIN_VALUE);
            LongVector residue = LongVector.zero(LONGS);
            LongVector g1 = LongVector.zero(LONGS);
            LongVector g2 = LongVector.zero(LONGS);
            LongVector g3 = LongVector.zero(LONGS);
            for (long i = start; i < start + BLOCK; i += DOUBLES.length()) {
                DoubleVector v = DoubleVector.fromMemorySegment(DOUBLES, seg, i * Double.BYTES, order);
                LongVector bits = v.reinterpretAsLongs();
                max = max.max(bits);
                negative = negative.max(bits.lanewise(VectorOperators.XOR, Long.MIN_VALUE));
                DoubleVector x = v.mul(SCALE);
                DoubleVector y = x.add(MAGIC);
                g1 = g1.add(y.reinterpretAsLongs());
                DoubleVector r = x.sub(y.sub(MAGIC)).mul(SCALE);
                DoubleVector y2 = r.add(MAGIC);
                g2 = g2.add(y2.reinterpretAsLongs());
                DoubleVector x3 = r.sub(y2.sub(MAGIC)).mul(SCALE);
                DoubleVector y3 = x3.add(MAGIC);
                g3 = g3.add(y3.reinterpretAsLongs());
                // A value below 2^−101 may leave a remainder past the third grid.
                residue = residue.or(x3.sub(y3.sub(MAGIC)).reinterpretAsLongs());
            }
            long top = max.reduceLanes(VectorOperators.MAX);
            if (top > F64_ONE || negative.reduceLanes(VectorOperators.MAX) > 0
                    || residue.reduceLanes(VectorOperators.OR) != 0) {
                long bad = scalar.summarize(m, start, start + BLOCK, s);
                if (bad >= 0) {
                    return bad;
                }
                continue;
            }
            addGrids(s.mass(), BLOCK, g1, g2, g3);
            if (top >= lowest) {
                cutsAndBrackets64(seg, order, start, top, s);
            }
        }
        return start < to ? scalar.summarize(m, start, to, s) : -1;
    }

    /** The second loops over a valid float64 block whose largest key is {@code top}. */
    private static void cutsAndBrackets64(MemorySegment seg, ByteOrder order, long start, long top, LevelSummary s) {
        for (int c = 0; c < s.cutCount() && s.cut(c) <= top; c++) {
            double cut = Double.longBitsToDouble(s.cut(c)) * SCALE;
            LongVector sum1 = LongVector.zero(LONGS);
            LongVector sum2 = LongVector.zero(LONGS);
            long count = 0;
            for (long i = start; i < start + BLOCK; i += DOUBLES.length()) {
                DoubleVector x = DoubleVector.fromMemorySegment(DOUBLES, seg, i * Double.BYTES, order).mul(SCALE);
                VectorMask<Long> in = x.compare(VectorOperators.GE, cut).cast(LONGS);
                DoubleVector y = x.add(MAGIC);
                sum1 = sum1.add(y.reinterpretAsLongs(), in);
                // Values ≥ 2^−28 are multiples of 2^−80: two grids hold them exactly.
                sum2 = sum2.add(x.sub(y.sub(MAGIC)).mul(SCALE).add(MAGIC).reinterpretAsLongs(), in);
                count += in.trueCount();
            }
            s.addAbove(c, count);
            ExactSum above = s.aboveMass(c);
            above.addPart(1, sum1.reduceLanes(VectorOperators.ADD) - count * MAGIC_BITS);
            above.addPart(2, sum2.reduceLanes(VectorOperators.ADD) - count * MAGIC_BITS);
            above.normalize();
        }
        for (int j = 0; j < s.bracketCount(); j++) {
            if (s.bracketLo(j) > top) {
                continue;
            }
            double lo = Double.longBitsToDouble(s.bracketLo(j));
            double hi = Double.longBitsToDouble(s.bracketHi(j));
            for (long i = start; i < start + BLOCK; i += DOUBLES.length()) {
                DoubleVector v = DoubleVector.fromMemorySegment(DOUBLES, seg, i * Double.BYTES, order);
                VectorMask<Double> in = v.compare(VectorOperators.GE, lo).and(v.compare(VectorOperators.LT, hi));
                if (in.anyTrue()) {
                    LongVector bits = v.reinterpretAsLongs();
                    for (int lane = 0; lane < DOUBLES.length(); lane++) {
                        if (in.laneIsSet(lane)) {
                            long b = bits.lane(lane);
                            s.capture(j, b == Long.MIN_VALUE ? 0 : b);
                        }
                    }
                }
            }
        }
    }

    /** Adds a block's grid lanes to the mass: each lane sum carries one 1.5 · 2^52 per value. */
    private static void addGrids(ExactSum mass, long values, LongVector g1, LongVector g2, LongVector g3) {
        long offset = values * MAGIC_BITS; // wraps like the lane sums, so the difference is exact
        mass.addPart(1, g1.reduceLanes(VectorOperators.ADD) - offset);
        mass.addPart(2, g2.reduceLanes(VectorOperators.ADD) - offset);
        mass.addPart(3, g3.reduceLanes(VectorOperators.ADD) - offset);
        mass.normalize();
    }
}
