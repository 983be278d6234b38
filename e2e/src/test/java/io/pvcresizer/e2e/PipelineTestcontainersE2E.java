package io.pvcresizer.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The same end-to-end scenarios with Kafka in a container (Testcontainers); skipped where no Docker API is reachable.
 * The image is {@code apache/kafka} unless {@code PVC_RESIZER_KAFKA_IMAGE} names a locally built one.
 */
@Testcontainers(disabledWithoutDocker = true)
class PipelineTestcontainersE2E extends PipelineScenarios {

    private static KafkaContainer kafka;

    @BeforeAll
    static void startKafka() {
        String image = System.getenv().getOrDefault("PVC_RESIZER_KAFKA_IMAGE", "apache/kafka:4.1.1");
        kafka = new KafkaContainer(DockerImageName.parse(image).asCompatibleSubstituteFor("apache/kafka"));
        kafka.start();
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.stop();
        }
    }

    @Override
    protected String bootstrapServers() {
        return kafka.getBootstrapServers();
    }
}
