package io.pvcresizer.fs.device;

import io.pvcresizer.common.command.CommandResult;
import io.pvcresizer.fs.command.NodeCommands;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/** Finds and rescans loop devices with {@code losetup}: which device backs an image file, and telling the kernel a file grew. */
public class LoopDevices {

    private static final Pattern LOOP_DEVICE = Pattern.compile("/dev/loop\\d+");

    private final NodeCommands commands;

    public LoopDevices(NodeCommands commands) {
        this.commands = Objects.requireNonNull(commands, "commands");
    }

    /** Whether the device is a loop device ({@code /dev/loopN}), whose size must be rescanned after its file grew. */
    public static boolean isLoopDevice(String device) {
        return device != null && LOOP_DEVICE.matcher(device).matches();
    }

    /** The loop device attached to the file ({@code losetup -j <file>}), or empty when none is. */
    public Optional<String> deviceBackedBy(Path file) {
        CommandResult result = commands.run("LoopLookupFailed", "losetup", "-j", file.toString());
        return parseAssociations(result.stdout()).stream().findFirst();
    }

    /** Makes the kernel re-read the size of the loop device's backing file ({@code losetup -c <device>}). */
    public void rescan(String device) {
        commands.run("LoopRescanFailed", "losetup", "-c", device);
    }

    /** The devices named by {@code losetup -j} output, one {@code /dev/loop0: [65024]:2146564 (/path)} per line. */
    static List<String> parseAssociations(String stdout) {
        List<String> devices = new ArrayList<>();
        for (String line : stdout.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && isLoopDevice(line.substring(0, colon))) {
                devices.add(line.substring(0, colon));
            }
        }
        return devices;
    }
}
