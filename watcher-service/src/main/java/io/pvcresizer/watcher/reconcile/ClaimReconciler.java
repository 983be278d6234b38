package io.pvcresizer.watcher.reconcile;

import static io.pvcresizer.common.kubernetes.ResizeConditions.ANNOTATION_PRE_RESIZE_CAPACITY;
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
import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.kubernetes.ResizeConditions;
import io.pvcresizer.common.logging.OperationLogContext;
import io.pvcresizer.common.quantity.StorageQuantities;
import io.pvcresizer.watcher.detection.ClaimFacts;
import io.pvcresizer.watcher.detection.ClaimState;
import io.pvcresizer.watcher.detection.ResizeDecider;
import io.pvcresizer.watcher.detection.ResizeDecision;
import io.pvcresizer.watcher.informer.ClusterView;
import io.pvcresizer.watcher.metrics.WatcherMetrics;
import io.pvcresizer.watcher.operation.ResizeOperation;
import io.pvcresizer.watcher.publish.ResizeRequestPublisher;
import io.pvcresizer.watcher.recording.EventRecorder;
import io.pvcresizer.watcher.status.ClaimStatusUpdates;
import io.pvcresizer.watcher.status.ClaimWriter;
import io.pvcresizer.watcher.status.VolumeUpdates;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    private final java.util.function.BooleanSupplier leading;
    private final WatcherMetrics metrics;
    private final String resizerName;
    private final Clock clock;
    /** Warnings already given (stand back, wait until unused), by claim uid, decision and request: each said once. */
    private final Set<String> warnings = ConcurrentHashMap.newKeySet();
    /** Node steps in flight, by claim uid: dropped when the claim leaves the node stage. */
    private final java.util.Map<String, NodeStep> nodeSteps = new ConcurrentHashMap<>();
    private java.time.Duration nodeAgentTimeout = java.time.Duration.ofMinutes(5);

    public ClaimReconciler(ClusterView view, ResizeDecider decider, ClaimWriter writer, EventRecorder events,
                           ResizeRequestPublisher publisher, java.util.function.BooleanSupplier leading, WatcherMetrics metrics,
                           String resizerName, Clock clock) {
        this.view = view;
        this.decider = decider;
        this.writer = writer;
        this.events = events;
        this.publisher = publisher;
        this.leading = leading;
        this.metrics = metrics;
        this.resizerName = resizerName;
        this.clock = clock;
    }

    /** How long a node step may go unanswered before the claim says that its node's agent does not answer. */
    public ClaimReconciler withNodeAgentTimeout(java.time.Duration timeout) {
        this.nodeAgentTimeout = timeout;
        return this;
    }

    /** Reconciles the claim {@code namespace/name}. */
    public void reconcile(String key) {
        if (!leading.getAsBoolean()) {
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
        if (decision instanceof ResizeDecision.Ignore || alreadySaid(cached, decision)) {
            return;
        }
        // The cache may lag behind our own last write: confirm the decision on the claim as the API server has it.
        PersistentVolumeClaim pvc = writer.readClaim(namespace, name).orElse(null);
        if (pvc == null) {
            return;
        }
        ClaimState state = view.stateOf(pvc);
        decision = decider.decide(state, clock.instant());
        if (!ResizeConditions.NODE_RESIZE_IN_PROGRESS.equals(ClaimFacts.of(pvc).resizeStatus())
                && !(decision instanceof ResizeDecision.StartNodeExpansion)) {
            nodeSteps.remove(pvc.getMetadata().getUid());
        }
        try (OperationLogContext ignored = OperationLogContext.enter(null, key, pvc.getSpec().getVolumeName())) {
            execute(decision, state);
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
            OperationLogContext.operation(request.operationId());
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
            OperationLogContext.operation(request.operationId());
            // Refreshes the Resizing condition's probe time, so the next re-drive waits its turn again.
            writer.updateClaimStatus(pvc,
                    ClaimStatusUpdates.controllerResizeStarted(redrive.targetBytes(), now));
            publisher.requestVolumeExpansion(request);
            log.info("volume expansion re-driven after no answer: target {}", request.targetQuantity());
            metrics.decision("redrive_volume", null);
        } else if (decision instanceof ResizeDecision.StartNodeExpansion node) {
            FilesystemExpansionRequested request = nodeRequest(state, node.targetBytes(), node.pod());
            OperationLogContext.operation(request.operationId());
            String silence = silence(pvc, request, now);
            writer.updateClaimStatus(pvc, ClaimStatusUpdates.nodeResizeStarted(now, silence));
            if (silence != null && warnings.add(pvc.getMetadata().getUid() + "|silent|" + request.nodeName() + "|" + request.targetBytes())) {
                log.warn("{}", silence);
                events.warning(pvc, ResizeConditions.EVENT_FILE_SYSTEM_RESIZE_FAILED, silence);
                metrics.decision("node_agent_silent", Reason.NODE_AGENT_NOT_ANSWERING.code());
            }
            publisher.requestFilesystemExpansion(request);
            log.info("file system expansion requested on node {} (pod {})", request.nodeName(), request.podName());
            metrics.decision("start_node", null);
        } else if (decision instanceof ResizeDecision.StandBack standBack) {
            if (warnings.add(warningKey(pvc, decision))) {
                String message = "pvc-resizer stands back: another resizer is active for driver " + standBack.driver()
                        + " (" + standBack.evidence() + "); it resizes this claim, pvc-resizer writes nothing to it";
                log.warn("{}", message);
                events.warning(pvc, Reason.EXTERNAL_RESIZER_ACTIVE.code(), message);
                metrics.decision("stand_back", Reason.EXTERNAL_RESIZER_ACTIVE.code());
            }
        } else if (decision instanceof ResizeDecision.WaitUntilUnused wait) {
            if (warnings.add(warningKey(pvc, decision))) {
                String message = "Unable to expand " + pvc.getMetadata().getNamespace() + "/" + pvc.getMetadata().getName()
                        + " because CSI driver " + wait.driver() + " only supports offline expansion and volume is"
                        + " currently in-use (pod " + wait.pod() + "); it is expanded when no pod uses it";
                log.warn("{}", message);
                events.warning(pvc, EVENT_VOLUME_RESIZE_FAILED, message);
                metrics.decision("wait_unused", Reason.VOLUME_IN_USE.code());
            }
        } else if (decision instanceof ResizeDecision.ClearPreResizeAnnotation clear) {
            writer.updateVolume(clear.pvName(), VolumeUpdates::withoutPreResizeAnnotation);
            log.info("node step finished: annotation {} removed from volume {}", ANNOTATION_PRE_RESIZE_CAPACITY, clear.pvName());
            metrics.decision("clear_pre_resize_annotation", null);
        } else if (decision instanceof ResizeDecision.CancelResize cancel) {
            writer.updateClaimStatus(pvc,
                    ClaimStatusUpdates.resizeCancelled(cancel.capacityBytes()));
            log.info("resize cancelled: request lowered back to the capacity {}", StorageQuantities.format(cancel.capacityBytes()));
            metrics.decision("cancel", null);
        }
    }

    /**
     * What the claim must say when this node step has gone unanswered for {@code nodeAgentTimeout} (it is requested
     * again meanwhile): the node's fs-service does not answer; null while it is younger.
     */
    private String silence(PersistentVolumeClaim pvc, FilesystemExpansionRequested request, Instant now) {
        String key = request.nodeName() + "|" + request.targetBytes();
        NodeStep step = nodeSteps.compute(pvc.getMetadata().getUid(),
                (uid, known) -> known != null && known.key().equals(key) ? known : new NodeStep(key, now));
        java.time.Duration silent = java.time.Duration.between(step.firstRequested(), now);
        if (silent.compareTo(nodeAgentTimeout) < 0) {
            return null;
        }
        return "MountVolume.NodeExpandVolume not answered for volume \"" + pvc.getSpec().getVolumeName() + "\" on node "
                + request.nodeName() + " for " + silent.toSeconds() + " s: is the fs-service DaemonSet running on that node?"
                + " The node step is requested again until it answers";
    }

    /** When the node step of a claim (to one node, for one target) was first requested. */
    private record NodeStep(String key, Instant firstRequested) {
    }

    /** Whether {@code decision} is a warning this claim was already given, so there is nothing to do or read. */
    private boolean alreadySaid(PersistentVolumeClaim pvc, ResizeDecision decision) {
        return (decision instanceof ResizeDecision.StandBack || decision instanceof ResizeDecision.WaitUntilUnused)
                && warnings.contains(warningKey(pvc, decision));
    }

    private static String warningKey(PersistentVolumeClaim pvc, ResizeDecision decision) {
        String request = pvc.getSpec().getResources() == null || pvc.getSpec().getResources().getRequests() == null
                ? "" : String.valueOf(pvc.getSpec().getResources().getRequests().get("storage"));
        return pvc.getMetadata().getUid() + "|" + decision.getClass().getSimpleName() + "|" + request;
    }

    private VolumeExpansionRequested volumeRequest(ClaimState state, long targetBytes, String driver) {
        PersistentVolumeClaim pvc = state.pvc();
        PersistentVolume pv = state.pv();
        CSIPersistentVolumeSource csi = pv.getSpec().getCsi();
        Long capacity = ClaimFacts.of(pvc).capacityBytes();
        return new VolumeExpansionRequested(
                EventHeader.next(ResizeOperation.idOf(pvc, targetBytes), ResizeOperation.volumeRef(pvc)),
                driver,
                csi == null ? pv.getMetadata().getName() : csi.getVolumeHandle(),
                csi == null || csi.getVolumeAttributes() == null ? Map.of() : csi.getVolumeAttributes(),
                VolumeMode.fromSpec(pv.getSpec().getVolumeMode()),
                capacity == null ? 0 : capacity,
                targetBytes,
                StorageQuantities.format(targetBytes),
                CsiVolumeDetails.forController(pv, pvc, state.storageClass()));
    }

    private FilesystemExpansionRequested nodeRequest(ClaimState state, long targetBytes, Pod pod) {
        PersistentVolumeClaim pvc = state.pvc();
        PersistentVolume pv = state.pv();
        CSIPersistentVolumeSource csi = pv.getSpec().getCsi();
        Long allocated = ClaimFacts.of(pvc).allocatedBytes();
        return new FilesystemExpansionRequested(
                EventHeader.next(ResizeOperation.idOf(pvc, allocated == null ? targetBytes : allocated), ResizeOperation.volumeRef(pvc)),
                pod.getSpec().getNodeName(),
                pod.getMetadata().getUid(),
                pod.getMetadata().getName(),
                ResizeDecider.driverOf(pv, state.storageClass()),
                csi == null ? pv.getMetadata().getName() : csi.getVolumeHandle(),
                csi == null || csi.getFsType() == null ? "" : csi.getFsType(),
                VolumeMode.fromSpec(pv.getSpec().getVolumeMode()),
                targetBytes,
                CsiVolumeDetails.forNode(pv, pvc, state.storageClass()));
    }

}
