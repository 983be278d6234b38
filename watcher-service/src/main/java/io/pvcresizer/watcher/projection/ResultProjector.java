package io.pvcresizer.watcher.projection;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.pvcresizer.common.events.FilesystemExpanded;
import io.pvcresizer.common.events.FilesystemExpansionFailed;
import io.pvcresizer.common.events.ResizeEvent;
import io.pvcresizer.common.events.StaleMountDetected;
import io.pvcresizer.common.events.VolumeExpanded;
import io.pvcresizer.common.events.VolumeExpansionFailed;
import io.pvcresizer.common.events.VolumeRef;
import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.common.kafka.UnexpectedRecordException;
import io.pvcresizer.common.kafka.UntrustedRecordException;
import io.pvcresizer.common.quantity.StorageQuantities;
import io.pvcresizer.watcher.informer.ClusterView;
import io.pvcresizer.watcher.metrics.WatcherMetrics;
import io.pvcresizer.watcher.operation.ResizeOperation;
import io.pvcresizer.watcher.recording.EventRecorder;
import io.pvcresizer.watcher.status.ClaimWriter;
import java.time.Clock;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one result event to the claim it answers: only as the leader, only to the claim with the result's uid, only
 * when the result is trustworthy ({@link ResultChecks}) and answers the claim's current {@link ResizeOperation}; a
 * result that no longer does is recognised and left alone, so duplicates and replays do no harm. Volume results go to
 * {@link VolumeResultProjection}, node results to {@link NodeResultProjection}, stale mount reports to
 * {@link StaleMountWarnings}.
 */
public class ResultProjector {

    private static final Logger log = LoggerFactory.getLogger(ResultProjector.class);

    private final ClaimWriter writer;
    private final WatcherMetrics metrics;
    private final BooleanSupplier leading;
    private final VolumeResultProjection volumeResults;
    private final NodeResultProjection nodeResults;
    private final StaleMountWarnings staleMounts;
    private final StageDurations durations;

    public ResultProjector(ClaimWriter writer, EventRecorder events, ClusterView view, WatcherMetrics metrics,
                           String resizerName, Consumer<String> reconcileLater, Clock clock, BooleanSupplier leading) {
        this.writer = writer;
        this.metrics = metrics;
        this.leading = leading;
        this.volumeResults = new VolumeResultProjection(writer, events, resizerName, reconcileLater, clock);
        this.nodeResults = new NodeResultProjection(writer, events, view, clock);
        this.staleMounts = new StaleMountWarnings(events, view, metrics);
        this.durations = new StageDurations(metrics, clock);
    }

    /**
     * Applies one result event.
     *
     * @throws ResizeException (transient) when this replica no longer leads (the record is left for the new leader)
     * @throws UntrustedRecordException when the result names no claim uid, another PV than the claim's, or a size
     *                                   outside its target and the backend's rounding
     * @throws UnexpectedRecordException when the event is no result
     */
    public void project(ResizeEvent event) {
        if (!leading.getAsBoolean()) {
            // Leadership was lost while this record waited: leave it uncommitted for the new leader.
            throw new ResizeException(Reason.NOT_LEADER, "this watcher no longer leads; the new leader applies the result", null);
        }
        if (event instanceof StaleMountDetected stale) {
            staleMounts.warn(stale);
            return;
        }
        if (!(event instanceof VolumeExpanded || event instanceof VolumeExpansionFailed
                || event instanceof FilesystemExpanded || event instanceof FilesystemExpansionFailed)) {
            throw new UnexpectedRecordException("the watcher does not consume " + event.getClass().getSimpleName());
        }
        VolumeRef ref = event.volume();
        String type = event.getClass().getSimpleName();
        if (ref.pvcUid() == null || ref.pvcUid().isBlank()) {
            throw new UntrustedRecordException(type + " for " + ref.claimKey() + " names no claim uid: not applied");
        }
        Optional<PersistentVolumeClaim> found = writer.readClaim(ref.namespace(), ref.pvcName())
                .filter(pvc -> ref.pvcUid().equals(pvc.getMetadata().getUid()));
        if (found.isEmpty()) {
            log.info("{} for {} ignored: the claim no longer exists", type, ref.claimKey());
            metrics.result(type, "claim_gone");
            return;
        }
        PersistentVolumeClaim pvc = found.get();
        ResultChecks.requireTrustworthy(event, pvc);
        Optional<ResizeOperation> current = ResizeOperation.of(pvc).filter(operation -> operation.isAnsweredBy(event));
        boolean applied = current.isPresent() && apply(pvc, current.get(), event);
        if (applied) {
            durations.record(pvc, event);
        } else {
            log.info("{} ignored: stale or duplicate (claim is in {})", type, ResizeOperation.of(pvc)
                    .map(op -> op.step() + " step to " + StorageQuantities.format(op.targetBytes())).orElse("no resize"));
        }
        metrics.result(type, applied ? "applied" : "stale");
    }

    private boolean apply(PersistentVolumeClaim pvc, ResizeOperation operation, ResizeEvent event) {
        if (event instanceof VolumeExpanded expanded) {
            return volumeResults.expanded(pvc, operation, expanded);
        }
        if (event instanceof VolumeExpansionFailed failed) {
            return volumeResults.failed(pvc, operation, failed);
        }
        if (event instanceof FilesystemExpanded expanded) {
            return nodeResults.expanded(pvc, operation, expanded);
        }
        return nodeResults.failed(pvc, operation, (FilesystemExpansionFailed) event);
    }
}
