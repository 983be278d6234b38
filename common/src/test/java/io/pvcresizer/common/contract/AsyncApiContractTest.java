package io.pvcresizer.common.contract;

import static io.pvcresizer.common.contract.AsyncApiDocument.list;
import static io.pvcresizer.common.contract.AsyncApiDocument.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.pvcresizer.common.events.ResizeEvent;
import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.kafka.DeadLetterHeaders;
import io.pvcresizer.common.kafka.EventCodec;
import io.pvcresizer.common.kafka.EventDecodingException;
import io.pvcresizer.common.topics.Topic;
import io.pvcresizer.common.topics.Topics;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.support.KafkaHeaders;
import tools.jackson.databind.json.JsonMapper;

/**
 * Holds {@code docs/asyncapi.yaml} to the code: its examples go through the real {@link EventCodec}, its messages,
 * fields, topics, keys and dead-letter headers are compared with the event records, {@link Topics} and
 * {@link DeadLetterHeaders}, so that neither can change without the other.
 */
class AsyncApiContractTest {

    /** How an example names its record key, AsyncAPI 3.0 examples having no field for it. */
    private static final Pattern EXAMPLE_KEY = Pattern.compile("Record key: `([^`]+)`\\.$");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static AsyncApiDocument doc;

    private final EventCodec codec = new EventCodec();

    @BeforeAll
    static void readDocument() {
        doc = AsyncApiDocument.locate();
    }

    @Test
    void shouldBeAnAsyncApi3DocumentWhoseReferencesAllResolve() {
        assertThat(doc.root().get("asyncapi")).isEqualTo("3.0.0");
        assertThat(doc.at("info", "title")).isEqualTo("pvc-resizer events");
        assertThat(doc.at("info", "version")).isEqualTo("0.1.0");
        assertThat(map(doc.at("servers"))).allSatisfy((name, server) -> assertThat(map(server).get("protocol")).isEqualTo("kafka"));
        SoftAssertions soft = new SoftAssertions();
        for (String ref : doc.allRefs()) {
            soft.assertThat(doc.pointer(ref)).as("$ref %s", ref).isNotNull();
        }
        soft.assertAll();
    }

    @Test
    void shouldDeserializeEveryExampleIntoItsRecord() {
        Map<String, Class<? extends ResizeEvent>> records = recordsByType();
        SoftAssertions soft = new SoftAssertions();
        eventMessages().forEach((name, message) -> {
            String type = typeConst(message);
            List<Object> examples = examples(message);
            soft.assertThat(examples).as("examples of message %s", name).isNotEmpty();
            for (Object example : examples) {
                String label = name + " example " + map(example).get("name");
                byte[] payload = JSON.writeValueAsBytes(map(example).get("payload"));

                ResizeEvent event = codec.decode(payload);

                soft.assertThat(event).as(label).isInstanceOf(records.get(type));
                byte[] reencoded = codec.encode(event);
                soft.assertThat(codec.decode(reencoded)).as("%s decoded again", label).isEqualTo(event);
                soft.assertThat(JSON.readTree(reencoded)).as("%s as the code writes it", label).isEqualTo(JSON.readTree(payload));
            }
        });
        soft.assertAll();
    }

    @Test
    void shouldDocumentEveryEventTypeAsAMessage() {
        Map<String, Class<? extends ResizeEvent>> records = recordsByType();
        Map<String, String> messageByType = new LinkedHashMap<>();
        eventMessages().forEach((name, message) -> {
            assertThat(messageByType.put(typeConst(message), name)).as("second message with type %s", typeConst(message)).isNull();
            assertThat(message.get("name")).as("name of message %s", name).isEqualTo(typeConst(message));
        });

        assertThat(messageByType.keySet()).containsExactlyInAnyOrderElementsOf(records.keySet());
        assertThat(records.keySet()).containsExactlyInAnyOrderElementsOf(EventCodec.KNOWN_TYPES);
    }

    @Test
    void shouldDescribeEveryRecordFieldAndNoOther() {
        Map<String, Class<? extends ResizeEvent>> records = recordsByType();
        SoftAssertions soft = new SoftAssertions();
        eventMessages().forEach((name, message) -> {
            Object payload = message.get("payload");
            Class<?> record = records.get(typeConst(message));
            soft.assertThat(record).as("record of message %s", name).isNotNull();
            if (record != null) {
                compareFields(soft, name, record, payload, true);
            }
        });
        soft.assertAll();
    }

    @Test
    void shouldGiveEveryFieldTheSchemaTypeOfItsJavaType() {
        Map<String, Class<? extends ResizeEvent>> records = recordsByType();
        SoftAssertions soft = new SoftAssertions();
        eventMessages().forEach((name, message) ->
                compareTypes(soft, name, records.get(typeConst(message)), message.get("payload")));
        soft.assertAll();
    }

    @Test
    void shouldDeclareEveryTopicAndItsDeadLetterTopicAsAChannelWithItsKey() {
        Map<String, Map<String, Object>> channelsByAddress = new LinkedHashMap<>();
        doc.channels().values().forEach(c -> channelsByAddress.put((String) c.get("address"), c));
        Set<String> expected = new LinkedHashSet<>();
        SoftAssertions soft = new SoftAssertions();
        for (Topic<?> topic : Topics.ALL) {
            expected.add(topic.name());
            expected.add(topic.deadLetterName());
            for (String address : List.of(topic.name(), topic.deadLetterName())) {
                Map<String, Object> channel = channelsByAddress.get(address);
                soft.assertThat(channel).as("channel %s", address).isNotNull();
                if (channel == null) {
                    continue;
                }
                List<Map<String, Object>> messages = doc.messagesOf(channel);
                soft.assertThat(messages).as("messages of %s", address).isNotEmpty();
                for (Map<String, Object> message : messages) {
                    soft.assertThat(keyDescription(message)).as("key of %s on %s", message.get("name"), address)
                            .startsWithIgnoringCase(topic.key());
                }
            }
            Set<String> carried = doc.messagesOf(channelsByAddress.getOrDefault(topic.name(), Map.of())).stream()
                    .map(AsyncApiContractTest::typeConst).collect(Collectors.toSet());
            Set<String> permitted = recordsByType().entrySet().stream()
                    .filter(e -> topic.valueType().isAssignableFrom(e.getValue())).map(Map.Entry::getKey)
                    .collect(Collectors.toSet());
            soft.assertThat(carried).as("event types on %s", topic.name()).isEqualTo(permitted);
        }
        soft.assertThat(channelsByAddress.keySet()).as("channel addresses").containsExactlyInAnyOrderElementsOf(expected);
        soft.assertAll();
    }

    @Test
    void shouldKeyEveryExampleAsItsProducerKeysIt() {
        SoftAssertions soft = new SoftAssertions();
        for (Topic<?> topic : Topics.ALL) {
            for (Map<String, Object> message : doc.messagesOf(channelByAddress(topic.name()))) {
                for (Object example : examples(message)) {
                    ResizeEvent event = codec.decode(JSON.writeValueAsBytes(map(example).get("payload")));
                    soft.assertThat(exampleKey(example)).as("record key of %s example %s", message.get("name"),
                            map(example).get("name")).isEqualTo(keyOf(topic, event));
                    soft.assertThat(publishedKeyOf(topic, event)).as("key %s's publisher gives %s example %s",
                            topic.name(), message.get("name"), map(example).get("name")).isEqualTo(keyOf(topic, event));
                }
            }
        }
        soft.assertAll();
    }

    /**
     * Each topic has exactly one producing service and at most one consuming service, and its dead-letter topic is
     * written by exactly its consumer: by one service when the topic has a consumer, by none when it has none
     * ({@code pvc-resize.volume-usage} is published for whoever follows it).
     */
    @Test
    void shouldGiveEveryTopicOneProducingServiceAndAtMostOneConsumerWhichDeadLettersIt() {
        SoftAssertions soft = new SoftAssertions();
        for (Topic<?> topic : Topics.ALL) {
            soft.assertThat(servicesOf("send", topic.name())).as("senders to %s", topic.name()).hasSize(1);
            List<String> consumers = servicesOf("receive", topic.name());
            soft.assertThat(consumers).as("receivers of %s", topic.name()).hasSizeLessThanOrEqualTo(1);
            soft.assertThat(servicesOf("send", topic.deadLetterName()))
                    .as("senders to %s: the consumer of %s, which dead-letters its records, or none without a consumer",
                            topic.deadLetterName(), topic.name())
                    .isEqualTo(consumers);
        }
        soft.assertAll();
    }

    @Test
    void shouldListExactlyTheDeadLetterReasonsTheCodeWrites() {
        Set<String> inCode = new HashSet<>(stringConstants(DeadLetterHeaders.class, "REASON_"));
        Arrays.stream(EventDecodingException.Reason.values()).map(EventDecodingException.Reason::header).forEach(inCode::add);

        Map<String, Map<String, Object>> headers = doc.properties(doc.at("components", "schemas", "DeadLetterHeaders"));

        assertThat(headers).containsKey(DeadLetterHeaders.REASON);
        assertThat(list(headers.get(DeadLetterHeaders.REASON).get("enum"))).containsExactlyInAnyOrderElementsOf(inCode);
    }

    @Test
    void shouldListExactlyTheFailureReasonsOfTheCatalogue() {
        List<String> catalogue = Arrays.stream(Reason.values()).map(Reason::code).toList();

        assertThat(list(map(doc.at("components", "schemas", "FailureReason")).get("enum")))
                .containsExactlyInAnyOrderElementsOf(catalogue);
    }

    @Test
    void shouldDocumentEveryDeadLetterHeaderAndOnlyThose() {
        Set<String> ours = stringConstants(DeadLetterHeaders.class, "").stream()
                .filter(v -> v.startsWith("pvc-resizer-")).collect(Collectors.toSet());
        Set<String> springs = new HashSet<>(stringConstants(KafkaHeaders.class, "DLT_"));
        Map<String, Map<String, Object>> headers = doc.properties(doc.at("components", "schemas", "DeadLetterHeaders"));

        assertThat(ours).containsExactlyInAnyOrder(DeadLetterHeaders.REASON, DeadLetterHeaders.DETAIL,
                DeadLetterHeaders.FAILURE_REASON, DeadLetterHeaders.SERVICE, DeadLetterHeaders.TRUNCATED);
        assertThat(headers.keySet()).containsAll(ours).contains(KafkaHeaders.DLT_ORIGINAL_TOPIC,
                KafkaHeaders.DLT_ORIGINAL_PARTITION, KafkaHeaders.DLT_ORIGINAL_OFFSET, KafkaHeaders.DLT_EXCEPTION_FQCN,
                KafkaHeaders.DLT_EXCEPTION_MESSAGE, KafkaHeaders.DLT_EXCEPTION_STACKTRACE);
        assertThat(headers.keySet()).allSatisfy(h -> assertThat(ours.contains(h) || springs.contains(h))
                .as("header %s is written by pvc-resizer or spring-kafka", h).isTrue());
        for (Map<String, Object> channel : doc.channels().values()) {
            if (((String) channel.get("address")).endsWith(Topic.DLT_SUFFIX)) {
                assertThat(doc.messagesOf(channel)).allSatisfy(m ->
                        assertThat(doc.resolve(m.get("headers"))).isEqualTo(doc.at("components", "schemas", "DeadLetterHeaders")));
            }
        }
    }

    @Test
    void shouldExplainEveryDeadLetterExampleByWhatTheConsumerDoesWithItsPayload() {
        SoftAssertions soft = new SoftAssertions();
        for (Topic<?> topic : Topics.ALL) {
            for (Map<String, Object> message : doc.messagesOf(channelByAddress(topic.deadLetterName()))) {
                Set<String> headerNames = doc.properties(message.get("headers")).keySet();
                List<Object> required = list(doc.schema(message.get("headers")).get("required"));
                for (Object exampleNode : examples(message)) {
                    Map<String, Object> example = map(exampleNode);
                    Map<String, Object> headers = map(example.get("headers"));
                    String label = message.get("name") + " example " + example.get("name");
                    soft.assertThat(exampleKey(example)).as("record key of %s", label).isNotNull();
                    soft.assertThat(headerNames).as("headers of %s", label).containsAll(headers.keySet());
                    soft.assertThat(headers.keySet()).as("headers of %s", label).containsAll(required.stream().map(String::valueOf).toList());
                    String originalTopic = (String) headers.get(KafkaHeaders.DLT_ORIGINAL_TOPIC);
                    Topic<?> original = Topics.ALL.stream().filter(t -> t.name().equals(originalTopic)).findFirst().orElse(null);
                    soft.assertThat(original).as("original topic of %s", label).isNotNull();
                    if (original == null) {
                        continue;
                    }
                    soft.assertThat(doc.messagesOf(channelByAddress(original.deadLetterName())))
                            .as("%s is a message of %s", label, original.deadLetterName()).contains(message);
                    soft.assertThat(servicesOf("receive", original.name())).as("service of %s", label)
                            .contains((String) headers.get(DeadLetterHeaders.SERVICE));
                    String reason = (String) headers.get(DeadLetterHeaders.REASON);
                    byte[] payload = String.valueOf(example.get("payload")).getBytes(StandardCharsets.UTF_8);
                    try {
                        ResizeEvent event = codec.decode(payload);
                        soft.assertThat(reason).as("reason of %s, whose payload is a readable event", label)
                                .isIn(DeadLetterHeaders.REASON_RETRIES_EXHAUSTED, DeadLetterHeaders.REASON_NOT_RETRIED,
                                        DeadLetterHeaders.REASON_UNEXPECTED_RECORD, DeadLetterHeaders.REASON_UNTRUSTED_RECORD);
                        soft.assertThat(original.valueType().isInstance(event))
                                .as("%s: %s carries %s", label, original.name(), event.getClass().getSimpleName())
                                .isEqualTo(DeadLetterHeaders.REASON_RETRIES_EXHAUSTED.equals(reason)
                                        || DeadLetterHeaders.REASON_NOT_RETRIED.equals(reason));
                        if (original.valueType().isInstance(event)) {
                            soft.assertThat(exampleKey(example)).as("record key of %s", label).isEqualTo(keyOf(original, event));
                        }
                    } catch (EventDecodingException e) {
                        soft.assertThat(reason).as("reason of %s", label).isEqualTo(e.reason().header());
                        soft.assertThat(headers.get(DeadLetterHeaders.DETAIL)).as("detail of %s", label).isEqualTo(e.getMessage());
                    }
                }
            }
        }
        soft.assertAll();
    }

    // --- records -------------------------------------------------------------------------------------------------

    /** The concrete event records under the sealed {@link ResizeEvent}, by their logical type id. */
    private static Map<String, Class<? extends ResizeEvent>> recordsByType() {
        Map<String, Class<? extends ResizeEvent>> records = new LinkedHashMap<>();
        collectRecords(ResizeEvent.class, records);
        assertThat(records).as("records under ResizeEvent").isNotEmpty();
        return records;
    }

    @SuppressWarnings("unchecked")
    private static void collectRecords(Class<?> type, Map<String, Class<? extends ResizeEvent>> records) {
        if (type.isRecord()) {
            records.put(typeIdOf(type), (Class<? extends ResizeEvent>) type);
            return;
        }
        Class<?>[] permitted = type.getPermittedSubclasses();
        assertThat(permitted).as("%s is sealed", type.getSimpleName()).isNotNull();
        for (Class<?> sub : permitted) {
            collectRecords(sub, records);
        }
    }

    private static String typeIdOf(Class<?> record) {
        try {
            return (String) record.getField("TYPE").get(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(record.getSimpleName() + " has no public TYPE constant", e);
        }
    }

    private void compareFields(SoftAssertions soft, String path, Class<?> record, Object schemaNode, boolean top) {
        Set<String> components = Arrays.stream(record.getRecordComponents()).map(RecordComponent::getName)
                .collect(Collectors.toCollection(LinkedHashSet::new));
        if (top) {
            components.add("type");
        }
        Map<String, Map<String, Object>> properties = doc.properties(schemaNode);
        soft.assertThat(properties.keySet()).as("properties of %s (%s)", path, record.getSimpleName())
                .containsExactlyInAnyOrderElementsOf(components);
        Object required = doc.schema(schemaNode).get("required");
        soft.assertThat(required == null ? List.of() : list(required)).as("required of %s", path)
                .allSatisfy(r -> assertThat(components).contains(String.valueOf(r)));
        for (RecordComponent component : record.getRecordComponents()) {
            if (component.getType().isRecord() && properties.containsKey(component.getName())) {
                compareFields(soft, path + "." + component.getName(), component.getType(),
                        properties.get(component.getName()), false);
            }
        }
    }

    private void compareTypes(SoftAssertions soft, String path, Class<?> record, Object schemaNode) {
        Map<String, Map<String, Object>> properties = doc.properties(schemaNode);
        for (RecordComponent component : record.getRecordComponents()) {
            Map<String, Object> property = properties.get(component.getName());
            if (property == null) {
                continue; // reported by shouldDescribeEveryRecordFieldAndNoOther
            }
            String where = path + "." + component.getName();
            Class<?> type = component.getType();
            Set<Object> types = typesOf(property);
            if (type == long.class) {
                soft.assertThat(types).as(where).containsExactly("integer");
                soft.assertThat(property.get("format")).as("format of %s", where).isEqualTo("int64");
            } else if (type == int.class) {
                soft.assertThat(types).as(where).containsExactly("integer");
                soft.assertThat(property.get("format")).as("format of %s", where).isEqualTo("int32");
            } else if (type == boolean.class) {
                soft.assertThat(types).as(where).containsExactly("boolean");
            } else if (type == String.class) {
                soft.assertThat(types).as(where).contains("string").isSubsetOf("string", "null");
            } else if (type == UUID.class) {
                soft.assertThat(types).as(where).containsExactly("string");
                soft.assertThat(property.get("format")).as("format of %s", where).isEqualTo("uuid");
            } else if (type == Instant.class) {
                soft.assertThat(types).as(where).containsExactly("string");
                soft.assertThat(property.get("format")).as("format of %s", where).isEqualTo("date-time");
            } else if (type == Map.class) {
                soft.assertThat(types).as(where).containsExactly("object");
                soft.assertThat(typesOf(doc.schema(property.get("additionalProperties")))).as("values of %s", where)
                        .containsExactly("string");
            } else if (type == java.util.List.class) {
                // Lists of the events are lists of strings (access modes, mount options).
                soft.assertThat(types).as(where).containsExactly("array");
                soft.assertThat(typesOf(doc.schema(property.get("items")))).as("items of %s", where).containsExactly("string");
            } else if (type.isEnum()) {
                soft.assertThat(types).as(where).containsExactly("string");
                soft.assertThat(property.get("enum")).as("enum of %s", where).isNotNull();
                if (property.get("enum") != null) {
                    soft.assertThat(list(property.get("enum"))).as("enum of %s", where).containsExactlyInAnyOrderElementsOf(
                            Arrays.stream(type.getEnumConstants()).map(c -> ((Enum<?>) c).name()).toList());
                }
            } else if (type.isRecord()) {
                soft.assertThat(types).as(where).containsExactly("object");
                compareTypes(soft, where, type, property);
            } else {
                soft.fail("%s has a Java type the test does not know: %s", where, type);
            }
        }
    }

    private static Set<Object> typesOf(Map<String, Object> schema) {
        Object type = schema.get("type");
        return type instanceof List<?> l ? new LinkedHashSet<>(l) : type == null ? Set.of() : Set.of(type);
    }

    // --- document ------------------------------------------------------------------------------------------------

    /** The messages whose payload is an event, recognised by a {@code type} property with a {@code const}. */
    private static Map<String, Map<String, Object>> eventMessages() {
        Map<String, Map<String, Object>> events = new LinkedHashMap<>();
        doc.messages().forEach((name, message) -> {
            if (typeConst(message) != null) {
                events.put(name, message);
            }
        });
        return events;
    }

    private static String typeConst(Map<String, Object> message) {
        Map<String, Object> type = doc.properties(message.get("payload")).get("type");
        return type == null ? null : (String) type.get("const");
    }

    private static List<Object> examples(Map<String, Object> message) {
        Object examples = message.get("examples");
        return examples == null ? List.of() : list(examples);
    }

    /** The record key an example names at the end of its summary; null when it names none. */
    private static String exampleKey(Object example) {
        Matcher matcher = EXAMPLE_KEY.matcher(String.valueOf(map(example).get("summary")));
        return matcher.find() ? matcher.group(1) : null;
    }

    private static String keyDescription(Map<String, Object> message) {
        Object bindings = doc.resolve(message.get("bindings"));
        if (bindings == null) {
            return "";
        }
        Object kafka = doc.resolve(map(bindings).get("kafka"));
        if (kafka == null || map(kafka).get("key") == null) {
            return "";
        }
        Map<String, Object> key = doc.schema(map(kafka).get("key"));
        return String.valueOf(key.get("description"));
    }

    private static Map<String, Object> channelByAddress(String address) {
        return doc.channels().values().stream().filter(c -> address.equals(c.get("address"))).findFirst()
                .orElseThrow(() -> new AssertionError("no channel with address " + address));
    }

    /** Services (operation tags) that perform {@code action} on the channel of {@code address}. */
    private static List<String> servicesOf(String action, String address) {
        List<String> services = new ArrayList<>();
        for (Map<String, Object> operation : doc.operations().values()) {
            Map<String, Object> channel = map(doc.resolve(operation.get("channel")));
            if (action.equals(operation.get("action")) && address.equals(channel.get("address"))) {
                for (Object tag : list(operation.get("tags"))) {
                    services.add((String) map(doc.resolve(tag)).get("name"));
                }
            }
        }
        return services;
    }

    /** The record key a producer uses for {@code event} on {@code topic}, as {@link Topic#key()} names it. */
    private static String keyOf(Topic<?> topic, ResizeEvent event) {
        return switch (topic.key()) {
            case "PV name" -> event.volume().pvName();
            case "node name" -> {
                try {
                    yield (String) event.getClass().getMethod("nodeName").invoke(event);
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(event.getClass().getSimpleName() + " on " + topic.name() + " has no nodeName", e);
                }
            }
            default -> fail("the test does not know the key \"" + topic.key() + "\" of " + topic.name());
        };
    }

    /** The record key the one publisher of {@code topic} gives {@code event}: {@link Topic#keyOf}. */
    @SuppressWarnings("unchecked")
    private static String publishedKeyOf(Topic<?> topic, ResizeEvent event) {
        return ((Topic<ResizeEvent>) topic).keyOf(event);
    }

    private static List<String> stringConstants(Class<?> type, String prefix) {
        List<String> values = new ArrayList<>();
        for (Field field : type.getFields()) {
            int mod = field.getModifiers();
            if (Modifier.isStatic(mod) && Modifier.isFinal(mod) && field.getType() == String.class
                    && field.getName().startsWith(prefix)) {
                try {
                    values.add((String) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return values;
    }
}
