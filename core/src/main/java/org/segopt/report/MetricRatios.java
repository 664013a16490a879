package org.segopt.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.segopt.Analysis.Optimum;
import org.segopt.Fraction;
import org.segopt.Metric;

/**
 * A report's further metrics of the Tversky family ({@code report --metric}) beside Dice: per ROI
 * the statistics of each metric's ratio ‖s‖/‖m‖, s its greatest optimal segmentation, over the
 * cases with M > 0, written as {@code metrics.csv} and as a second table of {@code table.md}.
 */
public final class MetricRatios {
    /** The header of {@code metrics.csv}: one row per ROI and metric. */
    public static final List<String> CSV_HEADER = List.of("roi", "metric", "cases", "ratio_mean", "ratio_std",
            "ratio_min", "ratio_max");

    private MetricRatios() {
    }

    /**
     * One ROI's statistics of one metric's ratio.
     *
     * @param roi    the group (ROI) name
     * @param metric Dice or a further metric
     * @param ratio  statistics of ‖s‖/‖m‖ over the ROI's cases with M > 0
     */
    public record Row(String roi, Metric metric, Stats ratio) {
    }

    /**
     * The rows of every ROI (in the order of {@code byRoi}): Dice first, then each of
     * {@code metrics}, whose optima every successful outcome holds in that order.
     */
    static List<Row> rows(Map<String, List<Report.Outcome>> byRoi, List<Metric> metrics) {
        List<Row> rows = new ArrayList<>();
        byRoi.forEach((roi, group) -> {
            rows.add(new Row(roi, Metric.DICE, stats(group, o -> o.analysis().dice())));
            for (int j = 0; j < metrics.size(); j++) {
                int index = j;
                rows.add(new Row(roi, metrics.get(j), stats(group, o -> o.metrics().get(index))));
            }
        });
        return rows;
    }

    private static Stats stats(List<Report.Outcome> group, Function<Report.Outcome, Optimum> optimum) {
        return Stats.of(group.stream().filter(o -> o.analysis() != null).map(optimum).map(Optimum::ratio)
                .filter(r -> r != null).mapToDouble(Fraction::doubleValue).toArray());
    }

    /** Writes {@code metrics.csv}: full precision, empty fields where an ROI has no cases. */
    static void writeCsv(Path file, List<Row> rows) throws IOException {
        try (Csv csv = Csv.create(file, CSV_HEADER)) {
            for (Row r : rows) {
                Stats s = r.ratio();
                csv.row(List.of(r.roi(), r.metric().name(), s.count(), s.mean(), s.std(), s.min(), s.max()));
            }
        }
    }

    /** The Markdown section of {@code table.md}: the rows, three decimals, and what they are. */
    static String markdown(List<Row> rows) {
        StringBuilder s = new StringBuilder("\n## Relative volume of each metric's greatest optimum\n\n");
        s.append("| ROI | Metric | Cases | ‖s‖/‖m‖ mean | std | min | max |\n");
        s.append("|---|---|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            s.append("| ").append(r.roi().replace("|", "\\|")).append(" | ").append(r.metric().name()).append(" | ")
                    .append(r.ratio().count());
            Table1.cells(s, r.ratio());
            s.append(" |\n");
        }
        s.append("\n- ‖s‖ = #{m ≥ τ}, the greatest optimal segmentation of the metric TP / (TP + α·FP + β·FN), with "
                + "τ = sup·α / (1 − sup·(1 − α − β)) (τ* = sup Dice / 2), computed exactly; fbeta:B is F_β "
                + "(α = 1/(1 + B²), β = B²/(1 + B²)), tversky:A,B has α = A, β = B; cases with M = 0 are left out.\n");
        return s.toString();
    }
}
