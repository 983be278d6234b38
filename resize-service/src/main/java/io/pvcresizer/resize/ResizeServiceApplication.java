package io.pvcresizer.resize;

import io.pvcresizer.common.kafka.ResizeKafkaConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/** Starts resize-service, which grows volumes in their storage backend when the watcher asks for it on Kafka. */
@SpringBootApplication
@Import(ResizeKafkaConfiguration.class)
public class ResizeServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(ResizeServiceApplication.class, args);
    }
}
