package org.segopt.io;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads a gzip stream strictly, for formats whose data (or whole file) is gzip-compressed. The
 * stream must hold exactly the bytes the header declares: memory for them is allocated only after
 * the declared size is checked against what the compressed bytes can hold at most, and reading
 * stops with an error as soon as the stream ends early or runs past the declared size.
 */
final class GzipInput implements AutoCloseable {
    /** Deflate expands data at most about 1032-fold, so a larger declared size is a lie. */
    static final long MAX_RATIO = 1032;
    private static final int CHUNK = 1 << 16;

    private final Path file;
    private final GZIPInputStream in;
    private final long compressedBytes;
    private long position;

    /** Opens the gzip stream in {@code compressed}, which holds {@code compressedBytes} bytes. */
    GzipInput(Path file, InputStream compressed, long compressedBytes) throws InputException {
        this.file = file;
        this.compressedBytes = compressedBytes;
        try {
            this.in = new GZIPInputStream(compressed, CHUNK);
        } catch (IOException e) {
            throw new InputException(file, "not gzip-compressed data (" + IoSupport.message(e) + ")", e);
        }
    }

    /** The next {@code length} decompressed bytes; {@code what} names them if the stream ends first. */
    byte[] read(int length, String what) throws InputException {
        byte[] bytes = new byte[length];
        int n = fill(bytes, length);
        if (n < length) {
            throw new InputException(file, "truncated: the decompressed data ends after " + position
                    + " bytes, inside the " + what);
        }
        return bytes;
    }

    /**
     * Skips to decompressed offset {@code offset}, then reads the remaining {@code bytes} bytes into
     * a new segment of {@code arena} and checks that the stream ends there.
     */
    MemorySegment readData(long offset, long bytes, Arena arena) throws InputException {
        long total = offset > Long.MAX_VALUE - bytes ? Long.MAX_VALUE : offset + bytes;
        if (total / MAX_RATIO > compressedBytes) {
            throw new InputException(file, "header declares " + total + " decompressed bytes, more than "
                    + compressedBytes + " bytes of gzip data can hold (at most " + MAX_RATIO + " times as many)");
        }
        byte[] chunk = new byte[CHUNK];
        while (position < offset) {
            if (fill(chunk, (int) Math.min(CHUNK, offset - position)) == 0) {
                throw endsEarly(total);
            }
        }
        MemorySegment data = arena.allocate(bytes, 64);
        while (position < total) {
            long at = position - offset;
            int n = fill(chunk, (int) Math.min(CHUNK, total - position));
            if (n == 0) {
                throw endsEarly(total);
            }
            MemorySegment.copy(chunk, 0, data, ValueLayout.JAVA_BYTE, at, n);
        }
        if (fill(chunk, 1) != 0) {
            throw new InputException(file, "trailing bytes: the decompressed data is longer than the "
                    + total + " bytes the header declares");
        }
        return data;
    }

    private InputException endsEarly(long total) {
        return new InputException(file, "truncated: the decompressed data ends after " + position
                + " bytes but the header declares " + total);
    }

    /** Reads up to {@code length} bytes into {@code buffer}, fewer only at the end of the stream. */
    private int fill(byte[] buffer, int length) throws InputException {
        try {
            int n = in.readNBytes(buffer, 0, length);
            position += n;
            return n;
        } catch (IOException e) {
            throw IoSupport.failure(file, "", e);
        }
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            // Nothing more is read; a failure to close a read-only stream loses nothing.
        }
    }
}
