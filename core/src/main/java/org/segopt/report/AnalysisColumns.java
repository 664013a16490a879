package org.segopt.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.segopt.Analysis;
import org.segopt.Fraction;

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
        v.add(a.dice().sup().doubleValue());
        v.add(a.dice().sup().toString());
        v.add(a.dice().threshold().doubleValue());
        v.add(a.dice().threshold().toString());
        v.add(a.dice().leastVolume());
        v.add(a.dice().greatestVolume());
        v.add(ratio(a.dice().ratio()));
        v.add(a.volumeConstrained().volume());
        v.add(a.volumeConstrained().dice().doubleValue());
        return v;
    }

    /** As many empty values as there are columns (a case without an analysis). */
    public static List<Object> empty() {
        return new ArrayList<>(Collections.nCopies(HEADER.size(), null));
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
