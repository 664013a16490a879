package org.segopt.spark;

import static org.segopt.lidc.LidcTestXml.characteristics;
import static org.segopt.lidc.LidcTestXml.ct;
import static org.segopt.lidc.LidcTestXml.cxr;
import static org.segopt.lidc.LidcTestXml.nodule;
import static org.segopt.lidc.LidcTestXml.rectangle;
import static org.segopt.lidc.LidcTestXml.roi;
import static org.segopt.lidc.LidcTestXml.session;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.apache.spark.sql.SparkSession;
import org.segopt.report.ReportTestFiles;

/** Datasets of the Spark tests, and their local Spark session. */
public final class SparkTestData {
    private SparkTestData() {
    }

    /** A Plastimatch layout: 2 ROIs x 3 patients, up to 3 raters, one unreadable mask. */
    public static Path plastimatch(Path dir, long seed) throws IOException {
        Random random = new Random(seed);
        long[] shape = {4, 5, 6};
        for (String patient : new String[] {"P1", "P2", "P3"}) {
            for (String roi : new String[] {"Bladder", "Rectum"}) {
                int raters = 1 + random.nextInt(3);
                for (int k = 1; k <= raters; k++) {
                    byte[] mask = new byte[4 * 5 * 6];
                    for (int i = 0; i < mask.length; i++) {
                        mask[i] = (byte) (random.nextInt(4) == 0 ? 1 : 0);
                    }
                    ReportTestFiles.nrrd(dir.resolve(patient).resolve(roi + " (User" + k + ").nrrd"), shape, mask);
                }
            }
        }
        Files.writeString(dir.resolve("P2").resolve("Rectum (User9).nrrd"), "NRRD0004\nnot a header\n");
        return dir;
    }

    /** LIDC XML: two CT series, a duplicate, a chest radiograph and a malformed file. */
    public static Path lidc(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("a"));
        String c = characteristics("3", "1", "6", "4", "5", "4", "3", "2", "4");
        String one = ct("1.2.3", session(nodule("n1", c, roi("-10.0", true, rectangle(100, 100, 110, 112)),
                roi("-12.5", true, rectangle(101, 101, 109, 110)))),
                session(nodule("m1", c, roi("-10.0", true, rectangle(103, 98, 112, 111)))));
        String two = ct("4.5.6", session(nodule("n2", c, roi("0.0", true, rectangle(200, 210, 205, 230)))),
                session(), session(nodule("n3", c, roi("0.0", true, rectangle(201, 212, 206, 229)))));
        Files.writeString(dir.resolve("a/001.xml"), one);
        Files.writeString(dir.resolve("a/002.xml"), two);
        Files.writeString(dir.resolve("a/003.xml"), one);
        Files.writeString(dir.resolve("cxr.xml"), cxr());
        Files.writeString(dir.resolve("broken.xml"), "<LidcReadMessage><ResponseHeader>");
        return dir;
    }

    /** A local session with two executor threads on the loopback address, no web UI. */
    public static SparkSession localSession() {
        return SparkSession.builder().master("local[2]").appName("segopt-test")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .getOrCreate();
    }
}
