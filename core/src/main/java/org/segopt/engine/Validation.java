package org.segopt.engine;

import java.lang.foreign.MemorySegment;
import org.segopt.ElementType;
import org.segopt.InvalidMarginalException;
import org.segopt.Marginal;

/** Describes the first bad voxel a kernel found, re-reading it (this path is cold). */
final class Validation {
    private Validation() {
    }

    static InvalidMarginalException invalid(Marginal m, long voxel) {
        ElementType type = m.elementType();
        switch (m.encoding()) {
            case FLOAT32, FLOAT64, FLOAT16, BFLOAT16 -> {
                double v = type.valueAt(m.segments().getFirst(), m.byteOrder(), voxel);
                String text = type == ElementType.FLOAT64 ? Double.toString(v) : Float.toString((float) v);
                return new InvalidMarginalException(voxel, -1, text, "not in [0, 1]");
            }
            case VOTES -> {
                long c = (long) type.valueAt(m.segments().getFirst(), m.byteOrder(), voxel);
                String rule = type == ElementType.BOOL && c > 1 ? "not a boolean (0 or 1)"
                        : "not a vote count in 0.." + m.raters() + " (R = " + m.raters() + ")";
                return new InvalidMarginalException(voxel, -1, Long.toString(c), rule);
            }
            case RATER_MASKS -> {
                for (int r = 0; r < m.segments().size(); r++) {
                    MemorySegment mask = m.segments().get(r);
                    long v = (long) type.valueAt(mask, m.byteOrder(), voxel);
                    if (v != 0 && v != 1) {
                        return new InvalidMarginalException(voxel, r, Long.toString(v), "not 0 or 1");
                    }
                }
                throw new IllegalStateException("kernel reported voxel " + voxel + " but every mask holds 0 or 1");
            }
            default -> throw new IllegalStateException("unknown encoding " + m.encoding());
        }
    }
}
