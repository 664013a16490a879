package org.segopt.calibrate;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.segopt.report.Plots;

/**
 * The figure of a {@link CommonThreshold}: the objective against the common threshold t on [0, 1]
 * as the step function it is (its lower bound, and the upper bound in grey where the search never
 * needed it exactly), with t = ½ and the optimum marked. PNG by JFreeChart, SVG written directly
 * (JFreeChart's SVG export needs another library), as {@code report}'s scatter plot does.
 */
final class ObjectiveCurve {
    private static final int WIDTH = 640;
    private static final int HEIGHT = 420;
    private static final Color CURVE = new Color(0x1f, 0x4e, 0xc8);
    private static final Color OPTIMUM = new Color(0xc8, 0x30, 0x1f);

    private final String label;
    private final double threshold;
    /** Corners of the step functions, ascending t: {t, lower, upper}. */
    private final List<double[]> corners = new ArrayList<>();

    ObjectiveCurve(CommonThreshold result) {
        this.label = result.objective().label() + " " + result.metric().name();
        this.threshold = result.threshold().doubleValue();
        List<CommonThreshold.Step> steps = result.curve();
        for (int j = steps.size() - 1; j >= 0; j--) { // ascending t
            CommonThreshold.Step s = steps.get(j);
            double from = j == steps.size() - 1 ? 0 : s.from();
            if (corners.isEmpty() || corners.getLast()[1] != s.lower() || corners.getLast()[2] != s.upper()) {
                corners.add(new double[] {from, s.lower(), s.upper()});
            }
            corners.add(new double[] {s.to(), s.lower(), s.upper()});
        }
    }

    void writePng(Path file) throws IOException {
        Plots.headless();
        XYSeries lower = new XYSeries("objective", false, true);
        XYSeries upper = new XYSeries("upper bound", false, true);
        for (double[] c : corners) {
            lower.add(c[0], c[1]);
            upper.add(c[0], c[2]);
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(lower);
        data.addSeries(upper);
        NumberAxis x = new NumberAxis("threshold t (segment m ≥ t)");
        x.setRange(0, 1);
        NumberAxis y = new NumberAxis(label);
        y.setAutoRangeIncludesZero(false);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        renderer.setSeriesPaint(0, CURVE);
        renderer.setSeriesStroke(0, new BasicStroke(1.6f));
        renderer.setSeriesPaint(1, Color.LIGHT_GRAY);
        XYPlot plot = new XYPlot(data, x, y, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.addDomainMarker(marker(0.5, "t = 1/2", Color.GRAY, threshold > 0.5));
        plot.addDomainMarker(marker(threshold, "optimum", OPTIMUM, threshold <= 0.5));
        JFreeChart chart = new JFreeChart("Common threshold: " + label, new Font(Font.SANS_SERIF, Font.BOLD, 14), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        try (OutputStream out = Files.newOutputStream(file)) {
            ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT);
        }
    }

    /** A dashed vertical line at t = {@code at}, labelled on its left or right (so the two labels never overlap). */
    private static ValueMarker marker(double at, String text, Color color, boolean left) {
        ValueMarker m = new ValueMarker(at, color, new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                new float[] {5f, 4f}, 0f));
        m.setLabel(text);
        m.setLabelPaint(color);
        m.setLabelAnchor(left ? RectangleAnchor.TOP_LEFT : RectangleAnchor.TOP_RIGHT);
        m.setLabelTextAnchor(left ? TextAnchor.TOP_RIGHT : TextAnchor.TOP_LEFT);
        return m;
    }

    void writeSvg(Path file) throws IOException {
        double left = 70;
        double top = 40;
        double w = WIDTH - left - 20;
        double h = HEIGHT - top - 60;
        double yMin = 1;
        double yMax = 0;
        for (double[] c : corners) {
            yMin = Math.min(yMin, c[1]);
            yMax = Math.max(yMax, c[2]);
        }
        yMin = Math.floor(yMin * 10) / 10;
        yMax = Math.max(yMin + 0.1, Math.ceil(yMax * 10) / 10);
        StringBuilder s = new StringBuilder();
        s.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                + "font-family=\"DejaVu Sans, Arial, sans-serif\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"24\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">%s</text>%n",
                left + w / 2, Plots.xml("Common threshold: " + label)));
        for (int t = 0; t <= 4; t++) {
            double px = left + t / 4.0 * w;
            double py = top + h - t / 4.0 * h;
            s.append(String.format(Locale.ROOT, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#dddddd\"/>%n", px, top, px, top + h));
            s.append(String.format(Locale.ROOT, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#dddddd\"/>%n", left, py, left + w, py));
            s.append(String.format(Locale.ROOT, "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"middle\" font-size=\"10\">%s</text>%n",
                    px, top + h + 15, Plots.number(t / 4.0)));
            s.append(String.format(Locale.ROOT, "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"end\" font-size=\"10\">%s</text>%n",
                    left - 6, py + 3.5, String.format(Locale.ROOT, "%.3f", yMin + (yMax - yMin) * t / 4)));
        }
        s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"black\"/>%n",
                left, top, w, h));
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"12\">threshold t (segment m ≥ t)</text>%n",
                left + w / 2, top + h + 34));
        s.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"12\" transform=\"rotate(-90 16 %.1f)\">%s</text>%n",
                top + h / 2, top + h / 2, Plots.xml(label)));
        for (int series = 2; series >= 1; series--) {
            s.append(String.format(Locale.ROOT, "<polyline class=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"%s\" points=\"",
                    series == 1 ? "objective" : "upper", series == 1 ? "#1f4ec8" : "#c0c0c0", series == 1 ? "1.6" : "1"));
            for (double[] c : corners) {
                s.append(String.format(Locale.ROOT, "%.2f,%.2f ", left + c[0] * w, top + h - (c[series] - yMin) / (yMax - yMin) * h));
            }
            s.append("\"/>\n");
        }
        svgMarker(s, 0.5, "t = 1/2", "gray", threshold > 0.5, left, top, w, h);
        svgMarker(s, threshold, "optimum", "#c8301f", threshold <= 0.5, left, top, w, h);
        s.append("</svg>\n");
        Files.writeString(file, s, StandardCharsets.UTF_8);
    }

    private static void svgMarker(StringBuilder s, double at, String text, String color, boolean onLeft, double left, double top,
                                  double w, double h) {
        double px = left + at * w;
        s.append(String.format(Locale.ROOT, "<line class=\"marker\" x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"%s\" "
                + "stroke-dasharray=\"5 4\"/>%n", px, top, px, top + h, color));
        s.append(String.format(Locale.ROOT, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"10\" fill=\"%s\" text-anchor=\"%s\">%s</text>%n",
                onLeft ? px - 3 : px + 3, top + 12, color, onLeft ? "end" : "start", Plots.xml(text)));
    }
}
