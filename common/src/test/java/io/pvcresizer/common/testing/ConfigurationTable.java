package io.pvcresizer.common.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Holds a module README's {@code ## Configuration} table against the configuration metadata the settings records
 * generate, so that a key's default is written once (in its record) and the README can only repeat it.
 *
 * <p>A row documents one or more keys (each in backticks in the first column); a key segment in angle or square
 * brackets ({@code clusters.<clusterID>.conf}, {@code request-topics.[<driver>]}) stands for a map entry, and the row
 * documents the map. The default column of a plain key must show the record's default: the value in backticks, a
 * list as {@code `a`, `b`}, or text in parentheses (or "empty") where the record has none.
 */
public final class ConfigurationTable {

    private static final Pattern BACKTICKED = Pattern.compile("`([^`]*)`");

    private ConfigurationTable() {
    }

    /** A documented key, the default column of its row, and whether it names a map entry rather than a key. */
    public record Row(String key, String defaultText, boolean mapEntry) {
    }

    /** The rows of the {@code ## Configuration} table of {@code readme}, one per documented {@code pvc-resizer.*} key. */
    public static List<Row> rows(Path readme) {
        List<Row> rows = new ArrayList<>();
        boolean inSection = false;
        try {
            for (String line : Files.readAllLines(readme)) {
                if (line.startsWith("## ")) {
                    inSection = line.equals("## Configuration");
                    continue;
                }
                if (!inSection || !line.startsWith("| `")) {
                    continue;
                }
                String[] cells = line.split("(?<!\\\\)\\|");
                if (cells.length < 4) {
                    continue;
                }
                Matcher keys = BACKTICKED.matcher(cells[1]);
                while (keys.find()) {
                    String key = keys.group(1);
                    if (!key.startsWith("pvc-resizer.")) {
                        continue;
                    }
                    int placeholder = firstPlaceholder(key);
                    String mapKey = placeholder < 0 ? key : key.substring(0, placeholder - 1);
                    rows.add(new Row(mapKey, cells[2].strip(), placeholder >= 0));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    /** Every {@code pvc-resizer.*} key of the metadata on the class path → its default (null when it has none). */
    public static Map<String, Object> metadata() {
        Map<String, Object> keys = new TreeMap<>();
        JsonMapper json = JsonMapper.builder().build();
        try {
            for (URL url : Collections.list(ConfigurationTable.class.getClassLoader()
                    .getResources("META-INF/spring-configuration-metadata.json"))) {
                try (InputStream in = url.openStream()) {
                    for (JsonNode property : json.readTree(in).path("properties")) {
                        String name = property.path("name").asString();
                        if (name.startsWith("pvc-resizer.")) {
                            JsonNode value = property.get("defaultValue");
                            keys.put(name, value == null || value.isNull() ? null : json.treeToValue(value, Object.class));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return keys;
    }

    /**
     * What is wrong with {@code readme}: keys of the metadata it does not document, keys it documents that do not
     * exist, and defaults that differ from the record's; empty when it is true.
     */
    public static List<String> problems(Path readme, Map<String, Object> metadata) {
        List<String> problems = new ArrayList<>();
        Map<String, Row> documented = new LinkedHashMap<>();
        for (Row row : rows(readme)) {
            documented.putIfAbsent(row.key(), row);
            if (!metadata.containsKey(row.key()) && metadata.keySet().stream().noneMatch(k -> k.startsWith(row.key() + "."))) {
                problems.add(row.key() + ": documented, but no settings record has it");
                continue;
            }
            if (!row.mapEntry() && metadata.containsKey(row.key())) {
                String shown = shownDefault(row.defaultText());
                String actual = rendered(metadata.get(row.key()));
                if (!sameValue(shown, actual)) {
                    problems.add(row.key() + ": README says default " + (shown == null ? "(none)" : "`" + shown + "`")
                            + ", the record says " + (actual == null ? "(none)" : "`" + actual + "`"));
                }
            }
        }
        for (String key : metadata.keySet()) {
            if (!documented.containsKey(key)) {
                problems.add(key + ": not documented in " + readme.getFileName());
            }
        }
        return problems;
    }

    /** Whether {@code value}, as written in a settings file, is the default of {@code key}. */
    public static boolean isDefault(String key, String value, Map<String, Object> metadata) {
        String actual = rendered(metadata.get(key));
        return actual != null && sameValue(value.replaceAll(",\\s+", ","), actual);
    }

    private static int firstPlaceholder(String key) {
        int angle = key.indexOf(".<");
        int square = key.indexOf(".[");
        int first = angle < 0 ? square : square < 0 ? angle : Math.min(angle, square);
        return first < 0 ? -1 : first + 1;
    }

    /** The default a README cell shows: its backticked values joined as a list, or null for text without a value. */
    private static String shownDefault(String cell) {
        if (!cell.startsWith("`")) {
            return null;
        }
        List<String> values = new ArrayList<>();
        Matcher matcher = BACKTICKED.matcher(cell);
        int end = 0;
        while (matcher.find() && cell.substring(end, matcher.start()).matches("\\s*,?\\s*")) {
            values.add(matcher.group(1));
            end = matcher.end();
        }
        return String.join(",", values);
    }

    private static String rendered(Object value) {
        if (value instanceof String text && text.startsWith("[") && text.endsWith("]")) {
            // The annotation processor writes a collection's @DefaultValue as its toString().
            return String.join(",", text.substring(1, text.length() - 1).split(",\\s*"));
        }
        if (value instanceof List<?> list) {
            return String.join(",", list.stream().map(String::valueOf).toList());
        }
        return value == null || value.toString().isEmpty() ? null : value.toString();
    }

    private static boolean sameValue(String shown, String actual) {
        if (shown == null || actual == null) {
            return shown == null && actual == null;
        }
        if (shown.equals(actual)) {
            return true;
        }
        try {
            return Double.parseDouble(shown) == Double.parseDouble(actual);
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
