package org.segopt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs {@code segopt analyze --json} on every case of {@code test-data/cases.json}, whose expected
 * results were computed by an independent exact Python reference ({@code make_fixtures.py}), and
 * requires exact agreement: volumes and exact fractions as equal strings and integers, and doubles
 * equal bit for bit (both sides round the same exact fraction correctly).
 */
class FixturesTest {
    private static final Path DATA = Path.of("..", "test-data");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestFactory
    Stream<DynamicTest> everyFixture() throws Exception {
        JsonNode cases = JSON.readTree(DATA.resolve("cases.json").toFile()).get("cases");
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases) {
            tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> check(c)));
        }
        return tests.stream();
    }

    private static void check(JsonNode c) throws Exception {
        List<String> args = new ArrayList<>(List.of("analyze", "--json"));
        for (JsonNode a : c.get("args")) {
            String s = a.asText();
            args.add(s.endsWith(".npy") ? DATA.resolve(s).toString() : s);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String stderr = err.toString(StandardCharsets.UTF_8);
        assertEquals(c.get("exit").asInt(), code, () -> "exit code; stderr: " + stderr);
        if (code == 0) {
            JsonNode actual = JSON.readTree(out.toString(StandardCharsets.UTF_8));
            assertSubset(c.get("expected"), actual, "");
            assertEquals("", stderr);
        } else {
            String expected = DATA.resolve(c.get("stderr").asText()).toString();
            assertTrue(stderr.startsWith(expected.substring(0, expected.lastIndexOf(':') + 1)), stderr);
            assertTrue(stderr.contains(c.get("stderr").asText().substring(c.get("stderr").asText().indexOf(':'))), stderr);
            assertEquals(1, stderr.lines().count(), "one line: " + stderr);
            assertEquals("", out.toString(StandardCharsets.UTF_8));
        }
    }

    /** Every field of {@code expected} is present in {@code actual} with the same value. */
    private static void assertSubset(JsonNode expected, JsonNode actual, String path) {
        if (expected.isObject()) {
            for (Map.Entry<String, JsonNode> f : expected.properties()) {
                assertTrue(actual.has(f.getKey()), "missing " + path + "." + f.getKey());
                assertSubset(f.getValue(), actual.get(f.getKey()), path + "." + f.getKey());
            }
        } else if (expected.isNumber() && expected.isFloatingPointNumber() || actual.isFloatingPointNumber()) {
            assertEquals(expected.asDouble(), actual.asDouble(), 0.0, path);
        } else {
            assertEquals(expected, actual, path);
        }
    }

    @org.junit.jupiter.api.Test
    void fixturesExist() throws Exception {
        assertTrue(Files.isRegularFile(DATA.resolve("cases.json")));
    }
}
