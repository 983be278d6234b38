package io.pvcresizer.fs.stale;

import io.micrometer.core.instrument.MeterRegistry;
import io.pvcresizer.common.command.CommandRunner;
import io.pvcresizer.common.kafka.TopicPublisher;
import io.pvcresizer.common.topics.Topics;
import io.pvcresizer.fs.config.FsProperties;
import io.pvcresizer.fs.mount.MountTable;
import java.nio.file.Path;
import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Wires the stale FUSE mount scan: probe, daemon lookup, recovery, scanner, its schedule, metrics, health component
 * {@code staleMounts} and the publisher of {@code StaleMountDetected}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(StaleMountProperties.class)
public class StaleMountConfiguration {

    /**
     * The host's proc filesystem, next to the mount table read: {@code /host/proc} for {@code /host/proc/1/mountinfo},
     * {@code /proc} for {@code /proc/self/mountinfo}; {@code /proc} when the mount table is elsewhere.
     */
    static Path procRootOf(Path mountinfo) {
        Path pidDir = mountinfo.getParent();
        if (mountinfo.getFileName() != null && mountinfo.getFileName().toString().equals("mountinfo") && pidDir != null
                && pidDir.getParent() != null && pidDir.getFileName().toString().matches("self|\\d+")) {
            return pidDir.getParent();
        }
        return Path.of("/proc");
    }

    @Bean
    public ProcessTable staleMountProcessTable(FsProperties properties) {
        return new ProcessTable(procRootOf(properties.mountinfoPath()));
    }

    @Bean
    public StaleMountMetrics staleMountMetrics(MeterRegistry meterRegistry) {
        return new StaleMountMetrics(meterRegistry);
    }

    @Bean
    public StaleMountPublisher staleMountPublisher(KafkaTemplate<String, Object> kafkaTemplate, FsProperties properties) {
        return new TopicPublisher<>(kafkaTemplate, Topics.NODE_EVENTS, properties.publishTimeout())::publish;
    }

    @Bean
    public StaleMountScanner staleMountScanner(MountTable mountTable, CommandRunner commandRunner,
            ProcessTable staleMountProcessTable, StaleMountPublisher staleMountPublisher,
            StaleMountMetrics staleMountMetrics, StaleMountProperties staleMounts, FsProperties properties) {
        MountProbe probe = new MountProbe(commandRunner, staleMounts.statTimeout(), staleMountProcessTable);
        DaemonLauncher launcher = new DaemonLauncher(commandRunner, properties.commandTimeout(),
                staleMountProcessTable::initIsSystemd, new TrustedDaemons(staleMounts.daemonBinaries(), properties.kubeletRoot()));
        MountRecovery recovery = new MountRecovery(commandRunner, probe, launcher, mountTable,
                properties.commandTimeout(), properties.commandTimeout(), Clock.systemUTC(),
                duration -> Thread.sleep(duration.toMillis()));
        return new StaleMountScanner(mountTable, probe, new FuseDaemons(staleMountProcessTable), recovery,
                staleMounts.recover(), new KubeletPaths(properties.kubeletRoot()), staleMountPublisher,
                staleMountMetrics, properties.nodeName(), Clock.systemUTC());
    }

    @Bean
    public StaleMountSchedule staleMountSchedule(StaleMountScanner staleMountScanner, StaleMountProperties staleMounts) {
        return new StaleMountSchedule(staleMountScanner, staleMounts.scanInterval());
    }

    /** Health component {@code staleMounts}. */
    @Bean
    public StaleMountHealthIndicator staleMountsHealthIndicator(StaleMountScanner staleMountScanner) {
        return new StaleMountHealthIndicator(staleMountScanner);
    }
}
