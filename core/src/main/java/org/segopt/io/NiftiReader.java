package org.segopt.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads single-file NIfTI-1 and NIfTI-2 images, {@code .nii} (data mapped read-only, without
 * copying) and {@code .nii.gz} (decompressed into the arena after the declared size is checked against the
 * compressed size and {@link ReadLimits}),
 * in either byte order. NIfTI lists axes fastest-varying first; the array's shape is presented
 * slowest first (reversed) in C order, so its linear order is the file's. See {@link NiftiHeader}
 * for the fields checked.
 */
public final class NiftiReader implements ArrayReader {

    /** Accepts names ending in {@code .nii} or {@code .nii.gz}, ignoring case. */
    @Override
    public boolean accepts(Path file) {
        return IoSupport.hasSuffix(file, ".nii") || IoSupport.hasSuffix(file, ".nii.gz");
    }

    @Override
    public NdArray read(Path file, Arena arena, ReadLimits limits) throws InputException {
        return IoSupport.read(file, "NIfTI", channel -> {
            long size = channel.size();
            NiftiHeader header;
            MemorySegment data;
            if (IoSupport.hasSuffix(file, ".gz")) {
                GzipInput.Compressed whole = () -> Channels.newInputStream(channel.position(0));
                try (GzipInput in = new GzipInput(file, whole.open())) {
                    byte[] first = in.read(4, "header");
                    int headerBytes = NiftiHeader.headerBytes(file, first);
                    byte[] bytes = Arrays.copyOf(first, headerBytes);
                    System.arraycopy(in.read(headerBytes - 4, "header"), 0, bytes, 4, headerBytes - 4);
                    header = NiftiHeader.parse(file, bytes);
                }
                data = GzipInput.data(file, whole, size, header.voxOffset(), byteCount(file, header), limits, arena);
            } else {
                if (size < 4) {
                    throw new InputException(file, "not a NIfTI file (too short: " + size + " bytes)");
                }
                int headerBytes = NiftiHeader.headerBytes(file, NpyReader.readFully(channel, 0, 4));
                if (size < headerBytes) {
                    throw new InputException(file, "truncated header: the file has " + size + " bytes, the header "
                            + headerBytes);
                }
                header = NiftiHeader.parse(file, NpyReader.readFully(channel, 0, headerBytes));
                data = mapped(file, channel, header, size, arena);
            }
            return new NdArray(file, data, header.type(), header.order(), IoSupport.reversed(header.dims()), false,
                    header.geometry());
        });
    }

    private static MemorySegment mapped(Path file, FileChannel channel, NiftiHeader header, long size, Arena arena)
            throws IOException, InputException {
        long bytes = byteCount(file, header);
        if (header.voxOffset() > size) {
            throw new InputException(file, "truncated: vox_offset " + header.voxOffset() + " lies past the end of the file ("
                    + size + " bytes)");
        }
        long available = size - header.voxOffset();
        String declared = "header declares " + bytes + " bytes of data";
        if (bytes > available) {
            throw new InputException(file, "truncated: " + declared + " but only " + available + " bytes follow vox_offset");
        }
        if (bytes < available) {
            throw new InputException(file, "trailing bytes: " + declared + " but " + available + " bytes follow vox_offset");
        }
        return IoSupport.data(file, channel, header.voxOffset(), bytes, arena);
    }

    private static long byteCount(Path file, NiftiHeader header) throws InputException {
        return IoSupport.byteCount(file, header.type(), header.dims());
    }
}
