package org.segopt.report;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** RFC 4180 comma-separated values: writing rows (quoting only where needed) and parsing a file. */
public final class Csv implements AutoCloseable {
    private final BufferedWriter out;

    private Csv(BufferedWriter out) {
        this.out = out;
    }

    /** Opens {@code file} for writing (replacing it) and writes the header row. */
    public static Csv create(Path file, List<String> header) throws IOException {
        Csv csv = new Csv(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
        csv.row(header);
        return csv;
    }

    /** Writes one row; null is an empty field, numbers are written by {@link Plots#number}. */
    public void row(List<?> fields) throws IOException {
        out.write(line(fields));
        out.write('\n');
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    /** One CSV line without its line break. */
    public static String line(List<?> fields) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                s.append(',');
            }
            s.append(field(fields.get(i)));
        }
        return s.toString();
    }

    private static String field(Object value) {
        String text = switch (value) {
            case null -> "";
            case Double d -> Plots.number(d);
            case Float f -> Plots.number(f);
            default -> value.toString();
        };
        if (text.indexOf(',') < 0 && text.indexOf('"') < 0 && text.indexOf('\n') < 0 && text.indexOf('\r') < 0) {
            return text;
        }
        return '"' + text.replace("\"", "\"\"") + '"';
    }

    /**
     * Parses CSV text into records of fields (quoted fields may hold commas, doubled quotes and line
     * breaks; CRLF and LF both end a record; blank lines are skipped).
     *
     * @throws IllegalArgumentException on a quote that is never closed or text after a closing quote
     */
    public static List<List<String>> parse(String text) {
        List<List<String>> records = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean atFieldStart = true;
        boolean quoted = false;
        int line = 1;
        int i = text.startsWith("\uFEFF") ? 1 : 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '"' && atFieldStart) {
                int start = line;
                i++;
                while (true) {
                    if (i >= n) {
                        throw new IllegalArgumentException("line " + start + ": quoted field is never closed");
                    }
                    char q = text.charAt(i++);
                    if (q == '"') {
                        if (i < n && text.charAt(i) == '"') {
                            field.append('"');
                            i++;
                            continue;
                        }
                        break;
                    }
                    if (q == '\n') {
                        line++;
                    }
                    field.append(q);
                }
                atFieldStart = false;
                quoted = true;
                if (i < n && text.charAt(i) != ',' && text.charAt(i) != '\n' && text.charAt(i) != '\r') {
                    throw new IllegalArgumentException("line " + line + ": text after a closing quote");
                }
                continue;
            }
            if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
                atFieldStart = true;
                quoted = false;
                i++;
                continue;
            }
            if (c == '\r' || c == '\n') {
                i += c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n' ? 2 : 1;
                line++;
                if (quoted || !field.isEmpty() || !fields.isEmpty()) {
                    fields.add(field.toString());
                    records.add(fields);
                }
                fields = new ArrayList<>();
                field.setLength(0);
                atFieldStart = true;
                quoted = false;
                continue;
            }
            field.append(c);
            atFieldStart = false;
            i++;
        }
        if (quoted || !field.isEmpty() || !fields.isEmpty()) {
            fields.add(field.toString());
            records.add(fields);
        }
        return records;
    }

    /** Writes {@code text} to {@code file}, UTF-8. */
    static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
