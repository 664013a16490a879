package org.segopt.io;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.ZipException;
import org.segopt.ElementType;

/**
 * What the readers and writers share: one-line reports of I/O failures ({@link #message} is public,
 * for the commands that write outputs), and shape arithmetic.
 */
public final class IoSupport {
    /** Data of at most this many bytes is read into memory instead of mapped. */
    static final long COPIED_BYTES = 1 << 16;

    private IoSupport() {
    }

    /** {@code e}, met while reading {@code what} (e.g. "data file x.raw", or "" for the file itself). */
    static InputException failure(Path file, String what, IOException e) {
        String prefix = what.isEmpty() ? "" : what + ": ";
        return switch (e) {
            case NoSuchFileException _ -> new InputException(file, prefix + "no such file", e);
            case AccessDeniedException _ -> new InputException(file, prefix + "permission denied", e);
            case EOFException _ -> new InputException(file, prefix + "truncated compressed data (" + message(e) + ")", e);
            case ZipException _ -> new InputException(file, prefix + "corrupt compressed data (" + message(e) + ")", e);
            default -> new InputException(file, prefix + "cannot read: " + message(e), e);
        };
    }

    /** What a reader does with an open file. */
    @FunctionalInterface
    interface ChannelRead<T> {
        T read(FileChannel channel) throws IOException, InputException;
    }

    /**
     * Opens {@code file} (a {@code format} file, for the message when it is a directory) and runs
     * {@code read} on it; every I/O failure becomes one {@link #failure}.
     */
    static <T> T read(Path file, String format, ChannelRead<T> read) throws InputException {
        requireRegularFile(file, file, "", format + " file");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return read.read(channel);
        } catch (IOException e) {
            throw failure(file, "", e);
        }
    }

    /**
     * Refuses {@code target}, read for {@code file} (named {@code what} in the message, "" when it is
     * {@code file} itself), unless it is a regular file or a link to one, before it is opened:
     * opening a FIFO blocks until a writer comes, and a device never ends. {@code kind} names what a
     * directory is not.
     */
    static void requireRegularFile(Path file, Path target, String what, String kind) throws InputException {
        String prefix = what.isEmpty() ? "" : what + ": ";
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(target, BasicFileAttributes.class);
        } catch (IOException e) {
            throw failure(file, what, e);
        }
        if (attributes.isDirectory()) {
            throw new InputException(file, prefix + "is a directory, not a " + kind);
        }
        if (!attributes.isRegularFile()) {
            throw new InputException(file, prefix + "not a regular file (a FIFO, device or socket); segopt reads "
                    + "only regular files");
        }
    }

    /**
     * The {@code bytes} bytes at {@code offset} of {@code channel}, read-only: mapped, without
     * copying, or read into {@code arena} when they are at most {@link #COPIED_BYTES} (a process may
     * hold only so many mappings, and many small rater masks would use them up).
     */
    static MemorySegment data(Path file, FileChannel channel, long offset, long bytes, Arena arena)
            throws IOException, InputException {
        if (bytes <= COPIED_BYTES) {
            MemorySegment data = arena.allocate(bytes, 64);
            data.copyFrom(MemorySegment.ofArray(NpyReader.readFully(channel, offset, (int) bytes)));
            return data.asReadOnly();
        }
        try {
            return channel.map(FileChannel.MapMode.READ_ONLY, offset, bytes, arena);
        } catch (IOException e) {
            throw new InputException(file, "cannot map its " + bytes + " bytes of data into memory (" + message(e)
                    + "; the system limits the mappings of a process, see vm.max_map_count)", e);
        }
    }

    /** Whether {@code file}'s name ends in {@code suffix}, ignoring case. */
    static boolean hasSuffix(Path file, String suffix) {
        Path name = file.getFileName();
        return name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(suffix);
    }

    /** {@code dims} in reverse order: a fastest-first axis list as a slowest-first shape. */
    static long[] reversed(long[] dims) {
        long[] r = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            r[i] = dims[dims.length - 1 - i];
        }
        return r;
    }

    /** Bytes of {@code dims} elements of {@code type}, or an error if that overflows 64 bits. */
    static long byteCount(Path file, ElementType type, long[] dims) throws InputException {
        try {
            long n = type.byteSize();
            for (long d : dims) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        } catch (ArithmeticException e) {
            throw new InputException(file, "dimensions " + Arrays.toString(dims)
                    + " are too large (the byte count overflows a 64-bit integer)", e);
        }
    }

    /**
     * What went wrong in {@code e}, in the operating system's words ("Not a directory") where it
     * gives them, without the file name that {@link FileSystemException#getMessage} repeats.
     */
    public static String message(IOException e) {
        return switch (e) {
            case NoSuchFileException _ -> "no such file or directory";
            case AccessDeniedException _ -> "permission denied";
            case FileAlreadyExistsException _ -> "a file of that name is in the way";
            case FileSystemException fse when fse.getReason() != null -> fse.getReason();
            default -> e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        };
    }
}
