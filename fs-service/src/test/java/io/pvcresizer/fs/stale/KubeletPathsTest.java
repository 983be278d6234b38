package io.pvcresizer.fs.stale;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Reads PV and pod from kubelet's mount paths. */
class KubeletPathsTest {

    private final KubeletPaths kubelet = new KubeletPaths(Path.of("/var/lib/kubelet"));

    @Test
    void shouldReadPvAndPodOfAPodsCsiVolume() {
        assertThat(kubelet.ownerOf(Path.of("/var/lib/kubelet/pods/uid-1/volumes/kubernetes.io~csi/pv-1/mount")))
                .isEqualTo(new KubeletPaths.Owner("pv-1", "uid-1"));
    }

    @Test
    void shouldReadThePvOfAnOlderKubeletsGlobalMount() {
        assertThat(kubelet.ownerOf(Path.of("/var/lib/kubelet/plugins/kubernetes.io/csi/pv/pv-1/globalmount")))
                .isEqualTo(new KubeletPaths.Owner("pv-1", ""));
    }

    @Test
    void shouldReadNothingFromOtherPaths() {
        assertThat(kubelet.ownerOf(Path.of("/var/lib/kubelet/plugins/kubernetes.io/csi/cephfs.csi.ceph.com/abc/globalmount")))
                .isEqualTo(new KubeletPaths.Owner("", ""));
        assertThat(kubelet.ownerOf(Path.of("/mnt/pods/uid-1/volumes/kubernetes.io~csi/pv-1/mount")))
                .isEqualTo(new KubeletPaths.Owner("", ""));
        assertThat(kubelet.contains(Path.of("/var/lib/kubelet-other/x"))).isFalse();
        assertThat(kubelet.contains(Path.of("/var/lib/kubelet/pods/x"))).isTrue();
    }
}
