package io.pvcresizer.fs.mount;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tells a pod's CSI volume mount under the kubelet root from every other mount. */
class PodVolumeMountTest {

    private static final Path KUBELET = Path.of("/var/lib/kubelet");
    private static final String UID = "6f1c2a7e-0d5b-4a51-9a3e-3b8f7f0e9c11";
    private static final String OTHER_UID = "0b5e7c7d-44c4-4bd0-a1b2-77d0f7f0a001";

    @Test
    void shouldReadPodUidAndPvNameFromAPodsCsiMount() {
        MountEntry entry = mount(1, "/var/lib/kubelet/pods/" + UID + "/volumes/kubernetes.io~csi/pv-data-0/mount");

        assertThat(PodVolumeMount.of(KUBELET, entry)).contains(new PodVolumeMount(UID, "pv-data-0", entry));
    }

    @Test
    void shouldIgnoreMountsThatAreNotAPodsCsiVolume() {
        List<String> others = List.of(
                "/",
                "/var/lib/kubelet",
                "/var/lib/kubelet/plugins/kubernetes.io/csi/rbd.csi.ceph.com/0a1b/globalmount",
                "/var/lib/kubelet/pods/" + UID + "/volumes/kubernetes.io~empty-dir/cache",
                "/var/lib/kubelet/pods/" + UID + "/volumes/kubernetes.io~csi/pv-data-0",
                "/var/lib/kubelet/pods/" + UID + "/volumes/kubernetes.io~csi/pv-data-0/mount/sub",
                "/var/lib/kubelet/pods/" + UID + "/volume-subpaths/pv-data-0/app/0",
                "/other/kubelet/pods/" + UID + "/volumes/kubernetes.io~csi/pv-data-0/mount");

        assertThat(others).allSatisfy(point -> assertThat(PodVolumeMount.of(KUBELET, mount(1, point))).isEmpty());
    }

    @Test
    void shouldKeepOneMountPerVolumeInMountTableOrder() {
        MountEntry first = mount(1, "/var/lib/kubelet/pods/" + UID + "/volumes/kubernetes.io~csi/pv-shared/mount");
        MountEntry second = mount(2, "/var/lib/kubelet/pods/" + OTHER_UID + "/volumes/kubernetes.io~csi/pv-shared/mount");
        MountEntry other = mount(3, "/var/lib/kubelet/pods/" + OTHER_UID + "/volumes/kubernetes.io~csi/pv-other/mount");

        List<PodVolumeMount> volumes = PodVolumeMount.onePerVolume(KUBELET, List.of(first, mount(4, "/"), second, other));

        assertThat(volumes).extracting(PodVolumeMount::mount).containsExactly(first, other);
    }

    static MountEntry mount(int id, String mountPoint) {
        return MountInfoParser.parse(id + " 27 7:" + id + " / " + mountPoint + " rw,relatime shared:1 - xfs /dev/loop" + id + " rw");
    }
}
