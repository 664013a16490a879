package org.segopt.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a mask as NRRD ({@code NRRD0004}, {@code unsigned char}) with the input's space,
 * directions, origin, spacings and kinds: attached and gzip-compressed for {@code .nrrd}, detached
 * for {@code .nhdr} with the raw data in the sibling {@code .raw} file.
 */
final class NrrdWriter {
    private NrrdWriter() {
    }

    /** Refuses a shape NRRD cannot hold: more axes than {@link NrrdHeader#MAX_DIMENSION}, as its readers allow. */
    static void check(Path out, long[] dims) throws InputException {
        if (dims.length > NrrdHeader.MAX_DIMENSION) {
            throw new InputException(out, "NRRD holds at most " + NrrdHeader.MAX_DIMENSION + " dimensions, the array has "
                    + dims.length);
        }
    }

    /** The name of the raw data file of the detached header {@code out}: its name with {@code .raw} for {@code .nhdr}. */
    static String dataFile(Path out) {
        String name = out.getFileName().toString();
        return name.substring(0, name.length() - ".nhdr".length()) + ".raw";
    }

    /** Writes {@code mask01}, whose axes {@code dims} are listed fastest first. */
    static void write(Path out, byte[] mask01, long[] dims, Geometry g) throws IOException {
        boolean detached = IoSupport.hasSuffix(out, ".nhdr");
        String dataFile = detached ? dataFile(out) : null;
        try (OutputStream o = ArrayWriters.open(out, false)) {
            o.write(header(dims, g, dataFile).getBytes(StandardCharsets.UTF_8));
            if (!detached) {
                GZIPOutputStream z = new GZIPOutputStream(o, 1 << 16);
                z.write(mask01);
                z.finish();
            }
        }
        if (detached) {
            try (OutputStream o = ArrayWriters.open(out.resolveSibling(dataFile), false)) {
                o.write(mask01);
            }
        }
    }

    /** The header text, up to and including its blank line. */
    static String header(long[] dims, Geometry g, String dataFile) {
        StringBuilder h = new StringBuilder("NRRD0004\n# a 0/1 segmentation mask written by segopt\n");
        line(h, "type", "unsigned char");
        line(h, "dimension", Integer.toString(dims.length));
        if (g != null && g.space() != null) {
            line(h, "space", g.space());
        } else if (g != null && spaceDimension(g) > 0) {
            line(h, "space dimension", Integer.toString(spaceDimension(g)));
        }
        line(h, "sizes", join(Arrays.stream(dims).mapToObj(Long::toString)));
        if (g != null && !g.directions().isEmpty()) {
            line(h, "space directions", join(g.directions().stream().map(d -> d.isEmpty() ? "none" : vector(d))));
        }
        if (g != null && !g.kinds().isEmpty()) {
            line(h, "kinds", join(g.kinds().stream()));
        }
        if (g != null && !g.spacings().isEmpty()) {
            line(h, "spacings", join(g.spacings().stream().map(NrrdWriter::number)));
        }
        line(h, "encoding", dataFile == null ? "gzip" : "raw");
        if (g != null && !g.origin().isEmpty()) {
            line(h, "space origin", vector(g.origin()));
        }
        if (dataFile != null) {
            line(h, "data file", dataFile);
        }
        return h.append('\n').toString();
    }

    private static int spaceDimension(Geometry g) {
        return g.directions().stream().filter(d -> !d.isEmpty()).findFirst().orElse(g.origin()).size();
    }

    private static void line(StringBuilder h, String field, String value) {
        h.append(field).append(": ").append(value).append('\n');
    }

    private static String join(Stream<String> words) {
        return words.collect(Collectors.joining(" "));
    }

    private static String vector(List<Double> v) {
        return v.stream().map(NrrdWriter::number).collect(Collectors.joining(",", "(", ")"));
    }

    /** Shortest text that reads back as the same double; NaN as NRRD writes it. */
    private static String number(double v) {
        return Double.isNaN(v) ? "nan" : Double.toString(v);
    }
}
