package org.segopt.gpu;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kernels as PTX, a resource generated from {@code src/main/cuda/segopt_kernels.cu} by
 * {@code nvcc -ptx -arch=compute_75} (see that file's header) and committed, so machines without
 * nvcc run it; the driver compiles it for the device at load time.
 */
final class Ptx {
    /** Resource path of the PTX. */
    static final String RESOURCE = "/org/segopt/gpu/segopt_kernels.ptx";
    /** The PTX targets compute_75 (Turing); older devices cannot load it. */
    static final int MIN_COMPUTE_CAPABILITY = 75;

    private static final Pattern VERSION = Pattern.compile("(?m)^\\.version\\s+(\\d+)\\.(\\d+)\\s*$");
    private static volatile String source;

    private Ptx() {
    }

    /** The PTX text. */
    static String source() {
        String s = source;
        if (s == null) {
            try (InputStream in = Ptx.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("PTX resource " + RESOURCE + " missing from the classpath");
                }
                s = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            source = s;
        }
        return s;
    }

    /** The PTX ISA version the text declares, e.g. "9.0". */
    static String isaVersion(String ptx) {
        Matcher m = VERSION.matcher(ptx);
        if (!m.find()) {
            throw new IllegalStateException("PTX without a .version directive");
        }
        return m.group(1) + "." + m.group(2);
    }

    /** The same PTX declared at ISA {@code version}. */
    static String withIsaVersion(String ptx, String version) {
        return VERSION.matcher(ptx).replaceFirst(".version " + version);
    }

    /**
     * The newest PTX ISA a driver of version {@code driver} (1000 * major + 10 * minor) accepts, or
     * null when it is 13.0 or newer (it accepts the resource as generated). The kernels use nothing
     * newer than PTX ISA 7.0 (CUDA 11.0), so declaring an older ISA keeps them valid: ptxas accepts
     * the resource declared at 7.0 (checked by a test where ptxas is installed).
     */
    static String isaForDriver(int driver) {
        int major = driver / 1000;
        int minor = driver % 1000 / 10;
        if (major >= 13) {
            return null;
        }
        if (major == 12) {
            // CUDA 12.0-12.5 -> 8.0-8.5, 12.6 -> 8.5, 12.7/12.8 -> 8.7, 12.9 -> 8.8
            int isa = minor <= 5 ? minor : minor == 6 ? 5 : minor <= 8 ? 7 : 8;
            return "8." + isa;
        }
        if (major == 11) {
            return "7." + Math.min(minor, 8);
        }
        return "7.0"; // older drivers cannot run compute_75 PTX at all; let the driver say so
    }
}
