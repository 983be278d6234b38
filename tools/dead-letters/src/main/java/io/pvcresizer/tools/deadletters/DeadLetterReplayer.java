package io.pvcresizer.tools.deadletters;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.kafka.support.serializer.SerializationUtils;

/**
 * Sends dead letters back to their original topic as they were first sent: the same key and value bytes and the
 * same headers, without the dead-letter ones, plus {@value #REPLAYED_FROM}; waits until every record is acknowledged
 * by all in-sync replicas.
 */
final class DeadLetterReplayer implements AutoCloseable {

    /** Header a replayed record carries: {@code <dlt-topic>-<partition>@<offset>} of the dead letter it came from. */
    static final String REPLAYED_FROM = "pvc-resizer-replayed-from";
    /** Prefix of spring-kafka's dead-letter headers ({@code kafka_dlt-original-topic}, …), dropped on replay. */
    static final String SPRING_DLT_PREFIX = "kafka_dlt-";
    /** Prefix of pvc-resizer's dead-letter headers ({@code pvc-resizer-dlt-reason}, …), dropped on replay. */
    static final String PVC_RESIZER_DLT_PREFIX = "pvc-resizer-dlt-";

    private final KafkaProducer<byte[], byte[]> producer;
    private final String bootstrapServers;
    private final Duration timeout;

    /**
     * The outcome of one replay.
     *
     * @param deadLetter what was replayed
     * @param sent       where it was written, or null when it failed
     * @param failure    why it failed, or null
     */
    record Replayed(DeadLetter deadLetter, RecordMetadata sent, Exception failure) {
    }

    DeadLetterReplayer(String bootstrapServers, Duration timeout) {
        this(bootstrapServers, timeout, Map.of());
    }

    /** @param clientProperties client properties for TLS, SASL and the like ({@code --command-config}), applied first */
    DeadLetterReplayer(String bootstrapServers, Duration timeout, Map<String, Object> clientProperties) {
        this.bootstrapServers = bootstrapServers;
        this.timeout = timeout;
        int millis = (int) timeout.toMillis();
        Map<String, Object> config = new HashMap<>(clientProperties);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "pvc-resizer-dead-letters");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, millis);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, millis);
        producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * The record a replay sends: to {@link DeadLetter#replayTopic()}, partitioned by its key as the services'
     * producers do, with the dead letter's key, value and headers but the dead-letter ones.
     */
    static ProducerRecord<byte[], byte[]> replayRecord(DeadLetter deadLetter) {
        RecordHeaders headers = new RecordHeaders();
        for (Header header : deadLetter.headers()) {
            if (!isDeadLetterHeader(header.key())) {
                headers.add(header);
            }
        }
        headers.add(REPLAYED_FROM, deadLetter.id().replayTag().getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(deadLetter.replayTopic(), null, null, deadLetter.key(), deadLetter.value(), headers);
    }

    /** Whether a header is written when a record is dead-lettered, and so does not belong on the replayed record. */
    static boolean isDeadLetterHeader(String name) {
        return name.startsWith(SPRING_DLT_PREFIX) || name.startsWith(PVC_RESIZER_DLT_PREFIX)
                || name.equals(SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER)
                || name.equals(SerializationUtils.KEY_DESERIALIZER_EXCEPTION_HEADER);
    }

    /** Sends every record, in order, and waits for each acknowledgement; one outcome per record, in the same order. */
    List<Replayed> replay(List<DeadLetter> deadLetters) {
        List<Future<RecordMetadata>> futures = new ArrayList<>();
        for (DeadLetter deadLetter : deadLetters) {
            futures.add(send(deadLetter));
        }
        producer.flush();
        List<Replayed> outcomes = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int i = 0; i < deadLetters.size(); i++) {
            DeadLetter deadLetter = deadLetters.get(i);
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                outcomes.add(new Replayed(deadLetter, futures.get(i).get(left, TimeUnit.NANOSECONDS), null));
            } catch (ExecutionException e) {
                outcomes.add(new Replayed(deadLetter, null, failure(e.getCause())));
            } catch (java.util.concurrent.TimeoutException e) {
                outcomes.add(new Replayed(deadLetter, null, failure(new TimeoutException("no acknowledgement"))));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                outcomes.add(new Replayed(deadLetter, null, failure(e)));
            }
        }
        return outcomes;
    }

    private Future<RecordMetadata> send(DeadLetter deadLetter) {
        try {
            return producer.send(replayRecord(deadLetter));
        } catch (KafkaException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private DeadLetterKafkaException failure(Throwable cause) {
        return DeadLetterKafkaException.of("sending", bootstrapServers, timeout, cause);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
