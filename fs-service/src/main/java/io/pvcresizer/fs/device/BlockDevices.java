package io.pvcresizer.fs.device;

import io.pvcresizer.common.command.CommandResult;
import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.fs.command.NodeCommands;
import java.util.Objects;
import java.util.Optional;

/** Reads what a block device holds and how big it is, with {@code blkid} and {@code blockdev}. */
public class BlockDevices {

    /** blkid's exit code when the device holds nothing it recognises. */
    private static final int BLKID_NOTHING_FOUND = 2;

    private final NodeCommands commands;

    public BlockDevices(NodeCommands commands) {
        this.commands = Objects.requireNonNull(commands, "commands");
    }

    /**
     * The filesystem type on the device, probed from the device itself ({@code blkid -p}, so a stale blkid cache of a
     * reused loop device cannot answer), or empty when it holds none.
     */
    public Optional<String> filesystemType(String device) {
        CommandResult result = commands.runAnyExit("blkid", "-p", "-s", "TYPE", "-o", "value", device);
        if (result.exitCode() == BLKID_NOTHING_FOUND) {
            return Optional.empty();
        }
        if (!result.succeeded()) {
            throw NodeCommands.failed(Reason.FILESYSTEM_PROBE_FAILED, result);
        }
        String type = result.stdout().strip();
        return type.isEmpty() ? Optional.empty() : Optional.of(type);
    }

    /** The device's size in bytes ({@code blockdev --getsize64}). */
    public long sizeBytes(String device) {
        CommandResult result = commands.run(Reason.DEVICE_SIZE_UNREADABLE, "blockdev", "--getsize64", device);
        try {
            return Long.parseLong(result.stdout().strip());
        } catch (NumberFormatException e) {
            throw new ResizeException(Reason.DEVICE_SIZE_UNREADABLE,
                    result.command().redacted() + " printed no size: \"" + result.stdout().strip() + "\"");
        }
    }
}
