package org.segopt.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A minimal JSON object builder for the CLI's one-object outputs (keys keep insertion order). */
final class Json {
    private final Map<String, Object> fields = new LinkedHashMap<>();

    static Json object() {
        return new Json();
    }

    /** Adds a field: a string, a number, a boolean, null, a nested {@link Json}, or a list of those. */
    Json put(String key, Object value) {
        fields.put(key, value);
        return this;
    }

    /** Adds every field of {@code other}, in its order. */
    Json putAll(Json other) {
        fields.putAll(other.fields);
        return this;
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        write(this, out);
        return out.toString();
    }

    private static void write(Object value, StringBuilder out) {
        switch (value) {
            case null -> out.append("null");
            case Json json -> {
                out.append('{');
                String sep = "";
                for (Map.Entry<String, Object> e : json.fields.entrySet()) {
                    out.append(sep);
                    string(e.getKey(), out);
                    out.append(": ");
                    write(e.getValue(), out);
                    sep = ", ";
                }
                out.append('}');
            }
            case List<?> list -> {
                out.append('[');
                for (int i = 0; i < list.size(); i++) {
                    out.append(i > 0 ? ", " : "");
                    write(list.get(i), out);
                }
                out.append(']');
            }
            case Double d -> {
                if (d.isNaN() || d.isInfinite()) {
                    throw new IllegalArgumentException("JSON has no " + d);
                }
                out.append(d);
            }
            case Number n -> out.append(n);
            case Boolean b -> out.append(b);
            case String s -> string(s, out);
            default -> throw new IllegalArgumentException("not a JSON value: " + value.getClass());
        }
    }

    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
