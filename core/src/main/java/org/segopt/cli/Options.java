package org.segopt.cli;

import java.util.List;

/** Small helpers for parsing option values, each failure a {@link UsageException}. */
final class Options {
    private Options() {
    }

    /** The argument after option {@code name} at position {@code index}. */
    static String value(List<String> args, int index, String name) throws UsageException {
        if (index >= args.size()) {
            throw new UsageException(name + " needs a value");
        }
        return args.get(index);
    }

    /** {@code text} as an integer in [min, max]. */
    static long integer(String name, String text, long min, long max) throws UsageException {
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
}
