package org.segopt.io;

import java.util.List;

/**
 * Where an image's voxels lie in the world, as a medical-image header states it, kept so that a
 * mask written for the image carries the same geometry. Per-axis lists follow the file's axis
 * order, fastest-varying first: the reverse of {@link NdArray#shape()}. An empty list means "not
 * given".
 *
 * @param space      the world frame as a NRRD space name ({@code "left-posterior-superior"},
 *                   {@code "scanner-xyz"}, ...), or null when the header names none
 * @param directions per axis, one voxel step in world coordinates (NRRD {@code space directions},
 *                   the columns of the voxel-to-world matrix); an empty entry marks a non-spatial axis
 * @param origin     world coordinates of the centre of voxel (0, ..., 0)
 * @param spacings   per axis, the voxel spacing where no direction gives it (NaN: not given)
 * @param kinds      per axis, the NRRD kind ({@code "domain"}, {@code "space"}, {@code "time"}, ...)
 * @param nifti      the transforms of a NIfTI header, verbatim, or null
 */
public record Geometry(String space, List<List<Double>> directions, List<Double> origin,
                       List<Double> spacings, List<String> kinds, NiftiTransforms nifti) {

    public Geometry {
        directions = directions.stream().map(List::copyOf).toList();
        origin = List.copyOf(origin);
        spacings = List.copyOf(spacings);
        kinds = List.copyOf(kinds);
    }

    /** The spacing along {@code axis}: the length of its direction, else its spacing; NaN if neither. */
    public double spacing(int axis) {
        if (axis < directions.size() && !directions.get(axis).isEmpty()) {
            return Math.sqrt(directions.get(axis).stream().mapToDouble(x -> x * x).sum());
        }
        return axis < spacings.size() ? spacings.get(axis) : Double.NaN;
    }

    /**
     * This geometry without file axis {@code axis} (fastest first), for one channel of a
     * multi-channel image; null when that axis is spatial (it has a direction, or is one of a NIfTI
     * header's three spatial axes), since the remaining axes would then not be placed as stated.
     */
    Geometry withoutAxis(int axis) {
        boolean spatial = axis < directions.size() && !directions.get(axis).isEmpty();
        if (spatial || nifti != null && axis < 3) {
            return null;
        }
        return new Geometry(space, without(directions, axis), origin, without(spacings, axis), without(kinds, axis), nifti);
    }

    private static <T> List<T> without(List<T> perAxis, int axis) {
        if (perAxis.isEmpty()) {
            return perAxis;
        }
        List<T> rest = new java.util.ArrayList<>(perAxis);
        rest.remove(axis);
        return rest;
    }

    /**
     * The orientation fields of a NIfTI header, as stored (NIfTI-1 floats widened to double).
     *
     * @param qformCode  {@code qform_code}
     * @param sformCode  {@code sform_code}
     * @param pixdim     {@code pixdim[0..7]} ({@code pixdim[0]} is qfac)
     * @param quatern    {@code quatern_b, quatern_c, quatern_d}
     * @param qoffset    {@code qoffset_x, qoffset_y, qoffset_z}
     * @param srow       {@code srow_x, srow_y, srow_z}, four values each
     * @param xyztUnits  {@code xyzt_units}
     */
    public record NiftiTransforms(int qformCode, int sformCode, List<Double> pixdim, List<Double> quatern,
                                  List<Double> qoffset, List<Double> srow, int xyztUnits) {

        public NiftiTransforms {
            pixdim = List.copyOf(pixdim);
            quatern = List.copyOf(quatern);
            qoffset = List.copyOf(qoffset);
            srow = List.copyOf(srow);
        }
    }
}
