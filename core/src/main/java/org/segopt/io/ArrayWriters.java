package org.segopt.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a segmentation mask (one byte, 0 or 1, per voxel) as an image of unsigned 8-bit integers,
 * in the format the output's name asks for: NumPy {@code .npy}, NRRD {@code .nrrd} (gzip-compressed)
 * or {@code .nhdr} (detached, raw data in the sibling {@code .raw} file), NIfTI-1 {@code .nii} or
 * {@code .nii.gz}. The mask keeps the input's shape, memory order and, where the format can hold
 * it, geometry, so each reader reads back exactly the array that was written.
 */
public final class ArrayWriters {
    /** The output names supported, for messages. */
    public static final String SUPPORTED = ".npy, .nrrd, .nhdr, .nii or .nii.gz";
    private static final List<String> SUFFIXES = List.of(".npy", ".nrrd", ".nhdr", ".nii", ".nii.gz");

    private ArrayWriters() {
    }

    /** Whether {@code out}'s name ends in a supported suffix, ignoring case. */
    public static boolean supports(Path out) {
        return SUFFIXES.stream().anyMatch(s -> IoSupport.hasSuffix(out, s));
    }

    /**
     * {@code out} with {@code tag} inserted before its format's extension, e.g. {@code seg.nii.gz}
     * and {@code _class2}: {@code seg_class2.nii.gz}.
     *
     * @throws IllegalArgumentException if {@code out}'s name is not {@link #supports supported}
     */
    public static Path tagged(Path out, String tag) {
        String name = out.getFileName().toString();
        String suffix = SUFFIXES.stream().filter(s -> IoSupport.hasSuffix(out, s)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unsupported output " + out));
        String stem = name.substring(0, name.length() - suffix.length());
        return out.resolveSibling(stem + tag + name.substring(stem.length()));
    }

    /** The files {@link #write} writes for {@code out}: {@code out}, and for {@code .nhdr} its data file. */
    public static List<Path> files(Path out) {
        return IoSupport.hasSuffix(out, ".nhdr") ? List.of(out, out.resolveSibling(NrrdWriter.dataFile(out))) : List.of(out);
    }

    /**
     * Writes {@code mask01} to {@code out}, replacing any file there.
     *
     * @param mask01       one byte per voxel in memory order, each 0 or 1
     * @param shape        the array's shape, slowest-varying first unless {@code fortranOrder} (a 0-d
     *                     array becomes one voxel along one axis outside .npy)
     * @param fortranOrder whether the first index varies fastest in {@code mask01} (as {@link NdArray})
     * @param geometry     the input's geometry, its axes in memory order fastest first, or null
     * @throws InputException           if the name is not supported, the format cannot hold the shape,
     *                                  or writing fails; the message starts with {@code out}
     * @throws IllegalArgumentException if {@code mask01} does not have the shape's size, or the
     *                                  geometry has another number of axes
     */
    public static void write(Path out, byte[] mask01, long[] shape, boolean fortranOrder, Geometry geometry)
            throws InputException {
        long[] dims = shape.length == 0 ? new long[] {1} : fortranOrder ? shape.clone() : IoSupport.reversed(shape);
        checkShape(mask01, dims, geometry);
        try {
            if (IoSupport.hasSuffix(out, ".npy")) {
                try (OutputStream o = open(out, false)) {
                    NpyWriter.write(o, mask01, shape, fortranOrder);
                }
            } else if (IoSupport.hasSuffix(out, ".nrrd") || IoSupport.hasSuffix(out, ".nhdr")) {
                NrrdWriter.check(out, dims);
                NrrdWriter.write(out, mask01, dims, geometry);
            } else if (IoSupport.hasSuffix(out, ".nii") || IoSupport.hasSuffix(out, ".nii.gz")) {
                NiftiWriter.check(out, dims);
                try (OutputStream o = open(out, IoSupport.hasSuffix(out, ".gz"))) {
                    NiftiWriter.write(o, mask01, dims, geometry);
                }
            } else {
                throw new InputException(out, "unsupported output format (expected " + SUPPORTED + ")");
            }
        } catch (IOException e) {
            throw new InputException(out, "cannot write: " + IoSupport.message(e), e);
        }
    }

    /** A buffered stream replacing {@code file}, gzip-compressing if asked. */
    static OutputStream open(Path file, boolean gzip) throws IOException {
        OutputStream o = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        return gzip ? new GZIPOutputStream(o, 1 << 16) : o;
    }

    private static void checkShape(byte[] mask01, long[] dims, Geometry g) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        if (n != mask01.length) {
            throw new IllegalArgumentException("the mask has " + mask01.length + " voxels, the shape " + n);
        }
        if (g != null && !(fits(g.directions(), dims) && fits(g.spacings(), dims) && fits(g.kinds(), dims))) {
            throw new IllegalArgumentException("the geometry does not have " + dims.length + " axes");
        }
    }

    private static boolean fits(List<?> perAxis, long[] dims) {
        return perAxis.isEmpty() || perAxis.size() == dims.length;
    }
}
