package org.segopt.io;

/**
 * Makes text safe for a one-line message on a terminal: control characters (NUL, line breaks,
 * escape sequences, C1 controls) and the Unicode line and paragraph separators become hex escapes
 * ({@code \x1b}), and the result is cut to {@link #MAX_LENGTH} characters. File names and header
 * text come from the input, so every message that quotes them goes through here.
 */
public final class OneLine {
    /** The longest message kept whole; the rest is cut and counted. */
    public static final int MAX_LENGTH = 2000;

    private OneLine() {
    }

    /** {@code text} with its control characters escaped, cut to {@link #MAX_LENGTH} characters. */
    public static String of(String text) {
        StringBuilder line = new StringBuilder(Math.min(text.length(), MAX_LENGTH) + 16);
        int i = 0;
        while (i < text.length() && line.length() < MAX_LENGTH) {
            char c = text.charAt(i++);
            if (c < 0x20 || c >= 0x7f && c < 0xa0) {
                line.append(String.format("\\x%02x", (int) c));
            } else if (c == 0x2028 || c == 0x2029) {
                line.append(String.format("\\u%04x", (int) c));
            } else {
                line.append(c);
            }
        }
        if (i < text.length()) {
            line.append("... (").append(text.length() - i).append(" more characters)");
        }
        return line.toString();
    }
}
