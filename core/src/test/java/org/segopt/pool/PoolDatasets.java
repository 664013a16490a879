package org.segopt.pool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.segopt.Marginal;
import org.segopt.report.Csv;
import org.segopt.report.ReportTestFiles;

/**
 * A seeded manifest dataset for pooled analyses, with its independent reference: for each ROI,
 * the usable cases' volumes concatenated into one marginal and written as one file (what
 * {@code segopt analyze} of the concatenation reads). ROIs:
 * <ul>
 *   <li>{@code votes}: rater masks with R = 2, 3, 4 and 6 (pooled over L = 12), a case with M = 0,
 *   and a bad case (a mask holding 2);</li>
 *   <li>{@code floats}: float32, float16 and float64 maps (pooled as float64) with ties at ½ and
 *   many distinct values, and a bad case (a NaN);</li>
 *   <li>{@code float32}: float32 maps only;</li>
 *   <li>{@code halves}: float16 and float32 maps (pooled as float32, the float16 ones without a
 *   widened copy), float16 subnormals among them, and a bad float16 case (a value above 1);</li>
 *   <li>{@code mixed}: a mask case and a map case, which do not pool.</li>
 * </ul>
 */
public final class PoolDatasets {
    /** L of the {@code votes} ROI. */
    public static final int VOTES_RATERS = 12;

    private PoolDatasets() {
    }

    /**
     * The dataset written.
     *
     * @param manifest     the manifest CSV
     * @param references   per ROI (not {@code mixed}), the concatenation of its usable cases
     * @param concatenated per ROI, the concatenation as a {@code .npy} file (votes as uint16 counts of R = L)
     * @param bad          per ROI, the labels of its bad cases
     */
    public record Written(Path manifest, Map<String, Marginal> references, Map<String, Path> concatenated,
                          Map<String, List<String>> bad) {
    }

    public static Written write(Path dir, long seed) throws IOException {
        Random random = new Random(seed);
        List<String> lines = new ArrayList<>(List.of("roi,case,file"));
        Map<String, Marginal> references = new LinkedHashMap<>();
        Map<String, Path> concatenated = new LinkedHashMap<>();
        Map<String, List<String>> bad = new LinkedHashMap<>();

        // votes: mixed rater counts
        List<Integer> all = new ArrayList<>();
        int[] raters = {2, 3, 4, 6, 3, 2};
        for (int c = 0; c < raters.length; c++) {
            int n = 200 + random.nextInt(600);
            int[] votes = new int[n];
            boolean empty = c == 4;
            for (int r = 0; r < raters[c]; r++) {
                byte[] mask = new byte[n];
                for (int i = 0; i < n; i++) {
                    mask[i] = (byte) (!empty && random.nextInt(3) == 0 ? 1 : 0);
                    votes[i] += mask[i];
                }
                String rel = "votes/c" + c + "_r" + r + ".npy";
                ReportTestFiles.npy(dir.resolve(rel), new long[] {n}, mask);
                lines.add(Csv.line(List.of("votes", "c" + c, rel)));
            }
            for (int v : votes) {
                all.add(v * (VOTES_RATERS / raters[c]));
            }
        }
        byte[] broken = {0, 1, 2, 1};
        ReportTestFiles.npy(dir.resolve("votes/bad_r0.npy"), new long[] {4}, broken);
        ReportTestFiles.npy(dir.resolve("votes/bad_r1.npy"), new long[] {4}, new byte[] {1, 1, 0, 0});
        lines.add("votes,bad,votes/bad_r0.npy");
        lines.add("votes,bad,votes/bad_r1.npy");
        bad.put("votes", List.of("votes/bad"));
        int[] pooledVotes = all.stream().mapToInt(Integer::intValue).toArray();
        references.put("votes", Marginal.ofVotes(pooledVotes, VOTES_RATERS));
        ByteBuffer u16 = ByteBuffer.allocate(2 * pooledVotes.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : pooledVotes) {
            u16.putShort((short) v);
        }
        concatenated.put("votes", ReportTestFiles.npy(dir.resolve("concat/votes.npy"), new long[] {pooledVotes.length},
                "<u2", u16.array()));

        // floats: float32, float16 and float64 maps
        List<Double> floats = new ArrayList<>();
        for (int c = 0; c < 5; c++) {
            int n = 300 + random.nextInt(700);
            String kind = switch (c % 3) {
                case 0 -> "f4";
                case 1 -> "f2";
                default -> "f8";
            };
            int width = kind.equals("f4") ? 4 : kind.equals("f2") ? 2 : 8;
            ByteBuffer b = ByteBuffer.allocate(width * n).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                double v = value(random);
                switch (kind) {
                    case "f4" -> b.putFloat((float) v);
                    case "f2" -> b.putShort(Float.floatToFloat16((float) v));
                    default -> b.putDouble(v);
                }
                floats.add(kind.equals("f4") ? (double) (float) v
                        : kind.equals("f2") ? (double) Float.float16ToFloat(Float.floatToFloat16((float) v)) : v);
            }
            String rel = "floats/c" + c + "." + kind + ".npy";
            ReportTestFiles.npy(dir.resolve(rel), new long[] {n}, "<" + kind, b.array());
            lines.add(Csv.line(List.of("floats", "c" + c, rel)));
        }
        ByteBuffer nan = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putFloat(0.5f).putFloat(Float.NaN).putFloat(1);
        ReportTestFiles.npy(dir.resolve("floats/bad.npy"), new long[] {3}, "<f4", nan.array());
        lines.add("floats,bad,floats/bad.npy");
        bad.put("floats", List.of("floats/bad"));
        double[] pooledFloats = floats.stream().mapToDouble(Double::doubleValue).toArray();
        references.put("floats", Marginal.ofDoubles(pooledFloats));
        ByteBuffer f8 = ByteBuffer.allocate(8 * pooledFloats.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : pooledFloats) {
            f8.putDouble(v);
        }
        concatenated.put("floats", ReportTestFiles.npy(dir.resolve("concat/floats.npy"), new long[] {pooledFloats.length},
                "<f8", f8.array()));

        // float32 maps only
        List<Float> singles = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            int n = 500 + random.nextInt(500);
            ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                float v = (float) value(random);
                b.putFloat(v);
                singles.add(v);
            }
            String rel = "float32/c" + c + ".npy";
            ReportTestFiles.npy(dir.resolve(rel), new long[] {n}, "<f4", b.array());
            lines.add(Csv.line(List.of("float32", "c" + c, rel)));
        }
        float32Reference(dir, "float32", singles, references, concatenated);
        bad.put("float32", List.of());

        // float16 and float32 maps
        List<Float> halves = new ArrayList<>();
        for (int c = 0; c < 5; c++) {
            int n = 400 + random.nextInt(600);
            String kind = c % 2 == 0 ? "f2" : "f4";
            ByteBuffer b = ByteBuffer.allocate((kind.equals("f4") ? 4 : 2) * n).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                float v = random.nextInt(8) == 0 ? (float) Math.scalb(random.nextDouble(), -random.nextInt(30)) : (float) value(random);
                if (kind.equals("f2")) {
                    short h = Float.floatToFloat16(v);
                    b.putShort(h);
                    v = Float.float16ToFloat(h);
                } else {
                    b.putFloat(v);
                }
                halves.add(v);
            }
            String rel = "halves/c" + c + "." + kind + ".npy";
            ReportTestFiles.npy(dir.resolve(rel), new long[] {n}, "<" + kind, b.array());
            lines.add(Csv.line(List.of("halves", "c" + c, rel)));
        }
        ReportTestFiles.npy(dir.resolve("halves/bad.npy"), new long[] {2}, "<f2", ByteBuffer.allocate(4)
                .order(ByteOrder.LITTLE_ENDIAN).putShort(Float.floatToFloat16(0.5f)).putShort(Float.floatToFloat16(1.5f)).array());
        lines.add("halves,bad,halves/bad.npy");
        bad.put("halves", List.of("halves/bad"));
        float32Reference(dir, "halves", halves, references, concatenated);

        // masks and maps together
        ReportTestFiles.npy(dir.resolve("mixed/mask.npy"), new long[] {3}, new byte[] {0, 1, 1});
        ReportTestFiles.npy(dir.resolve("mixed/map.npy"), new long[] {2}, "<f4",
                ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(0.25f).putFloat(1).array());
        lines.add("mixed,mask,mixed/mask.npy");
        lines.add("mixed,map,mixed/map.npy");

        Path manifest = dir.resolve("pool.csv");
        Files.write(manifest, lines);
        return new Written(manifest, references, concatenated, bad);
    }

    /** Puts the float32 concatenation of a ROI's values into the references and as {@code concat/ROI.npy}. */
    private static void float32Reference(Path dir, String roi, List<Float> values, Map<String, Marginal> references,
                                         Map<String, Path> concatenated) throws IOException {
        float[] pooled = new float[values.size()];
        ByteBuffer f4 = ByteBuffer.allocate(4 * pooled.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < pooled.length; i++) {
            pooled[i] = values.get(i);
            f4.putFloat(pooled[i]);
        }
        references.put(roi, Marginal.ofFloats(pooled));
        concatenated.put(roi, ReportTestFiles.npy(dir.resolve("concat/" + roi + ".npy"), new long[] {pooled.length},
                "<f4", f4.array()));
    }

    /** A probability: exact 0, ½ and 1 often (ties), else one of many distinct values. */
    private static double value(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> 0;
            case 1 -> 1;
            case 2 -> 0.5;
            case 3 -> random.nextInt(64) / 64.0;
            default -> random.nextDouble();
        };
    }
}
