package org.segopt.lidc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.segopt.lidc.LidcTestXml.characteristics;
import static org.segopt.lidc.LidcTestXml.ct;
import static org.segopt.lidc.LidcTestXml.nodule;
import static org.segopt.lidc.LidcTestXml.nonNodule;
import static org.segopt.lidc.LidcTestXml.rectangle;
import static org.segopt.lidc.LidcTestXml.roi;
import static org.segopt.lidc.LidcTestXml.session;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which parts of an LIDC XML file become annotations and contours, and which files are rejected. */
class LidcXmlTest {
    @TempDir
    Path tmp;

    private Path write(String name, String xml) throws IOException {
        return Files.writeString(tmp.resolve(name), xml);
    }

    @Test
    void keepsNodulesWithCharacteristicsAndContoursOfMoreThanOnePoint() throws Exception {
        String xml = ct("1.2.840.1",
                session(
                        nodule("Nodule 001", characteristics(),
                                roi("-208.500000 ", true, rectangle(10, 20, 14, 24)),
                                roi("-206.0", true, List.of(new int[] {30, 30})),          // stray point
                                roi("-206.0", false, rectangle(11, 21, 13, 23))),
                        nodule("small", null, roi("-100", true, List.of(new int[] {5, 5}))),   // < 3 mm
                        nonNodule(40, 40)),
                session(
                        nodule("zero", characteristics("3", "1", "0", "3", "3", "3", "3", "3", "3"), roi("1", true, rectangle(1, 1, 4, 4))),
                        nodule("blank", characteristics("3", "1", " ", "3", "3", "3", "3", "3", "3"), roi("1", true, rectangle(1, 1, 4, 4))),
                        nodule("empty", "<characteristics/>", roi("1", true, rectangle(1, 1, 4, 4))),
                        nodule("dots", characteristics(), roi("2", true, List.of(new int[] {7, 8})))));
        Scan s = LidcXml.scan(write("a.xml", xml));
        assertEquals("1.2.840.1", s.seriesUid());
        assertEquals(2, s.readers());
        assertEquals(1, s.annotations().size());
        Annotation a = s.annotations().getFirst();
        assertEquals(0, a.reader());
        assertEquals("Nodule 001", a.noduleId());
        assertEquals(2, a.contours().size());
        Contour c = a.contours().getFirst();
        assertEquals(-208.5, c.z());
        assertTrue(c.inclusion());
        assertEquals(20, c.cols()[0]);                 // xCoord is the column
        assertEquals(10, c.rows()[0]);                 // yCoord is the row
        assertTrue(!a.contours().get(1).inclusion());
        assertEquals(4, s.smallNodules());             // no characteristics, a 0, a blank, none at all
        assertEquals(1, s.nonNodules());
        assertEquals(2, s.strayPoints());              // the stray point and the one-point roi of "dots"
        assertEquals(List.of("reader 2, nodule dots"), s.withoutContours());
        LidcXml.Header h = LidcXml.header(tmp.resolve("a.xml"));
        assertEquals(LidcXml.Kind.CT, h.kind());
        assertEquals("1.2.840.1", h.seriesUid());
    }

    @Test
    void radiographFilesAreRecognized() throws Exception {
        LidcXml.Header h = LidcXml.header(write("cxr.xml", LidcTestXml.cxr()));
        assertEquals(LidcXml.Kind.CXR, h.kind());
        assertNull(h.seriesUid());
    }

    @Test
    void negativeZeroIsTheSameSlice() throws Exception {
        Scan s = LidcXml.scan(write("z.xml", ct("u", session(nodule("n", characteristics(),
                roi("-0.0", true, rectangle(0, 0, 4, 4)), roi("0", true, rectangle(10, 10, 14, 14)))))));
        AnnotationMask m = AnnotationMask.of(s.annotations().getFirst());
        assertArrayEquals(new double[] {0.0}, m.slices());
        assertEquals(18, m.voxels());
    }

    @Test
    void rejectsMalformedAndIncompleteFiles() throws IOException {
        String good = ct("u", session(nodule("n", characteristics(), roi("1", true, rectangle(0, 0, 4, 4)))));
        assertMessage(good.substring(0, good.length() - 40), "malformed XML");
        assertMessage(good.replace("<imageZposition>1</imageZposition>", ""), "missing imageZposition");
        assertMessage(good.replace("<imageZposition>1</imageZposition>", "<imageZposition>one</imageZposition>"),
                "is not a decimal number");
        for (String javaOnly : new String[] {"0x1p3", "-188d", "Infinity", "1f"}) {
            assertMessage(good.replace("<imageZposition>1</imageZposition>", "<imageZposition>" + javaOnly + "</imageZposition>"),
                    "imageZposition '" + javaOnly + "' is not a decimal number");
        }
        assertMessage(good.replaceFirst("<xCoord>4</xCoord>", "<xCoord>\u0663</xCoord>"), "is not an integer");
        assertMessage(good.replace("<inclusion>TRUE</inclusion>", ""), "missing inclusion");
        assertMessage(good.replace("<inclusion>TRUE</inclusion>", "<inclusion>maybe</inclusion>"), "not TRUE or FALSE");
        assertMessage(good.replaceFirst("<xCoord>4</xCoord>", "<xCoord>512</xCoord>"), "xCoord 512 is outside the 512 x 512 image");
        assertMessage(good.replaceFirst("<yCoord>0</yCoord>", "<yCoord>-1</yCoord>"), "yCoord -1 is outside");
        assertMessage(good.replaceFirst("<xCoord>4</xCoord>", "<xCoord>4.5</xCoord>"), "is not an integer");
        assertMessage(good.replaceFirst("<xCoord>4</xCoord>", ""), "lacks its xCoord");
        assertMessage(good.replace("<SeriesInstanceUid>u</SeriesInstanceUid>", ""), "no SeriesInstanceUid");
        assertMessage(good.replace("LidcReadMessage", "SomethingElse"), "the root element is SomethingElse");
        assertMessage("", "malformed XML");
        // a bad coordinate in an ignored nodule (< 3 mm) does not matter, as for pylidc
        Path ignored = write("ok.xml", good.replace("</readingSession>",
                nodule("s", null, roi("1", true, List.of(new int[] {900, 900}))) + "</readingSession>"));
        try {
            assertEquals(1, LidcXml.scan(ignored).annotations().size());
        } catch (LidcException e) {
            throw new AssertionError(e);
        }
    }

    private void assertMessage(String xml, String expected) throws IOException {
        Path f = write("bad.xml", xml);
        LidcException e = assertThrows(LidcException.class, () -> {
            LidcXml.header(f);
            LidcXml.scan(f);
        });
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
