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
 * <p>Bounds: each method fuzzes for {@code -Dsegopt.fuzz.seconds} (default 8 s; five targets, about
 * 40 s of the {@code mvn verify} run) and fails if it runs 60 s past that (a hang). The random
 * seed is printed; rerun one with {@code -Dsegopt.fuzz.seed=<n>}.
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
