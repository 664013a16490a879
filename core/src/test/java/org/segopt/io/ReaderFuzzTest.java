package org.segopt.io;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segopt.lidc.LidcTestXml;

/**
 * Time-bounded mutation fuzzing of each file reader. Contract: arbitrary bytes, written to a file with
 * the reader's extension, either read as an array whose data segment holds exactly
 * {@code size() * type.byteSize()} bytes, all readable, or are rejected with an {@link InputException}
 * whose message is one line starting with the file's path. Anything else (another exception, an
 * OutOfMemoryError from a size taken on trust, a hang) fails the test; the failing input is saved
 * under {@code target/fuzz-failures/} and its Base64 is in the failure message.
 *
 * <p>Why not Jazzer: jazzer-junit 0.24.0 starts on JDK 25, but its bundled ASM cannot instrument
 * Java 25 class files ({@code WARN: Failed to instrument org/segopt/io/NdArray:: java.lang
 * .IllegalArgumentException: Unsupported class file major version 69}), so it fuzzes without
 * coverage feedback and its corpus collapses to one byte ("no interesting inputs were found so far.
 * Is the code instrumented for coverage?"). This test instead mutates the valid seed files in
 * {@code src/test/resources/org/segopt/io/ReaderFuzzTestInputs/<method>/} (Jazzer's layout, so a
 * later Jazzer can take them over): bit flips, byte edits, interesting 16/32/64-bit integers and
 * floats at header offsets, numbers in text headers replaced by huge, negative or zero values,
 * truncations, insertions, and for compressed formats the same on the decompressed content
 * recompressed.
 *
 * <p>The hostile targets ({@code hostileNrrd}, {@code hostileNpz}, {@code lidcXml}) build inputs from
 * the failure classes of issue 11 instead of mutating seeds alone: FIFOs and data files outside
 * the header's folder, decompression bombs and lying sizes around a small {@link ReadLimits},
 * long and Java-only numbers, damaged CRC-32 fields and trailers, control characters, and LIDC
 * XML with such element texts.
 *
 * <p>Bounds: each seed method fuzzes for {@code -Dsegopt.fuzz.seconds} (default 8 s), each hostile
 * one for half of that (five plus three targets, about 52 s of the {@code mvn verify} run), and
 * fails if it runs 60 s past that (a hang). The random seed is printed; rerun one with
 * {@code -Dsegopt.fuzz.seed=<n>}.
 */
class ReaderFuzzTest {
    private static final long SECONDS = Long.getLong("segopt.fuzz.seconds", 8);
    private static final long SEED = Long.getLong("segopt.fuzz.seed", System.nanoTime());
    private static final Path SEEDS = Path.of("src", "test", "resources", "org", "segopt", "io", "ReaderFuzzTestInputs");
    private static final int MAX_INPUT = 1 << 16;

    @TempDir
    Path dir;

    @Test
    void npy() {
        fuzz("npy", new NpyReader(), "input.npy", UnaryOperator.identity(), UnaryOperator.identity());
    }

    @Test
    void npz() {
        fuzz("npz", new NpzReader(), "input.npz", ReaderFuzzTest::unzip, c -> MedicalTestFiles.zip(c.length % 2 == 0, "arr_0.npy", c));
    }

    @Test
    void nrrd() {
        fuzz("nrrd", new NrrdReader(), "input.nrrd", UnaryOperator.identity(), UnaryOperator.identity());
    }

    @Test
    void nii() {
        fuzz("nii", new NiftiReader(), "input.nii", UnaryOperator.identity(), UnaryOperator.identity());
    }

    @Test
    void niiGz() {
        fuzz("niiGz", new NiftiReader(), "input.nii.gz", ReaderFuzzTest::gunzip, MedicalTestFiles::gzip);
    }

    /**
     * Hostile NRRD files built from the failure classes of issue 11, for half of {@link #SECONDS}:
     * long numbers, control characters, data files outside the folder or not regular, lying gzip
     * sizes, damaged trailers and trailing bytes, and decompressed sizes around a small limit. Beyond
     * the reader contract, no data file outside the folder is ever read and no allocation exceeds
     * the limit or what the file holds.
     */
    @Test
    void hostileNrrd() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("headers"));
        Files.write(dir.resolve("outside.raw"), new byte[16]);
        Files.write(Files.createDirectories(folder.resolve("sub")).resolve("d.raw"), new byte[16]);
        new ProcessBuilder("mkfifo", folder.resolve("fifo.raw").toString()).start();
        ReadLimits limits = new ReadLimits(1 << 12);
        hostile("hostileNrrd", random -> {
            String name = random.nextBoolean() ? "h.nrrd" : "h.nhdr";
            return new Hostile(folder.resolve(name), nrrdHeaderAndData(random, name.endsWith(".nhdr")), limits);
        }, (input, array) -> {
            if (array != null && !array.dataFile().startsWith(folder)) {
                throw new AssertionError("read a data file outside the header's folder: " + array.dataFile());
            }
        });
    }

    /** Hostile .npz archives: damaged CRC-32 fields, lying sizes and deflate bombs around a small limit. */
    @Test
    void hostileNpz() throws IOException {
        byte[] member = Files.readAllBytes(seedsOf("npy").getFirst());
        ReadLimits limits = new ReadLimits(1 << 12);
        hostile("hostileNpz", random -> {
            byte[] content = random.nextBoolean() ? member : concat(member, new byte[random.nextInt(1 << 14)]);
            byte[] zip = MedicalTestFiles.zip(random.nextBoolean(), "arr_0.npy", content);
            for (int k = random.nextInt(3); k >= 0; k--) { // a damaged byte of a header field, or of the data
                int at = random.nextBoolean() ? 14 + random.nextInt(12) : random.nextInt(zip.length);
                zip[at] ^= (byte) (1 << random.nextInt(8));
            }
            return new Hostile(dir.resolve("h.npz"), zip, limits);
        }, (input, array) -> { });
    }

    private static final String[] XML_VALUES = {"0x1p3", "-188d", "1e999", "NaN", "\u0663", "+5", "-0", "512", "-1",
        "9".repeat(40), "", " ", "<", "&amp;", "&bogus;", "\u0000", "TRUE", "FALSE"};

    /**
     * Seeded mutations of an LIDC XML file, for half of {@link #SECONDS}: byte mutations as for the
     * readers, and element texts replaced by Java-only numbers, entities and control characters.
     * Contract: {@link org.segopt.lidc.LidcXml} returns or throws {@link org.segopt.lidc.LidcException},
     * and nothing is printed on System.err by the XML parser.
     */
    @Test
    void lidcXml() throws IOException {
        String good = LidcTestXml.ct("S", LidcTestXml.session(LidcTestXml.nodule("n", LidcTestXml.characteristics(),
                LidcTestXml.roi("-100.5", true, LidcTestXml.rectangle(10, 20, 14, 24)),
                LidcTestXml.roi("-101", false, LidcTestXml.rectangle(11, 21, 13, 23)))));
        byte[] seedBytes = good.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Path file = dir.resolve("l.xml");
        long seed = SEED ^ "lidcXml".hashCode();
        System.out.println("ReaderFuzzTest.lidcXml: seed " + seed + " (-Dsegopt.fuzz.seed=" + SEED + ")");
        java.io.PrintStream stderr = System.err;
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        byte[][] current = {seedBytes};
        try {
            System.setErr(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
            assertTimeoutPreemptively(Duration.ofSeconds(SECONDS / 2 + 60), () -> {
                Random random = new Random(seed);
                long end = System.nanoTime() + SECONDS * 500_000_000L;
                while (System.nanoTime() < end) {
                    byte[] input = random.nextBoolean() ? mutate(random, seedBytes)
                            : good.replaceAll(">[^<]*</(imageZposition|xCoord|yCoord|inclusion)>",
                                    ">" + java.util.regex.Matcher.quoteReplacement(XML_VALUES[random.nextInt(XML_VALUES.length)])
                                            + "</$1>").getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    current[0] = input;
                    Files.write(file, input);
                    try {
                        org.segopt.lidc.LidcXml.header(file);
                        org.segopt.lidc.LidcXml.scan(file);
                    } catch (org.segopt.lidc.LidcException e) {
                        // the contract: a LidcException, nothing else
                    }
                    if (printed.size() > 0) {
                        throw new AssertionError("the XML parser printed: " + printed);
                    }
                }
            }, () -> "hang on input " + Base64.getEncoder().encodeToString(current[0]));
        } catch (Throwable t) {
            throw new AssertionError("lidcXml fails on input " + save("l.xml", current[0]) + " (Base64 "
                    + Base64.getEncoder().encodeToString(current[0]) + ", seed " + seed + "): " + t, t);
        } finally {
            System.setErr(stderr);
        }
    }

    private record Hostile(Path file, byte[] content, ReadLimits limits) {
    }

    /** Checks one hostile input beyond the reader contract. */
    @FunctionalInterface
    private interface Invariant {
        void check(Hostile input, NdArray arrayOrNull);
    }

    private void hostile(String method, java.util.function.Function<Random, Hostile> inputs, Invariant invariant) {
        long seed = SEED ^ method.hashCode();
        System.out.println("ReaderFuzzTest." + method + ": seed " + seed + " (-Dsegopt.fuzz.seed=" + SEED + ")");
        Hostile[] current = new Hostile[1];
        long[] runs = new long[1];
        try {
            assertTimeoutPreemptively(Duration.ofSeconds(SECONDS / 2 + 60), () -> {
                Random random = new Random(seed);
                long end = System.nanoTime() + SECONDS * 500_000_000L;
                while (System.nanoTime() < end) {
                    Hostile input = inputs.apply(random);
                    current[0] = input;
                    Files.write(input.file(), input.content());
                    try (CountingArena arena = new CountingArena()) {
                        NdArray array = null;
                        try {
                            array = ArrayReaders.read(input.file(), arena, input.limits());
                        } catch (InputException e) {
                            if (!e.getMessage().startsWith(input.file().toString()) || e.getMessage().contains("\n")) {
                                throw new AssertionError("not one line naming the file: " + e.getMessage(), e);
                            }
                        }
                        long bound = Math.max(input.limits().maxDecompressedBytes(), input.content().length) + (1 << 16);
                        if (arena.largest > bound) {
                            throw new AssertionError("allocated " + arena.largest + " bytes, more than " + bound);
                        }
                        invariant.check(input, array);
                    }
                    runs[0]++;
                }
            }, () -> "hang on input " + Base64.getEncoder().encodeToString(current[0].content()));
        } catch (Throwable t) {
            byte[] content = current[0] == null ? new byte[0] : current[0].content();
            throw new AssertionError(method + " fails on input " + save(method, content) + " (Base64 "
                    + Base64.getEncoder().encodeToString(content) + ", seed " + seed + "): " + t, t);
        }
        System.out.println("ReaderFuzzTest." + method + ": " + runs[0] + " inputs in " + SECONDS / 2.0 + " s");
    }

    private static final String[] DATA_FILES = {"sub/d.raw", "../outside.raw", "/etc/passwd", "sub/../../outside.raw",
        "fifo.raw", ".", "sub", "missing.raw", "d\u0000.raw", "sub/d.raw\u001b[2J"};
    private static final String[] HOSTILE_NUMBERS = {"1e999", "-1e999", "0x1p3", "188d", "Infinity", "NaN", "1e-999",
        "00000000000000000000000000001", "1".repeat(5000) + "x", "9".repeat(70_000)};

    /** A NRRD header (and attached data) mixing valid fields with the hostile values above. */
    private static byte[] nrrdHeaderAndData(Random random, boolean detached) {
        long declared = random.nextInt(4) == 0 ? 1L << (10 + random.nextInt(30)) : 16;
        boolean gzip = random.nextBoolean();
        StringBuilder h = new StringBuilder("NRRD0004\ntype: uint8\ndimension: 1\nsizes: " + declared + "\n");
        h.append("encoding: ").append(gzip ? "gzip" : "raw").append('\n');
        String number = HOSTILE_NUMBERS[random.nextInt(HOSTILE_NUMBERS.length)];
        switch (random.nextInt(4)) {
            case 0 -> h.append("spacings: ").append(number).append('\n');
            case 1 -> h.append("space: RAS\nspace directions: (").append(number).append(",0,0)\n");
            case 2 -> h.append("content: ").append((char) random.nextInt(32)).append("\u001b]0;title\u0007\n");
            default -> { }
        }
        if (detached || random.nextInt(4) == 0) {
            h.append("data file: ").append(DATA_FILES[random.nextInt(DATA_FILES.length)]).append('\n');
        }
        h.append('\n');
        byte[] data = new byte[(int) Math.min(declared, 16)];
        if (gzip) {
            data = MedicalTestFiles.gzip(data);
            switch (random.nextInt(4)) {
                case 0 -> data[data.length - 8 + random.nextInt(8)] ^= 1; // the trailer's CRC-32 or length
                case 1 -> data = concat(data, new byte[1 + random.nextInt((int) Math.min(declared / 1000 + 2, 1 << 20))]);
                case 2 -> data = concat(data, MedicalTestFiles.gzip(new byte[random.nextInt(64)]));
                default -> { }
            }
        }
        return detached ? h.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)
                : concat(h.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8), data);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** An arena that records its largest allocation. */
    static final class CountingArena implements Arena {
        private final Arena arena = Arena.ofConfined();
        long largest;

        @Override
        public MemorySegment allocate(long byteSize, long byteAlignment) {
            largest = Math.max(largest, byteSize);
            return arena.allocate(byteSize, byteAlignment);
        }

        @Override
        public MemorySegment.Scope scope() {
            return arena.scope();
        }

        @Override
        public void close() {
            arena.close();
        }
    }

    /**
     * Fuzzes {@code reader} for {@link #SECONDS}: each input mutates a seed either as stored or, half
     * the time, as {@code unpack} presents it, repacked with {@code pack}.
     */
    private void fuzz(String method, ArrayReader reader, String name, UnaryOperator<byte[]> unpack,
                      UnaryOperator<byte[]> pack) {
        List<byte[]> seeds = seeds(method);
        List<byte[]> unpacked = seeds.stream().map(unpack).toList();
        long seed = SEED ^ method.hashCode();
        System.out.println("ReaderFuzzTest." + method + ": seed " + seed + " (-Dsegopt.fuzz.seed=" + SEED + ")");
        Path file = dir.resolve(name);
        byte[][] current = new byte[1][];
        long[] runs = new long[1];
        try {
            assertTimeoutPreemptively(Duration.ofSeconds(SECONDS + 60), () -> {
                Random random = new Random(seed);
                for (byte[] s : seeds) {
                    current[0] = s;
                    check(reader, file, s);
                }
                long end = System.nanoTime() + SECONDS * 1_000_000_000L;
                while (System.nanoTime() < end) {
                    int i = random.nextInt(seeds.size());
                    byte[] input = random.nextBoolean()
                            ? mutate(random, seeds.get(i))
                            : pack.apply(mutate(random, unpacked.get(i)));
                    current[0] = input;
                    check(reader, file, input);
                    runs[0]++;
                }
            }, () -> "hang on input " + Base64.getEncoder().encodeToString(current[0]));
        } catch (Throwable t) {
            throw new AssertionError(method + " fails on input " + save(name, current[0]) + " (Base64 "
                    + Base64.getEncoder().encodeToString(current[0]) + ", seed " + seed + "): " + t, t);
        }
        System.out.println("ReaderFuzzTest." + method + ": " + runs[0] + " inputs in " + SECONDS + " s");
    }

    /** The reader contract for {@code content} saved as {@code file}. */
    static void check(ArrayReader reader, Path file, byte[] content) throws IOException {
        Files.write(file, content);
        try (Arena arena = Arena.ofConfined()) {
            NdArray array;
            try {
                array = reader.read(file, arena);
            } catch (InputException e) {
                String message = e.getMessage();
                if (message == null || !message.startsWith(file.toString())) { // .npz: "<file>/<member>: ..."
                    throw new AssertionError("message does not start with the path: " + message, e);
                }
                if (message.indexOf('\n') >= 0 || message.indexOf('\r') >= 0) {
                    throw new AssertionError("message has a line break: " + message, e);
                }
                return;
            }
            MemorySegment data = array.data();
            long expected = Math.multiplyExact(array.size(), (long) array.type().byteSize());
            if (data.byteSize() != expected || Arrays.stream(array.shape()).anyMatch(d -> d < 0)) {
                throw new AssertionError(array + " has " + data.byteSize() + " bytes of data, expected " + expected);
            }
            long sum = 0;
            for (long i = 0; i < data.byteSize(); i++) {
                sum += data.get(ValueLayout.JAVA_BYTE, i);
            }
            if (sum < Byte.MIN_VALUE * data.byteSize() || array.toString().isEmpty()) {
                throw new AssertionError("unreachable");
            }
        }
    }

    /** One to four random mutations of {@code seed}. */
    static byte[] mutate(Random random, byte[] seed) {
        byte[] b = seed.clone();
        for (int k = 1 + random.nextInt(4); k > 0; k--) {
            b = mutateOnce(random, b);
        }
        return b.length > MAX_INPUT ? Arrays.copyOf(b, MAX_INPUT) : b;
    }

    private static final long[] INTERESTING = {0, 1, -1, 2, 7, 8, 255, 256, 348, 352, 540, 544, 0x7f, 0x80, 0x7fff,
        0x8000, 0xffff, 0x7fffffffL, 0x80000000L, 0xffffffffL, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE};
    private static final String[] NUMBERS = {"0", "-1", "1", "-0", "99999999999999999999", "9223372036854775807",
        "4294967296", "65536", "2147483648", "1e308", "nan", "", " ", "00", "3 3", "+5"};

    private static byte[] mutateOnce(Random random, byte[] b) {
        int n = b.length;
        int at = n == 0 ? 0 : random.nextInt(n);
        switch (random.nextInt(9)) {
            case 0 -> { // bit flip
                if (n > 0) {
                    b[at] ^= (byte) (1 << random.nextInt(8));
                }
                return b;
            }
            case 1 -> { // random byte
                if (n > 0) {
                    b[at] = (byte) random.nextInt(256);
                }
                return b;
            }
            case 2 -> { // an interesting integer or float, of 2, 4 or 8 bytes, in either byte order
                int width = new int[] {2, 4, 8}[random.nextInt(3)];
                if (n < width) {
                    return b;
                }
                int pos = random.nextInt(Math.min(n, 600) - width + 1);
                if (random.nextInt(3) == 0) {
                    pos -= pos % width;
                }
                ByteBuffer buf = ByteBuffer.wrap(b).order(random.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
                long v = INTERESTING[random.nextInt(INTERESTING.length)];
                if (random.nextInt(4) == 0) {
                    v = random.nextLong();
                }
                boolean real = random.nextInt(4) == 0;
                switch (width) {
                    case 2 -> buf.putShort(pos, (short) v);
                    case 4 -> buf.putInt(pos, real ? Float.floatToRawIntBits(floatOf(random, v)) : (int) v);
                    default -> buf.putLong(pos, real ? Double.doubleToRawLongBits(floatOf(random, v)) : v);
                }
                return b;
            }
            case 3 -> { // a decimal number in a text header replaced
                List<int[]> numbers = new ArrayList<>();
                for (int i = 0; i < Math.min(n, 4096); i++) {
                    if (Character.isDigit(b[i]) && (i == 0 || !Character.isDigit(b[i - 1]))) {
                        int j = i;
                        while (j < n && Character.isDigit(b[j])) {
                            j++;
                        }
                        numbers.add(new int[] {i, j});
                    }
                }
                if (numbers.isEmpty()) {
                    return b;
                }
                int[] r = numbers.get(random.nextInt(numbers.size()));
                return splice(b, r[0], r[1], NUMBERS[random.nextInt(NUMBERS.length)].getBytes());
            }
            case 4 -> { // truncate
                return Arrays.copyOf(b, n == 0 ? 0 : random.nextInt(n));
            }
            case 5 -> { // delete a range
                int len = random.nextInt(Math.min(16, n - at) + 1);
                return splice(b, at, at + len, new byte[0]);
            }
            case 6 -> { // insert random bytes, or special characters
                byte[] ins = new byte[1 + random.nextInt(8)];
                random.nextBytes(ins);
                if (random.nextBoolean()) {
                    byte[] special = {'\n', '\r', '\0', ' ', ':', ',', '(', ')', '[', ']', '\'', '"', '#', (byte) 0xe2};
                    for (int i = 0; i < ins.length; i++) {
                        ins[i] = special[random.nextInt(special.length)];
                    }
                }
                return splice(b, at, at, ins);
            }
            case 7 -> { // duplicate a range
                int len = random.nextInt(Math.min(64, n - at) + 1);
                return splice(b, at, at, Arrays.copyOfRange(b, at, at + len));
            }
            default -> { // append
                byte[] tail = new byte[random.nextInt(3) == 0 ? random.nextInt(4096) : 1 + random.nextInt(8)];
                random.nextBytes(tail);
                return splice(b, n, n, tail);
            }
        }
    }

    private static float floatOf(Random random, long v) {
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, -0f, 0.5f, 1e30f, 352f, 348.5f, -1f};
        return random.nextBoolean() ? specials[random.nextInt(specials.length)] : (float) v;
    }

    private static byte[] splice(byte[] b, int from, int to, byte[] insert) {
        byte[] r = new byte[b.length - (to - from) + insert.length];
        System.arraycopy(b, 0, r, 0, from);
        System.arraycopy(insert, 0, r, from, insert.length);
        System.arraycopy(b, to, r, from + insert.length, b.length - to);
        return r;
    }

    private static byte[] gunzip(byte[] gz) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] unzip(byte[] zip) {
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry entry = in.getNextEntry();
            return entry == null ? new byte[0] : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> seedsOf(String method) throws IOException {
        try (Stream<Path> files = Files.list(SEEDS.resolve(method))) {
            return files.sorted().toList();
        }
    }

    private static List<byte[]> seeds(String method) {
        try (Stream<Path> files = Files.list(SEEDS.resolve(method))) {
            List<byte[]> seeds = new ArrayList<>();
            for (Path p : files.sorted().toList()) {
                seeds.add(Files.readAllBytes(p));
            }
            if (seeds.isEmpty()) {
                throw new AssertionError("no seed files for " + method);
            }
            return seeds;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path save(String name, byte[] input) {
        try {
            Path out = Files.createDirectories(Path.of("target", "fuzz-failures"))
                    .resolve(System.currentTimeMillis() + "-" + name);
            Files.write(out, input);
            return out;
        } catch (IOException e) {
            return Path.of("(not saved: " + e + ")");
        }
    }
}
