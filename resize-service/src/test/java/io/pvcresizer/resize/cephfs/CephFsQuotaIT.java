package io.pvcresizer.resize.cephfs;

import io.pvcresizer.common.testing.ConfigurationBinding;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.pvcresizer.common.command.Command;
import io.pvcresizer.common.command.CommandRunner;
import io.pvcresizer.common.command.ProcessCommandRunner;
import io.pvcresizer.common.events.FailureKind;
import io.pvcresizer.common.events.VolumeExpansionRequested;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.common.testing.CephFuseMount;
import io.pvcresizer.common.testing.CephMiniCluster;
import io.pvcresizer.resize.TestRequests;
import io.pvcresizer.resize.ceph.CephCli;
import io.pvcresizer.resize.ceph.CephSettings;
import io.pvcresizer.resize.expansion.ExpansionResult;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real {@link CephFsVolumeExpander} against a real single-node Ceph cluster, watched through ceph-fuse mounts: a
 * subvolume's size and a directory's {@code ceph.quota.max_bytes} are raised, and a client that mounted the volume
 * before sees the new size in {@code df} without remounting.
 */
class CephFsQuotaIT {

    private static final long MI = 1024L * 1024;
    /** ceph-fuse reports a quota in {@code df} as 4 MiB blocks, rounded down. */
    private static final long DF_BLOCK = 4 * MI;
    private static final String CLUSTER = "minicluster";
    private static final String QUOTA = "ceph.quota.max_bytes";
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration SEEN_BY_CLIENT = Duration.ofSeconds(10);

    private static CephMiniCluster ceph;

    private final ProcessCommandRunner runner = new ProcessCommandRunner();
    /** Undone last first: a volume mount, then what lies under it, then the admin mount. */
    private final Deque<AutoCloseable> undo = new ArrayDeque<>();

    @BeforeAll
    static void cluster() {
        Assumptions.assumeTrue(CephMiniCluster.available(), "needs root and the Ceph packages");
        Assumptions.assumeTrue(onPath("ceph-fuse") && onPath("setfattr") && onPath("getfattr"),
                "needs ceph-fuse and attr (setfattr, getfattr)");
        ceph = CephMiniCluster.shared();
    }

    @AfterEach
    void unmountEverything() throws Exception {
        Exception first = null;
        while (!undo.isEmpty()) {
            try {
                undo.pop().close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Test
    void shouldRaiseASubvolumeQuotaThatAMountedClientSeesWithoutRemounting() {
        String subvolume = "fuse-sub-" + shortId();
        ceph.ceph("fs", "subvolumegroup", "create", "cephfs", "csi");
        ceph.ceph("fs", "subvolume", "create", "cephfs", subvolume, "--size", Long.toString(100 * MI), "--group_name", "csi");
        undo.push(() -> ceph.ceph("fs", "subvolume", "rm", "cephfs", subvolume, "--group_name", "csi"));
        String path = ceph.ceph("fs", "subvolume", "getpath", "cephfs", subvolume, "--group_name", "csi").strip();
        CephFuseMount volume = mount(path);
        assertDfShows(volume, 100 * MI);
        String mountBefore = volume.mountId();

        ExpansionResult result = expander(runner, new CephSettings.CephFs("subvolume", null)).expand(
                request(subvolume, Map.of("clusterID", CLUSTER, "fsName", "cephfs", "subvolumeName", subvolume)));

        assertThat(result).isEqualTo(ExpansionResult.grown(200 * MI, false));
        await().atMost(SEEN_BY_CLIENT).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertDfShows(volume, 200 * MI));
        assertThat(volume.mountId()).as("the same mount, not a new one").isEqualTo(mountBefore);
        String info = ceph.ceph("fs", "subvolume", "info", "cephfs", subvolume, "--group_name", "csi", "--format", "json");
        assertThat(JsonMapper.builder().build().readTree(info).get("bytes_quota").asLong())
                .as("bytes_quota of ceph fs subvolume info").isEqualTo(200 * MI);
    }

    @Test
    void shouldRaiseAQuotaXattrThatAMountedClientSeesWithoutRemounting() throws Exception {
        CephFuseMount admin = mount("/");
        String name = "vol-" + shortId();
        Path directory = Files.createDirectory(admin.dir().resolve(name));
        undo.push(() -> Files.delete(directory));
        runner.run(Command.of(TOOL_TIMEOUT, "setfattr", "-n", QUOTA, "-v", Long.toString(100 * MI),
                directory.toString())).orThrow();
        CephFuseMount volume = mount("/" + name);
        assertDfShows(volume, 100 * MI);
        String mountBefore = volume.mountId();

        ExpansionResult result = expander(runner, new CephSettings.CephFs("quota-xattr", admin.dir()))
                .expand(request(name, Map.of("rootPath", "/" + name)));

        assertThat(result).isEqualTo(ExpansionResult.grown(200 * MI, false));
        String value = runner.run(Command.of(TOOL_TIMEOUT, "getfattr", "--only-values", "-n", QUOTA,
                directory.toString())).orThrow().stdout();
        assertThat(value.strip()).as("getfattr %s on the admin mount", QUOTA).isEqualTo(Long.toString(200 * MI));
        await().atMost(SEEN_BY_CLIENT).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertDfShows(volume, 200 * MI));
        assertThat(volume.mountId()).as("the same mount, not a new one").isEqualTo(mountBefore);
    }

    @Test
    void shouldRefuseARootPathThatLeavesTheAdminMountWithoutRunningAnyCommand() {
        CephFuseMount admin = mount("/");
        List<Command> ran = new ArrayList<>();
        CommandRunner recording = command -> {
            ran.add(command);
            return runner.run(command);
        };
        CephFsVolumeExpander expander = expander(recording, new CephSettings.CephFs("quota-xattr", admin.dir()));

        assertThatThrownBy(() -> expander.expand(request("escape", Map.of("rootPath", "/../etc"))))
                .isInstanceOfSatisfying(ResizeException.class, e -> {
                    assertThat(e.kind()).isEqualTo(FailureKind.INFEASIBLE);
                    assertThat(e.reason()).isEqualTo("InvalidVolumePath");
                    assertThat(e.getMessage()).contains("/../etc");
                });
        assertThat(ran).as("commands run for a refused rootPath").isEmpty();
    }

    private CephFuseMount mount(String cephPath) {
        CephFuseMount mount = CephFuseMount.mount(ceph, cephPath);
        undo.push(mount);
        return mount;
    }

    private static CephFsVolumeExpander expander(CommandRunner runner, CephSettings.CephFs cephfs) {
        Map<String, Object> keys = new java.util.HashMap<>(Map.of(
                "clusters[" + CLUSTER + "].conf", ceph.confPath().toString(),
                "clusters[" + CLUSTER + "].keyring", ceph.keyringPath().toString(),
                "command-timeout", TOOL_TIMEOUT.toMillis() + "ms", "connect-timeout", "10s", "cephfs.mode", cephfs.mode()));
        if (cephfs.adminMount() != null) {
            keys.put("cephfs.admin-mount", cephfs.adminMount().toString());
        }
        CephSettings settings = ConfigurationBinding.bind(CephSettings.class, keys);
        CephCli cli = new CephCli(settings, runner, CircuitBreakerRegistry.ofDefaults());
        return new CephFsVolumeExpander(cli, runner, settings);
    }

    private static VolumeExpansionRequested request(String volume, Map<String, String> attributes) {
        return TestRequests.forVolume("pv-" + volume).withDriver("cephfs.csi.ceph.com").withAttributes(attributes)
                .from("100Mi").to("200Mi").build();
    }

    private static void assertDfShows(CephFuseMount mount, long quotaBytes) {
        assertThat(mount.dfSizeBytes()).as("df of %s (the quota in 4 MiB blocks, rounded down)", mount.cephPath())
                .isBetween(quotaBytes - DF_BLOCK + 1, quotaBytes);
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        return path != null && Arrays.stream(path.split(File.pathSeparator))
                .anyMatch(entry -> !entry.isEmpty() && Files.isExecutable(Path.of(entry, program)));
    }
}
