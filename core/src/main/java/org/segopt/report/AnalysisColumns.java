package org.segopt.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.segopt.Analysis;
import org.segopt.Analysis.Optimum;
import org.segopt.Fraction;
import org.segopt.Metric;

/** The per-case columns of {@code cases.csv} that come from one {@link Analysis}, shared by report and lidc. */
public final class AnalysisColumns {
    /** Column names, in order. */
    public static final List<String> HEADER = List.of("voxels", "mass", "accuracy_sup",
            "accuracy_least_volume", "accuracy_greatest_volume", "accuracy_ratio", "dice_sup", "dice_sup_exact",
            "tau_star", "tau_star_exact", "dice_least_volume", "dice_greatest_volume", "dice_ratio",
            "volume_constrained_volume", "volume_constrained_dice");

    private AnalysisColumns() {
    }

    /** The values of {@link #HEADER} for {@code a}; ratios are empty when M = 0. */
    public static List<Object> values(Analysis a) {
        List<Object> v = new ArrayList<>(HEADER.size());
        v.add(a.voxels());
        v.add(a.mass().doubleValue());
        v.add(a.accuracy().sup().doubleValue());
        v.add(a.accuracy().leastVolume());
        v.add(a.accuracy().greatestVolume());
        v.add(ratio(a.accuracy().ratio()));
        v.addAll(values(a.dice()));
        v.add(a.volumeConstrained().volume());
        v.add(a.volumeConstrained().dice().doubleValue());
        return v;
    }

    /** As many empty values as there are columns (a case without an analysis). */
    public static List<Object> empty() {
        return new ArrayList<>(Collections.nCopies(HEADER.size(), null));
    }

    /**
     * The columns of a further metric's optimum, named for its family as Dice's are:
     * {@code <family>_sup}, {@code _sup_exact}, {@code _threshold}, {@code _threshold_exact},
     * {@code _least_volume}, {@code _greatest_volume}, {@code _ratio}.
     */
    public static List<String> header(Metric metric) {
        String f = metric.family();
        return List.of(f + "_sup", f + "_sup_exact", f + "_threshold", f + "_threshold_exact", f + "_least_volume",
                f + "_greatest_volume", f + "_ratio");
    }

    /** The values of one optimum's columns, in the order of {@link #header(Metric)}; the ratio is empty when M = 0. */
    public static List<Object> values(Optimum o) {
        return Arrays.asList(o.sup().doubleValue(), o.sup().toString(), o.threshold().doubleValue(),
                o.threshold().toString(), o.leastVolume(), o.greatestVolume(), ratio(o.ratio()));
    }

    /** The two ratios of {@code a}, or null when M = 0. */
    public static Table1.Ratios ratios(Analysis a) {
        if (a.accuracy().ratio() == null || a.dice().ratio() == null) {
            return null;
        }
        return new Table1.Ratios(a.accuracy().ratio().doubleValue(), a.dice().ratio().doubleValue());
    }

    private static Double ratio(Fraction f) {
        return f == null ? null : f.doubleValue();
    }
}
