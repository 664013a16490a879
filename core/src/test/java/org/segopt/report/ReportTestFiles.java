package org.segopt.report;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;

/** Writes binary rater masks for the report tests: {@code .npy} (uint8) and gzip {@code .nrrd} as Plastimatch writes them. */
public final class ReportTestFiles {
    private ReportTestFiles() {
    }

    /** A C-order uint8 {@code .npy} (format 1.0) of {@code shape} holding {@code data}. */
    public static Path npy(Path file, long[] shape, byte[] data) throws IOException {
        return npy(file, shape, "|u1", data);
    }

    /** A C-order little-endian float32 {@code .npy} of one dimension holding {@code values} (probabilities). */
    public static Path npy(Path file, float[] values) throws IOException {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * values.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return npy(file, new long[] {values.length}, "<f4", b.array());
    }

    /** A C-order {@code .npy} (format 1.0) of NumPy dtype {@code descr} (e.g. {@code <f4}) holding the bytes {@code data}. */
    public static Path npy(Path file, long[] shape, String descr, byte[] data) throws IOException {
        String dims = shape.length == 1 ? shape[0] + ","
                : Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", "));
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }";
        int total = (10 + dict.length() + 1 + 63) / 64 * 64;
        StringBuilder header = new StringBuilder(dict);
        while (10 + header.length() + 1 < total) {
            header.append(' ');
        }
        header.append('\n');
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        int len = header.length();
        out.write(len & 0xff);
        out.write(len >>> 8);
        out.write(header.toString().getBytes(StandardCharsets.US_ASCII));
        out.write(data);
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.write(file, out.toByteArray());
    }

    /**
     * A gzip-encoded {@code unsigned char} {@code .nrrd} with the header fields Plastimatch writes;
     * {@code shape} is slowest-varying first (NRRD lists sizes fastest first).
     */
    public static Path nrrd(Path file, long[] shape, byte[] data) throws IOException {
        StringBuilder sizes = new StringBuilder();
        StringBuilder directions = new StringBuilder();
        for (int i = shape.length - 1; i >= 0; i--) {
            sizes.append(shape[i]).append(i > 0 ? " " : "");
        }
        for (int i = 0; i < shape.length; i++) {
            directions.append('(');
            for (int j = 0; j < shape.length; j++) {
                directions.append(i == j ? "0.9765625" : "0").append(j + 1 < shape.length ? "," : "");
            }
            directions.append(')').append(i + 1 < shape.length ? " " : "");
        }
        String header = "NRRD0004\n"
                + "# Complete NRRD file format specification at:\n"
                + "# http://teem.sourceforge.net/nrrd/format.html\n"
                + "type: unsigned char\n"
                + "dimension: " + shape.length + "\n"
                + "space: left-posterior-superior\n"
                + "sizes: " + sizes + "\n"
                + "space directions: " + directions + "\n"
                + "kinds:" + " domain".repeat(shape.length) + "\n"
                + "endian: little\n"
                + "encoding: gzip\n"
                + "space origin: (-250,-250,-90)\n"
                + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(header.getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream packed = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(packed)) {
            gz.write(data);
        }
        out.write(packed.toByteArray());
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.write(file, out.toByteArray());
    }
}
