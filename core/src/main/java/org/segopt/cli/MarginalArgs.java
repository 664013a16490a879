package org.segopt.cli;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.segopt.Marginal;
import org.segopt.engine.BackendUnavailableException;
import org.segopt.engine.Backends;
import org.segopt.engine.Engine;
import org.segopt.io.InputException;
import org.segopt.io.ReadLimits;

/**
 * The arguments that name one marginal and where it is analysed, shared by the commands that take
 * them: FILE..., {@code --votes R}, {@code --bfloat16}, {@code --max-decompressed BYTES} and (where
 * the command offers it) {@code --backend B}.
 */
final class MarginalArgs {
    private final boolean backends;
    private final boolean multiClass;
    private final List<Path> files = new ArrayList<>();
    private Integer votes;
    private boolean bfloat16;
    private ReadLimits limits = ReadLimits.DEFAULT;
    private String backend = "auto";
    private Integer channelAxis;
    private boolean labels;

    /** @param backends whether {@code --backend} is one of the command's options */
    MarginalArgs(boolean backends) {
        this(backends, false);
    }

    /**
     * @param backends   whether {@code --backend} is one of the command's options
     * @param multiClass whether {@code --channel-axis K} and {@code --labels} are (see {@link ClassInputs})
     */
    MarginalArgs(boolean backends, boolean multiClass) {
        this.backends = backends;
        this.multiClass = multiClass;
    }

    /**
     * Takes argument {@code a}, and its value from {@code options}: one of these options, else a
     * FILE; an unknown option is a usage error.
     */
    void take(String a, Options options) throws UsageException {
        if (a.equals("--votes")) {
            votes = (int) options.integer(a, 1, Marginal.MAX_RATERS);
        } else if (a.equals("--bfloat16")) {
            bfloat16 = true;
        } else if (a.equals(ReadLimits.OPTION)) {
            limits = new ReadLimits(options.integer(a, 0, Long.MAX_VALUE));
        } else if (multiClass && a.equals("--channel-axis")) {
            channelAxis = (int) options.integer(a, Integer.MIN_VALUE, Integer.MAX_VALUE);
        } else if (multiClass && a.equals("--labels")) {
            labels = true;
        } else if (backends && a.equals("--backend")) {
            backend = options.backend(a);
        } else {
            files.add(Options.positional(a));
        }
    }

    /** The FILEs given. */
    List<Path> files() {
        return files;
    }

    /** The {@code --backend} choice ("auto" unless given). */
    String backend() {
        return backend;
    }

    /** Whether {@code --channel-axis K} or {@code --labels} asks for one analysis per class. */
    boolean multiClass() {
        return channelAxis != null || labels;
    }

    /** Reads the FILEs as per-class marginals: {@code --channel-axis K} or {@code --labels}. */
    ClassInputs loadClasses(Arena arena) throws InputException, UsageException {
        if (channelAxis != null && labels) {
            throw new UsageException("--channel-axis and --labels exclude each other");
        }
        if (labels && (votes != null || bfloat16)) {
            throw new UsageException("--labels reads integer label maps; --votes and --bfloat16 do not apply");
        }
        if (labels) {
            return ClassInputs.labels(files, limits, arena);
        }
        if (files.size() > 1) {
            throw new UsageException("--channel-axis takes one FILE holding all channels");
        }
        return ClassInputs.channels(load(arena), channelAxis);
    }

    /** Reads the FILEs into one marginal (see {@link Inputs#load}). */
    Inputs load(Arena arena) throws InputException, UsageException {
        return Inputs.load(files, votes, bfloat16, limits, arena);
    }

    /** The engine {@code --backend} picks for a marginal of this many voxels. */
    Engine engine(long voxels) throws BackendUnavailableException {
        return Backends.select(backend, voxels);
    }
}
