package org.segopt.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.segopt.ElementType;
import org.segopt.io.Geometry.NiftiTransforms;

/**
 * The fields of a single-file NIfTI-1 ({@code n+1}) or NIfTI-2 ({@code n+2}) header that segopt
 * uses, decoded in the byte order its {@code sizeof_hdr} reveals and checked strictly.
 *
 * @param order     byte order of header and data
 * @param type      element type
 * @param dims      {@code dim[1..dim[0]]}, fastest-varying first
 * @param voxOffset where the data starts
 * @param geometry  the transforms as stored, and the voxel-to-world geometry they define
 */
record NiftiHeader(ByteOrder order, ElementType type, long[] dims, long voxOffset, Geometry geometry) {

    static final int NIFTI1_BYTES = 348;
    static final int NIFTI2_BYTES = 540;
    static final String RAS = "right-anterior-superior";
    static final byte[] NIFTI1_MAGIC = "n+1\0".getBytes(StandardCharsets.ISO_8859_1);
    static final byte[] NIFTI2_MAGIC = "n+2\0\r\n\032\n".getBytes(StandardCharsets.ISO_8859_1);
    static final Map<Integer, String> DATATYPES = Map.ofEntries(Map.entry(1, "binary"), Map.entry(2, "uint8"),
            Map.entry(4, "int16"), Map.entry(8, "int32"), Map.entry(16, "float32"), Map.entry(32, "complex64"),
            Map.entry(64, "float64"), Map.entry(128, "rgb24"), Map.entry(256, "int8"), Map.entry(512, "uint16"),
            Map.entry(768, "uint32"), Map.entry(1024, "int64"), Map.entry(1280, "uint64"), Map.entry(1536, "float128"),
            Map.entry(1792, "complex128"), Map.entry(2048, "complex256"), Map.entry(2304, "rgba32"));
    private static final Map<Integer, ElementType> SUPPORTED = Map.of(2, ElementType.UINT8, 512, ElementType.UINT16,
            8, ElementType.INT32, 16, ElementType.FLOAT32, 64, ElementType.FLOAT64);

    /**
     * The header size {@code sizeof_hdr} announces in the first four bytes (348 for NIfTI-1, 540 for
     * NIfTI-2) in either byte order.
     */
    static int headerBytes(Path file, byte[] first) throws InputException {
        for (ByteOrder order : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
            int size = ByteBuffer.wrap(first, 0, 4).order(order).getInt();
            if (size == NIFTI1_BYTES || size == NIFTI2_BYTES) {
                return size;
            }
        }
        throw new InputException(file, "not a NIfTI file (sizeof_hdr is neither 348 nor 540 in either byte order)");
    }

    /** Decodes and checks {@code header}, all {@link #headerBytes} of it. */
    static NiftiHeader parse(Path file, byte[] header) throws InputException {
        ByteBuffer b = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(0) != header.length) {
            b.order(ByteOrder.BIG_ENDIAN);
        }
        boolean two = header.length == NIFTI2_BYTES;
        byte[] magic = two ? Arrays.copyOfRange(header, 4, 12) : Arrays.copyOfRange(header, 344, 348);
        if (!Arrays.equals(magic, two ? NIFTI2_MAGIC : NIFTI1_MAGIC)) {
            boolean pair = magic[0] == 'n' && magic[1] == 'i' && magic[2] == (two ? '2' : '1');
            throw new InputException(file, pair
                    ? "is the header of a .hdr/.img pair; segopt reads single-file .nii (magic n+" + (two ? 2 : 1) + ")"
                    : "bad NIfTI-" + (two ? 2 : 1) + " magic (expected n+" + (two ? 2 : 1) + ")");
        }
        long dim0 = two ? b.getLong(16) : b.getShort(40);
        if (dim0 < 1 || dim0 > 7) {
            throw new InputException(file, "dim[0] = " + dim0 + " is outside 1..7");
        }
        long[] dims = new long[(int) dim0];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = two ? b.getLong(16 + 8 * (i + 1)) : b.getShort(40 + 2 * (i + 1));
            if (dims[i] < 1) {
                throw new InputException(file, "dim[" + (i + 1) + "] = " + dims[i] + " is not positive");
            }
        }
        ElementType type = type(file, b.getShort(two ? 12 : 70), b.getShort(two ? 14 : 72));
        checkScaling(file, real(b, two, 112, 176), real(b, two, 116, 184));
        long voxOffset = voxOffset(file, b, two);
        List<Double> pixdim = reals(b, two, 76, 104, 8);
        NiftiTransforms t = new NiftiTransforms(two ? b.getInt(344) : b.getShort(252), two ? b.getInt(348) : b.getShort(254),
                pixdim, reals(b, two, 256, 352, 3), reals(b, two, 268, 376, 3), reals(b, two, 280, 400, 12),
                two ? b.getInt(500) : Byte.toUnsignedInt(b.get(123)));
        checkFinite(file, t, dims.length);
        return new NiftiHeader(b.order(), type, dims, voxOffset, geometry(t, dims.length));
    }

    /**
     * Refuses geometry that is not finite where it is used: the sform when {@code sform_code > 0},
     * the qform when {@code qform_code > 0}, and the spacings {@code pixdim[1..axes]} (NaN there
     * means "not given"; infinity is an error). A mask written with such geometry could not be read.
     */
    private static void checkFinite(Path file, NiftiTransforms t, int axes) throws InputException {
        List<Double> used = new ArrayList<>();
        if (t.sformCode() > 0) {
            used.addAll(t.srow());
        }
        if (t.qformCode() > 0) {
            used.addAll(t.quatern());
            used.addAll(t.qoffset());
            used.addAll(t.pixdim().subList(0, 4));
        }
        if (used.stream().anyMatch(v -> !Double.isFinite(v))
                || t.pixdim().subList(1, 1 + axes).stream().anyMatch(v -> Double.isInfinite(v))) {
            throw new InputException(file, "the orientation (sform, qform or pixdim) holds a value that is not finite: "
                    + "sform " + t.srow() + ", quatern " + t.quatern() + ", qoffset " + t.qoffset() + ", pixdim " + t.pixdim());
        }
    }

    @Override
    public long[] dims() {
        return dims.clone();
    }

    private static ElementType type(Path file, int datatype, int bitpix) throws InputException {
        ElementType type = SUPPORTED.get(datatype);
        if (type == null) {
            String name = DATATYPES.get(datatype);
            throw new InputException(file, name == null ? "unknown datatype " + datatype
                    : "datatype " + datatype + " (" + name + ") is not supported by segopt (supported: uint8, "
                    + "uint16, int32, float32, float64)");
        }
        if (bitpix != 8 * type.byteSize()) {
            throw new InputException(file, "bitpix " + bitpix + " does not match datatype " + datatype + " ("
                    + DATATYPES.get(datatype) + ", " + 8 * type.byteSize() + " bits)");
        }
        return type;
    }

    /**
     * The stored values must be m itself: a scaling (slope not 0 or 1, or an intercept with slope 1)
     * would make them something else, and segopt converts nothing silently. Non-finite fields count
     * as 0, as the NIfTI reference library reads them.
     */
    private static void checkScaling(Path file, double slope, double inter) throws InputException {
        double s = Double.isFinite(slope) ? slope : 0;
        double i = Double.isFinite(inter) ? inter : 0;
        if (s != 0 && (s != 1 || i != 0)) {
            throw new InputException(file, "scl_slope = " + slope + ", scl_inter = " + inter + ": the voxel values are "
                    + "stored scaled (value = scl_slope * stored + scl_inter), but segopt needs the exact values and "
                    + "converts nothing; store them unscaled (scl_slope 0 or 1, scl_inter 0)");
        }
    }

    private static long voxOffset(Path file, ByteBuffer b, boolean two) throws InputException {
        long offset;
        if (two) {
            offset = b.getLong(168);
        } else {
            float f = b.getFloat(108);
            if (!(f >= 0 && f < 0x1p53 && f == Math.rint(f))) {
                throw new InputException(file, "vox_offset " + f + " is not a byte offset");
            }
            offset = (long) f;
        }
        int headerBytes = two ? NIFTI2_BYTES : NIFTI1_BYTES;
        if (offset < headerBytes) {
            throw new InputException(file, "vox_offset " + offset + " lies inside the " + headerBytes + "-byte header");
        }
        return offset;
    }

    /**
     * The raw transforms, with the geometry they define: the sform when its code is set, else the
     * qform, else only the spacings {@code pixdim[1..]}. NIfTI's world frame is RAS.
     */
    private static Geometry geometry(NiftiTransforms t, int axes) {
        double[][] columns = null;
        double[] origin = null;
        if (t.sformCode() > 0) {
            List<Double> s = t.srow();
            columns = new double[3][];
            for (int a = 0; a < 3; a++) {
                columns[a] = new double[] {s.get(a), s.get(4 + a), s.get(8 + a)};
            }
            origin = new double[] {s.get(3), s.get(7), s.get(11)};
        } else if (t.qformCode() > 0) {
            columns = quaternionColumns(t);
            origin = t.qoffset().stream().mapToDouble(Double::doubleValue).toArray();
        }
        if (columns == null) {
            return new Geometry(null, List.of(), List.of(), t.pixdim().subList(1, 1 + axes), List.of(), t);
        }
        List<List<Double>> directions = new ArrayList<>();
        for (int a = 0; a < axes; a++) {
            directions.add(a < 3 ? Arrays.stream(columns[a]).boxed().toList() : List.of());
        }
        return new Geometry(RAS, directions, Arrays.stream(origin).boxed().toList(), List.of(), List.of(), t);
    }

    /** The columns R * diag(pixdim[1], pixdim[2], qfac * pixdim[3]) of the qform (NIfTI-1 method 2). */
    private static double[][] quaternionColumns(NiftiTransforms t) {
        double b = t.quatern().get(0);
        double c = t.quatern().get(1);
        double d = t.quatern().get(2);
        double a = 1 - (b * b + c * c + d * d);
        if (a < 1e-7) {
            double norm = Math.sqrt(b * b + c * c + d * d);
            b /= norm;
            c /= norm;
            d /= norm;
            a = 0;
        } else {
            a = Math.sqrt(a);
        }
        double[][] r = {
            {a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)},
            {2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)},
            {2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b}};
        double[] scale = new double[3];
        for (int i = 0; i < 3; i++) {
            double p = t.pixdim().get(i + 1);
            scale[i] = p > 0 ? p : 1;
        }
        scale[2] *= t.pixdim().get(0) < 0 ? -1 : 1;
        double[][] columns = new double[3][3];
        for (int col = 0; col < 3; col++) {
            for (int row = 0; row < 3; row++) {
                columns[col][row] = r[row][col] * scale[col] + 0.0; // no -0.0 in written headers
            }
        }
        return columns;
    }

    private static double real(ByteBuffer b, boolean two, int offset1, int offset2) {
        return two ? b.getDouble(offset2) : b.getFloat(offset1);
    }

    private static List<Double> reals(ByteBuffer b, boolean two, int offset1, int offset2, int count) {
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            values.add(real(b, two, offset1 + 4 * i, offset2 + 8 * i));
        }
        return values;
    }
}
