package io.pvcresizer.fs.stale;

import io.pvcresizer.common.testing.ConfigurationBinding;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A recorded daemon command line is run again only with a trusted program, checked on the real files. */
class TrustedDaemonsTest {

    @TempDir
    Path dir;

    private DaemonCommandLine daemon(String program) {
        return new DaemonCommandLine(42, List.of(program, "-c", "/etc/ceph/ceph.conf", "/var/lib/kubelet/pods/x/mount"));
    }

    @Test
    void shouldRefuseAProgramFromAPodsVolumeEvenWhenAllowListed() {
        Path kubelet = dir.resolve("kubelet");
        Path planted = kubelet.resolve("pods/uid/volumes/kubernetes.io~csi/pv/mount/ceph-fuse");
        TrustedDaemons trusted = new TrustedDaemons(List.of(planted), kubelet);

        assertThat(trusted.refusal(daemon(planted.toString()))).hasValueSatisfying(why -> assertThat(why).contains("kubelet"));
    }

    @Test
    void shouldRefuseARelativeOrUnlistedProgram() {
        TrustedDaemons trusted = new TrustedDaemons(ConfigurationBinding.defaults(StaleMountProperties.class).daemonBinaries(), dir.resolve("kubelet"));

        assertThat(trusted.refusal(daemon("fuse-evil"))).hasValueSatisfying(why -> assertThat(why).contains("not an absolute path"));
        assertThat(trusted.resolved(daemon("ceph-fuse")).argv().get(0)).isEqualTo("/usr/bin/ceph-fuse");
        assertThat(trusted.refusal(daemon("/tmp/evil"))).hasValueSatisfying(why -> assertThat(why).contains("not one of"));
    }

    @Test
    void shouldRefuseALinkAndAProgramOthersMayWrite() throws IOException {
        Path writable = Files.createFile(dir.resolve("fuse-daemon"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")));
        Files.setPosixFilePermissions(writable, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path link = Files.createSymbolicLink(dir.resolve("link-daemon"), writable);
        TrustedDaemons trusted = new TrustedDaemons(List.of(writable, link), dir.resolve("kubelet"));

        assertThat(trusted.refusal(daemon(link.toString()))).hasValueSatisfying(why -> assertThat(why).contains("is a link"));
        assertThat(trusted.refusal(daemon(writable.toString()))).isPresent();
    }

    @Test
    void shouldAllowTheInstalledCephFuse() {
        Path cephFuse = Path.of("/usr/bin/ceph-fuse");
        assumeTrue(Files.isRegularFile(cephFuse), "ceph-fuse is not installed");

        assertThat(new TrustedDaemons(ConfigurationBinding.defaults(StaleMountProperties.class).daemonBinaries(), Path.of("/var/lib/kubelet")).refusal(daemon(cephFuse.toString())))
                .isEmpty();
    }
}
