package io.pvcresizer.fs.usage;

import io.micrometer.core.instrument.MeterRegistry;
import io.pvcresizer.common.command.CommandRunner;
import io.pvcresizer.common.kafka.TopicPublisher;
import io.pvcresizer.common.topics.Topics;
import io.pvcresizer.fs.config.FsProperties;
import io.pvcresizer.fs.mount.MountTable;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;

/** Wires the volume usage reports: the reporter over this node's mounts, its Kafka publisher and its schedule. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(UsageProperties.class)
public class UsageConfiguration {

    @Bean
    public UsagePublisher usagePublisher(KafkaTemplate<String, Object> kafkaTemplate, FsProperties fsProperties) {
        return new TopicPublisher<>(kafkaTemplate, Topics.VOLUME_USAGE, fsProperties.publishTimeout())::publishAsync;
    }

    @Bean
    public UsageReporter usageReporter(FsProperties fsProperties, UsageProperties usageProperties, MountTable mountTable,
            CommandRunner commandRunner, UsagePublisher usagePublisher, MeterRegistry meterRegistry) {
        return new UsageReporter(fsProperties.nodeName(), fsProperties.kubeletRoot(), mountTable, commandRunner,
                usageProperties.commandTimeout(), usagePublisher, meterRegistry);
    }

    @Bean
    public UsageReportSchedule usageReportSchedule(UsageReporter usageReporter, UsageProperties usageProperties) {
        return new UsageReportSchedule(usageReporter, usageProperties.interval(), usageProperties.enabled());
    }
}
