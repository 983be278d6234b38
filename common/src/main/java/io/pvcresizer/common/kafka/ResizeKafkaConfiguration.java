package io.pvcresizer.common.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pvcresizer.common.events.ResizeEvent;
import io.pvcresizer.common.failure.FailureHandling;
import io.pvcresizer.common.health.KafkaHealthIndicator;
import io.pvcresizer.common.topics.Topic;
import io.pvcresizer.common.topics.Topics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.ExponentialBackOffWithMaxRetries;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.FixedBackOff;

/**
 * The Kafka wiring every service shares: JSON event serde, producers that do not lose records, the topics and their
 * dead-letter topics, and one error policy from {@link FailureHandling} (blocking exponential retries of what it
 * retries, then dead letter with reason headers; poison records and final failures dead-lettered at once).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ResizeKafkaProperties.class, KafkaProperties.class})
public class ResizeKafkaConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ResizeKafkaConfiguration.class);

    /** The back-off of a record that is not to be retried: none, so it is recovered (dead-lettered) at once. */
    private static final BackOff NO_RETRY = new FixedBackOff(0L, 0L);

    /**
     * Every client starts from Spring Boot's Kafka properties ({@code spring.kafka.bootstrap-servers},
     * {@code spring.kafka.security.*}, {@code spring.kafka.ssl.*}, {@code spring.kafka.properties.*} such as
     * {@code sasl.mechanism} and {@code sasl.jaas.config}), so TLS, SASL and any client property are set once per
     * service; pvc-resizer's own settings are added on top.
     */
    @Bean
    public ProducerFactory<String, Object> pvcResizerProducerFactory(KafkaProperties kafka) {
        Map<String, Object> config = new HashMap<>(kafka.buildProducerProperties());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        return new DefaultKafkaProducerFactory<>(config, new StringSerializer(), new EventSerializer());
    }

    @Bean
    public KafkaTemplate<String, Object> kafkaTemplate(ProducerFactory<String, Object> producerFactory) {
        return new KafkaTemplate<>(producerFactory);
    }

    @Bean
    public ConsumerFactory<String, ResizeEvent> pvcResizerConsumerFactory(KafkaProperties kafka,
            ResizeKafkaProperties properties) {
        Map<String, Object> config = new HashMap<>(kafka.buildConsumerProperties());
        // A killed consumer holds its partitions until the group gives up on it: 10 s, not Kafka's 45 s, by default.
        int sessionMs = (int) properties.sessionTimeout().toMillis();
        config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, sessionMs);
        config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Math.max(500, sessionMs / 3));
        if (!properties.groupInstanceId().isEmpty()) {
            config.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, properties.groupInstanceId());
        }
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new DefaultKafkaConsumerFactory<>(config, new StringDeserializer(),
                new ErrorHandlingDeserializer<>(new EventDeserializer()));
    }

    @Bean
    public DefaultErrorHandler pvcResizerErrorHandler(
            KafkaTemplate<String, Object> kafkaTemplate,
            ResizeKafkaProperties properties,
            @Value("${spring.application.name:pvc-resizer}") String serviceName,
            ObjectProvider<RetriesExhaustedListener> exhaustedListeners,
            ObjectProvider<MeterRegistry> meters) {
        MeterRegistry registry = meters.getIfAvailable(io.micrometer.core.instrument.simple.SimpleMeterRegistry::new);
        DeadLetterPublishingRecoverer deadLetters = new DeadLetterPublishingRecoverer(kafkaTemplate,
                (record, ex) -> new TopicPartition(record.topic() + Topic.DLT_SUFFIX, record.partition()));
        deadLetters.setHeadersFunction((record, ex) -> DeadLetterHeaders.forFailure(serviceName, ex));
        deadLetters.setFailIfSendResultIsError(true);
        // A dead letter too large for the broker is sent truncated, so that no record can wedge its partition.
        OversizedDeadLetters oversized = new OversizedDeadLetters(deadLetters, kafkaTemplate, serviceName);
        ResizeKafkaProperties.Retry retry = properties.retry();
        ExponentialBackOffWithMaxRetries backOff = new ExponentialBackOffWithMaxRetries(retry.maxRetries());
        backOff.setInitialInterval(retry.initialInterval().toMillis());
        backOff.setMultiplier(retry.multiplier());
        backOff.setMaxInterval(retry.maxInterval().toMillis());
        DefaultErrorHandler handler = new DefaultErrorHandler((record, ex) -> {
            if (FailureHandling.of(ex) == FailureHandling.RETRY) {
                exhaustedListeners.orderedStream().forEach(l -> l.onRetriesExhausted(record, ex));
            }
            log.warn("dead-lettering record {}-{}@{} key={}: {}", record.topic(), record.partition(), record.offset(),
                    record.key(), ex.getMessage());
            oversized.accept(record, ex);
            Counter.builder("pvc.resizer.dead.letters").description("Records sent to a dead-letter topic")
                    .tag("topic", record.topic())
                    .tag("reason", headerValue(DeadLetterHeaders.forFailure(serviceName, ex), DeadLetterHeaders.REASON))
                    .register(registry).increment();
        }, backOff);
        handler.setRetryListeners((record, ex, attempt) -> Counter.builder("pvc.resizer.retries")
                .description("Failed deliveries that are retried in place").tag("topic", record.topic())
                .register(registry).increment());
        // Retry versus dead letter is FailureHandling's to say: what it would not retry is dead-lettered at once.
        handler.setBackOffFunction((record, ex) -> FailureHandling.of(ex) == FailureHandling.RETRY ? backOff : NO_RETRY);
        handler.setCommitRecovered(true);
        return handler;
    }

    @Bean
    public ConcurrentKafkaListenerContainerFactory<String, ResizeEvent> kafkaListenerContainerFactory(
            ConsumerFactory<String, ResizeEvent> consumerFactory, DefaultErrorHandler errorHandler,
            ResizeKafkaProperties properties) {
        ConcurrentKafkaListenerContainerFactory<String, ResizeEvent> factory = new ConcurrentKafkaListenerContainerFactory<>();
        factory.setConsumerFactory(consumerFactory);
        factory.setCommonErrorHandler(errorHandler);
        factory.setConcurrency(properties.concurrency());
        factory.getContainerProperties().setAckMode(ContainerProperties.AckMode.RECORD);
        return factory;
    }

    private static String headerValue(org.apache.kafka.common.header.Headers headers, String name) {
        org.apache.kafka.common.header.Header header = headers.lastHeader(name);
        return header == null ? "" : new String(header.value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Health component {@code kafka}: part of every service's readiness group. */
    @Bean
    public KafkaHealthIndicator kafkaHealthIndicator(KafkaProperties kafka, ResizeKafkaProperties properties) {
        return new KafkaHealthIndicator(kafka.buildAdminProperties(), properties.healthTimeout());
    }

    @Bean
    public KafkaAdmin.NewTopics pvcResizerTopics(ResizeKafkaProperties properties) {
        List<NewTopic> topics = new ArrayList<>();
        for (Topic<?> topic : Topics.ALL) {
            topics.add(new NewTopic(topic.name(), properties.partitions(), properties.replicationFactor()));
            topics.add(new NewTopic(topic.deadLetterName(), properties.partitions(), properties.replicationFactor()));
        }
        return new KafkaAdmin.NewTopics(topics.toArray(NewTopic[]::new));
    }
}
