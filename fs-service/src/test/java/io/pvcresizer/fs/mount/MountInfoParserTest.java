package io.pvcresizer.fs.mount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pvcresizer.fs.testing.ToolOutput;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parses {@code /proc/self/mountinfo} lines captured on a test machine (file {@code mountinfo-this-machine.txt}). */
class MountInfoParserTest {

    private static final String MOUNTINFO = ToolOutput.resource("/mountinfo-this-machine.txt");

    @Test
    void shouldParseEveryLineOfARealMountTable() {
        List<MountEntry> mounts = MountInfoParser.parseAll(MOUNTINFO);

        assertThat(mounts).hasSize(21);
        assertThat(mounts).extracting(MountEntry::mountPoint).contains(Path.of("/"), Path.of("/proc"), Path.of("/sys/fs/cgroup/unified"));
    }

    @Test
    void shouldReadAllFieldsOfTheRootFilesystem() {
        MountEntry root = MountInfoParser.parse(
                "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard,resv_strict,resuid=65534,resgid=65534");

        assertThat(root.mountId()).isEqualTo(27);
        assertThat(root.parentId()).isEqualTo(1);
        assertThat(root.major()).isEqualTo(254);
        assertThat(root.minor()).isZero();
        assertThat(root.root()).isEqualTo("/");
        assertThat(root.mountPoint()).isEqualTo(Path.of("/"));
        assertThat(root.mountOptions()).containsExactly("rw", "relatime");
        assertThat(root.optionalFields()).isEmpty();
        assertThat(root.fsType()).isEqualTo("ext4");
        assertThat(root.source()).isEqualTo("/dev/vda");
        assertThat(root.superOptions()).containsExactly("rw", "discard", "resv_strict", "resuid=65534", "resgid=65534");
        assertThat(root.readOnly()).isFalse();
    }

    @Test
    void shouldDecodeAnEscapedSpaceInTheMountPoint() {
        MountEntry mount = MountInfoParser.parse("42 27 7:0 / /tmp/fscap/pods/uid\\0401/volumes/kubernetes.io~csi/pv-x/mount"
                + " rw,relatime - xfs /dev/loop0 rw,inode64,logbufs=8,logbsize=32k,noquota");

        assertThat(mount.mountPoint()).isEqualTo(Path.of("/tmp/fscap/pods/uid 1/volumes/kubernetes.io~csi/pv-x/mount"));
        assertThat(mount.major()).isEqualTo(7);
        assertThat(mount.fsType()).isEqualTo("xfs");
        assertThat(mount.source()).isEqualTo("/dev/loop0");
    }

    @Test
    void shouldSeeAReadOnlyMountByItsMountOptions() {
        MountEntry mount = MountInfoParser.parse("28 27 0:25 / /mnt/sandboxing/model_tools_env/v1/python ro,nosuid,nodev,relatime"
                + " - tmpfs model_tools_unavailable ro,size=4k,mode=755");

        assertThat(mount.readOnly()).isTrue();
        assertThat(mount.source()).isEqualTo("model_tools_unavailable");
    }

    @Test
    void shouldKeepOptionalPropagationFieldsBeforeTheSeparator() {
        // The example line of proc(5); this machine's mounts carry no propagation fields.
        MountEntry mount = MountInfoParser.parse("36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 shared:7 - ext3 /dev/root rw,errors=continue");

        assertThat(mount.optionalFields()).containsExactly("master:1", "shared:7");
        assertThat(mount.root()).isEqualTo("/mnt1");
        assertThat(mount.fsType()).isEqualTo("ext3");
        assertThat(mount.superOptions()).containsExactly("rw", "errors=continue");
    }

    @Test
    void shouldDecodeTabNewlineAndBackslashEscapes() {
        assertThat(MountInfoParser.unescape("a\\011b\\012c\\134d")).isEqualTo("a\tb\nc\\d");
        assertThat(MountInfoParser.unescape("no-escapes")).isEqualTo("no-escapes");
        assertThat(MountInfoParser.unescape("trailing\\04")).isEqualTo("trailing\\04");
    }

    @Test
    void shouldRefuseALineWithoutTheSeparator() {
        assertThatThrownBy(() -> MountInfoParser.parse("27 1 254:0 / / rw,relatime ext4 /dev/vda rw"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a mountinfo line");
    }
}
