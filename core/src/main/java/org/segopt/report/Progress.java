package org.segopt.report;

import java.io.PrintStream;
import java.util.Locale;
import org.segopt.io.OneLine;

/**
 * Progress of a batch of cases on stderr: a redrawn bar when a terminal is attached, otherwise
 * plain lines (at most about a hundred per batch).
 * Messages about single cases are printed on their own lines in both modes. Thread-safe.
 */
public final class Progress {
    private static final int WIDTH = 30;

    private final PrintStream err;
    private final String what;
    private final int total;
    private final boolean bar;
    private final int step;
    private int done;
    private boolean barShown;

    /**
     * @param err   where to print
     * @param what  the command's name, e.g. "report"
     * @param total number of items
     * @param bar   whether to draw a redrawn bar (a terminal) instead of lines
     */
    public Progress(PrintStream err, String what, int total, boolean bar) {
        this.err = err;
        this.what = what;
        this.total = total;
        this.bar = bar;
        this.step = Math.max(1, (total + 99) / 100);
    }

    /**
     * A bar when a console is attached ({@code System.console() != null}; since JDK 22 that object
     * exists even when the streams are redirected, so its {@code isTerminal()} must agree), plain
     * lines otherwise.
     */
    public static Progress forConsole(PrintStream err, String what, int total) {
        java.io.Console console = System.console();
        return new Progress(err, what, total, console != null && console.isTerminal() && err == System.err);
    }

    /** One item is finished; {@code label} names it. */
    public synchronized void done(String label) {
        done++;
        if (bar) {
            int filled = total == 0 ? WIDTH : (int) ((long) done * WIDTH / total);
            err.print(String.format(Locale.ROOT, "\r%s [%s%s] %d/%d %s", what, "#".repeat(filled),
                    " ".repeat(WIDTH - filled), done, total, shorten(OneLine.of(label))));
            err.print("\u001b[K");
            barShown = true;
            if (done == total) {
                err.println();
                barShown = false;
            }
            err.flush();
        } else if (done % step == 0 || done == total) {
            err.println(String.format(Locale.ROOT, "%s: %d/%d done (%s)", what, done, total, OneLine.of(label)));
        }
    }

    /** A message about one item, on its own line (the bar is redrawn by the next {@link #done}). */
    public synchronized void message(String line) {
        if (barShown) {
            err.print("\r\u001b[K");
            barShown = false;
        }
        err.println(OneLine.of(line));
    }

    private static String shorten(String label) {
        return label.length() <= 40 ? label : "…" + label.substring(label.length() - 39);
    }
}
