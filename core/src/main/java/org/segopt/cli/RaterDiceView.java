package org.segopt.cli;

import java.util.Locale;
import org.segopt.Encoding;
import org.segopt.Marginal;
import org.segopt.raters.RaterDice;

/**
 * {@code analyze --metric rater-dice}: the rater-averaged Dice optimum of rater-mask inputs, as the
 * JSON object {@code raterDice} and as lines of the table.
 */
final class RaterDiceView {
    static final String OPTION = "--metric";
    static final String VALUE = "rater-dice";

    private RaterDiceView() {
    }

    /** Refuses inputs that are not 1..16 rater masks: a usage error, since another FILE form is needed. */
    static void requireMasks(Marginal m, Inputs inputs) throws UsageException {
        if (m.encoding() != Encoding.RATER_MASKS) {
            String given = m.encoding() == Encoding.VOTES ? "vote counts (--votes)"
                    : "a " + m.encoding().name().toLowerCase(Locale.ROOT) + " marginal";
            throw new UsageException(OPTION + " " + VALUE + " needs rater masks (several FILEs, or one bool FILE), but "
                    + inputs.label() + " holds " + given);
        }
        if (m.raters() > RaterDice.MAX_RATERS) {
            throw new UsageException(OPTION + " " + VALUE + " takes at most " + RaterDice.MAX_RATERS
                    + " rater masks, not " + m.raters());
        }
    }

    static Json json(RaterDice d) {
        return Json.object()
                .put("sup", d.sup().doubleValue())
                .put("supExact", d.sup().toString())
                .put("leastVolume", d.leastVolume())
                .put("greatestVolume", d.greatestVolume())
                .put("ratio", d.ratio() == null ? null : d.ratio().doubleValue())
                .put("marginalDiceOfOptimum", d.marginalDiceOfOptimum().doubleValue())
                .put("marginalDiceOfOptimumExact", d.marginalDiceOfOptimum().toString())
                .put("raterDiceOfDiceOptimum", d.raterDiceOfDiceOptimum().doubleValue())
                .put("raterDiceOfDiceOptimumExact", d.raterDiceOfDiceOptimum().toString());
    }

    static String table(RaterDice d) {
        return String.format(Locale.ROOT, "%n%n  Rater-averaged Dice E[D_L] = mean over raters of Dice(s, L_r):%n"
                        + "    sup %s, optimal volumes: least %d, greatest %d, greatest/M %s%n"
                        + "    Dice against m of that optimum (greatest volume): %s%n"
                        + "    E[D_L] of s^D (the greatest Dice-optimal segmentation): %s",
                AnalyzeCommand.withExact(d.sup()), d.leastVolume(), d.greatestVolume(),
                d.ratio() == null ? "undefined" : String.format(Locale.ROOT, "%.4f", d.ratio().doubleValue()),
                AnalyzeCommand.withExact(d.marginalDiceOfOptimum()), AnalyzeCommand.withExact(d.raterDiceOfDiceOptimum()));
    }
}
