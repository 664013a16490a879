package org.segopt.explain;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.Marker;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.segopt.Analysis;
import org.segopt.Curves;
import org.segopt.Fraction;
import org.segopt.report.Plots;

/**
 * The figure of the paper's Figures 2-4 for one marginal m: F_m(t) (eq. 3), its quantile function
 * F_m^-1(v) (eq. 4), a_m(v) (eq. 10) and d_m(v) (eq. 14), with the optimal volume intervals V^A
 * (eq. 7) and V^D (eq. 11) shaded (a line where an interval is one volume) and the thresholds and
 * sup values marked. Volumes are fractions of n, as in the paper.
 *
 * <p>The curves are exact at the engine's breakpoints. Between breakpoints F_m and F_m^-1 are
 * constant and a_m is linear; d_m = 2 S(v) / (M + v) is drawn with S = ∫ (1 − F_m^-1) linear
 * between breakpoints, which is exact when the step between them is one value of m.
 */
public final class ExplainFigure {
    private static final Color CURVE = new Color(0x1f, 0x4e, 0xc8);
    private static final Color ACCURACY = new Color(0xe0, 0x7b, 0x00);
    private static final Color DICE = new Color(0x2c, 0x9c, 0x3c);
    private static final int WIDTH = 1100;
    private static final int HEIGHT = 920;
    private static final int TOP = 70;

    private final Curves curves;
    private final Analysis analysis;
    private final String label;

    /**
     * @param curves   {@code Engine.curves(m)}
     * @param analysis {@code Engine.analyze(m)} of the same m
     * @param label    what m is (file names), for the title
     */
    public ExplainFigure(Curves curves, Analysis analysis, String label) {
        this.curves = curves;
        this.analysis = analysis;
        this.label = label;
    }

    /** Writes the figure as PNG. */
    public void writePng(Path file) throws IOException {
        Plots.headless();
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            title(g);
            JFreeChart[] charts = {distribution(), quantile(), accuracy(), dice()};
            int w = WIDTH / 2;
            int h = (HEIGHT - TOP) / 2;
            for (int i = 0; i < 4; i++) {
                charts[i].draw(g, new Rectangle2D.Double((i % 2) * w, TOP + (i / 2) * h, w, h));
            }
        } finally {
            g.dispose();
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            ChartUtils.writeBufferedImageAsPNG(out, image);
        }
    }

    private void title(Graphics2D g) {
        Analysis.Optimum a = analysis.accuracy();
        Analysis.Optimum d = analysis.dice();
        String first = String.format(Locale.ROOT, "sup A = %s    sup D = %s    τ* = sup D / 2 = %s",
                exact(a.sup()), exact(d.sup()), exact(d.threshold()));
        String second = String.format(Locale.ROOT,
                "n = %d, M = %s:   V^A = [%d, %d] voxels (ratio %s)    V^D = [%d, %d] voxels (ratio %s)",
                analysis.voxels(), number(analysis.mass().doubleValue()), a.leastVolume(), a.greatestVolume(),
                ratio(a.ratio()), d.leastVolume(), d.greatestVolume(), ratio(d.ratio()));
        g.setColor(Color.BLACK);
        Font big = new Font(Font.SANS_SERIF, Font.BOLD, 17);
        Font small = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
        center(g, big, first, 26);
        center(g, small, second, 48);
        center(g, small.deriveFont(Font.ITALIC, 11f), shorten(label, 150), 64);
    }

    private static void center(Graphics2D g, Font font, String text, int y) {
        g.setFont(font);
        FontMetrics fm = g.getFontMetrics();
        g.drawString(text, Math.max(4, (WIDTH - fm.stringWidth(text)) / 2), y);
    }

    private double n() {
        return analysis.voxels();
    }

    private double least(Analysis.Optimum o) {
        return o.leastVolume() / n();
    }

    private double greatest(Analysis.Optimum o) {
        return o.greatestVolume() / n();
    }

    /** F_m(t) = λ(1 − m ≤ t): right-continuous steps at t = 1 − level. */
    private JFreeChart distribution() {
        XYSeries s = new XYSeries("F_m", false, true);
        double t = 0;
        double f = 0;
        for (int k = 0; k < curves.size(); k++) {
            double tk = 1 - curves.level()[k];
            double vk = curves.volume()[k];
            if (tk > t) {
                s.add(t, f);
                s.add(tk, f);
                t = tk;
            }
            f = Math.max(f, vk);
        }
        s.add(t, f);
        s.add(1.0, f);
        Decor d = new Decor(s, "t", "F_m(t)", "F_m");
        d.band(false, least(analysis.accuracy()), greatest(analysis.accuracy()), ACCURACY, "V^A (on the volume axis)");
        d.band(false, least(analysis.dice()), greatest(analysis.dice()), DICE, "V^D (on the volume axis)");
        d.line(true, 0.5, ACCURACY, "t = 1/2");
        d.line(true, 1 - analysis.dice().threshold().doubleValue(), DICE, "t = 1 − τ*");
        return d.chart("F_m(t) = λ(1 − m ≤ t)");
    }

    /** F_m^-1(v): left-continuous steps, the value 1 − level_k on (volume_{k−1}, volume_k]. */
    private JFreeChart quantile() {
        XYSeries s = new XYSeries("F_m^-1", false, true);
        double v = 0;
        for (int k = 1; k < curves.size(); k++) {
            double vk = curves.volume()[k];
            if (vk > v) {
                double tk = 1 - curves.level()[k];
                s.add(v, tk);
                s.add(vk, tk);
                v = vk;
            }
        }
        if (s.getItemCount() == 0) {
            s.add(0, 0);
            s.add(1, 0);
        }
        Decor d = new Decor(s, "v", "F_m^-1(v)", "F_m^-1");
        volumes(d);
        d.line(false, 0.5, ACCURACY, "1/2");
        d.line(false, 1 - analysis.dice().threshold().doubleValue(), DICE, "1 − τ*");
        return d.chart("F_m^-1(v), the quantile function");
    }

    /** a_m(v) = v + 1 − M − 2 ∫_0^v F_m^-1: linear between breakpoints. */
    private JFreeChart accuracy() {
        XYSeries s = new XYSeries("a_m", false, true);
        for (int k = 0; k < curves.size(); k++) {
            s.add(curves.volume()[k], curves.accuracy()[k]);
        }
        if (curves.volume()[curves.size() - 1] < 1) {
            s.add(1.0, curves.accuracy()[curves.size() - 1]);
        }
        Decor d = new Decor(s, "v", "a_m(v)", "a_m");
        volumes(d);
        d.line(false, analysis.accuracy().sup().doubleValue(), ACCURACY, "sup A");
        return d.chart("a_m(v): best Accuracy at volume v");
    }

    /** d_m(v) = 2 ∫_0^v (1 − F_m^-1) / (M + v). */
    private JFreeChart dice() {
        XYSeries s = new XYSeries("d_m", false, true);
        double mass = analysis.mass().doubleValue() / n();
        int steps = curves.size() > 2000 ? 1 : Math.max(2, 4000 / Math.max(1, curves.size()));
        for (int k = 0; k < curves.size(); k++) {
            double vk = curves.volume()[k];
            if (k > 0 && mass > 0) {
                double v0 = curves.volume()[k - 1];
                double s0 = integral(k - 1, mass);
                double s1 = integral(k, mass);
                for (int j = 1; j < steps && vk > v0; j++) {
                    double v = v0 + (vk - v0) * j / steps;
                    double sv = s0 + (s1 - s0) * (v - v0) / (vk - v0);
                    s.add(v, 2 * sv / (mass + v));
                }
            }
            s.add(vk, curves.dice()[k]);
        }
        Decor d = new Decor(s, "v", "d_m(v)", "d_m");
        volumes(d);
        d.line(false, analysis.dice().sup().doubleValue(), DICE, "sup D");
        return d.chart("d_m(v): best Dice at volume v");
    }

    /** ∫_0^v (1 − F_m^-1) at breakpoint k, from a_m: S = (a − 1 + M + v) / 2. */
    private double integral(int k, double mass) {
        return (curves.accuracy()[k] - 1 + mass + curves.volume()[k]) / 2;
    }

    /** V^A and V^D shaded on the v axis. */
    private void volumes(Decor d) {
        d.band(true, least(analysis.accuracy()), greatest(analysis.accuracy()), ACCURACY, "V^A");
        d.band(true, least(analysis.dice()), greatest(analysis.dice()), DICE, "V^D");
    }

    /** One panel: the curve, its markers and a legend naming each. */
    private static final class Decor {
        private final XYPlot plot;
        private final LegendItemCollection legend = new LegendItemCollection();

        Decor(XYSeries series, String x, String y, String name) {
            NumberAxis domain = new NumberAxis(x);
            domain.setRange(0, 1);
            NumberAxis range = new NumberAxis(y);
            XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
            renderer.setSeriesPaint(0, CURVE);
            renderer.setSeriesStroke(0, new BasicStroke(2f));
            plot = new XYPlot(new XYSeriesCollection(series), domain, range, renderer);
            plot.setBackgroundPaint(Color.WHITE);
            plot.setDomainGridlinePaint(new Color(0xdd, 0xdd, 0xdd));
            plot.setRangeGridlinePaint(new Color(0xdd, 0xdd, 0xdd));
            double lo = Math.min(0, series.getMinY());
            double hi = series.getMaxY();
            double pad = Math.max(0.05, (hi - lo) * 0.08);
            range.setRange(lo, hi + pad);
            legend.add(new LegendItem(name, null, null, null, new Line2D.Double(-9, 0, 9, 0), new BasicStroke(2f), CURVE));
        }

        /** A shaded interval [lo, hi] on the domain (v or t) or range axis; a dashed line if lo = hi. */
        void band(boolean domain, double lo, double hi, Color color, String name) {
            if (hi - lo <= 0) {
                line(domain, lo, color, name.replaceFirst(" \\(.*", "") + " = {" + number(lo) + "}");
                return;
            }
            IntervalMarker m = new IntervalMarker(lo, hi);
            Color fill = new Color(color.getRed(), color.getGreen(), color.getBlue(), 60);
            m.setPaint(fill);
            m.setOutlinePaint(color);
            add(domain, m);
            legend.add(new LegendItem(name + " = [" + number(lo) + ", " + number(hi) + "]", null, null, null,
                    new Rectangle2D.Double(-6, -6, 12, 12), fill, new BasicStroke(1f), color));
        }

        /** A dashed line at {@code value}. */
        void line(boolean domain, double value, Color color, String name) {
            BasicStroke dashed = new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f);
            add(domain, new ValueMarker(value, color, dashed));
            legend.add(new LegendItem(name, null, null, null, new Line2D.Double(-9, 0, 9, 0), dashed, color));
        }

        private void add(boolean domain, Marker m) {
            if (domain) {
                plot.addDomainMarker(m, Layer.BACKGROUND);
            } else {
                plot.addRangeMarker(m, Layer.BACKGROUND);
            }
        }

        JFreeChart chart(String title) {
            plot.setFixedLegendItems(legend);
            JFreeChart chart = new JFreeChart(null, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
            chart.setTitle(new TextTitle(title, new Font(Font.SANS_SERIF, Font.BOLD, 14)));
            chart.getLegend().setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            chart.getLegend().setFrame(BlockBorder.NONE);
            chart.setBackgroundPaint(Color.WHITE);
            return chart;
        }
    }

    private static String exact(Fraction f) {
        String e = f.toString();
        String d = number(f.doubleValue());
        return e.length() <= 15 && !e.equals(d) ? d + " (" + e + ")" : d;
    }

    private static String ratio(Fraction f) {
        return f == null ? "undefined" : String.format(Locale.ROOT, "%.3f", f.doubleValue());
    }

    /** Integers as such, other values with six significant digits and no trailing zeros. */
    private static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        String s = String.format(Locale.ROOT, "%.6g", v);
        return s.contains("e") || !s.contains(".") ? s : s.replaceFirst("0+$", "").replaceFirst("\\.$", "");
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : "…" + s.substring(s.length() - max + 1);
    }
}
