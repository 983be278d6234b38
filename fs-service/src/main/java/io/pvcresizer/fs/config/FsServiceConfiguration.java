package io.pvcresizer.fs.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.pvcresizer.common.command.CommandRunner;
import io.pvcresizer.common.command.ProcessCommandRunner;
import io.pvcresizer.common.events.FilesystemExpansionRequested;
import io.pvcresizer.common.health.ToolsHealthIndicator;
import io.pvcresizer.common.kafka.RetriesExhaustedReporter;
import io.pvcresizer.common.kafka.TopicPublisher;
import io.pvcresizer.common.topics.Topics;
import io.pvcresizer.fs.command.NodeCommands;
import io.pvcresizer.fs.csi.CsiNodeConnections;
import io.pvcresizer.fs.device.BlockDevices;
import io.pvcresizer.fs.device.LoopDevices;
import io.pvcresizer.fs.expansion.FilesystemExpansion;
import io.pvcresizer.fs.expansion.VolumeLocks;
import io.pvcresizer.fs.grow.Capabilities;
import io.pvcresizer.fs.grow.FilesystemGrower;
import io.pvcresizer.fs.grow.Statfs;
import io.pvcresizer.fs.grow.ToolFilesystemGrower;
import io.pvcresizer.fs.health.MountTableHealthIndicator;
import io.pvcresizer.fs.listener.KafkaNodeResultPublisher;
import io.pvcresizer.fs.listener.NodeRequestListener;
import io.pvcresizer.fs.listener.NodeResultPublisher;
import io.pvcresizer.fs.metrics.ExpansionMetrics;
import io.pvcresizer.fs.mount.KubeletVolumeLocator;
import io.pvcresizer.fs.mount.MountTable;
import io.pvcresizer.fs.mount.ProcMountTable;
import io.pvcresizer.fs.mount.VolumeLocator;
import io.pvcresizer.fs.routing.OwnNodeFilter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;

/** Wires fs-service: the node's tools behind their ports, the expansion, and the Kafka listener that drives it. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(FsProperties.class)
public class FsServiceConfiguration {

    @Bean
    public CommandRunner commandRunner() {
        return new ProcessCommandRunner();
    }

    @Bean
    public NodeCommands nodeCommands(CommandRunner commandRunner, FsProperties properties) {
        return new NodeCommands(commandRunner, properties.commandTimeout());
    }

    @Bean
    public MountTable mountTable(FsProperties properties) {
        return new ProcMountTable(properties.mountinfoPath());
    }

    @Bean
    public MountTableHealthIndicator mountTableHealthIndicator(MountTable mountTable, FsProperties properties) {
        return new MountTableHealthIndicator(mountTable, properties.mountinfoPath().toString());
    }

    /** Health component {@code tools}: the programs fs-service runs, each with the package that provides it. */
    @Bean
    public ToolsHealthIndicator toolsHealthIndicator() {
        Map<String, String> tools = new LinkedHashMap<>();
        tools.put("losetup", "mount");
        tools.put("blkid", "util-linux");
        tools.put("blockdev", "util-linux");
        tools.put("xfs_growfs", "xfsprogs");
        tools.put("resize2fs", "e2fsprogs");
        tools.put("e2fsck", "e2fsprogs");
        tools.put("dumpe2fs", "e2fsprogs");
        tools.put("btrfs", "btrfs-progs");
        return ToolsHealthIndicator.onPath(tools);
    }

    @Bean
    public LoopDevices loopDevices(NodeCommands nodeCommands) {
        return new LoopDevices(nodeCommands);
    }

    @Bean
    public BlockDevices blockDevices(NodeCommands nodeCommands) {
        return new BlockDevices(nodeCommands);
    }

    @Bean
    public VolumeLocator volumeLocator(MountTable mountTable, LoopDevices loopDevices, BlockDevices blockDevices,
            FsProperties properties) {
        return new KubeletVolumeLocator(mountTable, loopDevices, blockDevices, properties.kubeletRoot(),
                properties.localFile().imageDir());
    }

    @Bean
    public FilesystemGrower filesystemGrower(NodeCommands nodeCommands, LoopDevices loopDevices, BlockDevices blockDevices) {
        return new ToolFilesystemGrower(nodeCommands, loopDevices, blockDevices, Capabilities.ofThisProcess(),
                Statfs.fileStore());
    }

    /** One connection per configured CSI node plugin ({@code pvc-resizer.fs.csi.drivers}), closed with the context. */
    @Bean(destroyMethod = "close")
    public CsiNodeConnections csiNodeConnections(FsProperties properties) {
        return new CsiNodeConnections(properties.csi(), properties.kubeletRoot());
    }

    @Bean
    public FilesystemExpansion filesystemExpansion(VolumeLocator volumeLocator, FilesystemGrower filesystemGrower,
                                                   FsProperties properties, CsiNodeConnections csiNodeConnections) {
        return new FilesystemExpansion(new VolumeLocks(), volumeLocator, filesystemGrower, properties.mountWait(),
                java.time.Duration.ofMillis(500), csiNodeConnections.plugins(), properties.maxTarget().toBytes());
    }

    @Bean
    public ExpansionMetrics expansionMetrics(MeterRegistry meterRegistry) {
        return new ExpansionMetrics(meterRegistry);
    }

    @Bean
    public OwnNodeFilter ownNodeFilter(FsProperties properties) {
        return new OwnNodeFilter(properties.nodeName());
    }

    @Bean
    public NodeResultPublisher nodeResultPublisher(KafkaTemplate<String, Object> kafkaTemplate, FsProperties properties) {
        return new KafkaNodeResultPublisher(
                new TopicPublisher<>(kafkaTemplate, Topics.NODE_RESULTS, properties.publishTimeout()), properties.nodeName());
    }

    @Bean
    public NodeRequestListener nodeRequestListener(OwnNodeFilter ownNodeFilter, FilesystemExpansion filesystemExpansion,
            NodeResultPublisher nodeResultPublisher, ExpansionMetrics expansionMetrics) {
        return new NodeRequestListener(ownNodeFilter, filesystemExpansion, nodeResultPublisher, expansionMetrics);
    }

    @Bean
    public RetriesExhaustedReporter<FilesystemExpansionRequested> retriesExhaustedReporter(OwnNodeFilter ownNodeFilter,
            NodeResultPublisher nodeResultPublisher, ExpansionMetrics expansionMetrics) {
        return NodeRequestListener.exhaustedReporter(ownNodeFilter, nodeResultPublisher, expansionMetrics);
    }
}
