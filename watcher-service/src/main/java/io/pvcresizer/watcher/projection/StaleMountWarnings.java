package io.pvcresizer.watcher.projection;

import static io.pvcresizer.common.kubernetes.ResizeConditions.EVENT_VOLUME_MOUNT_STALE;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.pvcresizer.common.events.StaleMountDetected;
import io.pvcresizer.watcher.informer.ClusterView;
import io.pvcresizer.watcher.metrics.WatcherMetrics;
import io.pvcresizer.watcher.recording.EventRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a node agent's stale (or hung) FUSE mount report into a Warning {@code VolumeMountStale} on the claim bound to
 * the PV (through the PV's {@code claimRef} in the informer cache) and on the pod whose volume it is, if that pod uses
 * the claim. A report about no PV, or a PV or claim the cache does not have, is logged and skipped. No status changes:
 * the claim's size and resize state are not what is wrong.
 */
final class StaleMountWarnings {

    private static final Logger log = LoggerFactory.getLogger(StaleMountWarnings.class);
    private static final String TYPE = StaleMountDetected.class.getSimpleName();

    private final EventRecorder events;
    private final ClusterView view;
    private final WatcherMetrics metrics;

    StaleMountWarnings(EventRecorder events, ClusterView view, WatcherMetrics metrics) {
        this.events = events;
        this.view = view;
        this.metrics = metrics;
    }

    void warn(StaleMountDetected stale) {
        String pvName = stale.volume().pvName();
        String where = stale.fsType() + " mount " + stale.mountPoint() + " on node " + stale.nodeName();
        if (pvName.isBlank()) {
            log.info("{} is no PV's volume; no event: {}", where, stale.message());
            metrics.result(TYPE, "unresolved");
            return;
        }
        PersistentVolume pv = view.volume(pvName);
        ObjectReference claimRef = pv == null || pv.getSpec() == null ? null : pv.getSpec().getClaimRef();
        PersistentVolumeClaim pvc = claimRef == null ? null : view.claim(claimRef.getNamespace(), claimRef.getName());
        if (pvc == null || (claimRef.getUid() != null && !claimRef.getUid().equals(pvc.getMetadata().getUid()))) {
            log.warn("{}: {}; no event: {}", where, pv == null ? "PV " + pvName + " is not known"
                    : claimRef == null ? "PV " + pvName + " is bound to no claim"
                    : "the claim " + claimRef.getNamespace() + "/" + claimRef.getName() + " of PV " + pvName
                    + " is not known", stale.message());
            metrics.result(TYPE, "unresolved");
            return;
        }
        String message = "Node " + stale.nodeName() + ": " + stale.message();
        events.warning(pvc, EVENT_VOLUME_MOUNT_STALE, message);
        String podUid = stale.podUid() == null ? "" : stale.podUid();
        if (!podUid.isBlank()) {
            view.podsUsing(claimRef.getNamespace(), claimRef.getName()).stream()
                    .filter(pod -> podUid.equals(pod.getMetadata().getUid()))
                    .findFirst()
                    .ifPresent(pod -> events.warning(pod, EVENT_VOLUME_MOUNT_STALE, message));
        }
        log.warn("{} {} on node {}, claim {}/{}: {}", EVENT_VOLUME_MOUNT_STALE, stale.recovered() ? "recovered" : "not recovered",
                stale.nodeName(), claimRef.getNamespace(), claimRef.getName(), stale.message());
        metrics.result(TYPE, "applied");
    }
}
