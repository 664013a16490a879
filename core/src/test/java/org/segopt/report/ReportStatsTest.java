package org.segopt.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The shared pieces of report and lidc: statistics, CSV, the Table 1 layout, the plot range. */
class ReportStatsTest {
    @Test
    void populationStdLikeNumpy() {
        // numpy: np.std([1, 2, 3, 4]) = 1.118033988749895, np.mean = 2.5
        Stats s = Stats.of(new double[] {1, 2, 3, 4});
        assertEquals(4, s.count());
        assertEquals(2.5, s.mean());
        assertEquals(1.118033988749895, s.std(), 1e-15);
        assertEquals(1, s.min());
        assertEquals(4, s.max());
        assertEquals(0, Stats.of(new double[] {0.7}).std());
        assertTrue(Stats.of(new double[0]).isEmpty());
        assertTrue(Double.isNaN(Stats.of(new double[0]).mean()));
    }

    @Test
    void csvRoundTrip() {
        List<Object> fields = List.of("a,b", "say \"hi\"", 1.5, 2L, "", "multi\nline");
        String line = Csv.line(fields);
        assertEquals("\"a,b\",\"say \"\"hi\"\"\",1.5,2,,\"multi\nline\"", line);
        List<List<String>> parsed = Csv.parse("h1,h2\r\n" + line + "\n\nx,\"\"\n");
        assertEquals(List.of("h1", "h2"), parsed.get(0));
        assertEquals(List.of("a,b", "say \"hi\"", "1.5", "2", "", "multi\nline"), parsed.get(1));
        assertEquals(List.of("x", ""), parsed.get(2));
        assertEquals(3, parsed.size());
        assertThrows(IllegalArgumentException.class, () -> Csv.parse("a,\"b\n"));
        assertEquals("1", Plots.number(1.0));
        assertEquals("0.1", Plots.number(0.1));
        assertEquals("", Plots.number(Double.NaN));
    }

    @Test
    void markdownHasTable1sLayout() {
        Table1.Row row = Table1.row("Rectum", List.of(new Table1.Ratios(1, 1), new Table1.Ratios(0.5, 1.5)), List.of("p9"));
        String md = Table1.markdown("T", List.of(row), List.of("extra note"));
        assertTrue(md.contains("| Rectum | 2 | 0.750 | 0.250 | 0.500 | 1.000 | 1.250 | 0.250 | 1.000 | 1.500 |"), md);
        assertTrue(md.contains("M = 0") && md.contains("p9"), md);
        assertTrue(md.contains("- extra note"), md);
    }

    @Test
    void plotRangeIsThePapersWhenItHoldsThePoints() {
        Scatter.Panel inside = new Scatter.Panel("a", new double[] {0.5, 1.0}, new double[] {1.0, 1.5});
        assertEquals(new Scatter.Range(0.4, 1.6, 0.2), Scatter.Range.covering(List.of(inside)));
        Scatter.Panel wide = new Scatter.Panel("b", new double[] {0.0}, new double[] {3.2});
        assertEquals(new Scatter.Range(0, 4, 1), Scatter.Range.covering(List.of(inside, wide)));
    }
}
