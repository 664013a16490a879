package org.segopt.io;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Reads a gzip stream (RFC 1952) strictly, for formats whose data (or whole file) is
 * gzip-compressed: every member's CRC-32 and length are verified, and anything after the last
 * member is an error. The data must be exactly the bytes the header declares, and memory for them
 * grows only with what the stream really holds: a declared size is checked against what the
 * compressed bytes can hold at most and against {@link ReadLimits}, and a large one is inflated
 * once without being stored before it is allocated, so a lying header fails before allocating.
 */
final class GzipInput implements AutoCloseable {
    /** Deflate expands data at most about 1032-fold, so a larger declared size is a lie. */
    static final long MAX_RATIO = 1032;
    /** Data larger than this is verified in a first pass before memory for it is allocated. */
    static final long VERIFIED_BEFORE_ALLOCATION = 64L << 20;
    private static final int CHUNK = 1 << 16;
    private static final int FHCRC = 2;
    private static final int FEXTRA = 4;
    private static final int FNAME = 8;
    private static final int FCOMMENT = 16;

    /** Opens a fresh stream over the compressed bytes, for each pass over them. */
    @FunctionalInterface
    interface Compressed {
        InputStream open() throws IOException;
    }

    private final Path file;
    private final PushbackInputStream in;
    private final Inflater inflater = new Inflater(true);
    private final CRC32 crc = new CRC32();
    private final byte[] input = new byte[CHUNK];
    private int inputLength;
    private long memberBytes;
    private boolean ended;
    private long position;

    /** Opens the gzip stream in {@code compressed}; closing this does not close {@code compressed}. */
    GzipInput(Path file, InputStream compressed) throws InputException {
        this.file = file;
        this.in = new PushbackInputStream(compressed, CHUNK);
        try {
            int first = in.read();
            if (first < 0) {
                throw new InputException(file, "not gzip-compressed data (no bytes)");
            }
            in.unread(first);
            header();
        } catch (IOException e) {
            inflater.end();
            throw IoSupport.failure(file, "", e);
        }
    }

    /**
     * The decompressed bytes {@code [offset, offset + bytes)} of the gzip stream {@code source}
     * opens (of {@code compressedBytes} bytes), which must end there, in a new segment of
     * {@code arena}.
     */
    static MemorySegment data(Path file, Compressed source, long compressedBytes, long offset, long bytes,
                              ReadLimits limits, Arena arena) throws InputException {
        long total = offset > Long.MAX_VALUE - bytes ? Long.MAX_VALUE : offset + bytes;
        if (total / MAX_RATIO > compressedBytes) {
            throw new InputException(file, "header declares " + total + " decompressed bytes, more than "
                    + compressedBytes + " bytes of gzip data can hold (at most " + MAX_RATIO + " times as many)");
        }
        limits.checkDecompressed(file, bytes);
        if (bytes > VERIFIED_BEFORE_ALLOCATION) {
            try (GzipInput in = open(file, source)) {
                in.transfer(offset, null, total);
                in.transfer(bytes, null, total);
                in.requireEnd(total);
            }
        }
        try (GzipInput in = open(file, source)) {
            in.transfer(offset, null, total);
            MemorySegment data = arena.allocate(bytes, 64);
            in.transfer(bytes, data, total);
            in.requireEnd(total);
            return data;
        }
    }

    private static GzipInput open(Path file, Compressed source) throws InputException {
        try {
            return new GzipInput(file, source.open());
        } catch (IOException e) {
            throw IoSupport.failure(file, "", e);
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

    /** Reads the next {@code count} bytes into {@code into} (or discards them when null) of a stream of {@code total}. */
    private void transfer(long count, MemorySegment into, long total) throws InputException {
        byte[] chunk = new byte[CHUNK];
        long done = 0;
        while (done < count) {
            int n = fill(chunk, (int) Math.min(CHUNK, count - done));
            if (n == 0) {
                throw new InputException(file, "truncated: the decompressed data ends after " + position
                        + " bytes but the header declares " + total);
            }
            if (into != null) {
                MemorySegment.copy(chunk, 0, into, ValueLayout.JAVA_BYTE, done, n);
            }
            done += n;
        }
    }

    private void requireEnd(long total) throws InputException {
        if (fill(new byte[1], 1) != 0) {
            throw new InputException(file, "trailing bytes: the decompressed data is longer than the "
                    + total + " bytes the header declares");
        }
    }

    /** Reads up to {@code length} bytes into {@code buffer}, fewer only at the end of the stream. */
    private int fill(byte[] buffer, int length) throws InputException {
        int n = 0;
        try {
            while (n < length && !ended) {
                int k = inflater.inflate(buffer, n, length - n);
                if (k > 0) {
                    crc.update(buffer, n, k);
                    n += k;
                    memberBytes += k;
                } else if (inflater.finished()) {
                    endMember();
                } else if (inflater.needsInput()) {
                    inputLength = in.read(input);
                    if (inputLength < 0) {
                        throw new EOFException("the gzip stream ends inside the compressed data");
                    }
                    inflater.setInput(input, 0, inputLength);
                } else {
                    throw corrupt("the deflate stream needs a preset dictionary");
                }
            }
        } catch (DataFormatException e) {
            throw corrupt(e.getMessage());
        } catch (IOException e) {
            throw IoSupport.failure(file, "", e);
        }
        position += n;
        return n;
    }

    /** Checks the trailer of the member just inflated, then starts the next member or ends the stream. */
    private void endMember() throws IOException, InputException {
        int remaining = inflater.getRemaining();
        if (remaining > 0) {
            in.unread(input, inputLength - remaining, remaining);
        }
        byte[] trailer = in.readNBytes(8);
        if (trailer.length < 8) {
            throw new EOFException("the gzip stream ends inside a member's trailer");
        }
        if (littleEndian(trailer, 0, 4) != crc.getValue()) {
            throw corrupt("CRC-32 mismatch: the data is damaged");
        }
        if (littleEndian(trailer, 4, 4) != (memberBytes & 0xffffffffL)) {
            throw corrupt("the length in the trailer differs from the decompressed length");
        }
        int next = in.read();
        if (next < 0) {
            ended = true;
            return;
        }
        if (next != 0x1f) {
            throw new InputException(file, "trailing bytes after the gzip stream (byte 0x"
                    + Integer.toHexString(next) + " where the file should end or a gzip member start)");
        }
        in.unread(next);
        inflater.reset();
        crc.reset();
        memberBytes = 0;
        header();
    }

    /** Reads a member header: magic, method deflate, and the optional fields its flags announce. */
    private void header() throws IOException, InputException {
        CRC32 headerCrc = new CRC32();
        byte[] magic = in.readNBytes(2);
        if (magic.length < 2 || (magic[0] & 0xff) != 0x1f || (magic[1] & 0xff) != 0x8b) {
            throw new InputException(file, "not gzip-compressed data (bad magic)");
        }
        headerCrc.update(magic);
        byte[] fixed = bytes(8, headerCrc);
        int flags = fixed[1] & 0xff;
        if (fixed[0] != 8 || (flags & 0xe0) != 0) {
            throw corrupt("unsupported gzip method " + fixed[0] + " or flags 0x" + Integer.toHexString(flags));
        }
        if ((flags & FEXTRA) != 0) {
            bytes((int) littleEndian(bytes(2, headerCrc), 0, 2), headerCrc);
        }
        for (int field : new int[] {FNAME, FCOMMENT}) {
            if ((flags & field) != 0) {
                while (bytes(1, headerCrc)[0] != 0) {
                    // a zero-terminated file name or comment, not used
                }
            }
        }
        if ((flags & FHCRC) != 0) {
            long stored = littleEndian(bytes(2, null), 0, 2);
            if (stored != (headerCrc.getValue() & 0xffff)) {
                throw corrupt("header CRC mismatch");
            }
        }
    }

    private byte[] bytes(int n, CRC32 headerCrc) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new EOFException("the gzip stream ends inside a member's header");
        }
        if (headerCrc != null) {
            headerCrc.update(b);
        }
        return b;
    }

    private static long littleEndian(byte[] b, int at, int n) {
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = v << 8 | (b[at + i] & 0xff);
        }
        return v;
    }

    private InputException corrupt(String problem) {
        return new InputException(file, "corrupt gzip data (" + problem + ")");
    }

    @Override
    public void close() {
        inflater.end();
    }
}
