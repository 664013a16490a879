package org.segopt.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.segopt.io.Geometry.NiftiTransforms;

/**
 * Writes a mask as a single-file NIfTI-1 image (little-endian, {@code uint8}, data at offset 352,
 * unscaled). A NIfTI input's transforms are copied verbatim; otherwise a geometry in a RAS, LAS or
 * LPS space becomes the sform (converted to NIfTI's RAS frame), and spacings become pixdim.
 */
final class NiftiWriter {
    /** NIfTI-1 stores each dimension as a signed 16-bit integer. */
    static final int MAX_SIZE = Short.MAX_VALUE;
    private static final int VOX_OFFSET = NiftiHeader.NIFTI1_BYTES + 4;
    private static final int NIFTI_UNITS_MM = 2;
    private static final int NIFTI_XFORM_SCANNER_ANAT = 1;
    /** Per world axis, the sign that turns a space's coordinates into RAS. */
    private static final Map<String, double[]> TO_RAS = Map.of(NiftiHeader.RAS, new double[] {1, 1, 1},
            "left-anterior-superior", new double[] {-1, 1, 1}, "left-posterior-superior", new double[] {-1, -1, 1});

    private NiftiWriter() {
    }

    /** Fails unless NIfTI-1 can hold an array with axes {@code dims}. */
    static void check(Path out, long[] dims) throws InputException {
        if (dims.length > 7) {
            throw new InputException(out, "NIfTI holds at most 7 dimensions, the mask has " + dims.length);
        }
        for (long d : dims) {
            if (d > MAX_SIZE) {
                throw new InputException(out, "size " + d + " exceeds NIfTI-1's limit of " + MAX_SIZE + " per axis");
            }
        }
    }

    /** Writes {@code mask01}, whose axes {@code dims} (checked by {@link #check}) are listed fastest first. */
    static void write(OutputStream out, byte[] mask01, long[] dims, Geometry g) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(VOX_OFFSET).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, NiftiHeader.NIFTI1_BYTES);                   // sizeof_hdr
        b.putShort(40, (short) dims.length);                     // dim[0], then dim[1..7]
        for (int i = 1; i < 8; i++) {
            b.putShort(40 + 2 * i, (short) (i <= dims.length ? dims[i - 1] : 1));
        }
        b.putShort(70, (short) 2);                               // datatype uint8
        b.putShort(72, (short) 8);                               // bitpix
        b.putFloat(108, VOX_OFFSET);
        b.putFloat(112, 1);                                      // scl_slope 1, scl_inter 0: unscaled
        b.putFloat(124, 1);                                      // cal_max, for viewers
        b.put(148, "segopt mask".getBytes(StandardCharsets.US_ASCII)); // descrip
        b.put(344, NiftiHeader.NIFTI1_MAGIC);
        NiftiTransforms t = g != null && g.nifti() != null ? g.nifti() : transforms(g, dims.length);
        b.put(123, (byte) t.xyztUnits());
        b.putShort(252, (short) t.qformCode());
        b.putShort(254, (short) t.sformCode());
        floats(b, 76, t.pixdim());
        floats(b, 256, t.quatern());                             // quatern_b..d, then qoffset_x..z
        floats(b, 268, t.qoffset());
        floats(b, 280, t.srow());                                // srow_x, srow_y, srow_z
        out.write(b.array());
        out.write(mask01);
    }

    /** NIfTI transforms for a geometry from elsewhere: pixdim from the spacings, an sform if possible. */
    private static NiftiTransforms transforms(Geometry g, int axes) {
        Double[] pixdim = {1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0};
        for (int a = 0; g != null && a < axes; a++) {
            double s = g.spacing(a);
            pixdim[a + 1] = Double.isFinite(s) && s > 0 ? s : 1.0;
        }
        double[] sign = g == null || g.space() == null ? null : TO_RAS.get(g.space());
        List<Double> zeros = List.of(0.0, 0.0, 0.0);
        if (sign == null || axes < 3 || g.origin().size() != 3
                || g.directions().size() < 3 || g.directions().subList(0, 3).stream().anyMatch(List::isEmpty)) {
            return new NiftiTransforms(0, 0, List.of(pixdim), zeros, zeros, Collections.nCopies(12, 0.0), 0);
        }
        Double[] srow = new Double[12];
        for (int row = 0; row < 3; row++) {
            for (int col = 0; col < 3; col++) {
                srow[4 * row + col] = sign[row] * g.directions().get(col).get(row) + 0.0; // no -0.0
            }
            srow[4 * row + 3] = sign[row] * g.origin().get(row) + 0.0;
        }
        return new NiftiTransforms(0, NIFTI_XFORM_SCANNER_ANAT, List.of(pixdim), zeros, zeros, List.of(srow),
                NIFTI_UNITS_MM);
    }

    private static void floats(ByteBuffer b, int offset, List<Double> values) {
        for (int i = 0; i < values.size(); i++) {
            b.putFloat(offset + 4 * i, values.get(i).floatValue());
        }
    }
}
