package org.segopt.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The paper's Table 1: per group (ROI), the number of cases and the mean, standard deviation,
 * minimum and maximum of ‖s^A‖₁/‖m‖₁ and of ‖s^D‖₁/‖m‖₁ over its cases.
 */
public final class Table1 {
    /** The CSV header of {@code table.csv}. */
    public static final List<String> CSV_HEADER = List.of("roi", "cases", "accuracy_mean", "accuracy_std",
            "accuracy_min", "accuracy_max", "dice_mean", "dice_std", "dice_min", "dice_max");

    private Table1() {
    }

    /** The two ratios of one case. */
    public record Ratios(double accuracy, double dice) implements java.io.Serializable {
    }

    /**
     * One row of the table.
     *
     * @param name      the group (ROI) name
     * @param accuracy  statistics of ‖s^A‖/‖m‖ over the cases with a defined ratio
     * @param dice      statistics of ‖s^D‖/‖m‖ over the same cases
     * @param undefined names of the group's cases left out because M = 0 (ratio undefined)
     */
    public record Row(String name, Stats accuracy, Stats dice, List<String> undefined) {
        public Row {
            undefined = List.copyOf(undefined);
        }

        /** Number of cases in the statistics. */
        public int cases() {
            return accuracy.count();
        }
    }

    /** The row of a group from its cases' ratios. */
    public static Row row(String name, List<Ratios> ratios, List<String> undefined) {
        double[] a = ratios.stream().mapToDouble(Ratios::accuracy).toArray();
        double[] d = ratios.stream().mapToDouble(Ratios::dice).toArray();
        return new Row(name, Stats.of(a), Stats.of(d), undefined);
    }

    /** Writes {@code table.csv}: full precision, empty fields where a group has no cases. */
    public static void writeCsv(Path file, List<Row> rows) throws IOException {
        try (Csv csv = Csv.create(file, CSV_HEADER)) {
            for (Row r : rows) {
                List<Object> fields = new ArrayList<>();
                fields.add(r.name());
                fields.add(r.cases());
                for (Stats s : List.of(r.accuracy(), r.dice())) {
                    fields.add(s.mean());
                    fields.add(s.std());
                    fields.add(s.min());
                    fields.add(s.max());
                }
                csv.row(fields);
            }
        }
    }

    /** Appends the Markdown cells mean, std, min and max of {@code st}, three decimals ("–" when undefined). */
    static void cells(StringBuilder s, Stats st) {
        for (double v : new double[] {st.mean(), st.std(), st.min(), st.max()}) {
            s.append(" | ").append(Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.3f", v));
        }
    }

    /**
     * The table as Markdown, three decimals as in the paper, followed by {@code notes} (one bullet
     * each) and the standard notes on the statistics and on cases with undefined ratios.
     */
    public static String markdown(String title, List<Row> rows, List<String> notes) {
        StringBuilder s = new StringBuilder();
        s.append("# ").append(title).append("\n\n");
        s.append("| ROI | Cases | ‖s^A‖/‖m‖ mean | std | min | max | ‖s^D‖/‖m‖ mean | std | min | max |\n");
        s.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            s.append("| ").append(r.name().replace("|", "\\|")).append(" | ").append(r.cases());
            for (Stats st : List.of(r.accuracy(), r.dice())) {
                cells(s, st);
            }
            s.append(" |\n");
        }
        s.append("\n");
        s.append("- ‖s^A‖ = #{m ≥ 1/2} and ‖s^D‖ = #{m ≥ τ*}, τ* = sup Dice / 2 (the greatest Accuracy- and "
                + "Dice-optimal segmentations, eqs. 19-20), computed exactly; ‖m‖ = M = Σ m.\n");
        s.append("- std is the population standard deviation (NumPy's default, ddof = 0).\n");
        List<String> undefined = new ArrayList<>();
        for (Row r : rows) {
            for (String c : r.undefined()) {
                undefined.add(rows.size() > 1 ? r.name() + "/" + c : c);
            }
        }
        if (undefined.isEmpty()) {
            s.append("- No case has M = 0 (where both ratios are undefined).\n");
        } else {
            s.append("- Left out of the statistics because M = 0 makes both ratios undefined (").append(undefined.size())
                    .append("): ").append(String.join(", ", undefined)).append(".\n");
        }
        for (String note : notes) {
            s.append("- ").append(note).append("\n");
        }
        return s.toString();
    }
}
