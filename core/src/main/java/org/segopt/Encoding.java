package org.segopt;

/** What the stored values of a {@link Marginal} mean. */
public enum Encoding {
    /** Vote counts c in 0..R; m = c / R. Quantized u8/u16 marginals are votes with R = 255 / 65535. */
    VOTES,
    /** R binary rater masks (0/1); m = (number of raters marking the voxel) / R. */
    RATER_MASKS,
    /** IEEE-754 binary32 values in [0, 1]. */
    FLOAT32,
    /** IEEE-754 binary64 values in [0, 1]. */
    FLOAT64,
    /** IEEE-754 binary16 (half precision) values in [0, 1]. */
    FLOAT16,
    /** bfloat16 values in [0, 1]: the top 16 bits of a binary32, what mixed-precision training emits. */
    BFLOAT16;

    /** Whether m takes values c / R for integer votes c (so every result is a small exact fraction). */
    public boolean isVoteType() {
        return this == VOTES || this == RATER_MASKS;
    }
}
