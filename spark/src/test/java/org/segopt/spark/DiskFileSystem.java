package org.segopt.spark;

import java.io.IOException;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The local disk under the scheme {@code disk:} ({@code fs.disk.impl}), so that the tests read a
 * dataset as one of a remote file system (the executors copy its files) without HDFS; counts the
 * files it opens.
 */
public class DiskFileSystem extends RawLocalFileSystem {
    /** {@code fs.disk.impl}, the property that registers it. */
    public static final String PROPERTY = "fs.disk.impl";
    /** How many files were opened for reading. */
    public static final AtomicInteger OPENED = new AtomicInteger();

    @Override
    public URI getUri() {
        return URI.create("disk:///");
    }

    @Override
    public String getScheme() {
        return "disk";
    }

    @Override
    public FSDataInputStream open(Path f, int bufferSize) throws IOException {
        OPENED.incrementAndGet();
        return super.open(f, bufferSize);
    }
}
