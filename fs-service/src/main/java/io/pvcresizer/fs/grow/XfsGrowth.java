package io.pvcresizer.fs.grow;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code xfs_growfs -d} did, read from its standard output: the data block size and the data block count before
 * and after (the same when the filesystem already filled its device).
 *
 * @param blockSize    data block size in bytes, 0 when the output did not show it
 * @param blocksBefore data blocks before growing, 0 when the output did not show them
 * @param blocksAfter  data blocks after growing
 */
public record XfsGrowth(long blockSize, long blocksBefore, long blocksAfter) {

    /** {@code data     =                       bsize=4096   blocks=81920, imaxpct=25} */
    private static final Pattern DATA_GEOMETRY = Pattern.compile("^data\\s+=.*?\\bbsize=(\\d+)\\s+blocks=(\\d+)", Pattern.MULTILINE);
    /** {@code data blocks changed from 81920 to 163840} */
    private static final Pattern CHANGED = Pattern.compile("data blocks changed from (\\d+) to (\\d+)");

    /** Whether the data section grew. */
    public boolean changed() {
        return blocksAfter > blocksBefore;
    }

    /** The data section's size after growing, in bytes (0 when the block size was not shown). */
    public long dataBytes() {
        return blocksAfter * blockSize;
    }

    /**
     * Reads {@code xfs_growfs -d} standard output: the geometry it prints first (as it was before growing), then the
     * {@code data blocks changed} line when it grew. Output without either yields zeros, never an error: the tool's
     * exit code, not its prose, says whether it worked.
     */
    public static XfsGrowth parse(String stdout) {
        long blockSize = 0;
        long before = 0;
        Matcher geometry = DATA_GEOMETRY.matcher(stdout);
        if (geometry.find()) {
            blockSize = Long.parseLong(geometry.group(1));
            before = Long.parseLong(geometry.group(2));
        }
        Matcher changed = CHANGED.matcher(stdout);
        if (changed.find()) {
            return new XfsGrowth(blockSize, Long.parseLong(changed.group(1)), Long.parseLong(changed.group(2)));
        }
        return new XfsGrowth(blockSize, before, before);
    }
}
