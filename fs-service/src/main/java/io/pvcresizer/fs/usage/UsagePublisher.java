package io.pvcresizer.fs.usage;

import io.pvcresizer.common.events.VolumeUsageReported;
import java.util.concurrent.CompletableFuture;

/** Sends a volume's usage report on its way; the port in front of the volume-usage topic. */
@FunctionalInterface
public interface UsagePublisher {

    /** Publishes the report; the future completes when it is acknowledged, or exceptionally when it is not. */
    CompletableFuture<?> publish(VolumeUsageReported report);
}
