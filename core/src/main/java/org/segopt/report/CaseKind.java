package org.segopt.report;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.segopt.InvalidMarginalException;
import org.segopt.Marginal;
import org.segopt.io.ArrayReaders;
import org.segopt.io.ChannelSplit;
import org.segopt.io.ClassMarginals;
import org.segopt.io.InputException;
import org.segopt.io.LabelMaps;
import org.segopt.io.NdArray;
import org.segopt.io.ReadLimits;

/**
 * What the files of a case hold, the manifest column {@code kind}: each kind reads its files into
 * the case's marginal m.
 */
public enum CaseKind {
    /** One binary mask per rater (the default); m is their mean. */
    MASK {
        @Override
        public Marginal load(List<Path> files, ReadLimits limits, Arena arena) throws InputException {
            return RaterMasks.load(files, limits, arena);
        }

        @Override
        public String describe(List<Path> files, InvalidMarginalException e) {
            return RaterMasks.describe(files, e);
        }
    },
    /** One file of float16, float32 or float64 values in [0, 1]: m itself (a network's output). */
    PROBABILITY {
        @Override
        public Marginal load(List<Path> files, ReadLimits limits, Arena arena) throws InputException {
            if (files.size() != 1) {
                throw new InputException(files.getFirst(), "a probability case has one file, not " + files.size());
            }
            NdArray a = read(files, limits, arena);
            return probabilities(a).withShape(a.shape());
        }

        @Override
        public ClassMarginals classes(List<Path> files, Integer channelAxis, ReadLimits limits, Arena arena)
                throws InputException {
            if (channelAxis == null) {
                return super.classes(files, null, limits, arena);
            }
            NdArray a = read(files, limits, arena);
            return ChannelSplit.of(a, probabilities(a), channelAxis);
        }

        /** The one file, with at least one voxel. */
        private static NdArray read(List<Path> files, ReadLimits limits, Arena arena) throws InputException {
            if (files.size() != 1) {
                throw new InputException(files.getFirst(), "a probability case has one file, not " + files.size());
            }
            NdArray a = ArrayReaders.read(files.getFirst(), arena, limits);
            if (a.size() == 0) {
                throw new InputException(a.source(), "the marginal has no voxels");
            }
            return a;
        }

        /** The float values of {@code a}, as one flat marginal. */
        private static Marginal probabilities(NdArray a) throws InputException {
            return switch (a.type()) {
                case FLOAT16 -> Marginal.ofFloat16(a.data(), a.order());
                case FLOAT32 -> Marginal.ofFloats(a.data(), a.order());
                case FLOAT64 -> Marginal.ofDoubles(a.data(), a.order());
                default -> throw new InputException(a.source(), "a probability file holds float16, float32 or float64 "
                        + "values, but the data is " + a.type().name().toLowerCase(Locale.ROOT));
            };
        }

        @Override
        public String describe(List<Path> files, InvalidMarginalException e) {
            return files.getFirst() + ": " + e.getMessage();
        }
    },
    /**
     * One label map per rater (0 background, 1..C classes, see {@link org.segopt.io.LabelMaps}):
     * not one marginal but one per class, so {@link Report} makes the case one case per class c,
     * in the group {@code "<roi> class <c>"}, and {@code calibrate} finds one threshold per class
     * (see {@link #classes}); commands that need one marginal per case refuse it.
     */
    LABELS {
        @Override
        public Marginal load(List<Path> files, ReadLimits limits, Arena arena) throws InputException {
            throw new InputException(files.getFirst(), "a case of label maps has one marginal per class: "
                    + "give its classes as mask or probability cases");
        }

        @Override
        public ClassMarginals classes(List<Path> files, Integer channelAxis, ReadLimits limits, Arena arena)
                throws InputException {
            if (channelAxis != null) {
                return super.classes(files, channelAxis, limits, arena);
            }
            List<NdArray> maps = new ArrayList<>();
            for (Path file : files) {
                maps.add(ArrayReaders.read(file, arena, limits));
            }
            return LabelMaps.of(maps);
        }

        @Override
        public String describe(List<Path> files, InvalidMarginalException e) {
            return files.getFirst() + ": " + e.getMessage();
        }
    };

    /**
     * The marginal of a case's files, read within {@code limits}; its data lives as long as {@code arena}.
     *
     * @throws InputException naming the file that cannot be used
     */
    public abstract Marginal load(List<Path> files, ReadLimits limits, Arena arena) throws InputException;

    /**
     * The per-class marginals of a case's files: with a channel axis, the channels of a
     * probability file along it ({@link ChannelSplit}); without, the classes of label maps
     * ({@link LabelMaps}). Their data lives as long as {@code arena}.
     *
     * @param channelAxis the axis of the channels, or null for label maps' classes
     * @throws InputException naming the file that cannot be used, or the case's first file when its
     *                        kind has no classes of that sort (rater masks have none; probability
     *                        files have channels, label maps classes)
     */
    public ClassMarginals classes(List<Path> files, Integer channelAxis, ReadLimits limits, Arena arena)
            throws InputException {
        throw new InputException(files.getFirst(), channelAxis != null
                ? "a case of kind " + label() + " has no channels to split along axis " + channelAxis
                        + " (a channel axis applies to probability cases)"
                : "a case of kind " + label() + " has one marginal, not the classes of label maps");
    }

    /** The one-line message for a bad voxel the engine found in the marginal of {@code files}. */
    public abstract String describe(List<Path> files, InvalidMarginalException e);

    /** The name in a manifest's {@code kind} column. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The kind named {@code text}, in any letter case (an empty field is {@link #MASK}).
     *
     * @throws IllegalArgumentException for another name
     */
    public static CaseKind parse(String text) {
        if (text.isEmpty()) {
            return MASK;
        }
        for (CaseKind k : values()) {
            if (k.label().equals(text.toLowerCase(Locale.ROOT))) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown kind '" + text + "' (mask, probability, labels)");
    }
}
