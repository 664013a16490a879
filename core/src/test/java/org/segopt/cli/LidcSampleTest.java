package org.segopt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segopt.report.Csv;

/**
 * {@code segopt lidc} over the seven public LIDC-IDRI annotation files of
 * {@code ../shared/data/lidc-sample/} (beside the repository; not part of it), skipped where they
 * are absent. The per-series numbers were checked against an independent computation (numpy and
 * matplotlib's {@code Path.contains_points} with pylidc's mask rules, exact fractions).
 */
class LidcSampleTest {
    @TempDir
    Path tmp;

    private static Path sample() {
        return Stream.of(Path.of("..", "shared", "data", "lidc-sample"), Path.of("..", "..", "shared", "data", "lidc-sample"))
                .filter(Files::isDirectory).findFirst().orElse(null);
    }

    @Test
    void runsOverTheSampleFiles() throws IOException {
        Path dir = sample();
        assumeTrue(dir != null, "../shared/data/lidc-sample is not here");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(List.of("lidc", dir.toString(), "--out", tmp.toString(), "--json"),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String stderr = err.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, stderr);
        JsonNode json = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        long files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".xml")).count();
        }
        assertEquals(files, json.get("files").asInt());
        assertEquals(files, json.get("scans").asInt());
        assertEquals(0, json.get("errors").asInt());
        assertEquals(0, json.get("radiographs").asInt());
        JsonNode a = json.get("accuracyRatio");
        JsonNode d = json.get("diceRatio");
        assertTrue(a.get("min").asDouble() >= 0 && a.get("max").asDouble() <= 2, a.toString());
        assertTrue(d.get("min").asDouble() > 0 && d.get("max").asDouble() <= 4, d.toString());
        assertTrue(d.get("mean").asDouble() >= a.get("mean").asDouble());

        List<List<String>> rows = Csv.parse(Files.readString(tmp.resolve("cases.csv")));
        List<String> h = rows.getFirst();
        Map<String, List<String>> byFile = new HashMap<>();
        for (List<String> row : rows.subList(1, rows.size())) {
            byFile.put(row.get(h.indexOf("file")), row);
            assertEquals("4", row.get(h.indexOf("readers")));
            double ra = Double.parseDouble(row.get(h.indexOf("accuracy_ratio")));
            double rd = Double.parseDouble(row.get(h.indexOf("dice_ratio")));
            assertTrue(ra <= rd, "Theorem 3: " + row);
        }
        if (files == 7 && byFile.containsKey("157_158.xml")) {
            List<String> r = byFile.get("157_158.xml");
            assertEquals("13", r.get(h.indexOf("annotations")));
            assertEquals("8987", r.get(h.indexOf("voxels_m_positive")));
            assertEquals("6889.5", r.get(h.indexOf("mass")));
            assertEquals("25861/28359", r.get(h.indexOf("dice_sup_exact")));
            assertEquals(1.0581319399085565, Double.parseDouble(r.get(h.indexOf("dice_ratio"))));
            List<String> p = byFile.get("187_140.xml");
            assertEquals(0.49454545454545457, Double.parseDouble(p.get(h.indexOf("accuracy_ratio"))));
            assertEquals(3.5054545454545454, Double.parseDouble(p.get(h.indexOf("dice_ratio"))));
            for (String single : List.of("187_240.xml", "189_140.xml")) {
                assertEquals("0", byFile.get(single).get(h.indexOf("accuracy_ratio")), single);
                assertEquals("4", byFile.get(single).get(h.indexOf("dice_ratio")), single);
            }
            assertEquals(2.21193, d.get("mean").asDouble(), 1e-5);
        }
        assertTrue(Files.size(tmp.resolve("scatter.png")) > 1000);
    }
}
