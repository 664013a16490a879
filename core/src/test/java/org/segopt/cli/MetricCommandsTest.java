package org.segopt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.segopt.io.ArrayReaders;
import org.segopt.report.Csv;
import org.segopt.report.ReportTestFiles;

/**
 * {@code --metric} on analyze, segment and report, against a brute force over all 2^n
 * segmentations of tiny vote marginals that scores each one from the definition
 * TI = TP / (TP + α·FP + β·FN) in integers: no thresholds, no sorting.
 */
class MetricCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path FIG4 = Path.of("..", "test-data", "fig4_dice_extreme_votes.npy");
    private static final int N = 10;
    private static final int R = 5;

    @TempDir
    Path dir;

    /**
     * The optimum of TI = t·TP / (t·TP + a·FP + b·FN) (integer weights) over every subset of
     * voxels with vote counts {@code votes} out of R: sup as p/q, the least and greatest volume
     * of a maximizer, and whether each subset maximizes.
     */
    private record Brute(BigInteger p, BigInteger q, long least, long greatest, boolean[] maximizer) {
        static Brute of(int[] votes, long t, long a, long b) {
            int n = votes.length;
            long total = 0;
            for (int c : votes) {
                total += c;
            }
            long[] num = new long[1 << n];
            long[] den = new long[1 << n];
            long bestP = -1;
            long bestQ = 1;
            for (int s = 0; s < 1 << n; s++) {
                long tp = 0;
                long fp = 0;
                for (int i = 0; i < n; i++) {
                    if ((s >>> i & 1) != 0) {
                        tp += votes[i];
                        fp += R - votes[i];
                    }
                }
                long fn = total - tp;
                num[s] = t * tp;
                den[s] = t * tp + a * fp + b * fn;
                if (den[s] == 0) { // s and m both empty: 1
                    num[s] = 1;
                    den[s] = 1;
                }
                if (bestP < 0 || num[s] * bestQ > bestP * den[s]) {
                    bestP = num[s];
                    bestQ = den[s];
                }
            }
            boolean[] maximizer = new boolean[1 << n];
            long least = Long.MAX_VALUE;
            long greatest = -1;
            for (int s = 0; s < 1 << n; s++) {
                maximizer[s] = num[s] * bestQ == bestP * den[s];
                if (maximizer[s]) {
                    least = Math.min(least, Integer.bitCount(s));
                    greatest = Math.max(greatest, Integer.bitCount(s));
                }
            }
            BigInteger g = BigInteger.valueOf(bestP).gcd(BigInteger.valueOf(bestQ));
            return new Brute(BigInteger.valueOf(bestP).divide(g), BigInteger.valueOf(bestQ).divide(g), least, greatest,
                    maximizer);
        }

        String sup() {
            return q.equals(BigInteger.ONE) ? p.toString() : p + "/" + q;
        }
    }

    private static int[] votes(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] v = new int[N];
        for (int i = 0; i < N; i++) {
            v[i] = r.nextInt(4) == 0 ? 0 : r.nextInt(R + 1); // zeros and ties are common
        }
        return v;
    }

    private Path write(int[] votes, String name) throws Exception {
        byte[] data = new byte[votes.length];
        for (int i = 0; i < votes.length; i++) {
            data[i] = (byte) votes[i];
        }
        return ReportTestFiles.npy(dir.resolve(name), new long[] {votes.length}, data);
    }

    private static BigInteger[] fraction(String exact) {
        String[] pq = exact.split("/");
        return new BigInteger[] {new BigInteger(pq[0]), pq.length == 1 ? BigInteger.ONE : new BigInteger(pq[1])};
    }

    @Test
    void analyzeReportsJaccardAndEachMetricExactly() throws Exception {
        for (long seed = 1; seed <= 25; seed++) {
            int[] v = votes(seed);
            Path file = write(v, "v" + seed + ".npy");
            CliRun r = CliRun.of("analyze", "--json", "--votes", R, "--metric", "fbeta:2", "--metric", "tversky:0.3,7/10",
                    "--metric", "dice", "--metric", "jaccard", file);
            assertEquals(0, r.code(), r.err());
            JsonNode j = JSON.readTree(r.out());
            String where = "seed " + seed + ": " + r.out();
            // Jaccard: J = D / (2 - D), and the brute force of TP / (TP + FP + FN).
            BigInteger[] d = fraction(j.get("dice").get("supExact").asText());
            BigInteger jp = d[0];
            BigInteger jq = d[1].shiftLeft(1).subtract(d[0]);
            BigInteger g = jp.gcd(jq);
            String jaccard = jq.divide(g).equals(BigInteger.ONE) ? jp.divide(g).toString() : jp.divide(g) + "/" + jq.divide(g);
            assertEquals(jaccard, j.get("jaccard").get("supExact").asText(), where);
            assertEquals(Brute.of(v, 1, 1, 1).sup(), jaccard, where);
            assertEquals(j.get("jaccard").get("sup").asDouble(), jp.doubleValue() / jq.doubleValue(), 1e-15, where);
            check(j.get("fbeta"), "fbeta:2", Brute.of(v, 5, 1, 4), 1, 5, 4, 5, where); // F2: 5 TP / (5 TP + FP + 4 FN)
            check(j.get("tversky"), "tversky:3/10,7/10", Brute.of(v, 10, 3, 7), 3, 10, 7, 10, where);
            Set<String> fields = new HashSet<>();
            j.get("dice").fieldNames().forEachRemaining(fields::add);
            for (String key : List.of("jaccard", "fbeta", "tversky")) {
                Set<String> these = new HashSet<>();
                j.get(key).fieldNames().forEachRemaining(these::add);
                these.remove("metric");
                assertEquals(fields, these, key);
            }
        }
    }

    /** The JSON object of a metric with weights α = an/ad, β = bn/bd against the brute force. */
    private static void check(JsonNode o, String name, Brute b, long an, long ad, long bn, long bd, String where) {
        assertEquals(name, o.get("metric").asText(), where);
        assertEquals(b.sup(), o.get("supExact").asText(), where);
        assertEquals(b.least, o.get("leastVolume").asLong(), where);
        assertEquals(b.greatest, o.get("greatestVolume").asLong(), where);
        // τ = λα / (1 - λ(1 - α - β)) with λ = p/q, times q·ad·bd above and below.
        BigInteger top = b.p.multiply(BigInteger.valueOf(an * bd));
        BigInteger bottom = b.q.multiply(BigInteger.valueOf(ad * bd))
                .subtract(b.p.multiply(BigInteger.valueOf(ad * bd - an * bd - bn * ad)));
        BigInteger[] tau = fraction(o.get("thresholdExact").asText());
        assertEquals(top.multiply(tau[1]), bottom.multiply(tau[0]), where);
        assertTrue(o.get("ratio").isNull() || o.get("ratio").asDouble() > 0, where);
    }

    @Test
    void segmentWritesAnOptimalMaskOfTheMetric() throws Exception {
        for (long seed = 100; seed < 110; seed++) {
            int[] v = votes(seed);
            Path file = write(v, "s" + seed + ".npy");
            Brute b = Brute.of(v, 5, 1, 4);
            for (boolean least : new boolean[] {false, true}) {
                Path out = dir.resolve("mask" + seed + least + ".npy");
                List<Object> args = new ArrayList<>(List.of("segment", "--metric", "fbeta:2", "--votes", R, "--out", out));
                if (least) {
                    args.add("--least");
                }
                args.add(file);
                CliRun r = CliRun.of(args.toArray());
                assertEquals(0, r.code(), r.err());
                int subset = bits(out);
                assertTrue(b.maximizer[subset], "seed " + seed + ": the mask " + Integer.toBinaryString(subset) + " is not optimal");
                assertEquals(least ? b.least : b.greatest, Integer.bitCount(subset), "seed " + seed);
            }
            // Jaccard has Dice's optimal segmentations.
            CliRun jaccard = CliRun.of("segment", "--metric", "jaccard", "--votes", R, "--out", dir.resolve("j.npy"), file);
            CliRun dice = CliRun.of("segment", "--metric", "dice", "--votes", R, "--out", dir.resolve("d.npy"), file);
            assertEquals(0, jaccard.code() + dice.code(), jaccard.err() + dice.err());
            assertEquals(bits(dir.resolve("d.npy")), bits(dir.resolve("j.npy")));
        }
    }

    private static int bits(Path mask) throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            byte[] data = ArrayReaders.read(mask, arena).data().toArray(ValueLayout.JAVA_BYTE);
            int subset = 0;
            for (int i = 0; i < data.length; i++) {
                subset |= data[i] << i;
            }
            return subset;
        }
    }

    @Test
    void tableShowsJaccardAndTheMetricRows() {
        CliRun r = CliRun.of("analyze", "--votes", 7, "--metric", "tversky:0.3,0.7", FIG4);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Jaccard           0.400000 (2/5)"), r.out());
        assertTrue(r.out().contains("tversky:3/10,7/10 0.689655 (20/29)"), r.out());
    }

    @Test
    void reportAddsTheMetricColumnsAndRatios() throws Exception {
        // Two cases of three raters over N voxels; the brute force gives each one's F2 optimum.
        SplittableRandom random = new SplittableRandom(7);
        List<String> manifest = new ArrayList<>(List.of("roi,case,file"));
        List<Double> ratios = new ArrayList<>();
        for (String c : List.of("p1", "p2")) {
            int[] v = new int[N];
            for (int k = 0; k < 3; k++) {
                byte[] mask = new byte[N];
                for (int i = 0; i < N; i++) {
                    mask[i] = (byte) (random.nextInt(3) == 0 ? 0 : 1);
                    v[i] += mask[i];
                }
                ReportTestFiles.npy(dir.resolve(c + "_" + k + ".npy"), new long[] {N}, mask);
                manifest.add("Bladder," + c + "," + c + "_" + k + ".npy");
            }
            Brute b = Brute.of(v, 5, 1, 4);
            int mass = 0;
            for (int x : v) {
                mass += x;
            }
            ratios.add(b.greatest * 3.0 / mass);
        }
        Path csv = Files.write(dir.resolve("m.csv"), manifest);
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("report", "--manifest", csv, "--out", out, "--metric", "fbeta:2", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode roi = JSON.readTree(r.out()).get("rois").get(0);
        assertEquals("fbeta:2", roi.get("fbetaRatio").get("metric").asText());
        assertEquals((ratios.get(0) + ratios.get(1)) / 2, roi.get("fbetaRatio").get("mean").asDouble(), 1e-12);
        List<List<String>> cases = Csv.parse(Files.readString(out.resolve("cases.csv")));
        int column = cases.getFirst().indexOf("fbeta_ratio");
        assertTrue(column > 0 && cases.getFirst().containsAll(List.of("fbeta_sup_exact", "fbeta_threshold_exact",
                "fbeta_least_volume", "fbeta_greatest_volume")), cases.getFirst().toString());
        assertEquals(ratios.get(0), Double.parseDouble(cases.get(1).get(column)), 1e-12);
        List<List<String>> metrics = Csv.parse(Files.readString(out.resolve("metrics.csv")));
        assertEquals(List.of("roi", "metric", "cases", "ratio_mean", "ratio_std", "ratio_min", "ratio_max"), metrics.getFirst());
        assertEquals(List.of("dice", "fbeta:2"), metrics.stream().skip(1).map(row -> row.get(1)).toList());
        assertTrue(Files.readString(out.resolve("table.md")).contains("| Bladder | fbeta:2 | 2 |"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "analyze --metric dise FIG4|--metric: unknown metric 'dise' (dice, jaccard, fbeta:B, tversky:A,B)",
        "analyze --metric fbeta:0 FIG4|metric 'fbeta:0'",
        "analyze --metric tversky:1 FIG4|tversky needs two weights",
        "analyze --metric tversky:1,2e7 FIG4|the weights must lie between 1e-6 and 1e6",
        "analyze --metric fbeta:2 --metric fbeta:3 FIG4|--metric fbeta:2 and fbeta:3: one metric of each family",
        "analyze FIG4 --metric|--metric needs a value",
        "segment --metric jacard --out x.npy FIG4|--metric: unknown metric 'jacard'",
        "segment --metric fbeta:2 --volume 3 --out x.npy FIG4|--volume applies to --metric volume only",
        "report --manifest m.csv --out o --metric iou|--metric: unknown metric 'iou'",
    })
    void badMetricsAreUsageErrorsNamingThem(String line, String message) {
        CliRun r = CliRun.of((Object[]) line.replace("FIG4", FIG4.toString()).replace("x.npy", dir.resolve("x.npy").toString())
                .split(" "));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(message), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }
}
