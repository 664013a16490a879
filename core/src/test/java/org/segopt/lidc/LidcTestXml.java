package org.segopt.lidc;

import java.util.ArrayList;
import java.util.List;

/** Builds LIDC-IDRI annotation XML for the tests, in the layout of the archive's files. */
public final class LidcTestXml {
    private static final String[] CHARACTERISTICS = {"subtlety", "internalStructure", "calcification", "sphericity",
        "margin", "lobulation", "spiculation", "texture", "malignancy"};

    private LidcTestXml() {
    }

    /** A CT file ({@code LidcReadMessage}) of series {@code uid} with these reading sessions. */
    public static String ct(String uid, String... sessions) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<LidcReadMessage uid=\"1.3.6.1.4.1.14519.5.2.1.6279.6001.1\" xmlns=\"http://www.nih.gov\" "
                + "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n"
                + "<ResponseHeader>\n<Version>1.8.1</Version>\n<MessageId>-1</MessageId>\n"
                + "<TaskDescription>Second unblinded read</TaskDescription>\n"
                + "<SeriesInstanceUid>" + uid + "</SeriesInstanceUid>\n"
                + "<StudyInstanceUID>1.2.3</StudyInstanceUID></ResponseHeader>\n"
                + String.join("", sessions)
                + "</LidcReadMessage>\n";
    }

    /** A chest radiograph file ({@code IdriReadMessage}). */
    public static String cxr() {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<IdriReadMessage xmlns=\"http://www.nih.gov/idri\">\n"
                + "<ResponseHeader><SeriesInstanceUid>9.9.9</SeriesInstanceUid></ResponseHeader>\n"
                + "<CXRreadingSession><servicingRadiologistID>1</servicingRadiologistID></CXRreadingSession>\n"
                + "</IdriReadMessage>\n";
    }

    /** One reader's session. */
    public static String session(String... nodules) {
        return "<readingSession>\n<annotationVersion>3.12</annotationVersion>\n"
                + "<servicingRadiologistID>anon</servicingRadiologistID>\n" + String.join("", nodules)
                + "</readingSession>\n";
    }

    /** The nine characteristics with the given values (all "3" when none given). */
    public static String characteristics(String... values) {
        StringBuilder s = new StringBuilder("<characteristics>\n");
        for (int i = 0; i < CHARACTERISTICS.length; i++) {
            String v = values.length == 0 ? "3" : values[i];
            s.append("  <").append(CHARACTERISTICS[i]).append('>').append(v).append("</").append(CHARACTERISTICS[i]).append(">\n");
        }
        return s.append("</characteristics>\n").toString();
    }

    /** An {@code unblindedReadNodule}: {@code characteristics} null for a nodule < 3 mm. */
    public static String nodule(String id, String characteristics, String... rois) {
        return "<unblindedReadNodule>\n<noduleID>" + id + "</noduleID>\n" + (characteristics == null ? "" : characteristics)
                + String.join("", rois) + "</unblindedReadNodule>\n";
    }

    /** A {@code nonNodule} mark. */
    public static String nonNodule(int x, int y) {
        return "<nonNodule><nonNoduleID>n1</nonNoduleID><imageZposition>1</imageZposition>"
                + "<locus><xCoord>" + x + "</xCoord><yCoord>" + y + "</yCoord></locus></nonNodule>\n";
    }

    /** A roi on slice {@code z} through points {x, y} (column, row). */
    public static String roi(String z, boolean inclusion, List<int[]> xy) {
        StringBuilder s = new StringBuilder("<roi>\n<imageZposition>" + z + "</imageZposition>\n"
                + "<imageSOP_UID>1.2.3.4</imageSOP_UID>\n<inclusion>" + (inclusion ? "TRUE" : "FALSE") + "</inclusion>\n");
        for (int[] p : xy) {
            s.append("<edgeMap>\n<xCoord>").append(p[0]).append("</xCoord>\n<yCoord>").append(p[1]).append("</yCoord>\n</edgeMap>\n");
        }
        return s.append("</roi>\n").toString();
    }

    /**
     * The closed chain of boundary pixels of the rectangle rows r0..r1, columns c0..c1, as
     * {x, y} points clockwise from the top-left corner, each pixel once (as LIDC edge maps list them).
     */
    public static List<int[]> rectangle(int r0, int c0, int r1, int c1) {
        List<int[]> p = new ArrayList<>();
        for (int c = c0; c <= c1; c++) {
            p.add(new int[] {c, r0});
        }
        for (int r = r0 + 1; r <= r1; r++) {
            p.add(new int[] {c1, r});
        }
        for (int c = c1 - 1; c >= c0; c--) {
            p.add(new int[] {c, r1});
        }
        for (int r = r1 - 1; r > r0; r--) {
            p.add(new int[] {c0, r});
        }
        return p;
    }
}
