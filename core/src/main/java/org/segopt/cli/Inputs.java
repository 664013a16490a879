package org.segopt.cli;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.segopt.Analysis;
import org.segopt.Analysis.Optimum;
import org.segopt.ElementType;
import org.segopt.InvalidMarginalException;
import org.segopt.Marginal;
import org.segopt.Metric;
import org.segopt.engine.Engine;
import org.segopt.io.ArrayReaders;
import org.segopt.io.Geometry;
import org.segopt.io.InputException;
import org.segopt.io.NdArray;
import org.segopt.io.ReadLimits;

/**
 * Turns the FILE arguments of a command into one {@link Marginal}: one float file is a marginal,
 * one integer file with {@code --votes R} holds vote counts, one 16-bit integer file with
 * {@code --bfloat16} holds bfloat16 bit patterns, several files (or one boolean file) are binary
 * rater masks whose mean is m.
 */
final class Inputs {
    /**
     * The most distinct files whose data is mapped at once: each mapping counts against the
     * system's limit ({@code vm.max_map_count}, 65530 by default), which the JVM needs too. Small
     * files are read into memory and do not count.
     */
    static final int MAX_MAPPED_FILES = 30_000;

    private final List<Path> files;
    private final List<NdArray> arrays;
    private final Marginal marginal;

    private Inputs(List<Path> files, List<NdArray> arrays, Marginal marginal) {
        this.files = files;
        this.arrays = arrays;
        this.marginal = marginal;
    }

    /**
     * Reads and checks the files (shapes, types, at least one voxel); their data lives as long as
     * {@code arena}. Values
     * are checked by the engine as it reads them: see {@link #check}.
     *
     * @param votes    R for {@code --votes R}, or null
     * @param bfloat16 whether {@code --bfloat16} was given: the one FILE holds bfloat16 bit
     *                 patterns as 16-bit integers (NumPy has no bfloat16 dtype)
     * @param limits   how much compressed data the files may hold in memory
     */
    static Inputs load(List<Path> files, Integer votes, boolean bfloat16, ReadLimits limits, Arena arena)
            throws InputException, UsageException {
        if (files.isEmpty()) {
            throw new UsageException("no input FILE given");
        }
        if (votes != null && files.size() > 1) {
            throw new UsageException("--votes takes one FILE of vote counts; several FILEs are rater masks");
        }
        if (bfloat16 && (votes != null || files.size() > 1)) {
            throw new UsageException("--bfloat16 takes one FILE of bfloat16 bit patterns, without --votes");
        }
        if (files.size() > Marginal.MAX_RATERS) {
            throw new UsageException("at most " + Marginal.MAX_RATERS + " rater masks");
        }
        List<NdArray> arrays = read(files, limits, arena);
        NdArray first = arrays.getFirst();
        Marginal m;
        if (bfloat16) {
            if (first.type() != ElementType.UINT16 && first.type() != ElementType.INT16) {
                throw new InputException(first.source(), "--bfloat16 needs bit patterns stored as 16-bit integers "
                        + "(uint16 or int16), but the data is " + name(first.type()));
            }
            m = Marginal.ofBFloat16(first.data(), first.order());
        } else if (votes != null) {
            if (!first.type().isInteger()) {
                throw new InputException(first.source(), "--votes needs integer vote counts, but the data is " + name(first.type()));
            }
            m = Marginal.ofVotes(first.data(), first.type(), first.order(), votes);
        } else if (files.size() == 1 && !first.type().isInteger()) {
            m = switch (first.type()) {
                case FLOAT16 -> Marginal.ofFloat16(first.data(), first.order());
                case FLOAT32 -> Marginal.ofFloats(first.data(), first.order());
                case FLOAT64 -> Marginal.ofDoubles(first.data(), first.order());
                default -> throw new IllegalStateException("no reader yields " + first.type());
            };
        } else if (files.size() == 1 && first.type() != ElementType.BOOL) {
            throw new UsageException(first.source() + " holds " + name(first.type())
                    + " data: give --votes R for vote counts, or several FILEs of rater masks"
                    + (first.type().byteSize() == 2 ? ", or --bfloat16 for bfloat16 bit patterns" : ""));
        } else {
            for (NdArray a : arrays) {
                if (!a.type().isInteger()) {
                    throw new InputException(a.source(), "a rater mask must be boolean or integer 0/1, but the data is " + name(a.type()));
                }
                if (!Arrays.equals(a.shape(), first.shape())) {
                    throw new InputException(a.source(), "shape " + Arrays.toString(a.shape())
                            + " differs from " + Arrays.toString(first.shape()) + " of " + first.source());
                }
                if (!a.sameLayoutAs(first)) {
                    throw new InputException(a.source(), "memory order (C/Fortran) differs from " + first.source());
                }
                if (!sameStorage(a, first)) {
                    throw new InputException(a.source(), "element type " + stored(a) + " differs from "
                            + stored(first) + " of " + first.source() + " (rater masks must share one type)");
                }
            }
            List<MemorySegment> masks = arrays.stream().map(NdArray::data).toList();
            // bool and uint8 masks are the same bytes (checked to be 0/1 as they are read).
            ElementType type = first.type() == ElementType.BOOL ? ElementType.UINT8 : first.type();
            m = Marginal.ofRaterMasks(masks, type, first.order());
        }
        if (m.voxels() == 0) {
            throw new InputException(first.source(), "the array has no voxels");
        }
        return new Inputs(List.copyOf(files), List.copyOf(arrays), m.withShape(first.shape()));
    }

    /**
     * Reads each file (a file given several times once, its data shared); at most
     * {@link #MAX_MAPPED_FILES} distinct files are mapped.
     */
    static List<NdArray> read(List<Path> files, ReadLimits limits, Arena arena) throws InputException {
        List<NdArray> arrays = new ArrayList<>();
        Map<Path, NdArray> read = new HashMap<>();
        int mapped = 0;
        for (Path file : files) {
            NdArray a = read.get(identity(file));
            if (a == null) {
                if (mapped == MAX_MAPPED_FILES) {
                    throw new InputException(file, "more than " + MAX_MAPPED_FILES + " distinct large files at once: the "
                            + "system limits the memory mappings of a process (vm.max_map_count)");
                }
                a = ArrayReaders.read(file, arena, limits);
                read.put(identity(file), a);
                mapped += a.data().isMapped() ? 1 : 0;
            } else {
                a = new NdArray(file, a.data(), a.type(), a.order(), a.shape(), a.fortranOrder(), a.geometry(), a.dataFile());
            }
            arrays.add(a);
        }
        return arrays;
    }

    /** The file itself, links resolved, so that a file given many times is read (and mapped) once. */
    private static Path identity(Path file) {
        try {
            return file.toRealPath();
        } catch (IOException e) {
            return file.toAbsolutePath().normalize(); // the reader will report what is wrong with it
        }
    }

    Marginal marginal() {
        return marginal;
    }

    /** The first file's array. */
    NdArray array() {
        return arrays.getFirst();
    }

    /** Every file read: each FILE, and the data file of a detached header. */
    List<Path> files() {
        return arrays.stream().flatMap(a -> Stream.of(a.source(), a.dataFile())).distinct().toList();
    }

    /** The file names, comma-separated. */
    String label() {
        return String.join(", ", files.stream().map(Path::toString).toList());
    }

    /** Shape of the input, slowest-varying first. */
    long[] shape() {
        return arrays.getFirst().shape();
    }

    /** Whether the first index varies fastest in memory (NumPy Fortran order). */
    boolean fortranOrder() {
        return arrays.getFirst().fortranOrder();
    }

    /** Where the first file's voxels lie in the world, or null when its format does not say. */
    Geometry geometry() {
        return arrays.getFirst().geometry();
    }

    /**
     * The analysis with the Theorem 4 volume {@code volume}, or ⌊M + ½⌋ when null; a volume beyond
     * the voxel count is a usage error, an invalid voxel an {@link InputException} (see {@link #check}).
     */
    Analysis analyze(Engine engine, Long volume) throws UsageException, InputException {
        if (volume != null && volume > marginal.voxels()) {
            throw new UsageException("--volume " + volume + " exceeds the " + marginal.voxels() + " voxels of " + label());
        }
        return check(() -> volume == null ? engine.analyze(marginal) : engine.analyze(marginal, volume));
    }

    /** The optima of {@code metric} (see {@link Engine#optimum}); an invalid voxel an {@link InputException}. */
    Optimum optimum(Engine engine, Metric metric) throws InputException {
        return check(() -> engine.optimum(marginal, metric));
    }

    /**
     * Runs engine work on this input; the first bad voxel the engine meets becomes an
     * {@link InputException} naming the file that holds it (for rater masks, that mask's file).
     */
    <T> T check(Supplier<T> work) throws InputException {
        try {
            return work.get();
        } catch (InvalidMarginalException e) {
            Path file = files.get(Math.max(e.rater(), 0));
            throw new InputException(file, e.getMessage().replaceFirst("^rater mask \\d+, ", ""), e);
        }
    }

    /** Whether two masks store their 0/1 values identically (bool and uint8 do; multi-byte types need one byte order). */
    private static boolean sameStorage(NdArray a, NdArray b) {
        if (a.type().byteSize() == 1 && b.type().byteSize() == 1) {
            return true;
        }
        return a.type() == b.type() && a.order().equals(b.order());
    }

    /** The element type with its byte order where it has one, e.g. "int32 big-endian". */
    private static String stored(NdArray a) {
        return name(a.type()) + (a.type().byteSize() > 1
                ? a.order().equals(ByteOrder.BIG_ENDIAN) ? " big-endian" : " little-endian" : "");
    }

    private static String name(ElementType t) {
        return t.name().toLowerCase(java.util.Locale.ROOT);
    }
}
