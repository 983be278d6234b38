package io.pvcresizer.watcher.it;

import static io.pvcresizer.common.kubernetes.ResizeConditions.CONTROLLER_RESIZE_ERROR;
import static io.pvcresizer.common.kubernetes.ResizeConditions.CONTROLLER_RESIZE_INFEASIBLE;
import static io.pvcresizer.common.kubernetes.ResizeConditions.CONTROLLER_RESIZE_IN_PROGRESS;
import static io.pvcresizer.common.kubernetes.ResizeConditions.FILE_SYSTEM_RESIZE_PENDING;
import static io.pvcresizer.common.kubernetes.ResizeConditions.NODE_RESIZE_ERROR;
import static io.pvcresizer.common.kubernetes.ResizeConditions.NODE_RESIZE_INFEASIBLE;
import static io.pvcresizer.common.kubernetes.ResizeConditions.NODE_RESIZE_IN_PROGRESS;
import static io.pvcresizer.common.kubernetes.ResizeConditions.NODE_RESIZE_PENDING;
import static io.pvcresizer.common.kubernetes.ResizeConditions.RESIZING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimConditionBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.pvcresizer.common.events.FailureKind;
import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.common.testing.KubeMiniCluster;
import io.pvcresizer.watcher.fixtures.TestClaims;
import io.pvcresizer.watcher.fixtures.TestVolumes;
import io.pvcresizer.watcher.status.KubernetesClaimWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What fabric8's mock API server hid, on the real one: the watcher's status writer as its own service account,
 * against the server's storage, optimistic concurrency and validation.
 */
class ApiServerSemanticsIT {

    private static ApiAndBroker env;
    private static NamespacedKubernetesClient watcherClient;
    private static KubernetesClaimWriter writer;

    @BeforeAll
    static void start() {
        env = new ApiAndBroker();
        env.client.storage().v1().storageClasses().resource(TestVolumes.storageClass(TestClaims.CLASS, true)).create();
        watcherClient = KubeMiniCluster.clientOf(env.watcherKubeconfig());
        writer = new KubernetesClaimWriter(watcherClient);
    }

    @AfterAll
    static void stop() {
        watcherClient.close();
        env.close();
    }

    private static PersistentVolumeClaim createBound(String name, String size) {
        return env.createBound(name, size, TestClaims.CLASS, "xfs");
    }

    private static PersistentVolumeClaim claim(String name) {
        return env.client.persistentVolumeClaims().inNamespace(TestClaims.NAMESPACE).withName(name).get();
    }

    @Test
    void shouldIgnoreAStatusSentWithTheMainResource() {
        PersistentVolumeClaim before = createBound("status-in-update", "1Gi");

        env.editClaim("status-in-update", pvc -> {
            pvc.getStatus().setAllocatedResources(Map.of("storage", new Quantity("2Gi")));
            pvc.getMetadata().setLabels(Map.of("touched", "yes"));
            return pvc;
        });

        PersistentVolumeClaim stored = claim("status-in-update");
        assertThat(stored.getMetadata().getLabels()).containsEntry("touched", "yes");
        assertThat(stored.getStatus().getAllocatedResources()).as("status written with the main resource is dropped")
                .isEqualTo(before.getStatus().getAllocatedResources());
    }

    @Test
    void shouldRereadAndRetryWhenTheClaimChangedSinceItWasRead() {
        PersistentVolumeClaim stale = createBound("conflict", "1Gi");
        env.editClaim("conflict", pvc -> {
            pvc.getMetadata().setLabels(Map.of("changed", "meanwhile"));
            return pvc;
        });
        // The raw write of the stale object is refused, as the writer expects.
        PersistentVolumeClaim raw = new io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder(stale)
                .editStatus().addToAllocatedResources("storage", new Quantity("3Gi")).endStatus().build();
        assertThatThrownBy(() -> watcherClient.persistentVolumeClaims().inNamespace(TestClaims.NAMESPACE).resource(raw)
                .updateStatus()).isInstanceOfSatisfying(KubernetesClientException.class,
                e -> assertThat(e.getCode()).isEqualTo(409));

        PersistentVolumeClaim written = writer.updateClaimStatus(stale, status -> new PersistentVolumeClaimStatusBuilder(status)
                .addToAllocatedResources("storage", new Quantity("2Gi")).build()).orElseThrow();

        assertThat(written.getMetadata().getLabels()).containsEntry("changed", "meanwhile");
        assertThat(claim("conflict").getStatus().getAllocatedResources()).containsEntry("storage", new Quantity("2Gi"));
    }

    @Test
    void shouldAcceptEveryResizeStatusAndConditionTheWatcherWrites() {
        PersistentVolumeClaim pvc = createBound("every-status", "1Gi");
        List<String> statuses = List.of(CONTROLLER_RESIZE_IN_PROGRESS, CONTROLLER_RESIZE_INFEASIBLE, NODE_RESIZE_PENDING,
                NODE_RESIZE_IN_PROGRESS, NODE_RESIZE_INFEASIBLE);
        List<String> conditions = List.of(RESIZING, FILE_SYSTEM_RESIZE_PENDING, CONTROLLER_RESIZE_ERROR, NODE_RESIZE_ERROR);
        for (int i = 0; i < statuses.size(); i++) {
            String status = statuses.get(i);
            String condition = conditions.get(i % conditions.size());
            writer.updateClaimStatus(TestClaims.NAMESPACE, "every-status", pvc.getMetadata().getUid(), s ->
                    new PersistentVolumeClaimStatusBuilder(s)
                            .withAllocatedResources(Map.of("storage", new Quantity("2Gi")))
                            .withAllocatedResourceStatuses(Map.of("storage", status))
                            .withConditions(new PersistentVolumeClaimConditionBuilder().withType(condition)
                                    .withStatus("True").withLastTransitionTime(Instant.now().toString().replaceAll("\\.\\d+Z", "Z"))
                                    .withMessage("checked by the API server").build())
                            .build());

            PersistentVolumeClaim stored = claim("every-status");
            assertThat(stored.getStatus().getAllocatedResourceStatuses()).containsEntry("storage", status);
            assertThat(stored.getStatus().getConditions()).anySatisfy(c -> assertThat(c.getType()).isEqualTo(condition));
        }

        // The server does validate: a value Kubernetes does not know is refused, so the ones above were really checked.
        assertThatThrownBy(() -> writer.updateClaimStatus(TestClaims.NAMESPACE, "every-status", pvc.getMetadata().getUid(),
                s -> new PersistentVolumeClaimStatusBuilder(s).withAllocatedResourceStatuses(Map.of("storage", "Resizing"))
                        .build())).isInstanceOfSatisfying(ResizeException.class, e -> {
                            // A 422 is final: the writer says so and does not retry it like an outage.
                            assertThat(e.reason()).isEqualTo(Reason.KUBERNETES_API_REJECTED.code());
                            assertThat(e.kind()).isEqualTo(FailureKind.FINAL);
                            assertThat(e.getMessage()).contains("HTTP 422", "allocatedResourceStatuses");
                        });
    }
}
