package org.segopt.engine;

import java.util.Arrays;
import org.segopt.ElementType;
import org.segopt.Encoding;
import org.segopt.Marginal;

/**
 * Fills a {@link LevelTable} from the data: the first pass (votes or top-level float bins) and
 * the refinement passes. Owns its work tables and leaves them zeroed after each use, so one
 * instance serves call after call without allocating; not thread-safe.
 *
 * <p>Guessing: the float32 bins a call had to refine (those holding τ*, ½ and the Theorem 4
 * level) are refined again during the next call's first pass, at the cost of one range test per
 * fractional voxel (with a backend that {@linkplain PassBackend#refinesWhileCounting refines while
 * counting}). Successive calls in a training loop or a benchmark usually need the same
 * bins, and then no refinement pass reads the data again; a wrong guess costs that test and the
 * zeroing of what it counted, and the needed bins are refined by a pass as without guessing.
 * Results never depend on the guess.
 */
final class Histogrammer {
    private final PassBackend passes;
    private final long[] votes = new long[Marginal.MAX_RATERS + 1];
    private final FloatHistogram top = new FloatHistogram();
    /** Refinement tables: table j for a pass's bin j, or for guess j during a first pass. */
    private final Refinement refinement = new Refinement();
    private final int[] tables = new int[LevelTable.MAX_REFINED_PER_PASS];
    private final int[] chosen = new int[LevelTable.MAX_REFINED_PER_PASS];

    /** {@code guessed[j]} while table j still holds the current first pass's guess j. */
    private final boolean[] guessed = new boolean[LevelTable.MAX_REFINED_PER_PASS];
    private int guessCount;
    /** Top-level float32 bins refined during the current call: the next call's guesses. */
    private final long[] refinedBins = new long[LevelTable.MAX_REFINED_PER_PASS];
    private int refinedCount;
    /** The last float16 / bfloat16 marginal histogrammed and its u16 view (calls repeat: kept). */
    private Marginal halves;
    private Marginal patterns;

    Histogrammer(PassBackend passes) {
        this.passes = passes;
    }

    /**
     * The first pass: loads {@code table} with the histogram of m.
     *
     * @throws org.segopt.InvalidMarginalException at the first voxel whose value the encoding forbids
     */
    void histogram(Marginal m, LevelTable table) {
        discardGuesses();
        int previous = refinedCount; // the previous call's refined bins: this call's guesses
        refinedCount = 0;
        if (m.encoding().isVoteType()) {
            int levels = m.raters() + 1;
            long bad = passes.countVotes(m, votes);
            if (bad >= 0) {
                Arrays.fill(votes, 0, levels, 0);
                throw Validation.invalid(m, bad);
            }
            table.loadVotes(m, votes);
            Arrays.fill(votes, 0, levels, 0);
            return;
        }
        if (m.encoding() == Encoding.FLOAT16 || m.encoding() == Encoding.BFLOAT16) {
            histogramHalves(m, table);
            return;
        }
        refinement.clearBins();
        if (m.encoding() == Encoding.FLOAT32 && previous > 0 && passes.refinesWhileCounting()) {
            guessCount = previous;
            for (int j = 0; j < guessCount; j++) {
                refinement.addBin(16, refinedBins[j]);
                guessed[j] = true;
            }
        }
        long bad = passes.countFloats(m, top, refinement);
        if (bad >= 0) {
            top.clear(FloatHistogram.DIGITS);
            discardGuesses();
            throw Validation.invalid(m, bad);
        }
        table.loadFloats(m, top);
    }

    /** float16 / bfloat16: one exact pass over the patterns (see {@link #countHalves}). */
    private void histogramHalves(Marginal m, LevelTable table) {
        if (m != halves) {
            patterns = halfPatterns(m);
            halves = m;
        }
        countHalves(passes, patterns, m, votes);
        table.loadHalves(m, votes);
    }

    /** The u16 vote view of a float16 / bfloat16 marginal's bit patterns, for {@link #countHalves}. */
    static Marginal halfPatterns(Marginal m) {
        return Marginal.ofVotes(m.segments().getFirst(), ElementType.UINT16, m.byteOrder(), Marginal.MAX_RATERS);
    }

    /**
     * Adds the voxels of each bit pattern of the float16 / bfloat16 marginal m to
     * {@code counts[pattern]} (at least 2^16 entries, zero): at most 2^16 patterns, so one exact
     * pass, the vote histogram of {@code view} ({@link #halfPatterns} of m: its patterns read as
     * u16 counts with R = 65535, so every backend's vote pass serves). −0.0 is counted at 0; any
     * other pattern above 1.0's is a negative value, a value above 1 or NaN, and only then does
     * the backend look for the first such voxel ({@link PassBackend#firstKeyAbove}: a host scan,
     * or a device pass for device-resident input).
     *
     * @throws org.segopt.InvalidMarginalException at that voxel (counts are then zero again)
     */
    static void countHalves(PassBackend passes, Marginal view, Marginal m, long[] counts) {
        passes.countVotes(view, counts); // every u16 is a valid count of R = 65535
        requireValidPatterns(passes, m, counts);
    }

    /**
     * Moves the voxels {@code counts} (of every bit pattern of the float16 / bfloat16 m) holds at
     * −0.0 to 0, and checks that it holds none at a pattern above 1.0's (see {@link #countHalves}).
     *
     * @throws org.segopt.InvalidMarginalException at the first invalid voxel (counts are then zero again)
     */
    static void requireValidPatterns(PassBackend passes, Marginal m, long[] counts) {
        counts[0] += counts[KeyReader.HALF_NEGATIVE_ZERO];
        counts[KeyReader.HALF_NEGATIVE_ZERO] = 0;
        long maxKey = Keys.format(m).maxKey;
        for (int p = (int) maxKey + 1; p < PassBackend.DIGITS; p++) {
            if (counts[p] != 0) {
                Arrays.fill(counts, 0, PassBackend.DIGITS, 0);
                long bad = passes.firstKeyAbove(m, maxKey);
                if (bad < 0) {
                    throw new IllegalStateException("a histogram counted pattern " + p
                            + ", which no voxel holds: the pass backend is broken");
                }
                throw Validation.invalid(m, bad);
            }
        }
    }

    /** Forgets the bins the last call refined: the next first pass guesses none. */
    void forgetGuesses() {
        refinedCount = 0;
    }

    /**
     * Refines levels {@code indices[0..k)} (ascending) of {@code table}: those the first pass
     * guessed come from its tables without reading the data (and the caller, who re-solves and
     * asks again, gets the others next time); otherwise one pass reads the blocks the first pass
     * found may hold them.
     */
    void refine(Marginal m, LevelTable table, int[] indices, int k) {
        remember(table, indices, k);
        int found = 0;
        for (int j = 0; j < k; j++) {
            int slot = guessSlot(table, indices[j]);
            if (slot >= 0) {
                chosen[found] = indices[j];
                tables[found++] = slot;
                guessed[slot] = false;
            }
        }
        if (found > 0) {
            table.refine(chosen, tables, found, refinement);
            return;
        }
        discardGuesses(); // the pass below uses the same tables
        refinement.clearBins();
        for (int j = 0; j < k; j++) {
            refinement.addBin(table.shift(indices[j]), table.prefix(indices[j]));
            tables[j] = j;
        }
        passes.refineFloats(m, refinement, top.ranges());
        table.refine(indices, tables, k, refinement);
    }

    /** The guess table holding level i, if the first pass refined its bin; −1 otherwise. */
    private int guessSlot(LevelTable table, int i) {
        if (table.depth[i] != 1) {
            return -1;
        }
        for (int g = 0; g < guessCount; g++) {
            if (guessed[g] && table.shift(i) == 16 && refinement.prefix(g) == table.prefix(i)) {
                return g;
            }
        }
        return -1;
    }

    /** Records the top-level float32 bins among the levels being refined: the next call's guesses. */
    private void remember(LevelTable table, int[] indices, int k) {
        if (table.marginal.encoding() != Encoding.FLOAT32) {
            return;
        }
        for (int j = 0; j < k && refinedCount < refinedBins.length; j++) {
            if (table.depth[indices[j]] == 1) {
                refinedBins[refinedCount++] = table.prefix(indices[j]);
            }
        }
    }

    /** Zeroes the guess tables the current call did not use. */
    private void discardGuesses() {
        for (int g = 0; g < guessCount; g++) {
            if (guessed[g]) {
                guessed[g] = false;
                refinement.clearTable(g);
            }
        }
        guessCount = 0;
    }
}
