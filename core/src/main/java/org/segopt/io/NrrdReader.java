package org.segopt.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads NRRD images: {@code .nrrd} with the data attached after the header's blank line, and
 * {@code .nhdr} detached headers whose single {@code data file} is found relative to the header.
 * Raw data is mapped read-only without copying; gzip data is decompressed into the arena after its
 * declared size is checked. NRRD lists axes fastest-varying first; the array's shape is presented
 * slowest first (reversed) in C order, so its linear order is the file's. See {@link NrrdHeader}
 * for the fields.
 */
public final class NrrdReader implements ArrayReader {
    /** Real headers are a few kilobytes; the cap bounds the search for the blank line. */
    static final int MAX_HEADER_BYTES = 1 << 20;
    /** The longest header line: real ones are under a hundred bytes, and the cap bounds parsing work. */
    static final int MAX_LINE_BYTES = 1 << 16;

    /** Accepts names ending in {@code .nrrd} or {@code .nhdr}, ignoring case. */
    @Override
    public boolean accepts(Path file) {
        return IoSupport.hasSuffix(file, ".nrrd") || IoSupport.hasSuffix(file, ".nhdr");
    }

    @Override
    public NdArray read(Path file, Arena arena, ReadLimits limits) throws InputException {
        return IoSupport.read(file, "NRRD", channel -> {
            long size = channel.size();
            byte[] head = NpyReader.readFully(channel, 0, (int) Math.min(size, MAX_HEADER_BYTES));
            List<String> lines = new ArrayList<>();
            long dataOffset = headerLines(file, head, size, lines);
            NrrdHeader header = NrrdHeader.parse(file, lines.subList(1, lines.size()));
            long bytes = IoSupport.byteCount(file, header.type(), header.sizes());
            MemorySegment data;
            Path dataFile = file;
            if (header.dataFile() != null && dataOffset >= 0 && dataOffset < size) {
                throw new InputException(file, "the header names a data file but " + (size - dataOffset)
                        + " bytes of data follow it too; a header has either attached data or a data file");
            } else if (header.dataFile() != null) {
                dataFile = dataFile(file, header.dataFile());
                data = detached(file, header, dataFile, bytes, limits, arena);
            } else if (IoSupport.hasSuffix(file, ".nhdr")) {
                throw new InputException(file, "detached header has no 'data file' field");
            } else if (dataOffset < 0) {
                throw new InputException(file, "truncated: no blank line ends the header, so no data follows");
            } else {
                data = data(file, channel, dataOffset, bytes, header.gzip(), limits, arena, "");
            }
            return new NdArray(file, data, header.type(), header.order(), IoSupport.reversed(header.sizes()), false,
                    header.geometry(), dataFile);
        });
    }

    /**
     * Splits the header into {@code lines} (magic first) and returns the offset of the data after its
     * blank line, or -1 when the header runs to the end of the file.
     */
    private static long headerLines(Path file, byte[] head, long size, List<String> lines) throws InputException {
        if (head.length == 0) {
            throw new InputException(file, "not a NRRD file (empty file)");
        }
        if (head.length < 4 || !new String(head, 0, 4, StandardCharsets.US_ASCII).equals("NRRD")) {
            throw new InputException(file, "not a NRRD file (bad magic)");
        }
        int start = 0;
        while (start < head.length) {
            int newline = start;
            while (newline < head.length && head[newline] != '\n') {
                newline++;
            }
            if (newline == head.length && size > head.length) {
                break;
            }
            int end = newline > start && head[newline - 1] == '\r' ? newline - 1 : newline;
            if (end - start > MAX_LINE_BYTES) {
                throw new InputException(file, "header line " + (lines.size() + 1) + " is longer than the limit of "
                        + MAX_LINE_BYTES + " bytes");
            }
            String line = decode(file, head, start, end, lines.size() + 1);
            if (lines.isEmpty() && !line.matches("NRRD000[1-5]")) {
                throw new InputException(file, "unsupported NRRD magic '" + line.substring(0, Math.min(line.length(), 16))
                        + "' (supported: NRRD0001 to NRRD0005)");
            }
            if (line.isEmpty()) {
                return newline + 1;
            }
            lines.add(line);
            start = newline + 1;
        }
        if (size > head.length) {
            throw new InputException(file, "no blank line ends the header within its first " + MAX_HEADER_BYTES + " bytes");
        }
        return -1;
    }

    private static String decode(Path file, byte[] head, int start, int end, int lineNumber) throws InputException {
        String line;
        try {
            line = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(head, start, end - start)).toString();
        } catch (CharacterCodingException e) {
            throw new InputException(file, "header line " + lineNumber + " is not valid UTF-8 text", e);
        }
        // A carriage return inside a line is malformed, and would break the one-line messages that quote the line.
        if (line.indexOf('\r') >= 0) {
            throw new InputException(file, "header line " + lineNumber + " contains a carriage return");
        }
        return line;
    }

    /**
     * The data file of a detached header: it must lie in the header's folder or below it, so that a
     * header cannot make segopt read (and reveal through its messages and masks) any other file.
     */
    private static Path dataFile(Path file, String name) throws InputException {
        String what = "data file " + name;
        Path folder = file.toAbsolutePath().normalize().getParent();
        Path dataFile;
        try {
            dataFile = folder.resolve(name).normalize();
        } catch (InvalidPathException e) {
            throw new InputException(file, what + ": not a valid file name", e);
        }
        if (!dataFile.startsWith(folder) || dataFile.equals(folder)) {
            throw new InputException(file, what + ": lies outside the header's folder " + folder
                    + "; segopt reads detached data only from the header's folder or below it");
        }
        return dataFile;
    }

    private static MemorySegment detached(Path file, NrrdHeader header, Path dataFile, long bytes, ReadLimits limits,
                                          Arena arena) throws InputException {
        String what = "data file " + header.dataFile();
        IoSupport.requireRegularFile(file, dataFile, what, "data file");
        try (FileChannel channel = FileChannel.open(dataFile, StandardOpenOption.READ)) {
            return data(file, channel, 0, bytes, header.gzip(), limits, arena, what + ": ");
        } catch (IOException e) {
            throw IoSupport.failure(file, what, e);
        }
    }

    /** The {@code bytes} bytes of data stored from {@code offset} to the end of {@code channel}. */
    private static MemorySegment data(Path file, FileChannel channel, long offset, long bytes, boolean gzip,
                                      ReadLimits limits, Arena arena, String what) throws IOException, InputException {
        long available = channel.size() - offset;
        if (gzip) {
            return GzipInput.data(file, () -> Channels.newInputStream(channel.position(offset)), available, 0, bytes,
                    limits, arena);
        }
        String declared = "header declares " + bytes + " bytes of data";
        if (bytes > available) {
            throw new InputException(file, what + "truncated: " + declared + " but only " + available + " bytes follow");
        }
        if (bytes < available) {
            throw new InputException(file, what + "trailing bytes: " + declared + " but " + available + " bytes follow");
        }
        return IoSupport.data(file, channel, offset, bytes, arena);
    }
}
