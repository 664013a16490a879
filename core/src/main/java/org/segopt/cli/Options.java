package org.segopt.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.segopt.cluster.ClusterJobs;
import org.segopt.engine.Backends;

/**
 * Walks a command's arguments: each command switches on {@link #next()} and pulls option values
 * with the typed getters; every malformed value is a {@link UsageException}.
 */
final class Options {
    private final List<String> args;
    private int position;

    Options(List<String> args) {
        this.args = args;
    }

    boolean hasNext() {
        return position < args.size();
    }

    /** The next argument (an option name or a positional argument). */
    String next() {
        return args.get(position++);
    }

    /** The value after option {@code name}. */
    String value(String name) throws UsageException {
        if (position >= args.size()) {
            throw new UsageException(name + " needs a value");
        }
        return args.get(position++);
    }

    /** The value after option {@code name} as an integer in [min, max]. */
    long integer(String name, long min, long max) throws UsageException {
        String text = value(name);
        long v;
        try {
            v = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new UsageException(name + " needs an integer, not '" + text + "'");
        }
        if (v < min || v > max) {
            throw new UsageException(name + " must be in " + min + ".." + (max == Long.MAX_VALUE ? "" : max) + ", not " + v);
        }
        return v;
    }

    /** The value after option {@code name} as a path. */
    Path path(String name) throws UsageException {
        return Path.of(value(name));
    }

    /** The value after option {@code name} as a backend name (see {@link Backends#CHOICES}). */
    String backend(String name) throws UsageException {
        String choice = value(name);
        if (!List.of(Backends.CHOICES.split(", ")).contains(choice)) {
            throw new UsageException(name + " must be one of " + Backends.CHOICES + ", not '" + choice + "'");
        }
        return choice;
    }

    /**
     * The {@code --out} folder of a command that writes several files: required (named
     * {@code placeholder} in the message), and a folder if it exists.
     */
    static Path outputFolder(Path given, String placeholder) throws UsageException {
        if (given == null) {
            throw new UsageException("--out " + placeholder + " is required");
        }
        if (Files.exists(given) && !Files.isDirectory(given)) {
            throw new UsageException("--out " + given + " is not a directory");
        }
        return given;
    }

    /** The cluster jobs of {@code --spark}; a usage error when their module is not on the class path. */
    static ClusterJobs cluster() throws UsageException {
        return ClusterJobs.find().orElseThrow(() -> new UsageException(
                "--spark needs the segopt-spark module on the class path (the ./segopt launcher adds it; build it with "
                        + "'mvn -pl spark -am package')"));
    }

    /** {@code argument} as a positional path; an unknown option is a usage error. */
    static Path positional(String argument) throws UsageException {
        if (argument.startsWith("-") && argument.length() > 1) {
            throw new UsageException("unknown option " + argument);
        }
        return Path.of(argument);
    }
}
