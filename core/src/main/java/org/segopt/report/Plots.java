package org.segopt.report;

import java.math.BigDecimal;

/** Small helpers shared by the figures and tables of the report, lidc and explain commands. */
public final class Plots {
    private Plots() {
    }

    /** Makes AWT render off-screen (the commands draw images, never windows); call before any AWT use. */
    public static void headless() {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** {@code text} escaped for XML character data and attribute values. */
    public static String xml(String text) {
        StringBuilder s = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> s.append("&amp;");
                case '<' -> s.append("&lt;");
                case '>' -> s.append("&gt;");
                case '"' -> s.append("&quot;");
                case '\'' -> s.append("&apos;");
                default -> s.append(c);
            }
        }
        return s.toString();
    }

    /** The shortest decimal that reads back as {@code v}, never in exponent notation ("" for NaN). */
    public static String number(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        String plain = BigDecimal.valueOf(v).toPlainString();
        return plain.endsWith(".0") ? plain.substring(0, plain.length() - 2) : plain;
    }
}
