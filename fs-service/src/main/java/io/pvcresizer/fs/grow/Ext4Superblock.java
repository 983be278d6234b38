package io.pvcresizer.fs.grow;

import java.util.HashMap;
import java.util.Map;

/**
 * The size of an ext2/3/4 filesystem as its superblock states it, read from {@code dumpe2fs -h} output.
 *
 * @param blockCount the {@code Block count} field
 * @param blockSize  the {@code Block size} field in bytes
 * @param state      the {@code Filesystem state} field ({@code clean}, {@code not clean}, …)
 */
public record Ext4Superblock(long blockCount, long blockSize, String state) {

    /** The filesystem's size in bytes: block count × block size. */
    public long sizeBytes() {
        return blockCount * blockSize;
    }

    /**
     * Whether the filesystem already uses every whole block of a device of the given size, which is what
     * {@code resize2fs} grows it to; such a filesystem has nothing left to grow.
     */
    public boolean fillsDevice(long deviceBytes) {
        return blockCount >= deviceBytes / blockSize;
    }

    /**
     * Reads the superblock fields of {@code dumpe2fs -h} standard output ({@code Block count:              65536}).
     *
     * @throws IllegalArgumentException when the block count or size is missing
     */
    public static Ext4Superblock parse(String dumpe2fsOutput) {
        Map<String, String> fields = new HashMap<>();
        for (String line : dumpe2fsOutput.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                fields.putIfAbsent(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
            }
        }
        return new Ext4Superblock(number(fields, "Block count"), number(fields, "Block size"),
                fields.getOrDefault("Filesystem state", ""));
    }

    private static long number(Map<String, String> fields, String name) {
        String value = fields.get(name);
        if (value == null) {
            throw new IllegalArgumentException("dumpe2fs output has no \"" + name + "\" field");
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("dumpe2fs field \"" + name + "\" is not a number: " + value, e);
        }
    }
}
