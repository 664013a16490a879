package org.segopt.spark;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.segopt.io.IoSupport;
import org.segopt.report.CaseKind;
import org.segopt.report.CaseSpec;
import org.segopt.report.Datasets;

/**
 * A case as it travels to an executor: its ROI, name and files, read by the executor that
 * analyses the case. A local path travels as an absolute {@code file:} URI (the executors see
 * the dataset on a shared or replicated file system) and is read under the path the dataset gave
 * where that names the same file on the executor (always in local mode); a {@code file:} URI is
 * read in place; a file of any other Hadoop file system ({@code hdfs:}, {@code s3a:}, ...) is
 * copied to a local temporary folder first, as the readers map local files. Messages name the
 * files as the dataset gave them.
 *
 * @param roi   the ROI
 * @param name  the case
 * @param files the rater or map files as URIs, in rater order
 * @param given the same files as the dataset named them
 * @param kind  what the files hold
 */
record CaseFiles(String roi, String name, List<String> files, List<String> given, CaseKind kind) implements Serializable {

    static CaseFiles of(CaseSpec spec) {
        return new CaseFiles(spec.roi(), spec.name(),
                spec.files().stream().map(f -> Datasets.isUri(f) ? f : Path.of(f).toUri().toString()).toList(),
                spec.files(), spec.kind());
    }

    /** "roi/name", for messages. */
    String label() {
        return roi + "/" + name;
    }

    /** A file of the case cannot be fetched to this machine; the message names it as the dataset gave it. */
    static final class Unreadable extends Exception {
        private static final long serialVersionUID = 1L;

        Unreadable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The case on this machine: the spec the per-case code reads and the local names to put back
     * into its messages; closing deletes the copies.
     *
     * @param spec   the case with local files
     * @param names  the dataset's name of each local file that differs from it
     * @param copies the temporary folder of the copies, or null
     */
    record Local(CaseSpec spec, Map<String, String> names, Path copies) implements AutoCloseable {

        /** {@code message} naming the files as the dataset gave them (null stays null). */
        String named(String message) {
            if (message == null) {
                return null;
            }
            String named = message;
            for (Map.Entry<String, String> n : names.entrySet()) {
                named = named.replace(n.getKey(), n.getValue());
            }
            return named;
        }

        @Override
        public void close() throws IOException {
            if (copies != null) {
                try (Stream<Path> all = Files.walk(copies)) {
                    for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }

    /** The case as this machine reads it, copying what is not on a local file system (see {@link Local}). */
    Local here(Configuration hadoop) throws Unreadable {
        List<Path> local = new ArrayList<>();
        Map<String, String> names = new LinkedHashMap<>();
        Path copies = null;
        try {
            for (int i = 0; i < files.size(); i++) {
                String name = given.get(i);
                Path path;
                if (!Datasets.isUri(name)) {
                    path = named(name, Path.of(URI.create(files.get(i))));
                } else {
                    org.apache.hadoop.fs.Path remote = new org.apache.hadoop.fs.Path(name);
                    if ("file".equals(remote.toUri().getScheme())) {
                        path = Path.of(remote.toUri());
                    } else {
                        copies = copies != null ? copies : Files.createTempDirectory("segopt-case-");
                        path = copy(name, remote, hadoop, Files.createDirectory(copies.resolve(Integer.toString(i))));
                    }
                    names.put(path.toString(), name);
                }
                local.add(path);
            }
        } catch (IOException e) {
            delete(copies);
            throw new Unreadable(label() + ": cannot make a local folder for the case's files (" + IoSupport.message(e) + ")", e);
        } catch (Unreadable e) {
            delete(copies);
            throw e;
        }
        names = sortedLongestFirst(names);
        return new Local(CaseSpec.of(roi, name, local, kind), names, copies);
    }

    /**
     * Copies {@code remote} (the dataset's {@code name}) into {@code folder} under its own name
     * (its suffix names its format): exactly the file's length, which bounds the copy.
     */
    private static Path copy(String name, org.apache.hadoop.fs.Path remote, Configuration hadoop, Path folder) throws Unreadable {
        Path target = folder.resolve(remote.getName());
        try {
            FileSystem fs = remote.getFileSystem(hadoop);
            FileStatus status = fs.getFileStatus(remote);
            if (!status.isFile()) {
                throw new Unreadable(name + ": not a regular file", null);
            }
            long copied;
            try (InputStream in = fs.open(remote); OutputStream out = Files.newOutputStream(target)) {
                copied = in.transferTo(out);
            }
            if (copied != status.getLen()) {
                throw new Unreadable(name + ": read " + copied + " bytes of a file of " + status.getLen()
                        + " (it changed while it was copied)", null);
            }
            return target;
        } catch (FileNotFoundException e) {
            throw new Unreadable(name + ": no such file", e);
        } catch (IOException e) {
            throw new Unreadable(name + ": cannot read: " + IoSupport.message(e), e);
        }
    }

    private static void delete(Path copies) {
        try {
            new Local(null, Map.of(), copies).close();
        } catch (IOException e) {
            // the temporary folder stays; the case's own error is the one to report
        }
    }

    /** Longer names first, so that a name that extends another is put back whole. */
    private static Map<String, String> sortedLongestFirst(Map<String, String> names) {
        Map<String, String> sorted = new LinkedHashMap<>();
        names.entrySet().stream().sorted(Comparator.comparingInt((Map.Entry<String, String> e) -> e.getKey().length()).reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    /** {@code given} where it names {@code absolute} on this machine, else {@code absolute}. */
    static Path named(String given, Path absolute) {
        Path named = Path.of(given);
        return named.toAbsolutePath().equals(absolute) ? named : absolute;
    }
}
