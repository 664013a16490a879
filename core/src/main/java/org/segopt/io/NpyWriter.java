package org.segopt.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Writes a mask as a NumPy {@code .npy} file, format 1.0, dtype {@code |u1}. */
final class NpyWriter {
    private NpyWriter() {
    }

    static void write(OutputStream out, byte[] mask01, long[] shape, boolean fortranOrder) throws IOException {
        String dict = "{'descr': '|u1', 'fortran_order': " + (fortranOrder ? "True" : "False") + ", 'shape': "
                + NpyReader.formatShape(shape) + ", }";
        int total = (10 + dict.length() + 1 + 63) / 64 * 64;
        byte[] header = Arrays.copyOf(dict.getBytes(StandardCharsets.US_ASCII), total - 10);
        Arrays.fill(header, dict.length(), header.length - 1, (byte) ' ');
        header[header.length - 1] = '\n';
        out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
            (byte) header.length, (byte) (header.length >>> 8)});
        out.write(header);
        out.write(mask01);
    }
}
