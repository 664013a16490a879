package org.segopt.io;

import java.lang.foreign.Arena;
import org.segopt.Marginal;

/**
 * The per-class marginals of a multi-class input: a C-channel probability volume split along its
 * channel axis ({@link ChannelSplit}), or rater label maps whose class c has marginal
 * votes(c) / R ({@link LabelMaps}). Each class is analysed as one binary marginal; classes are
 * produced one at a time so that a caller holds at most one class's derived data at once.
 */
public sealed interface ClassMarginals permits ChannelSplit, LabelMaps {

    /** C, the number of classes. */
    int classes();

    /** The label of the {@code k}-th class (0 ≤ k &lt; C): its channel index, or its label value 1..C. */
    int label(int k);

    /** The shape of every class's marginal, ordered as {@link NdArray#shape()}. */
    long[] shape();

    /** Whether the first index of {@link #shape()} varies fastest in each class's voxel order. */
    boolean fortranOrder();

    /** Where each class's voxels lie in the world, or null when the input does not say (or cannot keep it). */
    Geometry geometry();

    /**
     * The {@code k}-th class's marginal, with {@link #shape()}; its voxels are numbered in the
     * memory order of the input without the class axis. Where the input's layout allows it is a
     * view of the input's data; otherwise its data is computed into memory of {@code scratch},
     * which the caller may close once done with the class (a shared arena when the engine reading
     * the marginal runs on several threads).
     */
    Marginal marginal(int k, Arena scratch);
}
