package io.pvcresizer.fs.mount;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One line of {@code /proc/self/mountinfo}: a mount with its id, device numbers, mounted root and mount point,
 * per-mount options, optional (propagation) fields, filesystem type, source and superblock options.
 *
 * @param mountId        unique id of the mount
 * @param parentId       id of the parent mount
 * @param major          major device number of the filesystem
 * @param minor          minor device number of the filesystem
 * @param root           the directory of the filesystem that forms the root of this mount (not {@code /} for bind mounts)
 * @param mountPoint     where it is mounted, relative to this process's root
 * @param mountOptions   per-mount options ({@code rw}, {@code ro}, {@code relatime}, …)
 * @param optionalFields propagation fields such as {@code shared:1} or {@code master:2}
 * @param fsType         filesystem type ({@code xfs}, {@code ext4}, {@code fuse.ceph-fuse}, …)
 * @param source         mount source, usually the device ({@code /dev/loop0})
 * @param superOptions   per-superblock options
 */
public record MountEntry(
        int mountId,
        int parentId,
        int major,
        int minor,
        String root,
        Path mountPoint,
        List<String> mountOptions,
        List<String> optionalFields,
        String fsType,
        String source,
        List<String> superOptions) {

    public MountEntry {
        Objects.requireNonNull(mountPoint, "mountPoint");
        mountOptions = List.copyOf(mountOptions);
        optionalFields = List.copyOf(optionalFields);
        superOptions = List.copyOf(superOptions);
    }

    /** Whether writes through this mount are refused, by the mount itself or by its filesystem. */
    public boolean readOnly() {
        return mountOptions.contains("ro") || superOptions.contains("ro");
    }
}
