package io.pvcresizer.tools.faultsuite;

import static io.pvcresizer.common.kubernetes.ResizeConditions.CONTROLLER_RESIZE_ERROR;
import static io.pvcresizer.common.kubernetes.ResizeConditions.EVENT_FILE_SYSTEM_RESIZE_FAILED;
import static io.pvcresizer.common.kubernetes.ResizeConditions.EVENT_FILE_SYSTEM_RESIZE_SUCCESSFUL;
import static io.pvcresizer.common.kubernetes.ResizeConditions.EVENT_VOLUME_RESIZE_FAILED;
import static io.pvcresizer.common.kubernetes.ResizeConditions.EVENT_VOLUME_RESIZE_SUCCESSFUL;
import static io.pvcresizer.common.kubernetes.ResizeConditions.NODE_RESIZE_ERROR;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pvcresizer.common.quantity.StorageQuantities;
import io.pvcresizer.testkit.ClusterObjects;
import io.pvcresizer.tools.faultsuite.TrialVolumes.Trial;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Follows the resizes of one run until each has ended or a deadline passes, then tells for each claim whether it
 * completed (PVC capacity, image and {@code df} all grown), failed truthfully (the PVC shows an error and the volume
 * indeed is not grown), was lost (neither), or was grown beyond its target; and counts duplicate success events.
 */
public final class ResizeAudit {

    /** What became of one claim. */
    public enum Outcome { COMPLETED, FAILED_TRUTHFULLY, LOST }

    /** The verdict on every claim of a run, and the figures the table shows. */
    public record Verdict(Map<String, Outcome> outcomes, int overgrown, int duplicateEffects, int failureEvents,
                          List<Duration> latencies, List<String> problems) {
        public long count(Outcome outcome) {
            return outcomes.values().stream().filter(outcome::equals).count();
        }
    }

    private final KubernetesClient client;
    private final List<Trial> trials;
    private final long targetBytes;
    private final Map<String, Instant> requestedAt = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Instant> completedAt = new HashMap<>();

    public ResizeAudit(KubernetesClient client, List<Trial> trials, long targetBytes) {
        this.client = client;
        this.trials = List.copyOf(trials);
        this.targetBytes = targetBytes;
    }

    /** Notes the moment the claim's request was raised. */
    public void requested(String claim, Instant at) {
        requestedAt.put(claim, at);
    }

    /** Polls the claims until every one shows its new capacity, or {@code patience} has passed. */
    public void awaitSettled(Duration patience) {
        Instant deadline = Instant.now().plus(patience);
        Set<String> names = trials.stream().map(Trial::claim).collect(Collectors.toSet());
        while (Instant.now().isBefore(deadline)) {
            Instant now = Instant.now();
            for (PersistentVolumeClaim pvc : client.persistentVolumeClaims().inNamespace(ClusterObjects.NAMESPACE).list().getItems()) {
                String name = pvc.getMetadata().getName();
                if (names.contains(name) && !completedAt.containsKey(name) && showsTarget(pvc)) {
                    completedAt.put(name, now);
                }
            }
            if (completedAt.keySet().containsAll(names)) {
                return;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Judges every claim as it stands now. */
    public Verdict verdict() {
        Map<String, PersistentVolumeClaim> claims = client.persistentVolumeClaims().inNamespace(ClusterObjects.NAMESPACE)
                .list().getItems().stream().collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p));
        Map<String, List<Event>> events = client.v1().events().inNamespace(ClusterObjects.NAMESPACE).list().getItems().stream()
                .filter(e -> "PersistentVolumeClaim".equals(e.getInvolvedObject().getKind()))
                .collect(Collectors.groupingBy(e -> e.getInvolvedObject().getName()));
        Map<String, Outcome> outcomes = new java.util.LinkedHashMap<>();
        int overgrown = 0;
        int duplicates = 0;
        int failureEvents = 0;
        List<String> problems = new java.util.ArrayList<>();
        for (Trial trial : trials) {
            PersistentVolumeClaim pvc = claims.get(trial.claim());
            long image = TrialVolumes.imageBytes(trial);
            long df = trial.volume().dfSizeBytes();
            if (image > targetBytes) {
                overgrown++;
                problems.add(trial.claim() + ": image grown to " + image + " bytes, beyond the target " + targetBytes);
            }
            List<Event> claimEvents = events.getOrDefault(trial.claim(), List.of());
            duplicates += extra(claimEvents, EVENT_VOLUME_RESIZE_SUCCESSFUL) + extra(claimEvents, EVENT_FILE_SYSTEM_RESIZE_SUCCESSFUL);
            failureEvents += (int) claimEvents.stream().filter(e -> EVENT_VOLUME_RESIZE_FAILED.equals(e.getReason())
                    || EVENT_FILE_SYSTEM_RESIZE_FAILED.equals(e.getReason())).count();
            Outcome outcome = judge(pvc, image, df, trial.dfBytesBefore());
            if (outcome == Outcome.LOST) {
                problems.add(trial.claim() + ": lost — " + describe(pvc) + ", image " + image + " bytes, df " + df + " bytes");
            }
            outcomes.put(trial.claim(), outcome);
        }
        List<Duration> latencies = completedAt.entrySet().stream()
                .filter(e -> requestedAt.containsKey(e.getKey()))
                .map(e -> Duration.between(requestedAt.get(e.getKey()), e.getValue()))
                .sorted().toList();
        return new Verdict(outcomes, overgrown, duplicates, failureEvents, latencies, problems);
    }

    private Outcome judge(PersistentVolumeClaim pvc, long image, long df, long dfBefore) {
        if (pvc == null) {
            return Outcome.LOST;
        }
        if (showsTarget(pvc) && image == targetBytes && df > dfBefore) {
            return Outcome.COMPLETED;
        }
        // A failure is truthful when the PVC says which step failed and that step's effect is indeed missing.
        String status = resizeStatus(pvc);
        boolean controllerFailed = hasCondition(pvc, CONTROLLER_RESIZE_ERROR) || "ControllerResizeInfeasible".equals(status);
        boolean nodeFailed = hasCondition(pvc, NODE_RESIZE_ERROR) || "NodeResizeInfeasible".equals(status);
        if (controllerFailed && image < targetBytes || nodeFailed && df <= dfBefore) {
            return Outcome.FAILED_TRUTHFULLY;
        }
        return Outcome.LOST;
    }

    private boolean showsTarget(PersistentVolumeClaim pvc) {
        if (pvc.getStatus() == null || pvc.getStatus().getCapacity() == null || pvc.getStatus().getCapacity().get("storage") == null) {
            return false;
        }
        return StorageQuantities.toBytes(pvc.getStatus().getCapacity().get("storage")) == targetBytes && resizeStatus(pvc) == null;
    }

    private static String resizeStatus(PersistentVolumeClaim pvc) {
        return pvc.getStatus() == null || pvc.getStatus().getAllocatedResourceStatuses() == null ? null
                : pvc.getStatus().getAllocatedResourceStatuses().get("storage");
    }

    private static boolean hasCondition(PersistentVolumeClaim pvc, String type) {
        return pvc.getStatus() != null && pvc.getStatus().getConditions() != null
                && pvc.getStatus().getConditions().stream().map(PersistentVolumeClaimCondition::getType).anyMatch(type::equals);
    }

    private static int extra(List<Event> events, String reason) {
        long count = events.stream().filter(e -> reason.equals(e.getReason())).count();
        return (int) Math.max(0, count - 1);
    }

    private static String describe(PersistentVolumeClaim pvc) {
        if (pvc == null) {
            return "claim gone";
        }
        return "capacity " + (pvc.getStatus() == null || pvc.getStatus().getCapacity() == null ? null
                : pvc.getStatus().getCapacity().get("storage")) + ", resizeStatus " + resizeStatus(pvc) + ", conditions "
                + (pvc.getStatus() == null || pvc.getStatus().getConditions() == null ? List.of()
                : pvc.getStatus().getConditions().stream().map(c -> c.getType() + "(" + c.getMessage() + ")").toList());
    }
}
