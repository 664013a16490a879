package org.segopt.lidc;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

/**
 * The {@code *.xml} files under a folder, found by a walk that never aborts: links are followed
 * only while they stay inside the folder, and a link loop, an unreadable folder, a dangling link
 * or an XML name that is not a regular file is reported as one problem and the walk goes on.
 *
 * @param files    the regular {@code *.xml} files, in path order
 * @param problems what the walk could not read, each with its path
 */
record XmlFiles(List<Path> files, List<Problem> problems) {

    /**
     * An entry the walk left out.
     *
     * @param path  the entry
     * @param error whether files may be lost (unreadable, dangling) rather than read elsewhere (a loop)
     */
    record Problem(Path path, String reason, boolean error) {
    }

    static XmlFiles under(Path dir) throws IOException {
        Path root = dir.toRealPath();
        List<Path> files = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        Files.walkFileTree(dir, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attributes) {
                if (!inside(d, root)) {
                    problems.add(new Problem(d, "a link leaving " + dir + ", not followed", false));
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attributes) {
                if (!isXml(f.getFileName().toString())) {
                    return FileVisitResult.CONTINUE;
                }
                if (attributes.isSymbolicLink()) {
                    problems.add(new Problem(f, "a dangling link", true));
                } else if (!attributes.isRegularFile()) {
                    problems.add(new Problem(f, "not a regular file (a FIFO, device or socket)", true));
                } else if (!inside(f, root)) {
                    problems.add(new Problem(f, "a link leaving " + dir + ", not followed", false));
                } else {
                    files.add(f);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path f, IOException e) {
                problems.add(switch (e) {
                    case FileSystemLoopException _ -> new Problem(f, "a link loop, not followed", false);
                    case AccessDeniedException _ -> new Problem(f, "cannot read: permission denied", true);
                    case NoSuchFileException _ -> new Problem(f, "vanished while the folder was read", true);
                    case FileSystemException fse when fse.getReason() != null ->
                            new Problem(f, "cannot read: " + fse.getReason(), true);
                    default -> new Problem(f, "cannot read: " + e.getMessage(), true);
                });
                return FileVisitResult.CONTINUE;
            }
        });
        files.sort(null);
        return new XmlFiles(List.copyOf(files), List.copyOf(problems));
    }

    /** Whether {@code p}, links resolved, lies in {@code root}; false when it cannot be resolved. */
    private static boolean inside(Path p, Path root) {
        try {
            return p.toRealPath().startsWith(root);
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether a file named {@code name} is read as an LIDC XML file. */
    static boolean isXml(String name) {
        return name.toLowerCase(Locale.ROOT).endsWith(".xml");
    }
}
