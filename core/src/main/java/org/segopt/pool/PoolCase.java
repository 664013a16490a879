package org.segopt.pool;

import java.io.Serializable;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.List;
import org.segopt.ElementType;
import org.segopt.Encoding;
import org.segopt.InvalidMarginalException;
import org.segopt.Marginal;
import org.segopt.engine.PartCounts;
import org.segopt.engine.PartPass;
import org.segopt.io.ArrayReaders;
import org.segopt.io.InputException;
import org.segopt.io.NdArray;
import org.segopt.io.ReadLimits;
import org.segopt.report.CaseKind;
import org.segopt.report.CaseSpec;
import org.segopt.report.RaterMasks;

/**
 * What a pool needs to know of one case before the pooled passes: its kind, R, voxel count, or
 * why it cannot be used. A case of several files, or of one integer file, is rater masks (m = their
 * mean, as in {@code report}); a case of one float file is a probability map m. A manifest's
 * {@code kind} is honoured: a {@code probability} case must be one float file, and a
 * {@code labels} case (one marginal per class) cannot pool. float16 maps pool as float32, and
 * float16 and float32 maps among float64 ones as float64: every value converts exactly, and the
 * passes widen each key as they read it (no case is copied).
 *
 * @param label    "roi/case"
 * @param encoding VOTES for rater masks, FLOAT32 (float16 or float32 data) or FLOAT64; null on error
 * @param raters   R of rater masks, 0 for probabilities
 * @param voxels   n
 * @param error    the one-line reason the case is unusable, or null
 * @param votes    the vote histogram of rater masks (index = votes of R), counted by the check: the
 *                 pooled vote histogram adds these up without reading the masks again; else null
 */
public record PoolCase(String label, Encoding encoding, int raters, long voxels, String error, PartCounts votes)
        implements Serializable {

    /** Reads and checks every voxel of {@code spec} (one pass); never throws for bad input. */
    public static PoolCase survey(CaseSpec spec, ReadLimits limits) {
        try (Arena arena = Arena.ofConfined()) {
            Marginal m = load(spec, null, limits, arena);
            boolean votes = m.encoding().isVoteType();
            Encoding encoding = votes ? Encoding.VOTES : m.encoding() == Encoding.FLOAT64 ? Encoding.FLOAT64 : Encoding.FLOAT32;
            PartCounts counts;
            try {
                counts = (votes ? PartPass.votes(m.raters()) : PartPass.top(encoding)).run(m);
            } catch (InvalidMarginalException e) {
                return failed(spec, votes ? RaterMasks.describe(spec.raters(), e) : spec.raters().getFirst() + ": " + e.getMessage());
            }
            return new PoolCase(spec.label(), encoding, m.raters(), m.voxels(), null,
                    votes ? counts : null);
        } catch (InputException e) {
            return failed(spec, e.getMessage());
        } catch (OutOfMemoryError e) {
            return failed(spec, "out of memory (" + e.getMessage() + ")");
        } catch (RuntimeException e) {
            return failed(spec, "internal error: " + e);
        }
    }

    private static PoolCase failed(CaseSpec spec, String error) {
        return new PoolCase(spec.label(), null, 0, 0, error, null);
    }

    /**
     * The marginal of {@code spec} for the pooled encoding {@code pooled} (FLOAT32 or FLOAT64 for
     * probabilities, whose passes take the file's own float type when it is narrower; ignored
     * for masks; null: the case's own class, float32 or float64). Its data lives as long as
     * {@code arena}.
     */
    public static Marginal load(CaseSpec spec, Encoding pooled, ReadLimits limits, Arena arena) throws InputException {
        List<Path> files = spec.raters();
        if (spec.kind() == CaseKind.LABELS) {
            throw new InputException(files.getFirst(), "a case of label maps has one marginal per class; pool takes "
                    + "rater masks or probability maps");
        }
        if (spec.kind() == CaseKind.PROBABILITY && files.size() != 1) {
            throw new InputException(files.getFirst(), "a probability case has one file, not " + files.size());
        }
        if (files.size() == 1) {
            NdArray a = ArrayReaders.read(files.getFirst(), arena, limits);
            if (a.type().isInteger() && spec.kind() == CaseKind.PROBABILITY) {
                throw new InputException(a.source(), "a probability file holds float16, float32 or float64 values, "
                        + "but the data is " + a.type().name().toLowerCase(java.util.Locale.ROOT));
            }
            if (!a.type().isInteger()) {
                if (a.size() == 0) {
                    throw new InputException(a.source(), "the map has no voxels");
                }
                Encoding target = pooled != null ? pooled : a.type() == ElementType.FLOAT64 ? Encoding.FLOAT64 : Encoding.FLOAT32;
                return floats(a, target).withShape(a.shape());
            }
        }
        return RaterMasks.load(files, limits, arena);
    }

    /**
     * The float data of {@code a}, wrapped: a pass of a wider pooled encoding reads it widened
     * (see {@code PartPass}), and only float64 cannot pool into float32.
     */
    private static Marginal floats(NdArray a, Encoding target) throws InputException {
        return switch (a.type()) {
            case FLOAT16 -> Marginal.ofFloat16(a.data(), a.order());
            case BFLOAT16 -> Marginal.ofBFloat16(a.data(), a.order());
            case FLOAT32 -> Marginal.ofFloats(a.data(), a.order());
            case FLOAT64 -> {
                if (target == Encoding.FLOAT32) {
                    throw new InputException(a.source(), "float64 values do not pool into float32 exactly");
                }
                yield Marginal.ofDoubles(a.data(), a.order());
            }
            default -> throw new IllegalArgumentException("not a float type: " + a.type());
        };
    }
}
