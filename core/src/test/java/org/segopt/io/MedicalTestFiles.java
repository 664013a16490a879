package org.segopt.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Builds NRRD, NIfTI and .npz file contents for tests, byte by byte from the specifications and
 * independently of segopt's writers, including broken ones.
 */
public final class MedicalTestFiles {
    private MedicalTestFiles() {
    }

    /** A NRRD file: magic, the given field lines, a blank line, then {@code data}. */
    public static byte[] nrrd(String fields, byte[] data) {
        return NpyTestFiles.concat(("NRRD0004\n" + fields + "\n").getBytes(StandardCharsets.UTF_8), data);
    }

    public static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A zip archive of the named members, each deflated or stored. */
    public static byte[] zip(boolean deflated, Object... namesAndContents) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (int i = 0; i < namesAndContents.length; i += 2) {
                byte[] content = (byte[]) namesAndContents[i + 1];
                ZipEntry e = new ZipEntry((String) namesAndContents[i]);
                if (!deflated) {
                    CRC32 crc = new CRC32();
                    crc.update(content);
                    e.setMethod(ZipEntry.STORED);
                    e.setSize(content.length);
                    e.setCompressedSize(content.length);
                    e.setCrc(crc.getValue());
                }
                z.putNextEntry(e);
                z.write(content);
                z.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * A single-file NIfTI header with its fields set as in a typical file; tests change fields
     * before {@link #bytes}.
     */
    public static final class Nifti {
        final int version;
        final ByteOrder order;
        public int datatype = 16;
        public int bitpix = 32;
        public long[] dim = {3, 4, 3, 2, 1, 1, 1, 1};
        public double[] pixdim = {1, 0.5, 0.75, 2.5, 1, 1, 1, 1};
        public long voxOffset = -1;
        public double slope = 0;
        public double inter = 0;
        public int qformCode = 0;
        public int sformCode = 0;
        public double[] quatern = {0, 0, 0};
        public double[] qoffset = {0, 0, 0};
        public double[] srow = new double[12];
        public int xyztUnits = 2;
        public String magic;

        public Nifti(int version, ByteOrder order) {
            this.version = version;
            this.order = order;
        }

        int headerBytes() {
            return version == 1 ? 348 : 540;
        }

        /** Header, zero extension bytes up to vox_offset, then {@code data}. */
        public byte[] bytes(byte[] data) {
            long offset = voxOffset >= 0 ? voxOffset : headerBytes() + 4;
            ByteBuffer b = ByteBuffer.allocate((int) Math.max(offset, headerBytes() + 4)).order(order);
            boolean two = version == 2;
            b.putInt(0, headerBytes());
            b.put(two ? 4 : 344, (magic != null ? magic : two ? "n+2\0\r\n\032\n" : "n+1\0")
                    .getBytes(StandardCharsets.ISO_8859_1));
            b.putShort(two ? 12 : 70, (short) datatype);
            b.putShort(two ? 14 : 72, (short) bitpix);
            for (int i = 0; i < 8; i++) {
                if (two) {
                    b.putLong(16 + 8 * i, dim[i]);
                    b.putDouble(104 + 8 * i, pixdim[i]);
                } else {
                    b.putShort(40 + 2 * i, (short) dim[i]);
                    b.putFloat(76 + 4 * i, (float) pixdim[i]);
                }
            }
            if (two) {
                b.putLong(168, offset);
                b.putDouble(176, slope).putDouble(184, inter);
                b.putInt(344, qformCode).putInt(348, sformCode).putInt(500, xyztUnits);
            } else {
                b.putFloat(108, offset);
                b.putFloat(112, (float) slope).putFloat(116, (float) inter);
                b.putShort(252, (short) qformCode).putShort(254, (short) sformCode).put(123, (byte) xyztUnits);
            }
            reals(b, two ? 352 : 256, quatern);
            reals(b, two ? 376 : 268, qoffset);
            reals(b, two ? 400 : 280, srow);
            int prefix = (int) (offset >= headerBytes() ? offset : headerBytes() + 4);
            return NpyTestFiles.concat(Arrays.copyOf(b.array(), prefix), data);
        }

        private void reals(ByteBuffer b, int offset, double[] values) {
            for (int i = 0; i < values.length; i++) {
                if (version == 2) {
                    b.putDouble(offset + 8 * i, values[i]);
                } else {
                    b.putFloat(offset + 4 * i, (float) values[i]);
                }
            }
        }
    }
}
