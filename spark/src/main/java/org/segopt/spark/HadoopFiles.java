package org.segopt.spark;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.TreeMap;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.segopt.io.IoSupport;
import org.segopt.lidc.LidcExperiment;
import org.segopt.report.DatasetException;
import org.segopt.report.Datasets;
import scala.Tuple2;

/**
 * Datasets named by URIs, listed on the driver through Hadoop's {@link FileSystem} (any scheme
 * the class path has a file system for: {@code file:}, {@code hdfs:}, {@code s3a:} with its
 * connector, ...), with the single-machine commands' parsing and naming rules.
 */
final class HadoopFiles implements Datasets.Folders {
    private final Configuration hadoop;

    HadoopFiles(Configuration hadoop) {
        this.hadoop = hadoop;
    }

    /**
     * Hadoop's configuration as Spark gives it to a job: the {@code *-site.xml} files of the
     * class path and {@code HADOOP_CONF_DIR}, and every {@code spark.hadoop.KEY} of Spark's
     * configuration (system properties, as {@code spark-submit --conf} sets them) as {@code KEY}.
     */
    static Configuration configuration() {
        Configuration hadoop = new Configuration();
        for (Tuple2<String, String> e : new SparkConf().getAllWithPrefix("spark.hadoop.")) {
            hadoop.set(e._1(), e._2());
        }
        return hadoop;
    }

    @Override
    public boolean isDirectory(String dir) throws IOException {
        Path path = path(dir);
        try {
            return fileSystem(path, hadoop).getFileStatus(path).isDirectory();
        } catch (FileNotFoundException e) {
            return false;
        }
    }

    @Override
    public List<Datasets.Entry> list(String dir) throws IOException {
        Path path = path(dir);
        List<Datasets.Entry> entries = new ArrayList<>();
        for (FileStatus s : fileSystem(path, hadoop).listStatus(path)) {
            entries.add(new Datasets.Entry(s.getPath().toString(), s.getPath().getName(), s.isDirectory(), s.isFile(), false));
        }
        return entries;
    }

    /** {@link Datasets#manifest(java.nio.file.Path)} of the manifest at URI {@code csv}, its files resolved against it. */
    Datasets.Listing manifest(String csv) throws DatasetException {
        String text;
        Path path;
        try {
            path = path(csv);
            FileSystem fs = fileSystem(path, hadoop);
            if (!fs.getFileStatus(path).isFile()) {
                throw new DatasetException(csv + ": not a regular file; the manifest must be a CSV file");
            }
            try (InputStream in = fs.open(path)) {
                text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(in.readAllBytes())).toString();
            }
        } catch (FileNotFoundException e) {
            throw new DatasetException(csv + ": cannot read the manifest (no such file)", e);
        } catch (IOException e) {
            throw new DatasetException(csv + ": cannot read the manifest (" + IoSupport.message(e) + ")", e);
        }
        Path base = path.getParent();
        try {
            return Datasets.manifest(csv, text, file -> new Path(base, file).toString());
        } catch (IllegalArgumentException e) { // a file column Hadoop cannot parse as a path
            throw new DatasetException(csv + ": " + e.getMessage(), e);
        }
    }

    /**
     * The {@code *.xml} files under a folder of a Hadoop file system.
     *
     * @param found the files and problems, named relative to the folder (its {@code dir} is the
     *              empty path), as the single-machine run names them
     * @param uris  the URI of each file of {@code found}
     */
    record XmlFolder(LidcExperiment.Found found, List<String> uris) {
    }

    /**
     * The {@code *.xml} files under folder {@code dir}, in path order; a sub-folder that cannot be
     * listed is a problem and the walk goes on (as {@link LidcExperiment#find} does).
     *
     * @throws IOException if {@code dir} is not a folder or cannot be listed
     */
    XmlFolder xmlFiles(String dir) throws IOException {
        Path root = path(dir);
        FileSystem fs = fileSystem(root, hadoop);
        if (!fs.getFileStatus(root).isDirectory()) {
            throw new IOException("not a directory");
        }
        TreeMap<String, String> files = new TreeMap<>(); // relative name -> URI
        List<LidcExperiment.Skipped> problems = new ArrayList<>();
        ArrayDeque<Map.Entry<String, FileStatus[]>> folders = new ArrayDeque<>();
        folders.add(Map.entry("", fs.listStatus(root)));
        while (!folders.isEmpty()) {
            Map.Entry<String, FileStatus[]> folder = folders.poll();
            for (FileStatus s : folder.getValue()) {
                String name = folder.getKey() + s.getPath().getName();
                if (s.isDirectory()) {
                    try {
                        folders.add(Map.entry(name + "/", fs.listStatus(s.getPath())));
                    } catch (IOException e) {
                        problems.add(new LidcExperiment.Skipped(name, "", "path", "cannot read: " + IoSupport.message(e), true));
                    }
                } else if (LidcExperiment.isXml(name)) {
                    if (s.isFile()) {
                        files.put(name, s.getPath().toString());
                    } else {
                        problems.add(new LidcExperiment.Skipped(name, "", "path", "not a regular file", true));
                    }
                }
            }
        }
        List<java.nio.file.Path> names = files.keySet().stream().map(java.nio.file.Path::of).toList();
        return new XmlFolder(new LidcExperiment.Found(java.nio.file.Path.of(""), names, problems), List.copyOf(files.values()));
    }

    /**
     * The file system of {@code path}; one that cannot start is an I/O problem of the dataset
     * (Hadoop throws unchecked exceptions for some: an unknown host, a connector configured but
     * not on the class path, as {@code s3a:} without {@code hadoop-aws}).
     */
    static FileSystem fileSystem(Path path, Configuration hadoop) throws IOException {
        try {
            return path.getFileSystem(hadoop);
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IOException(cause instanceof ClassNotFoundException
                    ? "the file system of " + path.toUri().getScheme() + ": is not on the class path (" + cause.getMessage() + ")"
                    : cause.toString(), e);
        }
    }

    /** {@code name} as a Hadoop path; a name it cannot parse is an I/O problem of the dataset. */
    private static Path path(String name) throws IOException {
        try {
            return new Path(name);
        } catch (IllegalArgumentException e) {
            throw new IOException("not a URI: " + e.getMessage(), e);
        }
    }
}
