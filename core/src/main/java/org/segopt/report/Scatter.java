package org.segopt.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYLineAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The scatter plots of the paper's Figures 5 and 6: one square panel per group (ROI), the relative
 * Accuracy-optimal volume ‖s^A‖/‖m‖ on x against the relative Dice-optimal volume ‖s^D‖/‖m‖ on y,
 * open circles, and the identity line. All panels share one range on both axes so that the
 * identity line is the diagonal of every panel.
 *
 * <p>PNG is drawn by JFreeChart. JFreeChart's own SVG export ({@code ExportUtils.writeAsSVG})
 * needs the separate JFreeSVG library, so the SVG is written here directly: the same panels, axes,
 * ticks, identity line and points as vector graphics.
 */
public final class Scatter {
    static final String X_LABEL = "‖s\u1D2C‖₁ / ‖m‖₁";
    static final String Y_LABEL = "‖s\u1D30‖₁ / ‖m‖₁";
    private static final int PANEL = 340;
    private static final int COLUMNS = 3;
    private static final Color POINT = new Color(0x1f, 0x4e, 0xc8);

    /** One panel: a title and the points (x = Accuracy ratio, y = Dice ratio). */
    public record Panel(String title, double[] x, double[] y) {
        public Panel {
            if (x.length != y.length) {
                throw new IllegalArgumentException("x and y differ in length");
            }
        }
    }

    /** The range [lower, upper] of both axes with the tick spacing. */
    public record Range(double lower, double upper, double tick) {
        /** Space shown beyond [lower, upper] on each side, so that points on the bounds stay whole. */
        public double margin() {
            return (upper - lower) * 0.03;
        }

        /**
         * The range of the paper's Figure 5, [0.4, 1.6] (ticks every 0.2), when it holds every point;
         * otherwise [0, u] with u the least whole number (at least 2) above every point.
         */
        public static Range covering(List<Panel> panels) {
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (Panel p : panels) {
                for (int i = 0; i < p.x().length; i++) {
                    for (double v : new double[] {p.x()[i], p.y()[i]}) {
                        if (Double.isFinite(v)) {
                            min = Math.min(min, v);
                            max = Math.max(max, v);
                        }
                    }
                }
            }
            if (!(min < 0.4) && !(max > 1.6)) {
                return new Range(0.4, 1.6, 0.2);
            }
            double upper = Math.max(2, Math.ceil(max));
            double tick = upper <= 2 ? 0.5 : upper <= 8 ? 1 : Math.ceil(upper / 8);
            return new Range(0, Math.ceil(upper / tick) * tick, tick);
        }

        /** The fixed range [0, 4] of the paper's Figure 6. */
        public static Range lungNodules() {
            return new Range(0, 4, 1);
        }
    }

    private final List<Panel> panels;
    private final Range range;

    public Scatter(List<Panel> panels, Range range) {
        if (panels.isEmpty()) {
            throw new IllegalArgumentException("no panels");
        }
        this.panels = List.copyOf(panels);
        this.range = range;
    }

    private int columns() {
        return Math.min(COLUMNS, panels.size());
    }

    private int rows() {
        return (panels.size() + COLUMNS - 1) / COLUMNS;
    }

    /** Width of the whole figure in pixels (also the SVG's user units). */
    public int width() {
        return columns() * PANEL;
    }

    /** Height of the whole figure. */
    public int height() {
        return rows() * PANEL;
    }

    /** Writes the figure as PNG, drawn with JFreeChart. */
    public void writePng(Path file) throws IOException {
        Plots.headless();
        BufferedImage image = new BufferedImage(width(), height(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width(), height());
            for (int i = 0; i < panels.size(); i++) {
                chart(panels.get(i)).draw(g, new Rectangle2D.Double((i % COLUMNS) * PANEL, (i / COLUMNS) * PANEL, PANEL, PANEL));
            }
        } finally {
            g.dispose();
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            ChartUtils.writeBufferedImageAsPNG(out, image);
        }
    }

    private JFreeChart chart(Panel panel) {
        XYSeries series = new XYSeries(panel.title(), false, true);
        for (int i = 0; i < panel.x().length; i++) {
            series.add(panel.x()[i], panel.y()[i]);
        }
        NumberAxis x = axis(X_LABEL);
        NumberAxis y = axis(Y_LABEL);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(false, true);
        renderer.setSeriesShape(0, new Ellipse2D.Double(-4, -4, 8, 8));
        renderer.setSeriesShapesFilled(0, false);
        renderer.setSeriesPaint(0, POINT);
        renderer.setSeriesStroke(0, new BasicStroke(1.2f));
        XYPlot plot = new XYPlot(new XYSeriesCollection(series), x, y, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdd, 0xdd, 0xdd));
        plot.setRangeGridlinePaint(new Color(0xdd, 0xdd, 0xdd));
        double lo = range.lower() - range.margin();
        double hi = range.upper() + range.margin();
        plot.addAnnotation(new XYLineAnnotation(lo, lo, hi, hi,
                new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {5f, 4f}, 0f),
                Color.GRAY));
        JFreeChart chart = new JFreeChart(null, JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        chart.setTitle(new TextTitle(panel.title() + " (" + panel.x().length + ")", new Font(Font.SANS_SERIF, Font.BOLD, 14)));
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    private NumberAxis axis(String label) {
        NumberAxis axis = new NumberAxis(label);
        axis.setRange(range.lower() - range.margin(), range.upper() + range.margin());
        axis.setTickUnit(new NumberTickUnit(range.tick(), new java.text.DecimalFormat("0.0")));
        axis.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        return axis;
    }

    /** Writes the same figure as SVG (vector: panels, ticks, identity line, points). */
    public void writeSvg(Path file) throws IOException {
        StringBuilder s = new StringBuilder();
        s.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans, Arial, sans-serif\">%n", width(), height(), width(), height()));
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        for (int i = 0; i < panels.size(); i++) {
            svgPanel(s, i, panels.get(i));
        }
        s.append("</svg>\n");
        Files.writeString(file, s, StandardCharsets.UTF_8);
    }

    /** Where {@code value} lies on an axis, 0 at its start and 1 at its end (margins included). */
    private double fraction(double value) {
        double lo = range.lower() - range.margin();
        double hi = range.upper() + range.margin();
        return (value - lo) / (hi - lo);
    }

    private void svgPanel(StringBuilder s, int index, Panel panel) {
        double ox = (index % COLUMNS) * PANEL;
        double oy = (index / COLUMNS) * PANEL;
        double left = ox + 62;
        double top = oy + 34;
        double size = PANEL - 62 - 20;
        double bottom = top + size;
        s.append(String.format(Locale.ROOT, "<g id=\"panel-%d\">%n", index + 1));
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">%s</text>%n",
                left + size / 2, oy + 22, Plots.xml(panel.title() + " (" + panel.x().length + ")")));
        s.append(String.format(Locale.ROOT, "<clipPath id=\"clip-%d\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/></clipPath>%n",
                index + 1, left, top, size, size));
        int ticks = (int) Math.round((range.upper() - range.lower()) / range.tick());
        for (int t = 0; t <= ticks; t++) {
            double value = range.lower() + t * range.tick();
            double f = fraction(value);
            double px = left + f * size;
            double py = bottom - f * size;
            String label = String.format(Locale.ROOT, "%.1f", value);
            s.append(String.format(Locale.ROOT, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#dddddd\"/>%n", px, top, px, bottom));
            s.append(String.format(Locale.ROOT, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#dddddd\"/>%n", left, py, left + size, py));
            s.append(String.format(Locale.ROOT, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"black\"/>%n", px, bottom, px, bottom + 4));
            s.append(String.format(Locale.ROOT, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"black\"/>%n", left - 4, py, left, py));
            s.append(String.format(Locale.ROOT, "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"middle\" font-size=\"10\">%s</text>%n", px, bottom + 15, label));
            s.append(String.format(Locale.ROOT, "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"end\" font-size=\"10\">%s</text>%n", left - 6, py + 3.5, label));
        }
        s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"black\"/>%n",
                left, top, size, size));
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"12\">%s</text>%n",
                left + size / 2, bottom + 32, Plots.xml(X_LABEL)));
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"12\" transform=\"rotate(-90 %.1f %.1f)\">%s</text>%n",
                ox + 16, top + size / 2, ox + 16, top + size / 2, Plots.xml(Y_LABEL)));
        s.append(String.format(Locale.ROOT, "<g clip-path=\"url(#clip-%d)\">%n", index + 1));
        s.append(String.format(Locale.ROOT, "<line class=\"identity\" x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"gray\" stroke-dasharray=\"5 4\"/>%n",
                left, bottom, left + size, top));
        for (int i = 0; i < panel.x().length; i++) {
            double fx = fraction(panel.x()[i]);
            double fy = fraction(panel.y()[i]);
            s.append(String.format(Locale.ROOT, "<circle class=\"point\" cx=\"%.2f\" cy=\"%.2f\" r=\"4\" fill=\"none\" stroke=\"#1f4ec8\" stroke-width=\"1.2\">"
                    + "<title>(%s, %s)</title></circle>%n", left + fx * size, bottom - fy * size,
                    Plots.number(panel.x()[i]), Plots.number(panel.y()[i])));
        }
        s.append("</g>\n</g>\n");
    }
}
