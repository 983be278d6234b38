package io.pvcresizer.watcher.config;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pvcresizer.common.kafka.ResizeKafkaConfiguration;
import io.pvcresizer.common.kafka.ResizeKafkaProperties;
import io.pvcresizer.common.topics.Topic;
import io.pvcresizer.common.topics.Topics;
import io.pvcresizer.watcher.coexistence.ExternalResizerDetector;
import io.pvcresizer.watcher.coexistence.OtherResizersHealthIndicator;
import io.pvcresizer.watcher.detection.ResizeDecider;
import io.pvcresizer.watcher.election.Leadership;
import io.pvcresizer.watcher.election.LeaseLeaderElection;
import io.pvcresizer.watcher.health.KubernetesApiHealthIndicator;
import io.pvcresizer.watcher.health.LeaderElectionHealthIndicator;
import io.pvcresizer.watcher.informer.InformerClusterView;
import io.pvcresizer.watcher.listener.ResultListener;
import io.pvcresizer.watcher.metrics.WatcherMetrics;
import io.pvcresizer.watcher.projection.ResultProjector;
import io.pvcresizer.watcher.publish.KafkaResizeRequestPublisher;
import io.pvcresizer.watcher.publish.ResizeRequestPublisher;
import io.pvcresizer.watcher.reconcile.ClaimReconciler;
import io.pvcresizer.watcher.reconcile.ReconcileQueue;
import io.pvcresizer.watcher.recording.EventRecorder;
import io.pvcresizer.watcher.recording.KubernetesEventRecorder;
import io.pvcresizer.watcher.status.ClaimWriter;
import io.pvcresizer.watcher.status.KubernetesClaimWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;

/** Wires the watcher: Kubernetes client, informers, decider, writers, publisher, leader election and result listener. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(WatcherProperties.class)
@Import(ResizeKafkaConfiguration.class)
public class WatcherConfiguration {

    /**
     * The API client: the kubeconfig file named by {@code pvc-resizer.watcher.kubeconfig} when set, else the server
     * named by {@code pvc-resizer.watcher.api-server} (plain, unauthenticated), else the usual kubeconfig / in-cluster
     * discovery as kubectl does it.
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public KubernetesClient kubernetesClient(WatcherProperties properties) throws java.io.IOException {
        Config config;
        if (properties.kubeconfig() != null) {
            config = Config.fromKubeconfig(null, java.nio.file.Files.readString(properties.kubeconfig()),
                    properties.kubeconfig().toString());
        } else if (properties.apiServer() != null) {
            config = new ConfigBuilder(Config.empty()).withMasterUrl(properties.apiServer()).withNamespace("default").build();
        } else {
            config = Config.autoConfigure(null);
        }
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    @Bean
    public Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    public WatcherMetrics watcherMetrics(MeterRegistry registry) {
        return new WatcherMetrics(registry);
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    public ExternalResizerDetector externalResizerDetector(KubernetesClient client, WatcherProperties properties,
            InformerClusterView view, ReconcileQueue queue, Clock clock, MeterRegistry registry) {
        WatcherProperties.OtherResizerCheck check = properties.otherResizers();
        ExternalResizerDetector detector = new ExternalResizerDetector(client, check.enabled() ? properties.drivers() : Set.of(),
                check.period(), check.eventWindow(), clock, () -> view.claimKeys().forEach(queue::enqueue));
        for (String driver : properties.drivers()) {
            Gauge.builder("pvc.resizer.watcher.other.resizer.active", detector, d -> d.activeFor(driver).isPresent() ? 1 : 0)
                    .tag("driver", driver)
                    .description("1 while another resizer is active for the driver and pvc-resizer stands back from its claims")
                    .register(registry);
        }
        return detector;
    }

    @Bean
    public OtherResizersHealthIndicator otherResizersHealthIndicator(ExternalResizerDetector detector) {
        return new OtherResizersHealthIndicator(detector);
    }

    @Bean
    public ResizeDecider resizeDecider(WatcherProperties properties, ExternalResizerDetector otherResizers) {
        return new ResizeDecider(properties.drivers(), properties.offlineDrivers(), otherResizers,
                properties.failedRetryAfter(), properties.redriveAfter());
    }

    @Bean
    public ClaimWriter claimWriter(KubernetesClient client) {
        return new KubernetesClaimWriter(client);
    }

    @Bean
    public EventRecorder eventRecorder(KubernetesClient client, WatcherProperties properties, MeterRegistry registry) {
        return new KubernetesEventRecorder(client, properties.resizerName(), properties.leaderElection().identity(),
                cause -> Counter.builder("pvc.resizer.watcher.events.dropped").tag("cause", cause)
                        .description("Kubernetes events not sent: queue full, or held back by the spam filter")
                        .register(registry).increment());
    }

    @Bean
    public ResizeRequestPublisher resizeRequestPublisher(KafkaTemplate<String, Object> kafka, WatcherProperties properties) {
        return new KafkaResizeRequestPublisher(kafka, properties.publishTimeout(), properties.requestTopics());
    }

    /** The request topics of drivers with a resize-service sidecar of their own, and their dead-letter topics. */
    @Bean
    public KafkaAdmin.NewTopics driverRequestTopics(WatcherProperties properties, ResizeKafkaProperties kafka) {
        List<NewTopic> topics = new ArrayList<>();
        for (String name : new TreeSet<>(properties.requestTopics().values())) {
            Topic<?> topic = Topics.volumeRequests(name);
            topics.add(new NewTopic(topic.name(), kafka.partitions(), kafka.replicationFactor()));
            topics.add(new NewTopic(topic.deadLetterName(), kafka.partitions(), kafka.replicationFactor()));
        }
        return new KafkaAdmin.NewTopics(topics.toArray(NewTopic[]::new));
    }

    @Bean
    public ReconcileQueue reconcileQueue(WatcherProperties properties) {
        return new ReconcileQueue(Duration.ofSeconds(5), properties.workers());
    }

    @Bean
    public InformerClusterView clusterView(KubernetesClient client, WatcherProperties properties, ReconcileQueue queue,
                                           MeterRegistry registry, WatcherMetrics metrics) {
        InformerClusterView view = new InformerClusterView(client, properties.resyncPeriod(), queue::enqueue);
        metrics.watch(view);
        Gauge.builder("pvc.resizer.watched.pvcs", view, InformerClusterView::claimCount)
                .description("PVCs in the watcher's informer cache").register(registry);
        return view;
    }

    @Bean
    public Leadership leadership(MeterRegistry registry) {
        Leadership leadership = new Leadership();
        Gauge.builder("pvc.resizer.watcher.leader", leadership, l -> l.isLeader() ? 1 : 0)
                .description("1 while this replica is the elected leader").register(registry);
        return leadership;
    }

    @Bean
    public ClaimReconciler claimReconciler(InformerClusterView view, ResizeDecider decider, ClaimWriter writer,
                                           EventRecorder events, ResizeRequestPublisher publisher, Leadership leadership,
                                           WatcherMetrics metrics, WatcherProperties properties, Clock clock,
                                           ReconcileQueue queue) {
        ClaimReconciler reconciler = new ClaimReconciler(view, decider, writer, events, publisher, leadership::isLeader, metrics,
                properties.resizerName(), clock).withNodeAgentTimeout(properties.nodeAgentTimeout());
        queue.onKey(reconciler::reconcile);
        return reconciler;
    }

    @Bean
    public ResultProjector resultProjector(ClaimWriter writer, EventRecorder events, InformerClusterView view,
                                           WatcherMetrics metrics, WatcherProperties properties, ReconcileQueue queue,
                                           Clock clock, Leadership leadership) {
        return new ResultProjector(writer, events, view, metrics, properties.resizerName(), queue::enqueue, clock,
                leadership::isLeader);
    }

    @Bean
    public ResultListener resultListener(ResultProjector projector, ReconcileQueue queue, WatcherProperties properties) {
        return new ResultListener(projector, queue, properties.groupId(), properties.resultConsumers());
    }

    @Bean
    public LeaseLeaderElection leaseLeaderElection(KubernetesClient client, WatcherProperties properties,
                                                   Leadership leadership, KafkaListenerEndpointRegistry listeners,
                                                   InformerClusterView view, ReconcileQueue queue,
                                                   ClaimReconciler reconcilerMustExistFirst) {
        leadership.addListener(new LeadershipActions(listeners, view, queue));
        return new LeaseLeaderElection(client, properties.leaderElection(), leadership);
    }

    @Bean
    public KubernetesApiHealthIndicator kubernetesApiHealthIndicator(KubernetesClient client) {
        return new KubernetesApiHealthIndicator(client);
    }

    @Bean
    public LeaderElectionHealthIndicator leaderElectionHealthIndicator(Leadership leadership, WatcherProperties properties) {
        return new LeaderElectionHealthIndicator(leadership, properties.leaderElection().identity());
    }

    @Bean
    public WatcherLifecycle watcherLifecycle(InformerClusterView view, LeaseLeaderElection election, ReconcileQueue queue) {
        return new WatcherLifecycle(view, election, queue);
    }
}
