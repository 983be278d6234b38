package io.pvcresizer.tools.benchmark;

import io.pvcresizer.tools.benchmark.fake.InstantBackendConfiguration;
import io.pvcresizer.tools.benchmark.fake.InstantFilesystemGrower;
import io.pvcresizer.tools.benchmark.fake.InstantVolumeExpander;
import io.pvcresizer.tools.benchmark.fake.MountedVolumeLocator;
import io.pvcresizer.tools.benchmark.fake.OnlineNodeGrowthConfiguration;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the class files of the benchmark's fakes (package {@code io.pvcresizer.tools.benchmark.fake}, nothing else) into a
 * directory that the service JVMs get on their class path, so that only the fakes, not the rest of this module, join
 * the services' own classes.
 */
final class FakeClasses {

    private static final List<Class<?>> CLASSES = List.of(InstantBackendConfiguration.class, InstantVolumeExpander.class,
            OnlineNodeGrowthConfiguration.class, MountedVolumeLocator.class, InstantFilesystemGrower.class);

    private FakeClasses() {
    }

    /** Copies the fakes' class files (with their nested classes) under {@code dir}; returns {@code dir}. */
    static Path writeTo(Path dir) throws IOException {
        for (Class<?> type : CLASSES) {
            for (Class<?> member : type.getNestMembers()) {
                String resource = member.getName().replace('.', '/') + ".class";
                Path target = dir.resolve(resource);
                Files.createDirectories(target.getParent());
                try (InputStream in = FakeClasses.class.getClassLoader().getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new IOException("class file " + resource + " not found on the class path");
                    }
                    Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return dir;
    }
}
