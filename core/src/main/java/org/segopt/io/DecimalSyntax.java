package org.segopt.io;

/**
 * The plain decimal number syntax of text headers and annotation files:
 * {@code [-+]? (digits [. digits?] | . digits) ([eE] [-+]? digits)?}, checked in one linear scan.
 * Java's own {@code Double.parseDouble} also takes hexadecimal ({@code 0x1p3}), type suffixes
 * ({@code 2d}) and words ({@code Infinity}), which no other reader of these files accepts.
 */
public final class DecimalSyntax {
    private DecimalSyntax() {
    }

    /** Whether {@code text} is a plain decimal number. */
    public static boolean isDecimal(String text) {
        int i = sign(text, 0);
        int digits = digits(text, i);
        int end = i + digits;
        if (end < text.length() && text.charAt(end) == '.') {
            int fraction = digits(text, end + 1);
            digits += fraction;
            end += 1 + fraction;
        }
        if (digits == 0) {
            return false;
        }
        if (end < text.length() && (text.charAt(end) == 'e' || text.charAt(end) == 'E')) {
            int exponentAt = sign(text, end + 1);
            int exponent = digits(text, exponentAt);
            if (exponent == 0) {
                return false;
            }
            end = exponentAt + exponent;
        }
        return end == text.length();
    }

    /** Whether {@code text} is a plain decimal integer: {@code [-+]? digits}. */
    public static boolean isInteger(String text) {
        int i = sign(text, 0);
        int digits = digits(text, i);
        return digits > 0 && i + digits == text.length();
    }

    private static int sign(String text, int i) {
        return i < text.length() && (text.charAt(i) == '-' || text.charAt(i) == '+') ? i + 1 : i;
    }

    private static int digits(String text, int i) {
        int j = i;
        while (j < text.length() && text.charAt(j) >= '0' && text.charAt(j) <= '9') {
            j++;
        }
        return j - i;
    }
}
