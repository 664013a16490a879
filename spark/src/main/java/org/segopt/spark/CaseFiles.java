package org.segopt.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.segopt.report.CaseSpec;

/**
 * A case as it travels to an executor: its ROI, name and files as Hadoop {@code FileSystem} URIs
 * ({@code file://}, {@code hdfs://}, {@code s3a://} where the cluster has the connector). The
 * executor that analyses it reads the files: local ones in place, others copied to a temporary
 * folder first (the readers map or stream local files) and removed after the case. A local file
 * is read under the path the dataset gave where that names the same file on the executor (always
 * in local mode), so that messages name files as the single-machine commands do.
 *
 * @param roi   the ROI
 * @param name  the case
 * @param files the rater or map files as URIs, in rater order
 * @param given the same files as the dataset named them
 */
record CaseFiles(String roi, String name, List<String> files, List<String> given) implements Serializable {

    static CaseFiles of(CaseSpec spec) {
        return new CaseFiles(spec.roi(), spec.name(), spec.raters().stream().map(p -> p.toUri().toString()).toList(),
                spec.raters().stream().map(Path::toString).toList());
    }

    /** Runs {@code analysis} on the case with its files on this machine. */
    <T> T withLocalFiles(Function<CaseSpec, T> analysis) {
        Path copies = null;
        try {
            List<Path> local = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                URI uri = URI.create(files.get(i));
                FileSystem fs = FileSystem.get(uri, new Configuration());
                if (fs instanceof LocalFileSystem || "file".equals(uri.getScheme())) {
                    local.add(named(given.get(i), Path.of(uri)));
                    continue;
                }
                if (copies == null) {
                    copies = Files.createTempDirectory("segopt-case");
                }
                org.apache.hadoop.fs.Path source = new org.apache.hadoop.fs.Path(uri);
                Path copy = copies.resolve(local.size() + "-" + source.getName());
                fs.copyToLocalFile(false, source, new org.apache.hadoop.fs.Path(copy.toUri()), true);
                local.add(copy);
            }
            return analysis.apply(new CaseSpec(roi, name, local));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fetch the files of " + roi + "/" + name, e);
        } finally {
            if (copies != null) {
                delete(copies);
            }
        }
    }

    /** {@code given} where it names {@code absolute} on this machine, else {@code absolute}. */
    static Path named(String given, Path absolute) {
        Path named = Path.of(given);
        return named.toAbsolutePath().equals(absolute) ? named : absolute;
    }

    private static void delete(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temporary folder left behind: the OS cleans its temp space
        }
    }
}
