package io.pvcresizer.tools.benchmark;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The benchmark's results: sections of figures, each printed beside the baseline it is compared with and the ratio
 * of the two, as a table on stdout and as a JSON document.
 */
public final class BenchmarkReport {

    private final Map<String, Object> document = new LinkedHashMap<>();
    private final Map<String, Object> sections = new LinkedHashMap<>();
    private final List<Section> printed = new ArrayList<>();

    public BenchmarkReport(Map<String, Object> machine, Map<String, Object> options) {
        document.put("machine", machine);
        document.put("options", options);
        document.put("sections", sections);
    }

    /** A new section {@code key} headed {@code title}. */
    public Section section(String key, String title) {
        Section section = new Section(title);
        sections.put(key, section.json);
        printed.add(section);
        return section;
    }

    /** One section: its table rows and its JSON figures. */
    public static final class Section {
        private final String title;
        private final List<String[]> rows = new ArrayList<>();
        private final Map<String, Object> json = new LinkedHashMap<>();

        private Section(String title) {
            this.title = title;
        }

        /** A table row: the figure, its value, the baseline it is compared with, and the ratio (any may be empty). */
        public Section row(String figure, String value, String baseline, String ratio) {
            rows.add(new String[] {figure, value, baseline == null ? "" : baseline, ratio == null ? "" : ratio});
            return this;
        }

        /** A figure of the JSON document (numbers that are not finite become null). */
        public Section put(String key, Object value) {
            json.put(key, clean(value));
            return this;
        }
    }

    /** Prints every section as an aligned table. */
    public void print(PrintStream out) {
        int[] width = {6, 5, 8, 5};
        for (Section section : printed) {
            for (String[] row : section.rows) {
                for (int i = 0; i < 4; i++) {
                    width[i] = Math.max(width[i], row[i].length());
                }
            }
        }
        String format = "  %-" + width[0] + "s  %-" + width[1] + "s  %-" + width[2] + "s  %s%n";
        out.println();
        out.printf(format, "figure", "value", "baseline", "ratio");
        for (Section section : printed) {
            out.println(section.title);
            for (String[] row : section.rows) {
                out.printf(format, (Object[]) row);
            }
        }
        out.println();
    }

    /** Writes the JSON document to {@code file}, creating its directory. */
    public void writeJson(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        JsonMapper mapper = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
        Files.writeString(file, mapper.writeValueAsString(document) + "\n");
    }

    private static Object clean(Object value) {
        if (value instanceof Double d && !Double.isFinite(d)) {
            return null;
        }
        if (value instanceof Percentiles p) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("count", p.count());
            map.put("meanMs", clean(p.mean()));
            map.put("p50Ms", clean(p.p50()));
            map.put("p99Ms", clean(p.p99()));
            map.put("maxMs", clean(p.max()));
            return map;
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> map = new LinkedHashMap<>();
            m.forEach((k, v) -> map.put(String.valueOf(k), clean(v)));
            return map;
        }
        return value;
    }
}
