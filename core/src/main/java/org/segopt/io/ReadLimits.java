package org.segopt.io;

import java.nio.file.Path;

/**
 * What a reader may hold in memory for a file, so that a small compressed file cannot make the
 * process allocate gigabytes (a decompression bomb). Raw data is mapped and needs no limit; the
 * decompressed data of a gzip or deflated input is held in memory and must not exceed
 * {@link #maxDecompressedBytes}. As Pillow's {@code MAX_IMAGE_PIXELS}, the default suits real
 * images and can be raised for a trusted file.
 *
 * @param maxDecompressedBytes the most bytes one compressed input may decompress to
 */
public record ReadLimits(long maxDecompressedBytes) {
    /** The default: 1 GiB, a 512 x 512 x 1024 float32 volume. */
    public static final long DEFAULT_MAX_DECOMPRESSED_BYTES = 1L << 30;
    /** The default limits. */
    public static final ReadLimits DEFAULT = new ReadLimits(DEFAULT_MAX_DECOMPRESSED_BYTES);
    /** The command-line option that sets {@link #maxDecompressedBytes}, named in the refusal. */
    public static final String OPTION = "--max-decompressed";

    public ReadLimits {
        if (maxDecompressedBytes < 0) {
            throw new IllegalArgumentException("maxDecompressedBytes " + maxDecompressedBytes + " < 0");
        }
    }

    /** Refuses {@code bytes} of decompressed data for {@code file} when they exceed the limit. */
    void checkDecompressed(Path file, long bytes) throws InputException {
        if (bytes > maxDecompressedBytes) {
            throw new InputException(file, "decompresses to " + bytes + " bytes, more than the limit of "
                    + maxDecompressedBytes + " bytes for compressed data held in memory; if the file is trusted, "
                    + "raise the limit with " + OPTION + " BYTES");
        }
    }
}
