package org.segopt.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * float16 {@code .npy} files ({@code <f2}, {@code >f2}) and bfloat16 bit patterns stored as 16-bit
 * integers with {@code --bfloat16}: every command gives what it gives for a float32 file of the
 * same values (JSON equal but for the encoding), and bad input is one line with exit code 2 or 3.
 */
class HalfPrecisionCliTest {
    private static final int N = 3000;
    @TempDir
    static Path dir;
    /** float16 and bfloat16 bit patterns of soft values with ties at ½, −0.0 and subnormals. */
    private static final short[] F16 = new short[N];
    private static final short[] BF16 = new short[N];

    @BeforeAll
    static void values() {
        SplittableRandom rnd = new SplittableRandom(42);
        for (int i = 0; i < N; i++) {
            float v = switch (rnd.nextInt(6)) {
                case 0 -> 0f;
                case 1 -> -0.0f;
                case 2 -> 0.5f;
                case 3 -> 1f;
                case 4 -> 0x1p-20f * rnd.nextInt(8);
                default -> rnd.nextFloat();
            };
            F16[i] = Float.floatToFloat16(v);
            BF16[i] = (short) (Float.floatToRawIntBits(v) >>> 16);
        }
    }

    /** A .npy file (format 1.0, C order, shape (N,)) of 16-bit elements. */
    private static Path npy(String name, String descr, short[] bits) throws IOException {
        ByteOrder order = descr.startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        ByteBuffer data = ByteBuffer.allocate(2 * bits.length).order(order);
        data.asShortBuffer().put(bits);
        return write(name, descr, data.array());
    }

    private static Path write(String name, String descr, byte[] data) throws IOException {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + N + ",), }";
        int unpadded = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.US_ASCII)).put(data);
        return Files.write(dir.resolve(name), b.array());
    }

    private static Path float32(String name, short[] bits, boolean bfloat16) throws IOException {
        ByteBuffer data = ByteBuffer.allocate(4 * bits.length).order(ByteOrder.LITTLE_ENDIAN);
        for (short s : bits) {
            data.putFloat(bfloat16 ? Float.intBitsToFloat(s << 16) : Float.float16ToFloat(s));
        }
        return write(name, "<f4", data.array());
    }

    private static String withoutEncoding(String json) {
        return json.replaceAll("\"encoding\"\\s*:\\s*\"[a-z0-9_]+\"", "\"encoding\":_");
    }

    private static CliRun ok(Object... args) {
        CliRun r = CliRun.of(args);
        assertEquals(0, r.code(), r.err());
        return r;
    }

    @Test
    void float16AnalysesAsTheFloat32OfTheSameValues() throws IOException {
        String expected = ok("analyze", "--json", float32("f16as32.npy", F16, false)).out();
        for (String descr : new String[] {"<f2", ">f2"}) {
            String actual = ok("analyze", "--json", npy("f16" + descr.charAt(0) + ".npy", descr, F16)).out();
            assertTrue(actual.contains("float16"), actual);
            assertEquals(withoutEncoding(expected), withoutEncoding(actual), descr);
        }
    }

    @Test
    void bfloat16BitPatternsAnalyseAsTheFloat32OfTheSameValues() throws IOException {
        String expected = ok("analyze", "--json", float32("bf16as32.npy", BF16, true)).out();
        for (String descr : new String[] {"<u2", ">u2", "<i2", ">i2"}) {
            Path file = npy("bf16" + descr.replace('<', 'l').replace('>', 'b') + ".npy", descr, BF16);
            String actual = ok("analyze", "--json", "--bfloat16", file).out();
            assertTrue(actual.contains("bfloat16"), actual);
            assertEquals(withoutEncoding(expected), withoutEncoding(actual), descr);
            assertEquals(ok("analyze", float32("bf16t.npy", BF16, true)).out().lines().skip(2).toList(),
                    ok("analyze", "--bfloat16", file).out().lines().skip(2).toList(), descr + " table");
        }
    }

    @Test
    void segmentWritesTheMaskOfTheFloat32() throws IOException {
        Path wide = float32("seg32.npy", F16, false);
        Path half = npy("seg16.npy", "<f2", F16);
        Path bf = npy("segbf.npy", ">i2", BF16);
        Path bfWide = float32("segbf32.npy", BF16, true);
        for (String metric : new String[] {"accuracy", "dice", "volume"}) {
            Path a = dir.resolve(metric + "-32.npy");
            Path b = dir.resolve(metric + "-16.npy");
            Path c = dir.resolve(metric + "-bf.npy");
            Path d = dir.resolve(metric + "-bf32.npy");
            ok("segment", "--metric", metric, "--out", a, wide);
            ok("segment", "--metric", metric, "--out", b, half);
            ok("segment", "--metric", metric, "--bfloat16", "--out", c, bf);
            ok("segment", "--metric", metric, "--out", d, bfWide);
            assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), metric);
            assertArrayEquals(Files.readAllBytes(d), Files.readAllBytes(c), metric);
        }
    }

    @Test
    void explainAndBenchTakeBfloat16() throws IOException {
        Path file = npy("bench.npy", "<u2", BF16);
        Path png = dir.resolve("bf16.png");
        ok("explain", "--bfloat16", "--out", png, file);
        assertTrue(Files.size(png) > 0);
        CliRun bench = ok("bench", "--json", "--bfloat16", "--repeat", "1", "--backend", "scalar", file);
        assertTrue(bench.out().contains("bfloat16"), bench.out());
    }

    @Test
    void anInvalidVoxelIsOneLineNamingTheFileAndVoxel() throws IOException {
        short[] bad = F16.clone();
        bad[1234] = (short) 0xBC00; // -1.0
        bad[2000] = (short) 0x7E00; // NaN, later
        Path file = npy("bad16.npy", "<f2", bad);
        CliRun r = CliRun.of("analyze", file);
        assertEquals(3, r.code());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith(file + ": "), r.err());
        assertTrue(r.err().contains("1234") && r.err().contains("-1.0"), r.err());
        short[] above = BF16.clone();
        above[7] = (short) 0x3F81;
        CliRun b = CliRun.of("analyze", "--bfloat16", npy("badbf.npy", "<u2", above));
        assertEquals(3, b.code());
        assertTrue(b.err().contains("7") && b.err().contains("1.0078125"), b.err());
    }

    @Test
    void bfloat16NeedsOne16BitIntegerFile() throws IOException {
        Path u2 = npy("plain.npy", "<u2", BF16);
        CliRun noFlag = CliRun.of("analyze", u2);
        assertEquals(2, noFlag.code());
        assertTrue(noFlag.err().contains("--bfloat16"), noFlag.err());
        CliRun floats = CliRun.of("analyze", "--bfloat16", float32("f.npy", BF16, true));
        assertEquals(3, floats.code());
        assertTrue(floats.err().contains("16-bit integers"), floats.err());
        CliRun withVotes = CliRun.of("analyze", "--bfloat16", "--votes", "3", u2);
        assertEquals(2, withVotes.code());
        assertFalse(withVotes.err().isBlank());
        assertEquals(2, CliRun.of("analyze", "--bfloat16", u2, u2).code());
    }
}
