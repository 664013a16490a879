package org.segopt.io;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.segopt.ElementType;

/**
 * The fields of a NRRD header that segopt uses, parsed strictly from the header's lines after the
 * magic. Field names are case-insensitive; {@code #} comments and {@code key:=value} pairs are
 * skipped; descriptive fields segopt does not need ({@code content}, {@code labels}, ...) are
 * accepted and ignored; any other field, a duplicate field or a value segopt cannot honour exactly
 * is an {@link InputException}.
 *
 * @param type     element type
 * @param order    byte order of the data (native for one-byte types)
 * @param sizes    the axis sizes, fastest-varying first as NRRD lists them
 * @param gzip     whether the data is gzip-compressed (else raw)
 * @param dataFile the {@code data file} of a detached header, or null when the data is attached
 * @param geometry the space fields, or null when the header has none
 */
record NrrdHeader(ElementType type, ByteOrder order, long[] sizes, boolean gzip, String dataFile, Geometry geometry) {

    static final int MAX_DIMENSION = 16;
    static final String SUPPORTED_TYPES = "unsigned char, unsigned short, int, float, double";

    private static final Set<String> USED = Set.of("dimension", "type", "sizes", "endian", "encoding", "space",
            "space dimension", "space directions", "space origin", "kinds", "spacings", "data file", "line skip",
            "byte skip");
    private static final Set<String> IGNORED = Set.of("content", "number", "block size", "min", "max", "old min",
            "old max", "thicknesses", "axis mins", "axis maxs", "centers", "labels", "units", "space units",
            "measurement frame", "sample units");
    private static final Map<String, String> FIELD_ALIASES = Map.of("datafile", "data file", "lineskip", "line skip",
            "byteskip", "byte skip", "blocksize", "block size", "oldmin", "old min", "oldmax", "old max",
            "axismins", "axis mins", "axismaxs", "axis maxs", "centerings", "centers");
    /** Every spelling of every NRRD type, mapped to its canonical name. */
    private static final Map<String, String> TYPES = aliases(
            "int8: signed char, int8, int8_t",
            "uint8: uchar, unsigned char, uint8, uint8_t",
            "int16: short, short int, signed short, signed short int, int16, int16_t",
            "uint16: ushort, unsigned short, unsigned short int, uint16, uint16_t",
            "int32: int, signed int, int32, int32_t",
            "uint32: uint, unsigned int, uint32, uint32_t",
            "int64: longlong, long long, long long int, signed long long, signed long long int, int64, int64_t",
            "uint64: ulonglong, unsigned long long, unsigned long long int, uint64, uint64_t",
            "float: float", "double: double", "block: block");
    private static final Map<String, ElementType> SUPPORTED = Map.of("uint8", ElementType.UINT8,
            "uint16", ElementType.UINT16, "int32", ElementType.INT32, "float", ElementType.FLOAT32,
            "double", ElementType.FLOAT64);
    /** Every spelling of every NRRD space, mapped to its canonical name. */
    private static final Map<String, String> SPACES = aliases(
            "right-anterior-superior: right-anterior-superior, ras",
            "left-anterior-superior: left-anterior-superior, las",
            "left-posterior-superior: left-posterior-superior, lps",
            "right-anterior-superior-time: right-anterior-superior-time, rast",
            "left-anterior-superior-time: left-anterior-superior-time, last",
            "left-posterior-superior-time: left-posterior-superior-time, lpst",
            "scanner-xyz: scanner-xyz", "scanner-xyz-time: scanner-xyz-time",
            "3D-right-handed: 3d-right-handed", "3D-left-handed: 3d-left-handed",
            "3D-right-handed-time: 3d-right-handed-time", "3D-left-handed-time: 3d-left-handed-time");

    static NrrdHeader parse(Path file, List<String> lines) throws InputException {
        Map<String, String> fields = fields(file, lines);
        for (String required : List.of("dimension", "type", "sizes", "encoding")) {
            if (!fields.containsKey(required)) {
                throw new InputException(file, "header is missing the required field '" + required + "'");
            }
        }
        int dimension = (int) integer(file, "dimension", fields.get("dimension"), 1, MAX_DIMENSION);
        ElementType type = type(file, fields.get("type"));
        List<String> sizeWords = words(file, "sizes", fields.get("sizes"), dimension);
        long[] sizes = new long[dimension];
        for (int i = 0; i < dimension; i++) {
            sizes[i] = integer(file, "sizes", sizeWords.get(i), 1, Long.MAX_VALUE);
        }
        boolean gzip = switch (lower(fields.get("encoding"))) {
            case "raw" -> false;
            case "gz", "gzip" -> true;
            case "txt", "text", "ascii", "hex", "bz2", "bzip2", "zrl" -> throw new InputException(file,
                    "encoding '" + fields.get("encoding") + "' is not supported by segopt (supported: raw, gzip)");
            default -> throw new InputException(file, "unknown encoding '" + fields.get("encoding") + "'");
        };
        ByteOrder order = order(file, fields.get("endian"), type);
        for (String skip : List.of("line skip", "byte skip")) {
            if (fields.containsKey(skip) && integer(file, skip, fields.get(skip), Long.MIN_VALUE, Long.MAX_VALUE) != 0) {
                throw new InputException(file, "'" + skip + ": " + fields.get(skip)
                        + "' is not supported (the data must start right at the data file's or header's end)");
            }
        }
        return new NrrdHeader(type, order, sizes, gzip, dataFile(file, fields.get("data file")),
                geometry(file, fields, dimension));
    }

    @Override
    public long[] sizes() {
        return sizes.clone();
    }

    /** The header's fields by canonical name, each at most once. */
    private static Map<String, String> fields(Path file, List<String> lines) throws InputException {
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int colon = line.indexOf(": ");
            int pair = line.indexOf(":=");
            if (line.startsWith("#") || pair >= 0 && (colon < 0 || pair < colon)) {
                continue;
            }
            if (colon < 0) {
                throw new InputException(file, "malformed header line " + (i + 2) + ": expected '<field>: <value>' (line: "
                        + shorten(line) + ")");
            }
            String name = lower(line.substring(0, colon));
            name = FIELD_ALIASES.getOrDefault(name, name);
            if (!USED.contains(name) && !IGNORED.contains(name)) {
                throw new InputException(file, "unknown field '" + line.substring(0, colon) + "' on header line " + (i + 2));
            }
            if (fields.put(name, line.substring(colon + 2).strip()) != null) {
                throw new InputException(file, "duplicate field '" + name + "' on header line " + (i + 2));
            }
        }
        return fields;
    }

    private static ElementType type(Path file, String value) throws InputException {
        String canonical = TYPES.get(lower(value));
        if (canonical == null) {
            throw new InputException(file, "unknown type '" + value + "'");
        }
        ElementType type = SUPPORTED.get(canonical);
        if (type == null) {
            throw new InputException(file, "type '" + value + "' (" + canonical
                    + ") is not supported by segopt (supported: " + SUPPORTED_TYPES + ")");
        }
        return type;
    }

    private static ByteOrder order(Path file, String endian, ElementType type) throws InputException {
        if (endian == null) {
            if (type.byteSize() > 1) {
                throw new InputException(file, "header is missing the field 'endian', required for "
                        + type.byteSize() + "-byte elements");
            }
            return ByteOrder.nativeOrder();
        }
        return switch (lower(endian)) {
            case "little" -> ByteOrder.LITTLE_ENDIAN;
            case "big" -> ByteOrder.BIG_ENDIAN;
            default -> throw new InputException(file, "unknown endian '" + endian + "' (expected little or big)");
        };
    }

    /** A single data file; the multi-file forms (LIST, or a printf pattern with a range) are rejected. */
    private static String dataFile(Path file, String value) throws InputException {
        if (value == null) {
            return null;
        }
        String[] words = value.split("\\s+");
        if (words[0].equals("LIST") || words.length >= 4 && words[0].contains("%")) {
            throw new InputException(file, "multi-file data ('data file: " + shorten(value)
                    + "') is not supported; segopt reads a single data file");
        }
        if (value.isEmpty()) {
            throw new InputException(file, "empty 'data file' field");
        }
        return value;
    }

    private static Geometry geometry(Path file, Map<String, String> fields, int dimension) throws InputException {
        String space = null;
        int spaceDimension = 0;
        if (fields.containsKey("space") && fields.containsKey("space dimension")) {
            throw new InputException(file, "header gives both 'space' and 'space dimension'");
        }
        if (fields.containsKey("space")) {
            space = SPACES.get(lower(fields.get("space")));
            if (space == null) {
                throw new InputException(file, "unknown space '" + fields.get("space") + "'");
            }
            spaceDimension = space.endsWith("-time") ? 4 : 3;
        } else if (fields.containsKey("space dimension")) {
            spaceDimension = (int) integer(file, "space dimension", fields.get("space dimension"), 1, MAX_DIMENSION);
        }
        List<List<Double>> directions = new ArrayList<>();
        if (fields.containsKey("space directions")) {
            for (String w : vectors(file, "space directions", fields.get("space directions"), dimension)) {
                directions.add(w.equals("none") ? List.of() : vector(file, "space directions", w, spaceDimension));
            }
        }
        List<Double> origin = fields.containsKey("space origin")
                ? vector(file, "space origin", fields.get("space origin"), spaceDimension) : List.of();
        List<Double> spacings = new ArrayList<>();
        if (fields.containsKey("spacings")) {
            for (String w : words(file, "spacings", fields.get("spacings"), dimension)) {
                spacings.add(lower(w).equals("nan") ? Double.NaN : number(file, "spacings", w));
            }
        }
        List<String> kinds = fields.containsKey("kinds") ? words(file, "kinds", fields.get("kinds"), dimension) : List.of();
        if (spaceDimension == 0 && directions.isEmpty() && spacings.isEmpty() && kinds.isEmpty()) {
            return null;
        }
        return new Geometry(space, directions, origin, spacings, kinds, null);
    }

    /** The whitespace-separated words of {@code value}, exactly {@code count} of them. */
    private static List<String> words(Path file, String field, String value, int count) throws InputException {
        List<String> words = value.isEmpty() ? List.of() : List.of(value.split("\\s+"));
        if (words.size() != count) {
            throw new InputException(file, "'" + field + "' has " + words.size() + " entries, but the dimension is " + count);
        }
        return words;
    }

    /** The {@code (x,y,z)} vectors and {@code none} entries of a per-axis field, exactly {@code count}. */
    private static List<String> vectors(Path file, String field, String value, int count) throws InputException {
        List<String> entries = new ArrayList<>();
        int i = 0;
        while (i < value.length()) {
            int end = i;
            if (value.charAt(i) == '(') {
                int close = value.indexOf(')', i);
                end = close < 0 ? value.length() : close + 1;
            } else {
                while (end < value.length() && !Character.isWhitespace(value.charAt(end))) {
                    end++;
                }
            }
            String entry = value.substring(i, end);
            if (!entry.equals("none") && !entry.startsWith("(")) {
                throw new InputException(file, "malformed '" + field + "' entry '" + shorten(entry)
                        + "' (expected (x,y,z) or none)");
            }
            entries.add(entry);
            i = end;
            while (i < value.length() && Character.isWhitespace(value.charAt(i))) {
                i++;
            }
        }
        if (entries.size() != count) {
            throw new InputException(file, "'" + field + "' has " + entries.size() + " entries, but the dimension is " + count);
        }
        return entries;
    }

    /** A {@code (x,y,z)} vector of {@code length} finite numbers. */
    private static List<Double> vector(Path file, String field, String text, int length) throws InputException {
        if (length == 0) {
            throw new InputException(file, "'" + field + "' needs a 'space' or 'space dimension' field");
        }
        if (!text.startsWith("(") || !text.endsWith(")")) {
            throw new InputException(file, "malformed '" + field + "' vector '" + shorten(text) + "'");
        }
        String[] parts = text.substring(1, text.length() - 1).split(",", -1);
        if (parts.length != length) {
            throw new InputException(file, "'" + field + "' vector " + shorten(text) + " has " + parts.length
                    + " components, but the space has " + length + " dimensions");
        }
        List<Double> values = new ArrayList<>();
        for (String part : parts) {
            values.add(number(file, field, part.strip()));
        }
        return values;
    }

    private static double number(Path file, String field, String text) throws InputException {
        if (!DecimalSyntax.isDecimal(text)) {
            throw new InputException(file, "malformed number '" + shorten(text) + "' in '" + field + "'");
        }
        double v = Double.parseDouble(text);
        if (!Double.isFinite(v)) {
            throw new InputException(file, "number '" + shorten(text) + "' in '" + field + "' is not finite");
        }
        return v;
    }

    /** {@code text} as an integer in [min, max]. */
    private static long integer(Path file, String field, String text, long min, long max) throws InputException {
        if (!DecimalSyntax.isInteger(text)) {
            throw new InputException(file, "malformed integer '" + shorten(text) + "' in '" + field + "'");
        }
        long v;
        try {
            v = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new InputException(file, "'" + field + "' value " + shorten(text) + " does not fit a 64-bit integer");
        }
        if (v < min || v > max) {
            throw new InputException(file, "'" + field + "' value " + shorten(text) + " is outside "
                    + min + ".." + (max == Long.MAX_VALUE ? "" : max));
        }
        return v;
    }

    private static String lower(String s) {
        return s.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }

    private static String shorten(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    private static Map<String, String> aliases(String... lines) {
        Map<String, String> map = new HashMap<>();
        for (String line : lines) {
            String[] parts = line.split(": ");
            for (String alias : parts[1].split(", ")) {
                map.put(alias, parts[0]);
            }
        }
        return Map.copyOf(map);
    }
}
