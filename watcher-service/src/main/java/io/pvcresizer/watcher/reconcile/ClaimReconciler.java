package io.pvcresizer.watcher.reconcile;

import static io.pvcresizer.common.kubernetes.ResizeConditions.EVENT_RESIZING;
import static io.pvcresizer.common.kubernetes.ResizeConditions.EVENT_VOLUME_RESIZE_FAILED;

import io.fabric8.kubernetes.api.model.CSIPersistentVolumeSource;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.pvcresizer.common.events.EventHeader;
import io.pvcresizer.common.events.FilesystemExpansionRequested;
import io.pvcresizer.common.events.VolumeExpansionRequested;
import io.pvcresizer.common.events.VolumeMode;
import io.pvcresizer.common.quantity.StorageQuantities;
import io.pvcresizer.watcher.detection.ClaimFacts;
import io.pvcresizer.watcher.detection.ClaimState;
import io.pvcresizer.watcher.detection.ResizeDecider;
import io.pvcresizer.watcher.detection.ResizeDecision;
import io.pvcresizer.watcher.election.Leadership;
import io.pvcresizer.watcher.informer.ClusterView;
import io.pvcresizer.watcher.metrics.WatcherMetrics;
import io.pvcresizer.watcher.publish.ResizeRequestPublisher;
import io.pvcresizer.watcher.recording.EventRecorder;
import io.pvcresizer.watcher.status.ClaimStatusUpdates;
import io.pvcresizer.watcher.status.ClaimWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Brings one claim forward: asks the {@link ResizeDecider} what its state calls for and carries the decision out —
 * requests published, PVC status and events written — only while this replica is the leader.
 */
public class ClaimReconciler {

    private static final Logger log = LoggerFactory.getLogger(ClaimReconciler.class);

    private final ClusterView view;
    private final ResizeDecider decider;
    private final ClaimWriter writer;
    private final EventRecorder events;
    private final ResizeRequestPublisher publisher;
    private final Leadership leadership;
    private final WatcherMetrics metrics;
    private final String resizerName;
    private final Clock clock;

    public ClaimReconciler(ClusterView view, ResizeDecider decider, ClaimWriter writer, EventRecorder events,
                           ResizeRequestPublisher publisher, Leadership leadership, WatcherMetrics metrics,
                           String resizerName, Clock clock) {
        this.view = view;
        this.decider = decider;
        this.writer = writer;
        this.events = events;
        this.publisher = publisher;
        this.leadership = leadership;
        this.metrics = metrics;
        this.resizerName = resizerName;
        this.clock = clock;
    }

    /** Reconciles the claim {@code namespace/name}. */
    public void reconcile(String key) {
        if (!leadership.isLeader()) {
            return;
        }
        int slash = key.indexOf('/');
        String namespace = key.substring(0, slash);
        String name = key.substring(slash + 1);
        PersistentVolumeClaim cached = view.claim(namespace, name);
        if (cached == null) {
            return;
        }
        ResizeDecision decision = decider.decide(view.stateOf(cached), clock.instant());
        if (decision instanceof ResizeDecision.Ignore) {
            return;
        }
        // The cache may lag behind our own last write: confirm the decision on the claim as the API server has it.
        PersistentVolumeClaim pvc = writer.readClaim(namespace, name).orElse(null);
        if (pvc == null) {
            return;
        }
        ClaimState state = view.stateOf(pvc);
        decision = decider.decide(state, clock.instant());
        try {
            MDC.put("pvc", key);
            MDC.put("pv", pvc.getSpec().getVolumeName());
            execute(decision, state);
        } finally {
            MDC.clear();
        }
    }

    private void execute(ResizeDecision decision, ClaimState state) {
        PersistentVolumeClaim pvc = state.pvc();
        Instant now = clock.instant();
        if (decision instanceof ResizeDecision.Ignore ignore) {
            log.debug("nothing to do: {}", ignore.why());
        } else if (decision instanceof ResizeDecision.Refuse refuse) {
            log.warn("resize refused ({}): {}", refuse.reason(), refuse.message());
            writer.updateClaimStatus(pvc,
                    ClaimStatusUpdates.refused(refuse.reason(), refuse.message(), now));
            events.warning(pvc, EVENT_VOLUME_RESIZE_FAILED, refuse.message());
            metrics.decision("refuse", refuse.reason());
        } else if (decision instanceof ResizeDecision.StartVolumeExpansion start) {
            VolumeExpansionRequested request = volumeRequest(state, start.targetBytes(), start.driver());
            MDC.put("operationId", request.operationId());
            // Status first: should the publish fail, the claim shows the step in flight and it is re-driven later;
            // the other order would publish again on every retry of a failing status write.
            writer.updateClaimStatus(pvc,
                    ClaimStatusUpdates.controllerResizeStarted(start.targetBytes(), now));
            events.normal(pvc, EVENT_RESIZING, "External resizer " + resizerName + " is resizing volume "
                    + pvc.getSpec().getVolumeName() + " to " + request.targetQuantity());
            publisher.requestVolumeExpansion(request);
            log.info("volume expansion requested: {} -> {}", StorageQuantities.format(request.currentBytes()),
                    request.targetQuantity());
            metrics.decision("start_volume", null);
            metrics.operationStarted(request.operationId(), now);
        } else if (decision instanceof ResizeDecision.RedriveVolumeExpansion redrive) {
            VolumeExpansionRequested request = volumeRequest(state, redrive.targetBytes(), redrive.driver());
            MDC.put("operationId", request.operationId());
            // Refreshes the Resizing condition's probe time, so the next re-drive waits its turn again.
            writer.updateClaimStatus(pvc,
                    ClaimStatusUpdates.controllerResizeStarted(redrive.targetBytes(), now));
            publisher.requestVolumeExpansion(request);
            log.info("volume expansion re-driven after no answer: target {}", request.targetQuantity());
            metrics.decision("redrive_volume", null);
        } else if (decision instanceof ResizeDecision.StartNodeExpansion node) {
            FilesystemExpansionRequested request = nodeRequest(state, node.targetBytes(), node.pod());
            MDC.put("operationId", request.operationId());
            writer.updateClaimStatus(pvc, ClaimStatusUpdates.nodeResizeStarted(now));
            publisher.requestFilesystemExpansion(request);
            log.info("file system expansion requested on node {} (pod {})", request.nodeName(), request.podName());
            metrics.decision("start_node", null);
        } else if (decision instanceof ResizeDecision.CancelResize cancel) {
            writer.updateClaimStatus(pvc,
                    ClaimStatusUpdates.resizeCancelled(cancel.capacityBytes()));
            log.info("resize cancelled: request lowered back to the capacity {}", StorageQuantities.format(cancel.capacityBytes()));
            metrics.decision("cancel", null);
        }
    }

    private VolumeExpansionRequested volumeRequest(ClaimState state, long targetBytes, String driver) {
        PersistentVolumeClaim pvc = state.pvc();
        PersistentVolume pv = state.pv();
        CSIPersistentVolumeSource csi = pv.getSpec().getCsi();
        Long capacity = ClaimFacts.of(pvc).capacityBytes();
        return new VolumeExpansionRequested(
                EventHeader.next(OperationIds.of(pvc, targetBytes), OperationIds.volumeRef(pvc)),
                driver,
                csi == null ? pv.getMetadata().getName() : csi.getVolumeHandle(),
                csi == null || csi.getVolumeAttributes() == null ? Map.of() : csi.getVolumeAttributes(),
                VolumeMode.fromSpec(pv.getSpec().getVolumeMode()),
                capacity == null ? 0 : capacity,
                targetBytes,
                StorageQuantities.format(targetBytes));
    }

    private FilesystemExpansionRequested nodeRequest(ClaimState state, long targetBytes, Pod pod) {
        PersistentVolumeClaim pvc = state.pvc();
        PersistentVolume pv = state.pv();
        CSIPersistentVolumeSource csi = pv.getSpec().getCsi();
        Long allocated = ClaimFacts.of(pvc).allocatedBytes();
        return new FilesystemExpansionRequested(
                EventHeader.next(OperationIds.of(pvc, allocated == null ? targetBytes : allocated), OperationIds.volumeRef(pvc)),
                pod.getSpec().getNodeName(),
                pod.getMetadata().getUid(),
                pod.getMetadata().getName(),
                ResizeDecider.driverOf(pv, state.storageClass()),
                csi == null ? pv.getMetadata().getName() : csi.getVolumeHandle(),
                csi == null || csi.getFsType() == null ? "" : csi.getFsType(),
                VolumeMode.fromSpec(pv.getSpec().getVolumeMode()),
                targetBytes);
    }

    private static String namespace(PersistentVolumeClaim pvc) {
        return pvc.getMetadata().getNamespace();
    }

    private static String name(PersistentVolumeClaim pvc) {
        return pvc.getMetadata().getName();
    }

}
