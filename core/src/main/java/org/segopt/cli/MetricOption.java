package org.segopt.cli;

import java.util.List;
import org.segopt.Metric;

/**
 * The {@code --metric M} values of the commands that report or segment by a metric of the Tversky
 * family, read in one place: {@code dice}, {@code jaccard}, {@code fbeta:B} or {@code tversky:A,B}
 * (see {@link Metric#parse}); a bad value is a usage error naming it.
 */
final class MetricOption {
    /** The accepted values, for usage texts and messages. */
    static final String CHOICES = "dice, jaccard, fbeta:B, tversky:A,B";

    private MetricOption() {
    }

    /** The metric {@code text} names, the value of option {@code option}. */
    static Metric parse(String option, String text) throws UsageException {
        try {
            return Metric.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + ": " + e.getMessage());
        }
    }

    /**
     * Adds the metric {@code text} names to {@code metrics} unless it is there already; a second
     * metric of one family is a usage error, since each family is reported under its own name
     * (one JSON object, one set of columns).
     */
    static void add(List<Metric> metrics, String option, String text) throws UsageException {
        Metric metric = parse(option, text);
        for (Metric m : metrics) {
            if (m.family().equals(metric.family()) && !m.equals(metric)) {
                throw new UsageException(option + " " + m.name() + " and " + metric.name()
                        + ": one metric of each family (dice, jaccard, fbeta, tversky) at a time");
            }
        }
        if (!metrics.contains(metric)) {
            metrics.add(metric);
        }
    }
}
