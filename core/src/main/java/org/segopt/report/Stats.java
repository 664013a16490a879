package org.segopt.report;

/**
 * Summary statistics of one column of Table 1: count, mean, population standard deviation (NumPy's
 * default {@code ddof=0}), minimum and maximum.
 *
 * @param count number of values; when 0 the other fields are NaN
 */
public record Stats(int count, double mean, double std, double min, double max) {

    /** The statistics of {@code values} (two passes, so the variance is not a difference of large sums). */
    public static Stats of(double[] values) {
        int n = values.length;
        if (n == 0) {
            return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            sum += v;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        double mean = sum / n;
        double squares = 0;
        for (double v : values) {
            squares += (v - mean) * (v - mean);
        }
        return new Stats(n, mean, Math.sqrt(squares / n), min, max);
    }

    /** Whether there were no values. */
    public boolean isEmpty() {
        return count == 0;
    }
}
