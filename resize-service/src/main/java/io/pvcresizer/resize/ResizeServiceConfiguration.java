package io.pvcresizer.resize;

import io.micrometer.core.instrument.MeterRegistry;
import io.pvcresizer.resize.expansion.ExpanderRegistry;
import io.pvcresizer.resize.expansion.ExpansionMetrics;
import io.pvcresizer.resize.expansion.VolumeExpander;
import io.pvcresizer.resize.expansion.VolumeExpansionHandler;
import io.pvcresizer.resize.localfile.LocalFileVolumeExpander;
import io.pvcresizer.resize.request.ExhaustedRequestReporter;
import io.pvcresizer.resize.request.KafkaVolumeResultPublisher;
import io.pvcresizer.resize.request.VolumeRequestListener;
import io.pvcresizer.resize.request.VolumeResultPublisher;
import java.util.List;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;

/** Wires resize-service: the backends, the registry that picks one per request, metrics, and the Kafka side. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ResizeProperties.class)
public class ResizeServiceConfiguration {

    @Bean
    public LocalFileVolumeExpander localFileVolumeExpander(ResizeProperties properties) {
        return new LocalFileVolumeExpander(properties.localFile().imageDir());
    }

    @Bean
    public ExpanderRegistry expanderRegistry(List<VolumeExpander> expanders, ResizeProperties properties) {
        return new ExpanderRegistry(expanders, properties.drivers());
    }

    @Bean
    public ExpansionMetrics expansionMetrics(MeterRegistry meterRegistry, ExpanderRegistry registry) {
        return new ExpansionMetrics(meterRegistry, registry.backends());
    }

    @Bean
    public VolumeExpansionHandler volumeExpansionHandler(ExpanderRegistry registry, ExpansionMetrics metrics) {
        return new VolumeExpansionHandler(registry, metrics);
    }

    @Bean
    public VolumeResultPublisher volumeResultPublisher(KafkaTemplate<String, Object> kafkaTemplate,
            ResizeProperties properties) {
        return new KafkaVolumeResultPublisher(kafkaTemplate, properties.publishTimeout());
    }

    @Bean
    public VolumeRequestListener volumeRequestListener(VolumeExpansionHandler handler, VolumeResultPublisher publisher) {
        return new VolumeRequestListener(handler, publisher);
    }

    @Bean
    public ExhaustedRequestReporter exhaustedRequestReporter(VolumeResultPublisher publisher) {
        return new ExhaustedRequestReporter(publisher);
    }
}
