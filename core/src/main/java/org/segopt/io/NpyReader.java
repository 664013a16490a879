package org.segopt.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.segopt.ElementType;

/**
 * Reads NumPy {@code .npy} files (format versions 1.0, 2.0 and 3.0) by mapping their data
 * read-only, without copying. The reader is strict so that a damaged or foreign file is rejected
 * with one clear line instead of being misread: the header must be exactly NumPy's dict of
 * {@code descr}, {@code fortran_order} and {@code shape}, the dtype one of the few simple types
 * segopt works with, and the data exactly as long as the shape declares. Everything is checked
 * against the file size before anything sized by the header is allocated or mapped.
 */
public final class NpyReader implements ArrayReader {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** Real headers are about 128 bytes; the cap stops a corrupt length from allocating much. */
    static final int MAX_HEADER_BYTES = 1 << 20;
    /** NumPy's own limit on the number of dimensions ({@code NPY_MAXDIMS}). */
    static final int MAX_DIMENSIONS = 64;
    static final String SUPPORTED_DTYPES =
            "|b1, |u1, <u2, >u2, <i2, >i2, <i4, >i4, <f2, >f2, <f4, >f4, <f8, >f8; '=' for native byte order";

    /** Accepts names ending in {@code .npy}, ignoring case. */
    @Override
    public boolean accepts(Path file) {
        Path name = file.getFileName();
        return name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(".npy");
    }

    @Override
    public NdArray read(Path file, Arena arena, ReadLimits limits) throws InputException {
        return IoSupport.read(file, ".npy", channel -> read(file, channel, arena));
    }

    private static NdArray read(Path file, FileChannel channel, Arena arena)
            throws IOException, InputException {
        Layout layout = layout(file, channel.size(), (position, length) -> readFully(channel, position, length));
        MemorySegment data = IoSupport.data(file, channel, layout.dataOffset(), layout.bytes(), arena);
        return layout.array(file, data);
    }

    /**
     * Reads and checks the header of a {@code .npy} image of {@code size} bytes, read through
     * {@code source} in increasing positions, against that size.
     */
    static Layout layout(Path file, long size, Source source) throws IOException, InputException {
        if (size == 0) {
            throw new InputException(file, "not a NumPy .npy file (empty file)");
        }
        if (size < MAGIC.length) {
            throw new InputException(file, "not a NumPy .npy file (too short: " + size + " bytes)");
        }
        byte[] prefix = source.read(0, (int) Math.min(size, 12));
        if (!Arrays.equals(prefix, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new InputException(file, "not a NumPy .npy file (bad magic)");
        }
        if (size < 8) {
            throw new InputException(file, "truncated header (file ends after " + size + " bytes)");
        }
        int major = Byte.toUnsignedInt(prefix[6]);
        int minor = Byte.toUnsignedInt(prefix[7]);
        if (major < 1 || major > 3 || minor != 0) {
            throw new InputException(file, "unsupported .npy format version " + major + "." + minor
                    + " (supported: 1.0, 2.0, 3.0)");
        }
        int headerStart = major == 1 ? 10 : 12;
        if (size < headerStart) {
            throw new InputException(file, "truncated header (file ends after " + size + " bytes)");
        }
        ByteBuffer lengthField = ByteBuffer.wrap(prefix, 8, headerStart - 8).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = major == 1
                ? Short.toUnsignedInt(lengthField.getShort())
                : Integer.toUnsignedLong(lengthField.getInt());
        long dataOffset = headerStart + headerLength;
        if (dataOffset > size) {
            throw new InputException(file, "header length " + headerLength
                    + " extends past the end of the file (" + size + " bytes)");
        }
        if (headerLength > MAX_HEADER_BYTES) {
            throw new InputException(file, "header length " + headerLength + " exceeds the limit of "
                    + MAX_HEADER_BYTES + " bytes");
        }
        String text = decodeHeader(file, source.read(headerStart, (int) headerLength), major);
        Header header = new HeaderParser(file, text).parse();
        Dtype dtype = dtype(file, header.descr());

        long count;
        long bytes;
        try {
            count = 1;
            for (long d : header.shape()) {
                count = Math.multiplyExact(count, d);
            }
            bytes = Math.multiplyExact(count, dtype.type().byteSize());
        } catch (ArithmeticException e) {
            throw new InputException(file, "shape " + formatShape(header.shape())
                    + " is too large (its size overflows a 64-bit integer)", e);
        }
        long available = size - dataOffset;
        String declared = "header declares " + count + " elements (" + bytes + " bytes)";
        if (bytes > available) {
            throw new InputException(file, "truncated: " + declared + " but only " + available
                    + " bytes follow");
        }
        if (bytes < available) {
            throw new InputException(file, "trailing bytes: " + declared + " but " + available
                    + " bytes follow");
        }
        return new Layout(dtype, header, dataOffset, bytes);
    }

    static byte[] readFully(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("file shrank while reading");
            }
        }
        return buffer.array();
    }

    /** Versions 1 and 2 headers are ASCII, version 3 is UTF-8; all end in a newline. */
    private static String decodeHeader(Path file, byte[] bytes, int major) throws InputException {
        String text;
        if (major < 3) {
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] < 0) {
                    throw new InputException(file, String.format(
                            "header is not ASCII (byte 0x%02x at header offset %d)", bytes[i] & 0xff, i));
                }
            }
            text = new String(bytes, StandardCharsets.US_ASCII);
        } else {
            try {
                text = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                throw new InputException(file, "header is not valid UTF-8", e);
            }
        }
        if (text.isEmpty() || text.charAt(text.length() - 1) != '\n') {
            throw new InputException(file, "header is not terminated by a newline");
        }
        return text;
    }

    /** Maps a NumPy type string to an element type and byte order. */
    static Dtype dtype(Path file, String descr) throws InputException {
        if (descr.length() == 3) {
            ElementType type = switch (descr.substring(1)) {
                case "b1" -> ElementType.BOOL;
                case "u1" -> ElementType.UINT8;
                case "u2" -> ElementType.UINT16;
                case "i2" -> ElementType.INT16;
                case "i4" -> ElementType.INT32;
                case "f2" -> ElementType.FLOAT16;
                case "f4" -> ElementType.FLOAT32;
                case "f8" -> ElementType.FLOAT64;
                default -> null;
            };
            // '|' means "byte order not applicable", so it is only valid for one-byte types.
            ByteOrder order = switch (descr.charAt(0)) {
                case '<' -> ByteOrder.LITTLE_ENDIAN;
                case '>' -> ByteOrder.BIG_ENDIAN;
                case '=' -> ByteOrder.nativeOrder();
                case '|' -> type != null && type.byteSize() == 1 ? ByteOrder.nativeOrder() : null;
                default -> null;
            };
            if (type != null && order != null) {
                return new Dtype(type, order);
            }
        }
        throw new InputException(file, "unsupported dtype '" + descr + "' (supported: "
                + SUPPORTED_DTYPES + ")");
    }

    static String formatShape(long[] shape) {
        return shape.length == 1 ? "(" + shape[0] + ",)"
                : Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", ", "(", ")"));
    }

    record Dtype(ElementType type, ByteOrder order) {
    }

    /** Reads {@code length} bytes at {@code position} of a {@code .npy} image. */
    @FunctionalInterface
    interface Source {
        byte[] read(long position, int length) throws IOException;
    }

    /** A checked header: the data is {@code bytes} bytes at {@code dataOffset}. */
    record Layout(Dtype dtype, Header header, long dataOffset, long bytes) {
        NdArray array(Path file, MemorySegment data) {
            return new NdArray(file, data, dtype.type(), dtype.order(), header.shape(), header.fortranOrder());
        }
    }

    record Header(String descr, boolean fortranOrder, long[] shape) {
    }

    /**
     * Parses the header dict: the subset of Python literal syntax NumPy writes, namely
     * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }} with keys in any order,
     * either quote style, optional trailing commas and space padding before the final newline.
     */
    static final class HeaderParser {
        private final Path file;
        private final String text;
        private int pos;

        HeaderParser(Path file, String text) {
            this.file = file;
            this.text = text;
        }

        Header parse() throws InputException {
            String descr = null;
            Boolean fortranOrder = null;
            long[] shape = null;
            skipSpace();
            expect('{');
            skipSpace();
            while (peek() != '}') {
                int keyAt = pos;
                String key = string("a quoted key");
                skipSpace();
                expect(':');
                skipSpace();
                switch (key) {
                    case "descr" -> {
                        requireNew(descr, key, keyAt);
                        descr = descr();
                    }
                    case "fortran_order" -> {
                        requireNew(fortranOrder, key, keyAt);
                        fortranOrder = bool();
                    }
                    case "shape" -> {
                        requireNew(shape, key, keyAt);
                        shape = shape();
                    }
                    default -> throw new InputException(file, "unexpected key '" + key
                            + "' in header (expected exactly 'descr', 'fortran_order' and 'shape')");
                }
                skipSpace();
                if (peek() == ',') {
                    pos++;
                    skipSpace();
                } else if (peek() != '}') {
                    throw malformed("expected ',' or '}'");
                }
            }
            pos++;
            skipSpace();
            if (pos != text.length() - 1) {
                throw malformed("unexpected text after the dict");
            }
            if (descr == null || fortranOrder == null || shape == null) {
                String key = descr == null ? "descr" : fortranOrder == null ? "fortran_order" : "shape";
                throw new InputException(file, "header is missing key '" + key + "'");
            }
            return new Header(descr, fortranOrder, shape);
        }

        private String descr() throws InputException {
            if (peek() == '[') {
                int end = text.lastIndexOf(']');
                String raw = end > pos ? text.substring(pos, end + 1) : text.substring(pos).strip();
                throw new InputException(file, "unsupported dtype " + escaped(raw)
                        + " (structured dtypes are not supported; supported: " + SUPPORTED_DTYPES + ")");
            }
            return string("a dtype string for 'descr'");
        }

        private boolean bool() throws InputException {
            if (text.startsWith("True", pos)) {
                pos += 4;
                return true;
            }
            if (text.startsWith("False", pos)) {
                pos += 5;
                return false;
            }
            throw malformed("expected True or False for 'fortran_order'");
        }

        private long[] shape() throws InputException {
            expect('(');
            skipSpace();
            long[] dims = new long[0];
            while (peek() != ')') {
                if (dims.length == MAX_DIMENSIONS) {
                    throw malformed("'shape' has more than " + MAX_DIMENSIONS + " dimensions (NumPy's limit)");
                }
                dims = Arrays.copyOf(dims, dims.length + 1);
                dims[dims.length - 1] = dimension();
                skipSpace();
                if (peek() == ',') {
                    pos++;
                    skipSpace();
                } else if (peek() != ')') {
                    throw malformed("expected ',' or ')' in 'shape'");
                } else if (dims.length == 1) {
                    throw malformed("'shape' (" + dims[0] + ") is not a tuple (write (" + dims[0] + ",))");
                }
            }
            pos++;
            return dims;
        }

        private long dimension() throws InputException {
            int start = pos;
            boolean negative = peek() == '-';
            if (negative) {
                pos++;
            }
            if (!isDigit(peek())) {
                throw malformed("expected an integer in 'shape'");
            }
            if (peek() == '0' && isDigit(charAt(pos + 1))) {
                throw malformed("integer with a leading zero in 'shape'");
            }
            long value = 0;
            try {
                while (isDigit(peek())) {
                    value = Math.addExact(Math.multiplyExact(value, 10), peek() - '0');
                    pos++;
                }
            } catch (ArithmeticException e) {
                throw malformed("dimension too large for a 64-bit integer");
            }
            if (negative && value != 0) {
                throw new InputException(file, "negative dimension " + text.substring(start, pos)
                        + " in 'shape'");
            }
            return value;
        }

        /** A quoted string without escapes or control characters, as NumPy writes keys and types. */
        private String string(String what) throws InputException {
            char quote = peek();
            if (quote != '\'' && quote != '"') {
                throw malformed("expected " + what);
            }
            int start = ++pos;
            while (peek() != quote) {
                char c = peek();
                if (c == '\\' || c < ' ') {
                    throw malformed("unsupported character or unterminated string");
                }
                pos++;
            }
            return text.substring(start, pos++);
        }

        private void requireNew(Object previous, String key, int keyAt) throws InputException {
            if (previous != null) {
                pos = keyAt;
                throw malformed("duplicate key '" + key + "'");
            }
        }

        private void expect(char c) throws InputException {
            if (peek() != c) {
                throw malformed("expected '" + c + "'");
            }
            pos++;
        }

        private void skipSpace() {
            while (peek() == ' ' || peek() == '\t') {
                pos++;
            }
        }

        private char peek() {
            return charAt(pos);
        }

        private char charAt(int i) {
            return i < text.length() ? text.charAt(i) : '\0';
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }

        private InputException malformed(String problem) {
            String shown = text.strip();
            if (shown.length() > 200) {
                shown = shown.substring(0, 200) + "...";
            }
            return new InputException(file, "malformed header at column " + (pos + 1) + ": " + problem
                    + " (header: " + escaped(shown) + ")");
        }

        /** {@code text} with control characters (line breaks included) as {@code \\xNN}, for one-line messages. */
        private static String escaped(String text) {
            StringBuilder escaped = new StringBuilder();
            text.codePoints().forEach(cp -> escaped.append(cp < ' ' || cp == 0x7f
                    ? String.format("\\x%02x", cp) : Character.toString(cp)));
            return escaped.toString();
        }
    }
}
