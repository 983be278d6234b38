package io.pvcresizer.fs.device;

import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.fs.command.NodeCommands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds and rescans loop devices: which device backs an image file (read from sysfs, which never touches the backing
 * files, so a loop device on a hung FUSE file cannot block the lookup as {@code losetup -j} would), and telling the
 * kernel a file grew ({@code losetup -c}).
 */
public class LoopDevices {

    private static final Pattern LOOP_DEVICE = Pattern.compile("/dev/loop\\d+");

    private static final Pattern LOOP_NAME = Pattern.compile("loop\\d+");

    private final NodeCommands commands;
    private final Path sysBlock;

    public LoopDevices(NodeCommands commands) {
        this(commands, Path.of("/sys/block"));
    }

    /** With {@code sysBlock} the directory of {@code loopN/loop/backing_file} entries (normally {@code /sys/block}). */
    public LoopDevices(NodeCommands commands, Path sysBlock) {
        this.commands = Objects.requireNonNull(commands, "commands");
        this.sysBlock = Objects.requireNonNull(sysBlock, "sysBlock");
    }

    /** Whether the device is a loop device ({@code /dev/loopN}), whose size must be rescanned after its file grew. */
    public static boolean isLoopDevice(String device) {
        return device != null && LOOP_DEVICE.matcher(device).matches();
    }

    /** The loop device attached to the file (from {@code /sys/block/loopN/loop/backing_file}), or empty when none is. */
    public Optional<String> deviceBackedBy(Path file) {
        String wanted = file.toAbsolutePath().normalize().toString();
        try (Stream<Path> entries = Files.list(sysBlock)) {
            return entries
                    .filter(entry -> LOOP_NAME.matcher(entry.getFileName().toString()).matches())
                    .filter(entry -> wanted.equals(backingFile(entry)))
                    .map(entry -> "/dev/" + entry.getFileName())
                    .sorted()
                    .findFirst();
        } catch (IOException e) {
            throw new ResizeException(Reason.LOOP_LOOKUP_FAILED, "cannot list loop devices in " + sysBlock + ": " + e, e);
        }
    }

    private static String backingFile(Path loopEntry) {
        try {
            String backing = Files.readString(loopEntry.resolve("loop").resolve("backing_file")).strip();
            return backing.endsWith(" (deleted)") ? null : backing;
        } catch (IOException e) {
            return null; // not attached
        }
    }

    /** Makes the kernel re-read the size of the loop device's backing file ({@code losetup -c <device>}). */
    public void rescan(String device) {
        commands.run(Reason.LOOP_RESCAN_FAILED, "losetup", "-c", device);
    }

}
