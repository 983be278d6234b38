package io.pvcresizer.resize;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.pvcresizer.common.command.CommandRunner;
import io.pvcresizer.common.command.ProcessCommandRunner;
import io.pvcresizer.common.events.VolumeExpansionRequested;
import io.pvcresizer.common.health.ToolsHealthIndicator;
import io.pvcresizer.common.kafka.ResizeKafkaProperties;
import io.pvcresizer.common.kafka.RetriesExhaustedReporter;
import io.pvcresizer.common.kafka.TopicPublisher;
import io.pvcresizer.common.topics.Topic;
import io.pvcresizer.common.topics.Topics;
import io.pvcresizer.csi.CsiConnection;
import io.pvcresizer.resize.ceph.CephCli;
import io.pvcresizer.resize.ceph.CephHealthIndicator;
import io.pvcresizer.resize.ceph.CephSettings;
import io.pvcresizer.resize.cephfs.CephFsVolumeExpander;
import io.pvcresizer.resize.csi.CsiDriverHealthIndicator;
import io.pvcresizer.resize.csi.CsiVolumeExpander;
import io.pvcresizer.resize.csi.KubernetesSecretReader;
import io.pvcresizer.resize.expansion.ExpanderRegistry;
import io.pvcresizer.resize.expansion.ExpansionMetrics;
import io.pvcresizer.resize.expansion.VolumeExpander;
import io.pvcresizer.resize.expansion.VolumeExpansionHandler;
import io.pvcresizer.resize.guard.BackendGuards;
import io.pvcresizer.resize.localfile.LocalFileVolumeExpander;
import io.pvcresizer.resize.rbd.RbdVolumeExpander;
import io.pvcresizer.resize.request.VolumeRequestListener;
import io.pvcresizer.resize.request.VolumeResultPublisher;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;

/** Wires resize-service: the backends, the registry that picks one per request, metrics, and the Kafka side. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ResizeProperties.class)
public class ResizeServiceConfiguration {

    @Bean
    public LocalFileVolumeExpander localFileVolumeExpander(ResizeProperties properties) {
        return new LocalFileVolumeExpander(properties.localFile().imageDir());
    }

    /** The CSI driver's controller socket; only when {@code pvc-resizer.resize.csi.driver} is set. */
    @Bean(destroyMethod = "close")
    @ConditionalOnProperty("pvc-resizer.resize.csi.driver")
    public CsiConnection csiConnection(ResizeProperties properties) {
        return CsiConnection.open(properties.csi().socket(), properties.csi().timeout());
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty("pvc-resizer.resize.csi.driver")
    public KubernetesClient secretsClient(ResizeProperties properties) throws java.io.IOException {
        java.nio.file.Path kubeconfig = properties.csi().kubeconfig();
        Config config = kubeconfig == null ? Config.autoConfigure(null)
                : Config.fromKubeconfig(null, java.nio.file.Files.readString(kubeconfig), kubeconfig.toString());
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    @Bean
    @ConditionalOnProperty("pvc-resizer.resize.csi.driver")
    public CsiVolumeExpander csiVolumeExpander(ResizeProperties properties, CsiConnection csiConnection,
            KubernetesClient secretsClient) {
        return new CsiVolumeExpander(properties.csi().driver(), csiConnection, new KubernetesSecretReader(secretsClient));
    }

    /** Health component {@code csiDriver}: the configured driver answers and can expand; UP when none is configured. */
    @Bean
    public CsiDriverHealthIndicator csiDriverHealthIndicator(ResizeProperties properties,
            ObjectProvider<CsiVolumeExpander> csiVolumeExpander) {
        return new CsiDriverHealthIndicator(properties.csi().driver(), csiVolumeExpander.getIfAvailable());
    }

    /** The request topic of this resize-service when it is a driver's own, and its dead-letter topic. */
    @Bean
    public KafkaAdmin.NewTopics requestTopic(ResizeProperties properties, ResizeKafkaProperties kafka) {
        if (Topics.VOLUME_REQUESTS_NAME.equals(properties.requestTopic())) {
            return new KafkaAdmin.NewTopics();
        }
        Topic<?> topic = Topics.volumeRequests(properties.requestTopic());
        return new KafkaAdmin.NewTopics(new NewTopic(topic.name(), kafka.partitions(), kafka.replicationFactor()),
                new NewTopic(topic.deadLetterName(), kafka.partitions(), kafka.replicationFactor()));
    }

    @Bean
    public CommandRunner commandRunner() {
        return new ProcessCommandRunner();
    }

    @Bean
    public CircuitBreakerRegistry cephCircuitBreakers(ResizeProperties properties, MeterRegistry meterRegistry) {
        CephSettings.Breaker breaker = properties.ceph().circuitBreaker();
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(breaker.slidingWindowSize())
                .minimumNumberOfCalls(breaker.slidingWindowSize())
                .failureRateThreshold(breaker.failureRateThreshold())
                .waitDurationInOpenState(breaker.waitInOpenState())
                .permittedNumberOfCallsInHalfOpenState(1)
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .build());
        properties.ceph().clusters().keySet().forEach(cluster -> registry.circuitBreaker(CephCli.breakerName(cluster)));
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meterRegistry);
        return registry;
    }

    @Bean
    public CephCli cephCli(ResizeProperties properties, CommandRunner commandRunner, CircuitBreakerRegistry cephCircuitBreakers) {
        return new CephCli(properties.ceph(), commandRunner, cephCircuitBreakers);
    }

    @Bean
    public RbdVolumeExpander rbdVolumeExpander(CephCli cephCli) {
        return new RbdVolumeExpander(cephCli);
    }

    @Bean
    public CephFsVolumeExpander cephFsVolumeExpander(CephCli cephCli, CommandRunner commandRunner, ResizeProperties properties) {
        return new CephFsVolumeExpander(cephCli, commandRunner, properties.ceph());
    }

    @Bean
    public CephHealthIndicator cephHealthIndicator(CircuitBreakerRegistry cephCircuitBreakers, ResizeProperties properties) {
        return new CephHealthIndicator(cephCircuitBreakers, properties.ceph().clusters().keySet());
    }

    /**
     * Health component {@code tools}: the Ceph CLIs, needed as soon as a driver is mapped to a Ceph backend, so that a
     * missing {@code rbd} is a readiness failure naming it rather than the first resize failing.
     */
    @Bean
    public ToolsHealthIndicator toolsHealthIndicator(ResizeProperties properties) {
        Map<String, String> tools = new LinkedHashMap<>();
        if (properties.drivers().containsValue(RbdVolumeExpander.BACKEND)) {
            tools.put("rbd", "ceph-common");
        }
        if (properties.drivers().containsValue(CephFsVolumeExpander.BACKEND)) {
            tools.put("ceph", "ceph-common");
            if ("quota-xattr".equals(properties.ceph().cephfs().mode())) {
                tools.put("getfattr", "attr");
                tools.put("setfattr", "attr");
            }
        }
        return ToolsHealthIndicator.onPath(tools);
    }

    /**
     * A bulkhead and an in-place retry per backend ({@code pvc-resizer.resize.guard.*}), exported as
     * {@code resilience4j_bulkhead_*} and {@code resilience4j_retry_*} with the backend as {@code name}.
     */
    @Bean
    public BackendGuards backendGuards(List<VolumeExpander> expanders, ResizeProperties properties,
            MeterRegistry meterRegistry) {
        BackendGuards guards = new BackendGuards(properties.guard(),
                expanders.stream().map(VolumeExpander::backend).toList());
        TaggedBulkheadMetrics.ofBulkheadRegistry(guards.bulkheads()).bindTo(meterRegistry);
        TaggedRetryMetrics.ofRetryRegistry(guards.retries()).bindTo(meterRegistry);
        return guards;
    }

    @Bean
    public ExpanderRegistry expanderRegistry(List<VolumeExpander> expanders, ResizeProperties properties,
            BackendGuards guards) {
        return new ExpanderRegistry(expanders, properties.drivers(), guards::guard);
    }

    @Bean
    public ExpansionMetrics expansionMetrics(MeterRegistry meterRegistry, ExpanderRegistry registry) {
        return new ExpansionMetrics(meterRegistry, registry.backends());
    }

    @Bean
    public VolumeExpansionHandler volumeExpansionHandler(ExpanderRegistry registry, ExpansionMetrics metrics,
            ResizeProperties properties) {
        return new VolumeExpansionHandler(registry, metrics, properties::maxTargetBytes);
    }

    @Bean
    public VolumeResultPublisher volumeResultPublisher(KafkaTemplate<String, Object> kafkaTemplate,
            ResizeProperties properties) {
        return new TopicPublisher<>(kafkaTemplate, Topics.VOLUME_RESULTS, properties.publishTimeout())::publish;
    }

    @Bean
    public VolumeRequestListener volumeRequestListener(VolumeExpansionHandler handler, VolumeResultPublisher publisher,
            ResizeProperties properties) {
        return new VolumeRequestListener(handler, publisher, properties.requestTopic(), properties.groupId());
    }

    @Bean
    public RetriesExhaustedReporter<VolumeExpansionRequested> exhaustedRequestReporter(VolumeResultPublisher publisher) {
        return VolumeRequestListener.exhaustedReporter(publisher);
    }
}
