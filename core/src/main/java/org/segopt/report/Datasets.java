package org.segopt.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.segopt.io.IoSupport;

/** Enumerates the cases of a dataset from a directory layout or a manifest. */
public final class Datasets {
    /** {@code <ROI> (User<k>).<ext>}, as Plastimatch names one structure of an RTSTRUCT. */
    static final Pattern PLASTIMATCH_FILE = Pattern.compile("(.+) \\(User(\\d+)\\)\\.([A-Za-z0-9.]+)");

    private Datasets() {
    }

    /**
     * A dataset and what was set aside while reading its layout.
     *
     * @param cases   the cases, grouped by ROI in a stable order
     * @param ignored files that do not follow the layout (not masks of it), as the dataset names them
     * @param errors  problems that make single cases unusable, "roi/case: message"
     */
    public record Listing(List<CaseSpec> cases, List<String> ignored, List<String> errors) {
    }

    /**
     * The folders a layout is listed from: the local file system, or a cluster's, whose files are
     * named by URIs. Names are as the dataset gives them; a child's name is its folder's resolved.
     */
    public interface Folders {
        /** Whether {@code dir} is a folder. */
        boolean isDirectory(String dir) throws IOException;

        /** The entries of folder {@code dir}, in any order. */
        List<Entry> list(String dir) throws IOException;
    }

    /**
     * One entry of a folder.
     *
     * @param path      its name as the dataset names it (the folder's resolved)
     * @param name      its last component
     * @param directory whether it is a folder
     * @param file      whether it is a regular file
     * @param escapes   whether it is a link to something outside the layout's folder, which a
     *                  layout must not name
     */
    public record Entry(String path, String name, boolean directory, boolean file, boolean escapes) {
    }

    /** The local file system, names as {@link Path#toString()}; links are followed only within {@code root}. */
    private static Folders local(Path root) throws IOException {
        Path real = root.toRealPath();
        return new Folders() {
            @Override
            public boolean isDirectory(String dir) {
                return Files.isDirectory(Path.of(dir));
            }

            @Override
            public List<Entry> list(String dir) throws IOException {
                List<Entry> entries = new ArrayList<>();
                try (Stream<Path> files = Files.list(Path.of(dir))) {
                    for (Path f : (Iterable<Path>) files::iterator) {
                        boolean escapes = Files.isSymbolicLink(f) && (!Files.exists(f) || !f.toRealPath().startsWith(real));
                        entries.add(new Entry(f.toString(), f.getFileName().toString(), Files.isDirectory(f),
                                Files.isRegularFile(f), escapes));
                    }
                }
                return entries;
            }
        };
    }

    /**
     * Whether {@code name} is a URI ({@code scheme:/...}, as {@code file:///data}, {@code
     * hdfs://host/data}, {@code s3a://bucket/data}) rather than a local path; a scheme has at
     * least two characters.
     */
    public static boolean isUri(String name) {
        return URI_PREFIX.matcher(name).lookingAt();
    }

    private static final Pattern URI_PREFIX = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]+:/");

    /**
     * The Plastimatch layout: {@code DIR/<patient>/<ROI> (User<k>).<ext>} (the paper's Gold Atlas
     * masks are {@code .nrrd}; any format {@code org.segopt.io.ArrayReaders} reads works). ROIs
     * are ordered by name, patients by directory name, raters by k. A missing User file means that
     * rater did not delineate the ROI of that patient.
     */
    public static Listing plastimatch(Path dir) throws DatasetException {
        if (!Files.isDirectory(dir)) {
            throw new DatasetException(dir + ": not a directory");
        }
        try {
            return plastimatch(dir.toString(), local(dir));
        } catch (IOException e) {
            throw new DatasetException(dir + ": cannot list the directory (" + IoSupport.message(e) + ")", e);
        }
    }

    /** {@link #plastimatch(Path)} of folder {@code dir} of {@code folders}. */
    public static Listing plastimatch(String dir, Folders folders) throws DatasetException {
        Map<String, Map<String, TreeMap<Integer, Entry>>> byRoi = new TreeMap<>();
        List<String> ignored = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        try {
            if (!folders.isDirectory(dir)) {
                throw new DatasetException(dir + ": not a directory");
            }
            for (Entry patient : sorted(folders.list(dir))) {
                if (!patient.directory()) {
                    ignored.add(patient.path());
                    continue;
                }
                String patientName = patient.name();
                if (patient.escapes()) {
                    errors.add(patientName + ": the folder " + patient.path() + " is a link to outside " + dir);
                    continue;
                }
                List<Entry> listed;
                try {
                    listed = sorted(folders.list(patient.path()));
                } catch (IOException e) {
                    errors.add(patientName + ": cannot list the folder " + patient.path() + " (" + IoSupport.message(e) + ")");
                    continue;
                }
                for (Entry file : listed) {
                    Matcher match = PLASTIMATCH_FILE.matcher(file.name());
                    if (!file.file() || !match.matches()) {
                        ignored.add(file.path());
                        continue;
                    }
                    String roi = match.group(1);
                    if (file.escapes()) {
                        errors.add(roi + "/" + patientName + ": " + file.path() + " is a link to outside " + dir);
                        continue;
                    }
                    int user;
                    try {
                        user = Integer.parseInt(match.group(2));
                    } catch (NumberFormatException e) {
                        ignored.add(file.path());
                        continue;
                    }
                    TreeMap<Integer, Entry> users = byRoi.computeIfAbsent(roi, r -> new TreeMap<>())
                            .computeIfAbsent(patientName, p -> new TreeMap<>());
                    Entry previous = users.putIfAbsent(user, file);
                    if (previous != null) {
                        errors.add(roi + "/" + patientName + ": two files for User" + user + ": "
                                + previous.name() + " and " + file.name());
                    }
                }
            }
        } catch (IOException e) {
            throw new DatasetException(dir + ": cannot list the directory (" + IoSupport.message(e) + ")", e);
        }
        List<CaseSpec> cases = new ArrayList<>();
        for (Map.Entry<String, Map<String, TreeMap<Integer, Entry>>> roi : byRoi.entrySet()) {
            for (Map.Entry<String, TreeMap<Integer, Entry>> patient : new TreeMap<>(roi.getValue()).entrySet()) {
                String label = roi.getKey() + "/" + patient.getKey();
                if (errors.stream().noneMatch(e -> e.startsWith(label + ": "))) {
                    cases.add(new CaseSpec(roi.getKey(), patient.getKey(),
                            patient.getValue().values().stream().map(Entry::path).toList(), CaseKind.MASK));
                }
            }
        }
        return new Listing(cases, ignored, errors);
    }

    private static List<Entry> sorted(List<Entry> entries) {
        return entries.stream().sorted(Comparator.comparing(Entry::name)).toList();
    }

    /**
     * A manifest: CSV with a header naming (at least) the columns {@code roi}, {@code case} and
     * {@code file}, one row per rater mask; relative paths are relative to the manifest's directory.
     * ROIs and cases keep the order of their first row; raters the order of their rows. An optional
     * column {@code kind} names each row's {@link CaseKind} ({@code mask} when absent or empty); the
     * rows of one case must agree on it, and a case of another kind than mask has one row.
     */
    public static Listing manifest(Path csv) throws DatasetException {
        if (Files.exists(csv) && !Files.isRegularFile(csv)) { // a FIFO would block the read forever
            throw new DatasetException(csv + ": not a regular file; the manifest must be a CSV file");
        }
        String text;
        try {
            text = Files.readString(csv, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DatasetException(csv + ": cannot read the manifest (" + IoSupport.message(e) + ")", e);
        }
        Path base = csv.toAbsolutePath().getParent();
        return manifest(csv.toString(), text, file -> base.resolve(file).normalize().toString());
    }

    /**
     * {@link #manifest(Path)} of the manifest named {@code csv} holding {@code text}, each row's
     * file named by {@code resolve} of its {@code file} column (relative to the manifest).
     */
    public static Listing manifest(String csv, String text, UnaryOperator<String> resolve) throws DatasetException {
        List<List<String>> records;
        try {
            records = Csv.parse(text);
        } catch (IllegalArgumentException e) {
            throw new DatasetException(csv + ": " + e.getMessage(), e);
        }
        if (records.isEmpty()) {
            throw new DatasetException(csv + ": the manifest is empty (expected a header roi,case,file)");
        }
        List<String> header = records.getFirst().stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).toList();
        int roiColumn = header.indexOf("roi");
        int caseColumn = header.indexOf("case");
        int fileColumn = header.indexOf("file");
        int kindColumn = header.indexOf("kind");
        if (roiColumn < 0 || caseColumn < 0 || fileColumn < 0) {
            throw new DatasetException(csv + ": the header must name the columns roi, case and file, not "
                    + String.join(",", records.getFirst()));
        }
        Map<String, Map<String, List<String>>> byRoi = new LinkedHashMap<>();
        Map<String, CaseKind> kinds = new LinkedHashMap<>(); // by label
        List<String> errors = new ArrayList<>();
        for (int r = 1; r < records.size(); r++) {
            List<String> record = records.get(r);
            int needed = Math.max(Math.max(roiColumn, kindColumn), Math.max(caseColumn, fileColumn));
            if (record.size() <= needed) {
                throw new DatasetException(csv + ": row " + (r + 1) + " has " + record.size() + " fields, expected "
                        + header.size());
            }
            String roi = record.get(roiColumn).trim();
            String name = record.get(caseColumn).trim();
            String file = record.get(fileColumn).trim();
            if (roi.isEmpty() || name.isEmpty() || file.isEmpty()) {
                throw new DatasetException(csv + ": row " + (r + 1) + " has an empty roi, case or file");
            }
            CaseKind kind;
            try {
                kind = CaseKind.parse(kindColumn >= 0 && kindColumn < record.size() ? record.get(kindColumn).trim() : "");
            } catch (IllegalArgumentException e) {
                throw new DatasetException(csv + ": row " + (r + 1) + ": " + e.getMessage(), e);
            }
            String path = resolve.apply(file);
            List<String> files = byRoi.computeIfAbsent(roi, k -> new LinkedHashMap<>()).computeIfAbsent(name, k -> new ArrayList<>());
            files.add(path);
            String label = roi + "/" + name;
            CaseKind first = kinds.putIfAbsent(label, kind);
            if (first != null && first != kind) {
                errors.add(label + ": row " + (r + 1) + " is of kind " + kind.label() + ", an earlier row of the case of kind "
                        + first.label());
            } else if (kind == CaseKind.PROBABILITY && files.size() > 1) {
                errors.add(label + ": row " + (r + 1) + ": a " + kind.label() + " case has one row");
            }
        }
        List<CaseSpec> cases = new ArrayList<>();
        byRoi.forEach((roi, patients) -> patients.forEach((name, files) -> {
            String label = roi + "/" + name;
            if (errors.stream().noneMatch(e -> e.startsWith(label + ": "))) {
                cases.add(new CaseSpec(roi, name, files, kinds.get(label)));
            }
        }));
        return new Listing(cases, List.of(), errors);
    }
}
