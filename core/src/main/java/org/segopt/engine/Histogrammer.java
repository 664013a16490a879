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
    private final long[] counts = new long[PassBackend.DIGITS];
    private final long[] sumHigh = new long[PassBackend.DIGITS];
    private final long[] sumLow = new long[PassBackend.DIGITS];
    private final BlockRanges ranges = new BlockRanges();
    /** Refinement tables: table j at offset j · 2^16, for a pass's bins or for the guesses. */
    private long[] refineCounts = new long[0];
    private long[] refineHigh = new long[0];
    private long[] refineLow = new long[0];
    private long[] refineOccupied = new long[0];
    private final int[] shifts = new int[LevelTable.MAX_REFINED_PER_PASS];
    private final long[] prefixes = new long[LevelTable.MAX_REFINED_PER_PASS];
    private final int[] tables = new int[LevelTable.MAX_REFINED_PER_PASS];
    private final int[] chosen = new int[LevelTable.MAX_REFINED_PER_PASS];

    /** Guesses refined by the current first pass; {@code guessed[j]} while table j still holds one. */
    private final long[] guesses = new long[LevelTable.MAX_REFINED_PER_PASS];
    private final boolean[] guessed = new boolean[LevelTable.MAX_REFINED_PER_PASS];
    private int guessCount;
    /** Top-level float32 bins refined during the current call: the next call's guesses. */
    private final long[] refinedBins = new long[LevelTable.MAX_REFINED_PER_PASS];
    private int refinedCount;
    /** The last float16 / bfloat16 marginal histogrammed and its u16 view. */
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
            long bad = passes.countVotes(m, counts, m.raters() + 1);
            if (bad >= 0) {
                clear(counts, m.raters() + 1);
                throw Validation.invalid(m, bad);
            }
            table.loadVotes(m, counts);
            clear(counts, m.raters() + 1);
            return;
        }
        if (m.encoding() == Encoding.FLOAT16 || m.encoding() == Encoding.BFLOAT16) {
            histogramHalves(m, table);
            return;
        }
        long bad;
        if (m.encoding() == Encoding.FLOAT32 && previous > 0 && passes.refinesWhileCounting()) {
            guessCount = previous;
            ensureRefineTables(guessCount);
            for (int j = 0; j < guessCount; j++) {
                guesses[j] = refinedBins[j];
                guessed[j] = true;
                shifts[j] = 16;
            }
            bad = passes.countAndRefineFloats(m, counts, sumHigh, sumLow, ranges, shifts, guesses, guessCount,
                    refineCounts, refineHigh, refineLow, refineOccupied);
        } else {
            bad = passes.countFloats(m, counts, sumHigh, sumLow, ranges);
        }
        if (bad >= 0) {
            clear(counts, counts.length);
            clear(sumHigh, sumHigh.length);
            clear(sumLow, sumLow.length);
            discardGuesses();
            throw Validation.invalid(m, bad);
        }
        table.loadFloats(m, counts, sumHigh, sumLow);
    }

    /**
     * float16 / bfloat16: at most 2^16 bit patterns, so one exact pass, the vote histogram of the
     * patterns read as u16 counts with R = 65535 (so every backend's vote pass serves). −0.0 is
     * counted at 0; any other pattern above 1.0's is a negative value, a value above 1 or NaN,
     * and only then is the data scanned again for the first such voxel.
     */
    private void histogramHalves(Marginal m, LevelTable table) {
        passes.countVotes(patterns(m), counts, PassBackend.DIGITS); // every u16 is a valid count of R = 65535
        counts[0] += counts[KeyReader.HALF_NEGATIVE_ZERO];
        counts[KeyReader.HALF_NEGATIVE_ZERO] = 0;
        long maxKey = Keys.format(m).maxKey;
        for (int p = (int) maxKey + 1; p < PassBackend.DIGITS; p++) {
            if (counts[p] != 0) {
                clear(counts, PassBackend.DIGITS);
                throw Validation.invalid(m, firstKeyAbove(m, maxKey));
            }
        }
        table.loadHalves(m, counts);
    }

    /** The u16 vote view of a float16 / bfloat16 marginal's bit patterns (the last one kept: calls repeat). */
    private Marginal patterns(Marginal m) {
        if (m != halves) {
            patterns = Marginal.ofVotes(m.segments().getFirst(), ElementType.UINT16, m.byteOrder(), Marginal.MAX_RATERS);
            halves = m;
        }
        return patterns;
    }

    /** The first voxel whose key exceeds {@code maxKey}: a cold scan, after a histogram showed one. */
    private static long firstKeyAbove(Marginal m, long maxKey) {
        KeyReader keys = KeyReader.of(m);
        long i = 0;
        while (keys.key(i) <= maxKey) {
            i++;
        }
        return i;
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
            table.refine(chosen, tables, found, refineCounts, refineHigh, refineLow, refineOccupied);
            return;
        }
        discardGuesses(); // the pass below uses the same tables
        ensureRefineTables(k);
        for (int j = 0; j < k; j++) {
            shifts[j] = table.shift(indices[j]);
            prefixes[j] = table.prefix(indices[j]);
            tables[j] = j;
        }
        passes.refineFloats(m, shifts, prefixes, k, refineCounts, refineHigh, refineLow, refineOccupied, ranges);
        table.refine(indices, tables, k, refineCounts, refineHigh, refineLow, refineOccupied);
    }

    /** The guess table holding level i, if the first pass refined its bin; −1 otherwise. */
    private int guessSlot(LevelTable table, int i) {
        if (table.depth[i] != 1) {
            return -1;
        }
        for (int g = 0; g < guessCount; g++) {
            if (guessed[g] && table.shift(i) == 16 && guesses[g] == table.prefix(i)) {
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
            if (!guessed[g]) {
                continue;
            }
            guessed[g] = false;
            int words = PassBackend.DIGITS / 64;
            for (int w = g * words; w < (g + 1) * words; w++) {
                for (long bits = refineOccupied[w]; bits != 0; bits &= bits - 1) {
                    int b = w * 64 + Long.numberOfTrailingZeros(bits);
                    refineCounts[b] = 0;
                    refineHigh[b] = 0;
                    refineLow[b] = 0;
                }
                refineOccupied[w] = 0;
            }
        }
        guessCount = 0;
    }

    private void ensureRefineTables(int k) {
        int entries = k * PassBackend.DIGITS;
        if (refineCounts.length < entries) {
            refineCounts = Arrays.copyOf(refineCounts, entries);
            refineHigh = Arrays.copyOf(refineHigh, entries);
            refineLow = Arrays.copyOf(refineLow, entries);
            refineOccupied = Arrays.copyOf(refineOccupied, entries / 64);
        }
    }

    private static void clear(long[] a, int n) {
        Arrays.fill(a, 0, n, 0);
    }
}
