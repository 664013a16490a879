package org.segopt.lidc;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.segopt.io.DecimalSyntax;

/**
 * Streaming (StAX) reader of the LIDC-IDRI annotation XML, with pylidc's conventions, which the
 * paper's code used:
 *
 * <ul>
 *   <li>only CT files count (root {@code LidcReadMessage}); {@code IdriReadMessage} files describe
 *       chest radiographs;</li>
 *   <li>an annotation is an {@code unblindedReadNodule} whose {@code characteristics} element has
 *       children, none of them 0 or blank (nodules of at least 3 mm); other nodules and
 *       {@code nonNodule}s are ignored;</li>
 *   <li>a contour is a {@code roi} with more than one {@code edgeMap} point, on the slice at its
 *       {@code imageZposition}; {@code inclusion} FALSE makes it an exclusion contour;</li>
 *   <li>points are pixel ({@code xCoord}, {@code yCoord}): column and row; they must lie in the
 *       image (512 × 512: the XML does not state the image size).</li>
 * </ul>
 *
 * Elements the format does not need are skipped; namespaces are ignored (local names).
 */
public final class LidcXml {
    /** Rows and columns of an LIDC CT slice. */
    public static final int IMAGE_SIZE = 512;

    private static final XMLInputFactory FACTORY = factory();

    /** What a file's root element says it is. */
    public enum Kind {
        /** {@code LidcReadMessage}: readings of a CT series. */
        CT,
        /** {@code IdriReadMessage}: readings of a chest radiograph. */
        CXR
    }

    /** The first lines of a file: its kind, and for CT its series. */
    public record Header(Path file, Kind kind, String seriesUid) {
    }

    private LidcXml() {
    }

    private static XMLInputFactory factory() {
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        f.setProperty(XMLInputFactory.IS_COALESCING, true);
        return f;
    }

    /**
     * Reads only as far as the root element and, for CT, the {@code SeriesInstanceUid} of the
     * {@code ResponseHeader}.
     *
     * @throws LidcException if the XML is malformed before that point, the root is neither
     *                       {@code LidcReadMessage} nor {@code IdriReadMessage}, or a CT file has no series
     */
    public static Header header(Path file) throws LidcException {
        return parse(file, x -> {
            Kind kind = root(x);
            if (kind == Kind.CXR) {
                return new Header(file, kind, null);
            }
            while (x.nextTag() == XMLStreamConstants.START_ELEMENT) {
                if (x.getLocalName().equals("ResponseHeader")) {
                    String uid = null;
                    while (x.nextTag() == XMLStreamConstants.START_ELEMENT) {
                        if (x.getLocalName().equals("SeriesInstanceUid")) {
                            uid = text(x);
                        } else {
                            skip(x);
                        }
                    }
                    if (uid == null || uid.isEmpty()) {
                        throw new LidcException("the ResponseHeader has no SeriesInstanceUid");
                    }
                    return new Header(file, kind, uid);
                }
                skip(x);
            }
            throw new LidcException("no ResponseHeader with a SeriesInstanceUid");
        });
    }

    /**
     * Reads the whole file (streaming: only the kept annotations are held).
     *
     * @throws LidcException on malformed XML, a missing or non-numeric element the kept contours
     *                       need, or a point outside the image; the message says where
     */
    public static Scan scan(Path file) throws LidcException {
        return parse(file, x -> {
            if (root(x) != Kind.CT) {
                throw new LidcException("not a CT annotation file (root IdriReadMessage)");
            }
            return new Reader(file, x).read();
        });
    }

    /** What a streaming read of one file produces. */
    @FunctionalInterface
    private interface XmlRead<T> {
        T read(XMLStreamReader x) throws XMLStreamException, LidcException;
    }

    /** Opens {@code file}, runs {@code read} on its stream, and turns XML and I/O failures into one-line errors. */
    private static <T> T parse(Path file, XmlRead<T> read) throws LidcException {
        try (java.io.Reader in = utf8(Files.newInputStream(file))) {
            XMLStreamReader x = FACTORY.createXMLStreamReader(in);
            try {
                return read.read(x);
            } finally {
                x.close();
            }
        } catch (XMLStreamException e) {
            if (e.getNestedException() instanceof CharacterCodingException || e.getCause() instanceof CharacterCodingException) {
                throw new LidcException("not valid UTF-8 text" + where(e.getLocation()), e);
            }
            throw new LidcException("malformed XML" + where(e.getLocation()) + ": " + message(e), e);
        } catch (CharacterCodingException e) {
            throw new LidcException("not valid UTF-8 text", e);
        } catch (IOException e) {
            throw new LidcException("cannot read the file: " + e.getMessage(), e);
        }
    }

    /**
     * {@code in} decoded strictly as UTF-8 (LIDC's encoding), a byte order mark skipped. The parser
     * is given characters, not bytes: on a byte it cannot decode, the JDK's parser prints
     * "[Fatal Error] ..." on System.err, naming no file, before it throws.
     */
    private static java.io.Reader utf8(InputStream in) throws IOException {
        BufferedInputStream b = new BufferedInputStream(in);
        b.mark(3);
        byte[] bom = b.readNBytes(3);
        if (!(bom.length == 3 && (bom[0] & 0xff) == 0xef && (bom[1] & 0xff) == 0xbb && (bom[2] & 0xff) == 0xbf)) {
            b.reset();
        }
        return new InputStreamReader(b, StandardCharsets.UTF_8.newDecoder());
    }

    private static Kind root(XMLStreamReader x) throws XMLStreamException, LidcException {
        while (x.hasNext() && x.next() != XMLStreamConstants.START_ELEMENT) {
            // prolog: declaration, comments, processing instructions, whitespace
        }
        if (!x.isStartElement()) {
            throw new LidcException("no root element");
        }
        return switch (x.getLocalName()) {
            case "LidcReadMessage" -> Kind.CT;
            case "IdriReadMessage" -> Kind.CXR;
            default -> throw new LidcException("the root element is " + x.getLocalName()
                    + ", not LidcReadMessage (CT) or IdriReadMessage (chest radiograph)");
        };
    }

    /** The text of a leaf element, trimmed; the reader ends on its end tag. */
    private static String text(XMLStreamReader x) throws XMLStreamException {
        return x.getElementText().trim();
    }

    /** Skips the current element and everything in it; the reader ends on its end tag. */
    private static void skip(XMLStreamReader x) throws XMLStreamException {
        int depth = 1;
        while (depth > 0) {
            int event = x.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                depth++;
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                depth--;
            }
        }
    }

    private static String where(Location l) {
        return l == null || l.getLineNumber() < 0 ? "" : " at line " + l.getLineNumber();
    }

    private static String message(XMLStreamException e) {
        String m = e.getMessage();
        int i = m == null ? -1 : m.indexOf("Message: ");
        return m == null ? e.toString() : (i >= 0 ? m.substring(i + 9) : m).replace('\n', ' ').trim();
    }

    /** A roi as read, before deciding whether its annotation is kept. */
    private record RawRoi(int line, String z, String inclusion, List<String[]> points, int missingCoord) {
    }

    /** Reads one CT file after its root element. */
    private static final class Reader {
        private final Path file;
        private final XMLStreamReader x;
        private String seriesUid;
        private int readers;
        private final List<Annotation> annotations = new ArrayList<>();
        private int smallNodules;
        private int nonNodules;
        private int strayPoints;
        private final List<String> withoutContours = new ArrayList<>();

        Reader(Path file, XMLStreamReader x) {
            this.file = file;
            this.x = x;
        }

        Scan read() throws XMLStreamException, LidcException {
            while (x.nextTag() == XMLStreamConstants.START_ELEMENT) {
                switch (x.getLocalName()) {
                    case "ResponseHeader" -> header();
                    case "readingSession" -> session(readers++);
                    default -> skip(x);
                }
            }
            // the root's end tag: anything after it is checked by the parser
            while (x.hasNext()) {
                x.next();
            }
            if (seriesUid == null || seriesUid.isEmpty()) {
                throw new LidcException("the ResponseHeader has no SeriesInstanceUid");
            }
            return new Scan(file, seriesUid, readers, annotations, smallNodules, nonNodules, strayPoints, withoutContours);
        }

        private void header() throws XMLStreamException {
            while (x.nextTag() == XMLStreamConstants.START_ELEMENT) {
                if (x.getLocalName().equals("SeriesInstanceUid")) {
                    seriesUid = text(x);
                } else {
                    skip(x);
                }
            }
        }

        private void session(int reader) throws XMLStreamException, LidcException {
            while (x.nextTag() == XMLStreamConstants.START_ELEMENT) {
                switch (x.getLocalName()) {
                    case "unblindedReadNodule" -> nodule(reader);
                    case "nonNodule" -> {
                        nonNodules++;
                        skip(x);
                    }
                    default -> skip(x);
                }
            }
        }

        private void nodule(int reader) throws XMLStreamException, LidcException {
            int line = x.getLocation().getLineNumber();
            String id = null;
            List<String> characteristics = null;
            List<RawRoi> rois = new ArrayList<>();
            while (x.nextTag() == XMLStreamConstants.START_ELEMENT) {
                switch (x.getLocalName()) {
                    case "noduleID" -> id = text(x);
                    case "characteristics" -> {
                        characteristics = new ArrayList<>();
                        while (x.nextTag() == XMLStreamConstants.START_ELEMENT) {
                            characteristics.add(text(x));
                        }
                    }
                    case "roi" -> rois.add(roi());
                    default -> skip(x);
                }
            }
            boolean large = characteristics != null && !characteristics.isEmpty()
                    && characteristics.stream().noneMatch(c -> c.isEmpty() || c.equals("0"));
            if (!large) {
                smallNodules++;
                return;
            }
            String name = "reader " + (reader + 1) + ", nodule " + (id == null ? "(no noduleID, line " + line + ")" : id);
            List<Contour> contours = new ArrayList<>();
            for (RawRoi r : rois) {
                if (r.points().size() + r.missingCoord() <= 1) {
                    strayPoints++;
                    continue;
                }
                contours.add(contour(name, r));
            }
            if (contours.isEmpty()) {
                withoutContours.add(name);
                return;
            }
            annotations.add(new Annotation(reader, id == null ? "" : id, contours));
        }

        private RawRoi roi() throws XMLStreamException {
            int line = x.getLocation().getLineNumber();
            String z = null;
            String inclusion = null;
            List<String[]> points = new ArrayList<>();
            int missing = 0;
            while (x.nextTag() == XMLStreamConstants.START_ELEMENT) {
                switch (x.getLocalName()) {
                    case "imageZposition" -> z = text(x);
                    case "inclusion" -> inclusion = text(x);
                    case "edgeMap" -> {
                        String px = null;
                        String py = null;
                        while (x.nextTag() == XMLStreamConstants.START_ELEMENT) {
                            switch (x.getLocalName()) {
                                case "xCoord" -> px = text(x);
                                case "yCoord" -> py = text(x);
                                default -> skip(x);
                            }
                        }
                        if (px == null || py == null) {
                            missing++;
                        } else {
                            points.add(new String[] {px, py});
                        }
                    }
                    default -> skip(x);
                }
            }
            return new RawRoi(line, z, inclusion, points, missing);
        }

        private Contour contour(String annotation, RawRoi r) throws LidcException {
            String at = annotation + ", roi at line " + r.line();
            if (r.missingCoord() > 0) {
                throw new LidcException(at + ": an edgeMap lacks its xCoord or yCoord");
            }
            if (r.z() == null || r.z().isEmpty()) {
                throw new LidcException(at + ": missing imageZposition");
            }
            if (!DecimalSyntax.isDecimal(r.z().strip())) {
                throw new LidcException(at + ": imageZposition '" + r.z() + "' is not a decimal number");
            }
            double z = Double.parseDouble(r.z().strip());
            if (!Double.isFinite(z)) {
                throw new LidcException(at + ": imageZposition '" + r.z() + "' is not finite");
            }
            z += 0.0; // -0.0 and 0.0 are one slice, as for Python's float keys
            if (r.inclusion() == null || r.inclusion().isEmpty()) {
                throw new LidcException(at + ": missing inclusion");
            }
            boolean inclusion = switch (r.inclusion().toUpperCase(Locale.ROOT)) {
                case "TRUE" -> true;
                case "FALSE" -> false;
                default -> throw new LidcException(at + ": inclusion is '" + r.inclusion() + "', not TRUE or FALSE");
            };
            int n = r.points().size();
            int[] rows = new int[n];
            int[] cols = new int[n];
            for (int i = 0; i < n; i++) {
                String[] p = r.points().get(i);
                cols[i] = coordinate(at, "xCoord", p[0]);
                rows[i] = coordinate(at, "yCoord", p[1]);
            }
            return new Contour(z, inclusion, rows, cols);
        }

        private static int coordinate(String at, String name, String text) throws LidcException {
            int v;
            try {
                if (!DecimalSyntax.isInteger(text)) {
                    throw new NumberFormatException(text);
                }
                v = Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw new LidcException(at + ": " + name + " '" + text + "' is not an integer");
            }
            if (v < 0 || v >= IMAGE_SIZE) {
                throw new LidcException(at + ": " + name + " " + v + " is outside the " + IMAGE_SIZE + " x "
                        + IMAGE_SIZE + " image");
            }
            return v;
        }
    }
}
