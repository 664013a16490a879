package org.segopt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code analyze --metric rater-dice}: the {@code raterDice} object, the table lines and the refusals. */
class RaterDiceCliTest {
    private static final Path DATA = Path.of("..", "test-data");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<Object> nested() {
        return List.of(DATA.resolve("raters_nested_rater1.npy"), DATA.resolve("raters_nested_rater2.npy"),
                DATA.resolve("raters_nested_rater3.npy"));
    }

    private static List<Object> fig4() {
        List<Object> files = new ArrayList<>();
        for (int r = 1; r <= 7; r++) {
            files.add(DATA.resolve("fig4_dice_extreme_masks_rater" + r + ".npy"));
        }
        return files;
    }

    private static CliRun analyze(List<?> before, List<Object> files) {
        List<Object> args = new ArrayList<>(List.of("analyze"));
        args.addAll(before);
        args.addAll(files);
        return CliRun.of(args.toArray());
    }

    @Test
    void raterDiceSitsBesideTheTverskyMetricsAndRefusesClassInputs() throws Exception {
        CliRun both = analyze(List.of("--json", "--metric", "fbeta:2", "--metric", "rater-dice"), nested());
        assertEquals(0, both.code(), both.err());
        JsonNode all = JSON.readTree(both.out());
        assertEquals(JSON.readTree(analyze(List.of("--json", "--metric", "rater-dice"), nested()).out()).get("raterDice"),
                all.get("raterDice"));
        assertEquals(JSON.readTree(analyze(List.of("--json", "--metric", "fbeta:2"), nested()).out()).get("fbeta"),
                all.get("fbeta"));
        CliRun labels = analyze(List.of("--json", "--metric", "rater-dice", "--labels"), nested());
        assertEquals(2, labels.code());
        assertTrue(labels.err().contains("--metric rater-dice needs rater masks"), labels.err());
    }

    @Test
    void nestedOutlinesOfUnequalVolumes() throws Exception {
        // Volumes 10, 20, 100 of 200: s = the 20 voxels of rater 2 scores (2/3 + 1 + 1/3) / 3 = 2/3;
        // s^D, the 100 voxels of m >= tau*, scores (2/11 + 1/3 + 1) / 3 = 50/99.
        CliRun run = analyze(List.of("--json", "--metric", "rater-dice"), nested());
        assertEquals(0, run.code(), run.err());
        JsonNode all = JSON.readTree(run.out());
        assertEquals(100, all.get("dice").get("greatestVolume").asLong());
        JsonNode d = all.get("raterDice");
        assertEquals("2/3", d.get("supExact").asText());
        assertEquals(2.0 / 3, d.get("sup").asDouble());
        assertEquals(20, d.get("leastVolume").asLong());
        assertEquals(20, d.get("greatestVolume").asLong());
        assertEquals(20.0 / (130.0 / 3), d.get("ratio").asDouble(), 1e-15);
        assertEquals("10/19", d.get("marginalDiceOfOptimumExact").asText());
        assertEquals(10.0 / 19, d.get("marginalDiceOfOptimum").asDouble());
        assertEquals("50/99", d.get("raterDiceOfDiceOptimumExact").asText());
        assertEquals(50.0 / 99, d.get("raterDiceOfDiceOptimum").asDouble());
    }

    @Test
    void equalRaterVolumesGiveTheDiceOptima() throws Exception {
        // Figure 4: every rater marks 280 voxels, so E[D_L] = D_{E[L]} and the plateau [112, 700] is shared.
        JsonNode all = JSON.readTree(analyze(List.of("--metric", "rater-dice", "--json"), fig4()).out());
        JsonNode d = all.get("raterDice");
        assertEquals("4/7", d.get("supExact").asText());
        assertEquals(112, d.get("leastVolume").asLong());
        assertEquals(700, d.get("greatestVolume").asLong());
        assertEquals(2.5, d.get("ratio").asDouble());
        assertEquals("4/7", d.get("marginalDiceOfOptimumExact").asText());
        assertEquals("4/7", d.get("raterDiceOfDiceOptimumExact").asText());
    }

    @Test
    void tableAndAbsence() throws Exception {
        CliRun table = analyze(List.of("--metric", "rater-dice"), nested());
        assertEquals(0, table.code(), table.err());
        assertTrue(table.out().contains("Rater-averaged Dice"), table.out());
        assertTrue(table.out().contains("sup 0.666667 (2/3), optimal volumes: least 20, greatest 20"), table.out());
        assertTrue(table.out().contains("E[D_L] of s^D (the greatest Dice-optimal segmentation): 0.505051 (50/99)"),
                table.out());
        assertFalse(JSON.readTree(analyze(List.of("--json"), nested()).out()).has("raterDice"));
        assertFalse(analyze(List.of(), nested()).out().contains("Rater-averaged"));
        assertTrue(CliRun.of("analyze", "--help").out().contains("--metric rater-dice"));
    }

    @Test
    void refusesWhatIsNotRaterMasks() {
        CliRun floats = CliRun.of("analyze", "--metric", "rater-dice", DATA.resolve("fig2_m1.npy"));
        assertEquals(Main.EXIT_USAGE, floats.code());
        assertTrue(floats.err().contains("--metric rater-dice needs rater masks") && floats.err().contains("fig2_m1.npy")
                && floats.err().contains("float"), floats.err());
        CliRun votes = CliRun.of("analyze", "--metric", "rater-dice", "--votes", "7", DATA.resolve("fig4_dice_extreme_votes.npy"));
        assertEquals(Main.EXIT_USAGE, votes.code());
        assertTrue(votes.err().contains("vote counts"), votes.err());
        CliRun seventeen = analyze(List.of("--metric", "rater-dice"),
                new ArrayList<>(Collections.nCopies(17, DATA.resolve("raters_nested_rater1.npy"))));
        assertEquals(Main.EXIT_USAGE, seventeen.code());
        assertTrue(seventeen.err().contains("at most 16 rater masks, not 17"), seventeen.err());
        assertEquals(1, seventeen.err().lines().count(), seventeen.err());
    }

    @Test
    void badMaskValueNamesItsFile() {
        CliRun run = CliRun.of("analyze", "--metric", "rater-dice", DATA.resolve("invalid_mask_value_a.npy"),
                DATA.resolve("invalid_mask_value_b.npy"));
        assertEquals(Main.EXIT_INPUT, run.code());
        assertTrue(run.err().contains("invalid_mask_value_b.npy: voxel 2 has value 2"), run.err());
    }
}
