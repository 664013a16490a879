package org.segopt.lidc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.segopt.Analysis;
import org.segopt.Marginal;
import org.segopt.engine.Engine;

/** The vote map of a scan, and the claim that voxels with m = 0 outside it change no volume or ratio. */
class LidcVotesTest {

    /** One reader's annotation with one inclusion contour on slice 0 through points {x, y}. */
    private static Annotation annotation(int reader, List<int[]> xy) {
        return new Annotation(reader, "n", List.of(new Contour(0, true,
                xy.stream().mapToInt(p -> p[1]).toArray(), xy.stream().mapToInt(p -> p[0]).toArray())));
    }

    @Test
    void countsAnnotationsOverTheirUnionBox() throws LidcException {
        ScanVotes v = ScanVotes.of(List.of(
                annotation(0, LidcTestXml.rectangle(10, 10, 14, 14)),    // 3 x 3 at rows/cols 11..13
                annotation(1, LidcTestXml.rectangle(9, 9, 15, 15)),      // 5 x 5 at 10..14
                annotation(1, LidcTestXml.rectangle(30, 40, 32, 42))));  // 1 pixel (31, 41)
        assertEquals(9 + 16 + 1, v.positive());
        assertEquals(2, v.votesAt(0, 12, 12));
        assertEquals(1, v.votesAt(0, 10, 10));
        assertEquals(1, v.votesAt(0, 31, 41));
        assertEquals(0, v.votesAt(0, 9, 9));
        assertEquals(1 * (32 - 9 + 1) * (42 - 9 + 1), v.voxels());
        Analysis a = Engine.scalar().analyze(v.marginal());
        assertEquals(Engine.scalar().analyze(Marginal.ofVotes(new byte[] {2, 2, 2, 2, 2, 2, 2, 2, 2,
                1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 4)).dice().ratio(), a.dice().ratio());
        assertTrue(!v.readerDeduplicated());
    }

    @Test
    void moreThanFourOverlappingAnnotationsCountEachReaderOnce() throws LidcException {
        List<int[]> square = LidcTestXml.rectangle(0, 0, 4, 4);
        ScanVotes v = ScanVotes.of(List.of(annotation(0, square), annotation(0, square), annotation(1, square),
                annotation(2, square), annotation(3, square)));
        assertTrue(v.readerDeduplicated());
        assertEquals(4, v.votesAt(0, 2, 2));
        ScanVotes four = ScanVotes.of(List.of(annotation(0, square), annotation(0, square), annotation(1, square)));
        assertTrue(!four.readerDeduplicated(), "three annotations do not exceed 4");
        assertEquals(3, four.votesAt(0, 2, 2));
        LidcException e = assertThrows(LidcException.class, () -> ScanVotes.of(List.of(annotation(0, square),
                annotation(1, square), annotation(2, square), annotation(3, square), annotation(4, square))));
        assertTrue(e.getMessage().contains("more than 4 readers"), e.getMessage());
    }

    /**
     * The claim behind building m over the annotations' box only: with M > 0, adding voxels with
     * m = 0 anywhere changes neither M, nor sup D, nor any least/greatest optimal volume, so not the
     * ratios (it only changes Accuracy, a fraction of n).
     */
    @Test
    void voxelsWithZeroMarginalChangeNoVolumeOrRatio() {
        Random random = new Random(42);
        for (int trial = 0; trial < 300; trial++) {
            int n = 1 + random.nextInt(40);
            byte[] votes = new byte[n];
            for (int i = 0; i < n; i++) {
                votes[i] = (byte) (random.nextInt(3) == 0 ? 0 : random.nextInt(5));
            }
            votes[random.nextInt(n)] = (byte) (1 + random.nextInt(4)); // M > 0
            int pad = 1 + random.nextInt(200);
            byte[] padded = new byte[n + pad];
            int[] where = random.ints(0, n + pad).distinct().limit(n).sorted().toArray();
            for (int i = 0; i < n; i++) {
                padded[where[i]] = votes[i];
            }
            Analysis a = Engine.scalar().analyze(Marginal.ofVotes(votes, 4));
            Analysis b = Engine.scalar().analyze(Marginal.ofVotes(padded, 4));
            assertEquals(a.mass(), b.mass());
            assertEquals(a.dice().sup(), b.dice().sup());
            assertEquals(a.dice().threshold(), b.dice().threshold());
            for (Analysis.Optimum[] o : new Analysis.Optimum[][] {{a.accuracy(), b.accuracy()}, {a.dice(), b.dice()}}) {
                assertEquals(o[0].leastVolume(), o[1].leastVolume());
                assertEquals(o[0].greatestVolume(), o[1].greatestVolume());
                assertEquals(o[0].ratio(), o[1].ratio());
            }
        }
    }
}
