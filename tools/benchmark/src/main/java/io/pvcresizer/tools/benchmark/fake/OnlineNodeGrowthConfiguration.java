package io.pvcresizer.tools.benchmark.fake;

import io.pvcresizer.fs.config.FsProperties;
import io.pvcresizer.fs.device.BlockDevices;
import io.pvcresizer.fs.device.LoopDevices;
import io.pvcresizer.fs.grow.FilesystemGrower;
import io.pvcresizer.fs.mount.MountTable;
import io.pvcresizer.fs.mount.VolumeLocator;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * Puts the benchmark's instant online growth in fs-service behind its own ports ({@link VolumeLocator} and
 * {@link FilesystemGrower}), as {@code @Primary} beans that take over the benchmark driver's volumes and hand every
 * other one to the real beans; passed to the application as an extra source ({@code spring.main.sources}).
 */
@Configuration(proxyBeanMethods = false)
public class OnlineNodeGrowthConfiguration {

    /** The property naming the driver whose volumes are faked. */
    public static final String DRIVER_PROPERTY = "pvc-resizer.bench.driver";

    @Bean
    @Primary
    public VolumeLocator benchVolumeLocator(@Value("${" + DRIVER_PROPERTY + "}") String driver, MountTable mountTable,
                                            LoopDevices loopDevices, BlockDevices blockDevices, FsProperties properties) {
        return new MountedVolumeLocator(driver, mountTable, loopDevices, blockDevices, properties.kubeletRoot(),
                properties.localFile().imageDir());
    }

    @Bean
    @Primary
    public FilesystemGrower benchFilesystemGrower(@Qualifier("filesystemGrower") FilesystemGrower real) {
        return new InstantFilesystemGrower(real);
    }
}
