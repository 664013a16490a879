package org.segopt;

/**
 * A voxel holds a value its encoding forbids: NaN, infinite or outside [0, 1] for floats, more
 * votes than raters, or a rater mask value other than 0 and 1. Nothing is ever clamped: the engine
 * stops at the first bad voxel (lowest index) and reports it.
 */
public final class InvalidMarginalException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final long voxel;
    private final int rater;
    private final String value;

    /**
     * @param voxel index of the first bad voxel
     * @param rater index of the rater mask holding it, or -1 when the marginal is one array
     * @param value the offending value as text
     * @param rule  what the value should have been, e.g. "not in [0, 1]"
     */
    public InvalidMarginalException(long voxel, int rater, String value, String rule) {
        super((rater >= 0 ? "rater mask " + (rater + 1) + ", " : "") + "voxel " + voxel + " has value " + value
                + ", " + rule);
        this.voxel = voxel;
        this.rater = rater;
        this.value = value;
    }

    /** Index of the first bad voxel. */
    public long voxel() {
        return voxel;
    }

    /** Index (from 0) of the rater mask holding the bad value, or -1. */
    public int rater() {
        return rater;
    }

    /** The offending value as text. */
    public String value() {
        return value;
    }
}
