package io.pvcresizer.fs;

import io.pvcresizer.common.kafka.ResizeKafkaConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/** Starts fs-service, the node agent that grows the filesystems of volumes on its own node. */
@SpringBootApplication
@Import(ResizeKafkaConfiguration.class)
public class FsServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(FsServiceApplication.class, args);
    }
}
