package org.segopt.cli;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.segopt.Analysis;
import org.segopt.InvalidMarginalException;
import org.segopt.Marginal;
import org.segopt.Metric;
import org.segopt.Analysis.Optimum;
import org.segopt.engine.Engine;
import org.segopt.io.ChannelSplit;
import org.segopt.io.ClassMarginals;
import org.segopt.io.InputException;
import org.segopt.io.LabelMaps;
import org.segopt.io.NdArray;
import org.segopt.io.ReadLimits;

/**
 * The FILE arguments of a multi-class input as per-class marginals: one C-channel file split along
 * {@code --channel-axis K}, or the rater label maps of {@code --labels}. Each class is then
 * analysed as one marginal.
 */
final class ClassInputs {
    private final ClassMarginals classes;
    private final List<NdArray> arrays;
    private final String key;

    private ClassInputs(ClassMarginals classes, List<NdArray> arrays, String key) {
        this.classes = classes;
        this.arrays = arrays;
        this.key = key;
    }

    /** The one file of {@code inputs}, read as its marginal is read, split along {@code axis}. */
    static ClassInputs channels(Inputs inputs, int axis) throws InputException {
        return new ClassInputs(ChannelSplit.of(inputs.array(), inputs.marginal(), axis), List.of(inputs.array()), "channel");
    }

    /** The files as rater label maps (see {@link LabelMaps}). */
    static ClassInputs labels(List<Path> files, ReadLimits limits, Arena arena) throws InputException, UsageException {
        if (files.isEmpty()) {
            throw new UsageException("no input FILE given");
        }
        if (files.size() > Marginal.MAX_RATERS) {
            throw new UsageException("at most " + Marginal.MAX_RATERS + " label maps");
        }
        List<NdArray> arrays = Inputs.read(files, limits, arena);
        return new ClassInputs(LabelMaps.of(arrays), arrays, "class");
    }

    ClassMarginals classes() {
        return classes;
    }

    /** What a class is called in outputs: {@code "channel"} (its index) or {@code "class"} (its label). */
    String key() {
        return key;
    }

    /** Every file read: each FILE, and the data file of a detached header. */
    List<Path> files() {
        return arrays.stream().flatMap(a -> Stream.of(a.source(), a.dataFile())).distinct().toList();
    }

    /** The file names, comma-separated. */
    String label() {
        return String.join(", ", arrays.stream().map(a -> a.source().toString()).toList());
    }

    /** The file names followed by the class: "f.npy, channel 2". */
    String label(int k) {
        return label() + ", " + key + " " + classes.label(k);
    }

    /** The classes there are, e.g. "channels 0..2" or "classes 1..5". */
    String range() {
        return (key.equals("class") ? "classes " : "channels ") + classes.label(0) + ".." + classes.label(classes.classes() - 1);
    }

    /**
     * The analysis of class {@code k}'s marginal {@code m} with the Theorem 4 volume {@code volume}
     * (⌊M + ½⌋ when null); a bad voxel becomes an {@link InputException} naming the file and channel.
     */
    Analysis analyze(int k, Marginal m, Engine engine, Long volume) throws UsageException, InputException {
        if (volume != null && volume > m.voxels()) {
            throw new UsageException("--volume " + volume + " exceeds the " + m.voxels() + " voxels of " + label(k));
        }
        return check(k, () -> volume == null ? engine.analyze(m) : engine.analyze(m, volume));
    }

    /** The optima of {@code metric} on class {@code k}'s marginal {@code m} (see {@link Engine#optimum}). */
    Optimum optimum(int k, Marginal m, Engine engine, Metric metric) throws InputException {
        return check(k, () -> engine.optimum(m, metric));
    }

    /** Runs engine work on class {@code k}; a bad voxel becomes an {@link InputException} naming the file and class. */
    private <T> T check(int k, Supplier<T> work) throws InputException {
        try {
            return work.get();
        } catch (InvalidMarginalException e) {
            throw new InputException(arrays.getFirst().source(), key + " " + classes.label(k) + ", " + e.getMessage(), e);
        }
    }
}
