package org.segopt.spark;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.segopt.io.IoSupport;

/**
 * The files of one task on the executor's disk, as the readers (which map local files) take
 * them: a {@code file:} URI is read in place, a file of any other Hadoop file system ({@code
 * hdfs:}, {@code s3a:}, ...) is copied into a temporary folder, which closing deletes. Messages
 * about the local files are put back in the dataset's names with {@link #named}.
 */
final class LocalFiles implements AutoCloseable {
    private final Configuration hadoop;
    private final Map<String, String> names = new LinkedHashMap<>(); // local path -> the dataset's name
    private Path copies;

    /** {@code hadoop}: the configuration the file systems are opened with. */
    LocalFiles(Configuration hadoop) {
        this.hadoop = hadoop;
    }

    /** A file cannot be fetched to this machine; the message names it as the dataset gave it. */
    static final class Unreadable extends Exception {
        private static final long serialVersionUID = 1L;

        Unreadable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The local path of the file at URI {@code name}: itself for {@code file:}, else a copy at
     * {@code as} (a relative path; its last name keeps the suffix that names the format) under
     * this task's temporary folder, exactly the file's length, which bounds the copy.
     */
    Path of(String name, Path as) throws Unreadable {
        org.apache.hadoop.fs.Path remote = new org.apache.hadoop.fs.Path(name);
        Path local;
        if ("file".equals(remote.toUri().getScheme())) {
            try {
                local = Path.of(remote.toUri());
            } catch (IllegalArgumentException e) { // file://host/...
                throw new Unreadable(name + ": not a file of this machine (" + e.getMessage() + ")", e);
            }
        } else {
            try {
                copies = copies != null ? copies : Files.createTempDirectory("segopt-task-");
                local = Files.createDirectories(copies.resolve(as).getParent()).resolve(as.getFileName());
            } catch (IOException e) {
                throw new Unreadable(name + ": cannot make a local folder for its copy (" + IoSupport.message(e) + ")", e);
            }
            copy(name, remote, local);
        }
        names.put(local.toString(), name);
        return local;
    }

    private void copy(String name, org.apache.hadoop.fs.Path remote, Path target) throws Unreadable {
        try {
            FileSystem fs = HadoopFiles.fileSystem(remote, hadoop);
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
        } catch (FileNotFoundException e) {
            throw new Unreadable(name + ": no such file", e);
        } catch (IOException e) {
            throw new Unreadable(name + ": cannot read: " + IoSupport.message(e), e);
        }
    }

    /** {@code message} naming the files as the dataset gave them (null stays null). */
    String named(String message) {
        if (message == null) {
            return null;
        }
        String named = message;
        // longer paths first, so that a path that extends another is put back whole
        for (String local : names.keySet().stream().sorted(Comparator.comparingInt(String::length).reversed()).toList()) {
            named = named.replace(local, names.get(local));
        }
        return named;
    }

    /** Deletes the copies. */
    @Override
    public void close() throws IOException {
        if (copies != null) {
            try (Stream<Path> all = Files.walk(copies)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
