package io.pvcresizer.common.contract;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * {@code docs/asyncapi.yaml} as plain maps and lists (read with SnakeYAML's safe constructor), with just enough
 * navigation for the contract test: local {@code $ref}s, {@code allOf} flattening, messages and channels.
 */
final class AsyncApiDocument {

    static final String RELATIVE_PATH = "docs/asyncapi.yaml";

    private final Map<String, Object> root;

    private AsyncApiDocument(Map<String, Object> root) {
        this.root = root;
    }

    /** Finds {@code docs/asyncapi.yaml} in the working directory or the nearest ancestor that has one. */
    static AsyncApiDocument locate() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(RELATIVE_PATH);
            if (Files.isRegularFile(candidate)) {
                return read(candidate);
            }
        }
        throw new IllegalStateException(RELATIVE_PATH + " not found above " + Path.of("").toAbsolutePath());
    }

    static AsyncApiDocument read(Path file) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Object loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
            return new AsyncApiDocument(map(loaded));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }

    Map<String, Object> root() {
        return root;
    }

    /** The node at a path of keys from the root, following {@code $ref}s on the way; null when absent. */
    Object at(String... keys) {
        Object node = root;
        for (String key : keys) {
            node = resolve(node);
            if (!(node instanceof Map<?, ?> m)) {
                return null;
            }
            node = m.get(key);
        }
        return resolve(node);
    }

    /** The target of a local {@code $ref} (followed transitively), or the node itself. */
    Object resolve(Object node) {
        Set<String> seen = new LinkedHashSet<>();
        while (node instanceof Map<?, ?> m && m.get("$ref") instanceof String ref) {
            if (!seen.add(ref)) {
                throw new IllegalStateException("$ref cycle: " + seen);
            }
            node = pointer(ref);
            if (node == null) {
                throw new IllegalStateException("unresolvable $ref " + ref);
            }
        }
        return node;
    }

    /** A JSON pointer of this document ({@code #/components/schemas/VolumeRef}); null when it points at nothing. */
    Object pointer(String ref) {
        if (!ref.startsWith("#/")) {
            throw new IllegalStateException("only local $refs are expected, got " + ref);
        }
        Object node = root;
        for (String token : ref.substring(2).split("/")) {
            String key = token.replace("~1", "/").replace("~0", "~");
            if (!(node instanceof Map<?, ?> m) || !m.containsKey(key)) {
                return null;
            }
            node = m.get(key);
        }
        return node;
    }

    /** A schema with its {@code $ref} resolved and its {@code allOf} parts merged in (properties and required joined). */
    Map<String, Object> schema(Object node) {
        Map<String, Object> schema = map(resolve(node));
        if (!schema.containsKey("allOf")) {
            return schema;
        }
        Map<String, Object> merged = new LinkedHashMap<>();
        Map<String, Object> properties = new LinkedHashMap<>();
        Set<Object> required = new LinkedHashSet<>();
        List<Map<String, Object>> parts = new ArrayList<>();
        for (Object part : list(schema.get("allOf"))) {
            parts.add(schema(part));
        }
        Map<String, Object> own = new LinkedHashMap<>(schema);
        own.remove("allOf");
        parts.add(own);
        for (Map<String, Object> part : parts) {
            part.forEach((k, v) -> {
                switch (k) {
                    case "properties" -> properties.putAll(map(v));
                    case "required" -> required.addAll(list(v));
                    default -> merged.put(k, v);
                }
            });
        }
        if (!properties.isEmpty()) {
            merged.put("properties", properties);
        }
        if (!required.isEmpty()) {
            merged.put("required", new ArrayList<>(required));
        }
        return merged;
    }

    /** The property schemas of an object schema, each resolved and flattened. */
    Map<String, Map<String, Object>> properties(Object schemaNode) {
        Map<String, Map<String, Object>> properties = new LinkedHashMap<>();
        Object declared = schema(schemaNode).get("properties");
        if (declared != null) {
            map(declared).forEach((name, property) -> properties.put(name, schema(property)));
        }
        return properties;
    }

    /** {@code components.messages}, each resolved, by component name. */
    Map<String, Map<String, Object>> messages() {
        Map<String, Map<String, Object>> messages = new LinkedHashMap<>();
        map(at("components", "messages")).forEach((name, message) -> messages.put(name, map(resolve(message))));
        return messages;
    }

    /** The channels, each resolved, by channel id. */
    Map<String, Map<String, Object>> channels() {
        Map<String, Map<String, Object>> channels = new LinkedHashMap<>();
        map(at("channels")).forEach((id, channel) -> channels.put(id, map(resolve(channel))));
        return channels;
    }

    /** The messages a channel carries, each resolved. */
    List<Map<String, Object>> messagesOf(Map<String, Object> channel) {
        List<Map<String, Object>> messages = new ArrayList<>();
        Object declared = channel.get("messages");
        if (declared != null) {
            map(declared).values().forEach(m -> messages.add(map(resolve(m))));
        }
        return messages;
    }

    /** The operations, each resolved, by operation id. */
    Map<String, Map<String, Object>> operations() {
        Map<String, Map<String, Object>> operations = new LinkedHashMap<>();
        map(at("operations")).forEach((id, op) -> operations.put(id, map(resolve(op))));
        return operations;
    }

    /** Every {@code $ref} string anywhere in the document. */
    List<String> allRefs() {
        List<String> refs = new ArrayList<>();
        walk(root, node -> {
            if (node instanceof Map<?, ?> m && m.get("$ref") instanceof String ref) {
                refs.add(ref);
            }
        });
        return refs;
    }

    private static void walk(Object node, Consumer<Object> visitor) {
        visitor.accept(node);
        if (node instanceof Map<?, ?> m) {
            m.values().forEach(v -> walk(v, visitor));
        } else if (node instanceof List<?> l) {
            l.forEach(v -> walk(v, visitor));
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node) {
        if (!(node instanceof Map<?, ?>)) {
            throw new IllegalStateException("expected a mapping, got " + node);
        }
        return (Map<String, Object>) node;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object node) {
        if (!(node instanceof List<?>)) {
            throw new IllegalStateException("expected a sequence, got " + node);
        }
        return (List<Object>) node;
    }
}
