package org.segopt.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segopt.Encoding;
import org.segopt.engine.Engine;
import org.segopt.engine.PartCounts;
import org.segopt.io.ReadLimits;
import org.segopt.report.CaseSpec;
import org.segopt.report.DatasetException;
import org.segopt.report.Datasets;

/** The in-process pool against the independent reference: the concatenated volume, analysed by the scalar engine. */
class PoolTest {
    @TempDir
    static Path tmp;
    static PoolDatasets.Written data;
    static List<CaseSpec> cases;

    @BeforeAll
    static void write() throws IOException, DatasetException {
        data = PoolDatasets.write(tmp, 20261201);
        cases = Datasets.manifest(data.manifest()).cases();
    }

    private static Pool.Result pool(String roi, int jobs) throws PoolException, IOException {
        return Pool.run(cases.stream().filter(c -> c.roi().equals(roi)).toList(), ReadLimits.DEFAULT, jobs);
    }

    @Test
    void votesOfMixedRaterCountsPoolOverTheirCommonMultiple() throws Exception {
        Pool.Result r = pool("votes", 2);
        assertEquals(Engine.scalar().analyze(data.references().get("votes")), r.analysis());
        assertEquals(Encoding.VOTES, r.union().encoding());
        assertEquals(PoolDatasets.VOTES_RATERS, r.union().raters());
        assertEquals(6, r.cases().size());
        assertEquals(1, r.errors().size());
        assertTrue(r.errors().getFirst().startsWith("votes/bad: ") && r.errors().getFirst().contains("bad_r0.npy"),
                r.errors().getFirst());
    }

    @Test
    void floatMapsOfThreeWidthsPoolAsFloat64() throws Exception {
        assertPoolsAsItsConcatenation("floats", 3, Encoding.FLOAT64, "NaN");
    }

    @Test
    void float32MapsPoolAsFloat32() throws Exception {
        assertPoolsAsItsConcatenation("float32", 1, Encoding.FLOAT32, null);
    }

    @Test
    void float16MapsPoolWithFloat32OnesAsFloat32() throws Exception {
        assertPoolsAsItsConcatenation("halves", 2, Encoding.FLOAT32, "voxel 1");
    }

    /**
     * The float maps of {@code roi}, pooled with {@code jobs} at a time, analyse as their
     * concatenation in {@code encoding}, and the ROI's one bad case (if {@code badReason} is not
     * null) is left out with that reason.
     */
    private static void assertPoolsAsItsConcatenation(String roi, int jobs, Encoding encoding, String badReason)
            throws Exception {
        Pool.Result r = pool(roi, jobs);
        assertEquals(Engine.scalar().analyze(data.references().get(roi)), r.analysis());
        assertEquals(encoding, r.union().encoding());
        assertEquals(data.bad().get(roi), r.errors().stream().map(e -> e.substring(0, e.indexOf(':'))).toList());
        if (badReason != null) {
            assertTrue(r.errors().getFirst().contains(badReason), r.errors().getFirst());
        }
    }

    @Test
    void masksAndMapsDoNotPool() {
        PoolException e = assertThrows(PoolException.class, () -> pool("mixed", 1));
        assertTrue(e.getMessage().contains("cannot pool rater masks (mixed/mask) with probability maps (mixed/map)"),
                e.getMessage());
    }

    @Test
    void raterCountsWhoseCommonMultipleExceedsTheVoteRangeAreRefused() {
        List<PoolCase> surveyed = List.of(new PoolCase("a/1", Encoding.VOTES, 256, 10, null, PartCounts.EMPTY),
                new PoolCase("a/2", Encoding.VOTES, 257, 10, null, PartCounts.EMPTY));
        PoolException e = assertThrows(PoolException.class, () -> Pool.analyze(surveyed, null));
        assertEquals("the cases' rater counts [256, 257] have the common denominator 65792, above the 65535 a vote "
                + "marginal holds", e.getMessage());
    }

    @Test
    void noUsableCaseIsAnError() {
        PoolException e = assertThrows(PoolException.class,
                () -> Pool.run(List.of(cases.stream().filter(c -> c.roi().equals("floats")).toList().getLast()), ReadLimits.DEFAULT, 1));
        assertTrue(e.getMessage().startsWith("no usable case (1 left out, e.g. floats/bad: "), e.getMessage());
    }
}
