package io.pvcresizer.fs.expansion;

import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.failure.ResizeException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Lets one operation at a time work on a volume on this node; a second one finds the volume busy and fails transiently,
 * to be retried with backoff instead of waiting on a lock while it holds its Kafka partition.
 */
public class VolumeLocks {

    private final Set<String> busy = ConcurrentHashMap.newKeySet();

    /**
     * Runs the work while holding the volume's lock.
     *
     * @throws ResizeException transient {@code VolumeBusy} when another operation holds it
     */
    public <T> T withLock(String volume, Supplier<T> work) {
        if (!busy.add(volume)) {
            throw new ResizeException(Reason.VOLUME_BUSY,
                    "another operation on volume " + volume + " is in progress on this node", null);
        }
        try {
            return work.get();
        } finally {
            busy.remove(volume);
        }
    }
}
