package org.segopt.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
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
     * @param ignored files that do not follow the layout (not masks of it)
     * @param errors  problems that make single cases unusable, "roi/case: message"
     */
    public record Listing(List<CaseSpec> cases, List<Path> ignored, List<String> errors) {
    }

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
        Map<String, Map<String, TreeMap<Integer, Path>>> byRoi = new TreeMap<>();
        List<Path> ignored = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        try (Stream<Path> patients = Files.list(dir)) {
            for (Path patient : patients.sorted().toList()) {
                if (!Files.isDirectory(patient)) {
                    ignored.add(patient);
                    continue;
                }
                String patientName = patient.getFileName().toString();
                List<Path> listed;
                try (Stream<Path> files = Files.list(patient)) {
                    listed = files.sorted().toList();
                } catch (IOException e) {
                    errors.add(patientName + ": cannot list the folder " + patient + " (" + IoSupport.message(e) + ")");
                    continue;
                }
                for (Path file : listed) {
                    Matcher match = PLASTIMATCH_FILE.matcher(file.getFileName().toString());
                    if (!Files.isRegularFile(file) || !match.matches()) {
                        ignored.add(file);
                        continue;
                    }
                    String roi = match.group(1);
                    int user;
                    try {
                        user = Integer.parseInt(match.group(2));
                    } catch (NumberFormatException e) {
                        ignored.add(file);
                        continue;
                    }
                    TreeMap<Integer, Path> users = byRoi.computeIfAbsent(roi, r -> new TreeMap<>())
                            .computeIfAbsent(patientName, p -> new TreeMap<>());
                    Path previous = users.putIfAbsent(user, file);
                    if (previous != null) {
                        errors.add(roi + "/" + patientName + ": two files for User" + user + ": "
                                + previous.getFileName() + " and " + file.getFileName());
                    }
                }
            }
        } catch (IOException e) {
            throw new DatasetException(dir + ": cannot list the directory (" + IoSupport.message(e) + ")", e);
        }
        List<CaseSpec> cases = new ArrayList<>();
        for (Map.Entry<String, Map<String, TreeMap<Integer, Path>>> roi : byRoi.entrySet()) {
            for (Map.Entry<String, TreeMap<Integer, Path>> patient : new TreeMap<>(roi.getValue()).entrySet()) {
                String label = roi.getKey() + "/" + patient.getKey();
                if (errors.stream().noneMatch(e -> e.startsWith(label + ": "))) {
                    cases.add(new CaseSpec(roi.getKey(), patient.getKey(), List.copyOf(patient.getValue().values())));
                }
            }
        }
        return new Listing(cases, ignored, errors);
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
        Path base = csv.toAbsolutePath().getParent();
        Map<String, Map<String, List<Path>>> byRoi = new LinkedHashMap<>();
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
            Path path = base.resolve(file).normalize();
            List<Path> files = byRoi.computeIfAbsent(roi, k -> new LinkedHashMap<>()).computeIfAbsent(name, k -> new ArrayList<>());
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
