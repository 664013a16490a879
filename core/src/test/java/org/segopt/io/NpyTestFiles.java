package org.segopt.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.segopt.ElementType;

/**
 * Writes {@code .npy} files for tests: well-formed ones as NumPy lays them out, and broken ones
 * with exactly the header bytes or file bytes a test wants.
 */
public final class NpyTestFiles {

    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    private NpyTestFiles() {
    }

    /** The header dict as NumPy writes it, e.g. {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }}. */
    static String dict(String descr, boolean fortranOrder, long... shape) {
        String dims = shape.length == 1 ? shape[0] + ","
                : Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", "));
        return "{'descr': '" + descr + "', 'fortran_order': " + (fortranOrder ? "True" : "False")
                + ", 'shape': (" + dims + "), }";
    }

    /** Writes a well-formed file of format {@code major}.0 holding {@code data} after the header. */
    public static Path write(Path dir, String name, int major, String descr, boolean fortranOrder, long[] shape,
                      byte[] data) throws IOException {
        return writeHeader(dir, name, major, 0, padded(dict(descr, fortranOrder, shape), major), data);
    }

    /** {@code dict} as header bytes: UTF-8, padded with spaces and a newline so data is 64-byte aligned. */
    static byte[] padded(String dict, int major) {
        byte[] text = dict.getBytes(StandardCharsets.UTF_8);
        int prefix = major == 1 ? 10 : 12;
        int total = (prefix + text.length + 1 + 63) / 64 * 64;
        byte[] header = Arrays.copyOf(text, total - prefix);
        Arrays.fill(header, text.length, header.length - 1, (byte) ' ');
        header[header.length - 1] = '\n';
        return header;
    }

    /**
     * Writes magic, version {@code major.minor}, a length field matching {@code header} (2 bytes for
     * version 1, else 4), {@code header} exactly as given, then {@code data}.
     */
    static Path writeHeader(Path dir, String name, int major, int minor, byte[] header, byte[] data)
            throws IOException {
        ByteBuffer length = ByteBuffer.allocate(major == 1 ? 2 : 4).order(ByteOrder.LITTLE_ENDIAN);
        if (major == 1) {
            length.putShort((short) header.length);
        } else {
            length.putInt(header.length);
        }
        return writeBytes(dir, name, concat(MAGIC, new byte[] {(byte) major, (byte) minor}, length.array(),
                header, data));
    }

    /** Writes {@code content} as the whole file. */
    static Path writeBytes(Path dir, String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** {@code values} stored as {@code type} in {@code order}, independently of the reader's layouts. */
    public static byte[] encode(ElementType type, ByteOrder order, double... values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * type.byteSize()).order(order);
        for (double v : values) {
            switch (type) {
                case BOOL, UINT8 -> buffer.put((byte) (int) v);
                case UINT16 -> buffer.putShort((short) (int) v);
                case INT16 -> buffer.putShort((short) (int) v);
                case INT32 -> buffer.putInt((int) v);
                case FLOAT16 -> buffer.putShort(Float.floatToFloat16((float) v));
                case BFLOAT16 -> buffer.putShort((short) (Float.floatToRawIntBits((float) v) >>> 16));
                case FLOAT32 -> buffer.putFloat((float) v);
                case FLOAT64 -> buffer.putDouble(v);
            }
        }
        return buffer.array();
    }
}
