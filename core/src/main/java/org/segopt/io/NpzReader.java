package org.segopt.io;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads NumPy {@code .npz} archives holding exactly one {@code .npy} member, stored or deflated.
 * The member's header is checked as {@link NpyReader} checks a file, against the size the archive
 * declares for it, which in turn must fit what its compressed bytes can hold and, deflated,
 * {@link ReadLimits}; only then is the data read into the arena (a large deflated member is read
 * once without being stored first), and it must end exactly where declared, with the CRC-32 the
 * archive records.
 */
public final class NpzReader implements ArrayReader {
    private static final int CHUNK = 1 << 16;

    /** Accepts names ending in {@code .npz}, ignoring case. */
    @Override
    public boolean accepts(Path file) {
        return IoSupport.hasSuffix(file, ".npz");
    }

    @Override
    public NdArray read(Path file, Arena arena, ReadLimits limits) throws InputException {
        IoSupport.requireRegularFile(file, file, "", ".npz file");
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry entry = member(file, zip.stream().toList());
            Path member = Path.of(file + "/" + shown(entry.getName()));
            checkSizes(member, entry, Files.size(file));
            if (entry.getMethod() != ZipEntry.STORED) {
                limits.checkDecompressed(member, entry.getSize());
                if (entry.getSize() > GzipInput.VERIFIED_BEFORE_ALLOCATION) {
                    read(zip, entry, file, member, null);
                }
            }
            return read(zip, entry, file, member, arena);
        } catch (ZipException e) {
            throw new InputException(file, "not a valid .npz (zip) archive: " + IoSupport.message(e), e);
        } catch (IOException e) {
            throw IoSupport.failure(file, "", e);
        }
    }

    /**
     * Reads {@code entry} into {@code arena} and checks its CRC-32; with a null arena, only checks
     * that it holds what it declares (the first pass over a large deflated member).
     */
    private static NdArray read(ZipFile zip, ZipEntry entry, Path file, Path member, Arena arena)
            throws IOException, InputException {
        try (CheckedInputStream in = new CheckedInputStream(zip.getInputStream(entry), new CRC32())) {
            Sequential source = new Sequential(in);
            NpyReader.Layout layout = NpyReader.layout(member, entry.getSize(), source);
            MemorySegment data = source.data(member, layout, arena);
            if (in.getChecksum().getValue() != entry.getCrc()) {
                throw new InputException(member, "CRC-32 mismatch: the member's data is damaged");
            }
            return arena == null ? null : layout.array(file, data);
        }
    }

    /** The one member, which must be a {@code .npy} file. */
    private static ZipEntry member(Path file, List<? extends ZipEntry> entries) throws InputException {
        if (entries.isEmpty()) {
            throw new InputException(file, "the archive is empty");
        }
        if (entries.size() > 1) {
            List<String> names = entries.stream().limit(10).map(e -> shown(e.getName())).toList();
            throw new InputException(file, "the archive holds " + entries.size() + " members (" + String.join(", ", names)
                    + (entries.size() > 10 ? ", ..." : "") + "); segopt reads a .npz with exactly one .npy member");
        }
        ZipEntry entry = entries.getFirst();
        if (entry.isDirectory() || !entry.getName().toLowerCase(Locale.ROOT).endsWith(".npy")) {
            throw new InputException(file, "member '" + shown(entry.getName()) + "' is not a .npy file");
        }
        return entry;
    }

    /** A member name as messages show it: control characters (NUL, line breaks) as '?', so messages stay one line. */
    private static String shown(String name) {
        return name.codePoints().map(c -> Character.isISOControl(c) || c == 0x2028 || c == 0x2029 ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }

    /**
     * The sizes the archive declares must be possible: a stored member's equal, a deflated one's
     * expansion at most what deflate can reach.
     */
    private static void checkSizes(Path member, ZipEntry entry, long fileSize) throws InputException {
        long size = entry.getSize();
        long compressed = entry.getCompressedSize();
        boolean possible = size >= 0 && compressed >= 0 && compressed <= fileSize
                && (entry.getMethod() == ZipEntry.STORED ? size == compressed : size / GzipInput.MAX_RATIO <= compressed);
        if (!possible) {
            throw new InputException(member, "the archive declares impossible sizes (" + size + " bytes from "
                    + compressed + " compressed bytes in a file of " + fileSize + ")");
        }
    }

    /** The member's stream, its header bytes kept so that {@link NpyReader#layout} may read them again. */
    private static final class Sequential implements NpyReader.Source {
        private final InputStream in;
        private byte[] seen = new byte[0];

        Sequential(InputStream in) {
            this.in = in;
        }

        @Override
        public byte[] read(long at, int length) throws IOException {
            int end = Math.toIntExact(at + length);
            if (end > seen.length) {
                byte[] more = in.readNBytes(end - seen.length);
                seen = Arrays.copyOf(seen, seen.length + more.length);
                System.arraycopy(more, 0, seen, seen.length - more.length, more.length);
                if (seen.length < end) {
                    throw new EOFException("the member ends after " + seen.length + " bytes");
                }
            }
            return Arrays.copyOfRange(seen, (int) at, end);
        }

        /**
         * The data {@code layout} describes, which must end the member, in {@code arena} (or read and
         * discarded when it is null). The header read so far ends exactly at the data: NumPy's dict
         * is longer than the two bytes by which the 12-byte prefix could overrun it.
         */
        MemorySegment data(Path member, NpyReader.Layout layout, Arena arena) throws IOException, InputException {
            long offset = layout.dataOffset();
            long total = offset + layout.bytes();
            MemorySegment data = arena == null ? null : arena.allocate(layout.bytes(), 64);
            long at = 0;
            byte[] chunk = new byte[CHUNK];
            while (at < layout.bytes()) {
                int n = in.readNBytes(chunk, 0, (int) Math.min(CHUNK, layout.bytes() - at));
                if (n == 0) {
                    throw new InputException(member, "truncated: the member ends after " + (offset + at)
                            + " of its declared " + total + " bytes");
                }
                if (data != null) {
                    MemorySegment.copy(chunk, 0, data, ValueLayout.JAVA_BYTE, at, n);
                }
                at += n;
            }
            if (in.read() >= 0) {
                throw new InputException(member, "trailing bytes: the member is longer than the archive declares");
            }
            return data;
        }
    }
}
