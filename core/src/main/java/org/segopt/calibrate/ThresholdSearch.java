package org.segopt.calibrate;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.segopt.Fraction;
import org.segopt.Marginal;
import org.segopt.Metric;
import org.segopt.engine.Engine;
import org.segopt.engine.LevelHistogram;

/**
 * Finds the exact {@link CommonThreshold} of a validation set from one {@link LevelHistogram} per
 * case, without sorting voxels. The objective is constant between consecutive level bounds of all
 * cases; where a case's level is a bin that is not exact, the case's TP and volume are bounded by
 * the bin's ends (both grow as t falls), which bounds its metric, and so the objective, on that
 * interval. Intervals whose upper bound is below the best lower bound are pruned; only the bins
 * of the survivors are refined (re-reading their cases), until every survivor lies between exact
 * data values. Among those the decision is exact (Fractions). The bounds are doubles widened by
 * a margin above their rounding error, so pruning never drops an optimum.
 */
public final class ThresholdSearch {
    /** Splits levels of case k's histogram into their sub-bins, re-reading the case (see {@code Engine.refine}). */
    @FunctionalInterface
    public interface Refiner {
        LevelHistogram refine(int k, LevelHistogram levels, int[] indices);
    }

    private final LevelHistogram[] cases;
    private final Table[] tables;
    private final Metric metric;
    private final Objective objective;
    private final Refiner refiner;
    private final double alpha;
    private final double beta;

    private ThresholdSearch(List<LevelHistogram> cases, Metric metric, Objective objective, Refiner refiner) {
        this.cases = cases.toArray(LevelHistogram[]::new);
        this.tables = new Table[this.cases.length];
        this.metric = metric;
        this.objective = objective;
        this.refiner = refiner;
        this.alpha = metric.alpha().doubleValue();
        this.beta = metric.beta().doubleValue();
    }

    /**
     * The exact common threshold of {@code cases} (histograms of their marginals, refined through
     * {@code refiner} where the decision needs it).
     *
     * @throws IllegalArgumentException if there are no cases or a case has no voxels
     */
    public static CommonThreshold run(List<LevelHistogram> cases, Metric metric, Objective objective, Refiner refiner) {
        if (cases.isEmpty()) {
            throw new IllegalArgumentException("no cases");
        }
        for (LevelHistogram h : cases) {
            if (h.voxels() == 0) {
                throw new IllegalArgumentException("a case has no voxels");
            }
        }
        return new ThresholdSearch(cases, metric, objective, refiner).run();
    }

    /**
     * {@link #run} over marginals in memory (e.g. the arrays of a Python process): each is
     * histogrammed by {@code engine}, and read again wherever the search refines its levels.
     *
     * @throws IllegalArgumentException if there are no cases, or naming the case (from 1) whose
     *                                  marginal has no voxels or an invalid value
     */
    public static CommonThreshold of(List<Marginal> cases, Metric metric, Objective objective, Engine engine) {
        List<Marginal> marginals = List.copyOf(cases);
        List<LevelHistogram> levels = new ArrayList<>();
        for (Marginal m : marginals) {
            try {
                levels.add(engine.levels(m));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("case " + (levels.size() + 1) + ": " + e.getMessage(), e);
            }
        }
        return run(levels, metric, objective, (k, h, indices) -> engine.refine(marginals.get(k), h, indices));
    }

    private CommonThreshold run() {
        int[] all = new int[cases.length];
        Arrays.setAll(all, k -> k);
        Outcome common = search(all, objective);
        Fraction threshold = common.optima.getLast().threshold();
        resolveAt(all, Fraction.HALF);
        Fraction atHalf = objectiveAt(all, objective, Fraction.HALF);
        List<CommonThreshold.CaseResult> results = new ArrayList<>();
        List<Fraction> optima = new ArrayList<>();
        for (int k = 0; k < cases.length; k++) {
            Fraction own = table(k).mass.numerator().signum() == 0 ? Fraction.ONE
                    : search(new int[] {k}, Objective.MEAN).score;
            optima.add(own);
            Table t = table(k);
            int i = t.levelsAtOrAbove(threshold);
            results.add(new CommonThreshold.CaseResult(score(t, i), t.cumCount[i], own, t.h.voxels(), t.mass));
        }
        Fraction oracle = divide(sum(optima), optima.size());
        return new CommonThreshold(metric, objective, threshold, common.score, atHalf, oracle, common.optima, results,
                common.curve);
    }

    /** The optima of {@code objective} over the cases {@code members}. */
    private record Outcome(Fraction score, List<CommonThreshold.Interval> optima, List<CommonThreshold.Step> curve) {
    }

    /**
     * Bounds the objective on every interval between level bounds, refines the levels that meet a
     * surviving interval, and repeats until every survivor lies between exact data values; then
     * decides among the survivors exactly.
     */
    private Outcome search(int[] members, Objective goal) {
        while (true) {
            Table[] t = new Table[members.length];
            for (int j = 0; j < members.length; j++) {
                t[j] = table(members[j]);
            }
            Bounds b = bound(t, goal);
            List<TreeSet<Integer>> refine = unresolved(t, b);
            if (refine == null) {
                return decide(members, goal, b);
            }
            for (int j = 0; j < members.length; j++) {
                if (!refine.get(j).isEmpty()) {
                    int k = members[j];
                    cases[k] = refiner.refine(k, cases[k], refine.get(j).stream().mapToInt(Integer::intValue).toArray());
                    tables[k] = null;
                }
            }
        }
    }

    /**
     * The objective on each interval (points[j + 1], points[j]] lies in [lower[j], upper[j]] (a sum
     * over cases for the mean); included[j] when some case segments a level there, so that a data
     * value lies at or above every t of the interval; an interval with upper[j] below cut holds no
     * optimum.
     */
    private record Bounds(Point[] points, double[] lower, double[] upper, boolean[] included, double cut) {
        boolean survives(int j) {
            return upper[j] >= cut;
        }
    }

    private Bounds bound(Table[] t, Objective goal) {
        Point[] points = points(t);
        int n = points.length;
        double[] lower = new double[n];
        double[] upper = new double[n];
        boolean[] included = new boolean[n];
        double best = Double.NEGATIVE_INFINITY;
        Sweep sweep = new Sweep(t);
        for (int j = 0; j < n; j++) {
            sweep.advance(points[j]);
            double[] bounds = goal == Objective.MEAN ? sweep.meanBounds() : sweep.pooledBounds();
            lower[j] = bounds[0];
            upper[j] = bounds[1];
            included[j] = sweep.anyIncluded();
            if (included[j]) {
                best = Math.max(best, lower[j]);
            }
        }
        return new Bounds(points, lower, upper, included, best - 2 * margin(t.length));
    }

    /** Per table, the levels that are not exact and meet a surviving interval's closure; null when none. */
    private List<TreeSet<Integer>> unresolved(Table[] t, Bounds b) {
        List<TreeSet<Integer>> refine = new ArrayList<>();
        for (int j = 0; j < t.length; j++) {
            refine.add(new TreeSet<>());
        }
        boolean any = false;
        Sweep sweep = new Sweep(t);
        int n = b.points.length;
        for (int j = 0; j < n; j++) {
            sweep.advance(b.points[j]);
            if (b.survives(j)) {
                any |= sweep.touching(j + 1 < n ? b.points[j + 1] : null, b.points[j], refine);
            }
        }
        return any ? refine : null;
    }

    /** The exact optimum among the surviving intervals, all of them between exact data values. */
    private Outcome decide(int[] members, Objective goal, Bounds b) {
        Point[] points = b.points;
        int n = points.length;
        Fraction top = null;
        List<CommonThreshold.Interval> optima = new ArrayList<>();
        for (int j = n - 1; j >= 0; j--) { // ascending thresholds
            if (!b.included[j] || !b.survives(j)) {
                continue;
            }
            Fraction v = points[j].exact();
            Fraction score = objectiveAt(members, goal, v);
            int c = top == null ? 1 : score.compareTo(top);
            if (c > 0) {
                top = score;
                optima.clear();
            }
            if (c >= 0) {
                optima.add(new CommonThreshold.Interval(j + 1 < n ? points[j + 1].exact() : null, v));
            }
        }
        List<CommonThreshold.Step> curve = new ArrayList<>();
        double scale = goal == Objective.MEAN ? members.length : 1;
        for (int j = 0; j < n; j++) {
            curve.add(new CommonThreshold.Step(j + 1 < n ? points[j + 1].value : points[j].value, points[j].value,
                    b.lower[j] / scale, b.upper[j] / scale));
        }
        return new Outcome(top, optima, curve);
    }

    /**
     * Above every rounding error of the bounds of {@code k} cases: each case's metric is a few
     * operations on doubles within 2^−51 of exact sums, whose error the weights α, β amplify.
     */
    private double margin(int k) {
        return 4 * k * ((16 + 8 * (alpha + beta)) * 0x1p-50 + k * 0x1p-52);
    }

    /** Refines every case's level that straddles t (lo &lt; t ≤ hi), until none does. */
    private void resolveAt(int[] members, Fraction t) {
        for (int k : members) {
            for (int i; (i = table(k).straddling(t)) >= 0; ) {
                cases[k] = refiner.refine(k, cases[k], new int[] {i});
                tables[k] = null;
            }
        }
    }

    /** The exact objective at t, which no level of a member straddles. */
    private Fraction objectiveAt(int[] members, Objective goal, Fraction t) {
        List<Fraction> parts = new ArrayList<>();
        long volume = 0;
        List<Fraction> masses = new ArrayList<>();
        for (int k : members) {
            Table table = table(k);
            if (table.straddling(t) >= 0) {
                throw new IllegalStateException("a level straddles the threshold " + t);
            }
            int i = table.levelsAtOrAbove(t);
            if (goal == Objective.MEAN) {
                parts.add(score(table, i));
            } else {
                parts.add(table.tp(i));
                volume += table.cumCount[i];
                masses.add(table.mass);
            }
        }
        return goal == Objective.MEAN ? divide(sum(parts), members.length)
                : metric.score(sum(parts), volume, sum(masses));
    }

    /** The exact metric of the table's case when its top i levels are segmented. */
    private Fraction score(Table t, int i) {
        return metric.score(t.tp(i), t.cumCount[i], t.mass);
    }

    private Table table(int k) {
        if (tables[k] == null) {
            tables[k] = new Table(cases[k]);
        }
        return tables[k];
    }

    private static Fraction sum(List<Fraction> terms) {
        BigInteger n = BigInteger.ZERO;
        BigInteger d = BigInteger.ONE;
        for (Fraction f : terms) {
            Fraction s = Fraction.of(n.multiply(f.denominator()).add(f.numerator().multiply(d)), d.multiply(f.denominator()));
            n = s.numerator();
            d = s.denominator();
        }
        return Fraction.of(n, d);
    }

    private static Fraction divide(Fraction f, long k) {
        return Fraction.of(f.numerator(), f.denominator().multiply(BigInteger.valueOf(k)));
    }

    /** The metric as a double: TP / (TP + α·FP + β·FN), 1 when s and m are both empty. */
    private double metric(double tp, double volume, double mass) {
        if (volume == 0 && mass == 0) {
            return 1;
        }
        if (tp <= 0) {
            return 0;
        }
        return tp / (tp + alpha * Math.max(0, volume - tp) + beta * Math.max(0, mass - tp));
    }

    /**
     * A level bound: {@code value} is the bound correctly rounded; {@code fraction} the exact bound
     * when value is not exact (non-dyadic vote levels), else null.
     */
    private record Point(double value, Fraction fraction) {
        Fraction exact() {
            return fraction != null ? fraction : Fraction.of(value);
        }

        /** Exact comparison: correctly rounded doubles that differ order like their values. */
        static int compare(double a, Fraction ax, double b, Fraction bx) {
            int c = Double.compare(a, b);
            if (c != 0 || ax == null && bx == null) {
                return c;
            }
            return (ax != null ? ax : Fraction.of(a)).compareTo(bx != null ? bx : Fraction.of(b));
        }
    }

    /** Every distinct level bound of the tables, descending. */
    private static Point[] points(Table[] tables) {
        int dyadic = 0;
        for (Table t : tables) {
            dyadic += t.loExact == null ? 2 * t.size : 0;
        }
        double[] values = new double[dyadic];
        List<Point> points = new ArrayList<>();
        int at = 0;
        for (Table t : tables) {
            for (int i = 0; i < t.size; i++) {
                if (t.loExact == null) {
                    values[at++] = t.lo[i];
                    values[at++] = t.hi[i];
                } else {
                    points.add(new Point(t.lo[i], t.loExact[i]));
                    points.add(new Point(t.hi[i], t.hiExact[i]));
                }
            }
        }
        Arrays.sort(values);
        for (int i = 0; i < values.length; i++) {
            if (i == 0 || values[i] != values[i - 1]) {
                points.add(new Point(values[i], null));
            }
        }
        points.sort((p, q) -> Point.compare(q.value, q.fraction, p.value, p.fraction));
        List<Point> distinct = new ArrayList<>();
        for (Point p : points) {
            if (distinct.isEmpty() || Point.compare(p.value, p.fraction, distinct.getLast().value, distinct.getLast().fraction) != 0) {
                distinct.add(p);
            }
        }
        return distinct.toArray(Point[]::new);
    }

    /** One case's levels with what the search reads at each state: i levels at or above t. */
    private static final class Table {
        final LevelHistogram h;
        final int size;
        /** Voxels and exact mass (numerator) of levels [0, i). */
        final long[] cumCount;
        final BigInteger[] cumMass;
        final double[] cumMassApprox;
        final double[] massApprox;
        final double[] lo;
        final double[] hi;
        /** Exact bounds where the doubles are not (non-dyadic votes); null otherwise. */
        final Fraction[] loExact;
        final Fraction[] hiExact;
        final Fraction mass;
        final double massTotal;

        Table(LevelHistogram h) {
            this.h = h;
            size = h.size();
            cumCount = new long[size + 1];
            cumMass = new BigInteger[size + 1];
            cumMassApprox = new double[size + 1];
            massApprox = new double[size];
            lo = new double[size];
            hi = new double[size];
            loExact = h.dyadic() ? null : new Fraction[size];
            hiExact = h.dyadic() ? null : new Fraction[size];
            cumMass[0] = BigInteger.ZERO;
            for (int i = 0; i < size; i++) {
                cumCount[i + 1] = cumCount[i] + h.count(i);
                cumMass[i + 1] = cumMass[i].add(h.massNumerator(i));
                cumMassApprox[i + 1] = approximate(cumMass[i + 1]);
                massApprox[i] = approximate(h.massNumerator(i));
                lo[i] = h.approximateLo(i);
                hi[i] = h.approximateHi(i);
                if (loExact != null) {
                    loExact[i] = h.lo(i);
                    hiExact[i] = h.hi(i);
                }
            }
            mass = Fraction.of(cumMass[size], h.denominator());
            massTotal = cumMassApprox[size];
        }

        /** numerator / denominator within 2^−51 relative (numerators may exceed the double range). */
        private double approximate(BigInteger numerator) {
            int s = Math.max(0, numerator.bitLength() - 960);
            double d = numerator.shiftRight(s).doubleValue();
            BigInteger den = h.denominator();
            return den.bitCount() == 1 ? Math.scalb(d, s - (den.bitLength() - 1)) : Math.scalb(d, s) / den.doubleValue();
        }

        int compareLo(int i, Point p) {
            return Point.compare(lo[i], loExact == null ? null : loExact[i], p.value, p.fraction);
        }

        int compareHi(int i, Point p) {
            return Point.compare(hi[i], hiExact == null ? null : hiExact[i], p.value, p.fraction);
        }

        /** How many levels have lo ≥ t (exact, binary search: lo descends). */
        int levelsAtOrAbove(Fraction t) {
            int a = 0;
            int b = size;
            while (a < b) {
                int mid = (a + b) >>> 1;
                if (h.lo(mid).compareTo(t) >= 0) {
                    a = mid + 1;
                } else {
                    b = mid;
                }
            }
            return a;
        }

        /** The level that is not exact and has lo &lt; t ≤ hi, or −1. */
        int straddling(Fraction t) {
            int i = levelsAtOrAbove(t);
            return i < size && !h.exact(i) && h.hi(i).compareTo(t) >= 0 ? i : -1;
        }

        Fraction tp(int i) {
            return Fraction.of(cumMass[i], h.denominator());
        }
    }

    /**
     * The state of every case as t falls through the points: levels [0, at) lie at or above t;
     * level at is fuzzy when its bin straddles t.
     */
    private final class Sweep {
        final Table[] t;
        final int[] at;
        final boolean[] fuzzy;

        Sweep(Table[] t) {
            this.t = t;
            at = new int[t.length];
            fuzzy = new boolean[t.length];
        }

        /** The states for t in (next point, p]. */
        void advance(Point p) {
            for (int k = 0; k < t.length; k++) {
                Table c = t[k];
                while (at[k] < c.size && c.compareLo(at[k], p) >= 0) {
                    at[k]++;
                }
                fuzzy[k] = at[k] < c.size && c.compareHi(at[k], p) >= 0;
            }
        }

        boolean anyIncluded() {
            for (int a : at) {
                if (a > 0) {
                    return true;
                }
            }
            return false;
        }

        /**
         * [lower, upper] of Σ_k metric_k. A fuzzy level adds x of its n voxels with mass y,
         * x·lo ≤ y ≤ min(Σ, x·hi): the metric grows with TP and falls with the volume, and is a
         * ratio of linear functions along each edge, so its extremes lie at the ends.
         */
        double[] meanBounds() {
            double lower = 0;
            double upper = 0;
            for (int k = 0; k < t.length; k++) {
                Table c = t[k];
                int i = at[k];
                double a = c.cumMassApprox[i];
                double v = c.cumCount[i];
                double here = metric(a, v, c.massTotal);
                if (fuzzy[k]) {
                    double n = c.h.count(i);
                    double s = c.massApprox[i];
                    upper += Math.max(here, metric(a + s, v + s / c.hi[i], c.massTotal));
                    lower += Math.min(here, metric(a + n * c.lo[i], v + n, c.massTotal));
                } else {
                    upper += here;
                    lower += here;
                }
            }
            return new double[] {lower, upper};
        }

        /** [lower, upper] of the pooled metric, bounding the fuzzy levels together as in {@link #meanBounds}. */
        double[] pooledBounds() {
            double a = 0;
            double v = 0;
            double mass = 0;
            double fuzzyMass = 0;
            double fuzzyCount = 0;
            double hiMax = 0;
            double loMin = 1;
            for (int k = 0; k < t.length; k++) {
                Table c = t[k];
                int i = at[k];
                a += c.cumMassApprox[i];
                v += c.cumCount[i];
                mass += c.massTotal;
                if (fuzzy[k]) {
                    fuzzyMass += c.massApprox[i];
                    fuzzyCount += c.h.count(i);
                    hiMax = Math.max(hiMax, c.hi[i]);
                    loMin = Math.min(loMin, c.lo[i]);
                }
            }
            double here = metric(a, v, mass);
            if (fuzzyCount == 0) {
                return new double[] {here, here};
            }
            return new double[] {Math.min(here, metric(a + fuzzyCount * loMin, v + fuzzyCount, mass)),
                    Math.max(here, metric(a + fuzzyMass, v + fuzzyMass / hiMax, mass))};
        }

        /**
         * Adds to {@code refine} the levels that are not exact and meet [below, p] (below null: no
         * lower end), the closure of the current interval; returns whether there were any.
         */
        boolean touching(Point below, Point p, List<TreeSet<Integer>> refine) {
            boolean any = false;
            for (int k = 0; k < t.length; k++) {
                Table c = t[k];
                int i = at[k];
                if (i < c.size && !c.h.exact(i) && (fuzzy[k] || below == null || c.compareHi(i, below) >= 0)) {
                    refine.get(k).add(i);
                    any = true;
                }
                if (i > 0 && !c.h.exact(i - 1) && c.compareLo(i - 1, p) <= 0) {
                    refine.get(k).add(i - 1);
                    any = true;
                }
            }
            return any;
        }
    }
}
