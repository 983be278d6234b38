package io.pvcresizer.watcher.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.pvcresizer.common.events.VolumeExpansionRequested;
import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.kubernetes.ResizeConditions;
import io.pvcresizer.common.testing.RecordingConsumer;
import io.pvcresizer.common.topics.Topics;
import io.pvcresizer.csi.testing.CsiMockDriver;
import io.pvcresizer.csi.testing.CsiResizerProcess;
import io.pvcresizer.csi.testing.CsiTestPrograms;
import io.pvcresizer.watcher.coexistence.ExternalResizerDetector;
import io.pvcresizer.watcher.coexistence.OtherResizersHealthIndicator;
import io.pvcresizer.watcher.fixtures.TestClaims;
import io.pvcresizer.watcher.fixtures.TestVolumes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The watcher beside resizers it must not compete with, on a real API server with kube-controller-manager: a claim of
 * a driver pvc-resizer does not serve (AWS EBS, whose resizer is not even running) and a claim of a served driver
 * whose own Kubernetes CSI resizer ({@code csi-resizer}, the real program) runs against Kubernetes' mock CSI driver.
 */
class CoexistenceIT {

    private static final String EBS = "ebs.csi.aws.com";
    private static final String HOSTPATH = "hostpath.csi.k8s.io";
    private static final String WATCHER_USER = "system:serviceaccount:pvc-resizer:watcher-service";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static ApiAndBroker env;
    private static ConfigurableApplicationContext watcher;
    private static RecordingConsumer requests;

    @BeforeAll
    static void start() {
        env = new ApiAndBroker();
        for (Map.Entry<String, String> entry : Map.of("gp3", EBS, "hostpath", HOSTPATH).entrySet()) {
            StorageClass storageClass = TestVolumes.storageClass(entry.getKey(), true);
            storageClass.setProvisioner(entry.getValue());
            env.client.storage().v1().storageClasses().resource(storageClass).create();
        }
        watcher = env.startWatcher("coexistence-it",
                "--pvc-resizer.watcher.drivers=" + TestVolumes.DRIVER + "," + HOSTPATH,
                "--pvc-resizer.watcher.other-resizers.period=1s");
        requests = new RecordingConsumer(env.bootstrapServers(), List.of(Topics.VOLUME_REQUESTS_NAME, Topics.NODE_REQUESTS_NAME));
    }

    @AfterAll
    static void stop() {
        requests.close();
        watcher.close();
        env.close();
    }

    @Test
    void shouldWriteNothingToAClaimOfADriverItDoesNotServe() throws IOException {
        PersistentVolumeClaim created = env.createBound("ebs-data", "5Gi", "gp3", "ext4", pv -> {
            pv.getSpec().getCsi().setDriver(EBS);
            pv.getSpec().getCsi().setVolumeHandle("vol-0a1b2c3d4e5f67890");
            pv.getSpec().getCsi().setVolumeAttributes(Map.of());
        });
        request("ebs-data", "8Gi");

        // kube-controller-manager hands the claim to the EBS driver's resizer, as in any cluster...
        await().atMost(Duration.ofSeconds(30)).until(() -> reasons("ebs-data").contains(ResizeConditions.EVENT_EXTERNAL_EXPANDING));
        // ... and pvc-resizer, watching every claim, keeps its hands off it through many resyncs.
        await().during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(12)).until(() -> untouched("ebs-data"));
        assertThat(env.client.persistentVolumes().withName(created.getSpec().getVolumeName()).get().getSpec()
                .getCapacity().get("storage")).isEqualTo(new Quantity("5Gi"));
        assertThat(writesByWatcher("ebs-data", created.getSpec().getVolumeName())).isEmpty();
        assertThat(requests.events(Topics.VOLUME_REQUESTS_NAME, VolumeExpansionRequested.class))
                .noneMatch(r -> r.volume().pvcName().equals("ebs-data"));
    }

    @Test
    void shouldStandBackWhileTheDriversOwnCsiResizerRunsAndLetItGrowTheClaimOnce(@org.junit.jupiter.api.io.TempDir Path dir)
            throws IOException {
        assumeTrue(CsiTestPrograms.runnable(), "the CSI test programs are not built and there is no Go to build them");
        try (CsiMockDriver driver = CsiMockDriver.start(HOSTPATH, dir.resolve("csi.sock"));
                CsiResizerProcess csiResizer = CsiResizerProcess.start(driver.socket(), env.cluster.adminKubeconfig(), "kube-system")) {
            await("the csi-resizer's Lease seen").atMost(Duration.ofSeconds(60))
                    .until(() -> readiness().contains("external-resizer-hostpath-csi-k8s-io"));
            // The mock driver's volume "1" has 100 GiB.
            PersistentVolumeClaim created = env.createBound("shared-data", "100Gi", "hostpath", "xfs", pv -> {
                pv.getSpec().getCsi().setDriver(HOSTPATH);
                pv.getSpec().getCsi().setVolumeHandle("1");
                pv.getSpec().getCsi().setVolumeAttributes(Map.of());
            });
            // Frozen while the request is raised (its Lease still held), so that pvc-resizer surely sees the raised
            // claim before csi-resizer has grown it.
            csiResizer.pause();
            request("shared-data", "101Gi");
            await("pvc-resizer says it stands back").atMost(Duration.ofSeconds(30))
                    .until(() -> reasons("shared-data").contains(Reason.EXTERNAL_RESIZER_ACTIVE.code()));
            csiResizer.resume();

            await("grown by csi-resizer").atMost(Duration.ofSeconds(60)).until(() -> {
                PersistentVolumeClaim now = claim("shared-data");
                return now.getStatus().getCapacity() != null
                        && new Quantity("101Gi").equals(now.getStatus().getCapacity().get("storage"));
            });
            assertThat(env.client.persistentVolumes().withName(created.getSpec().getVolumeName()).get().getSpec()
                    .getCapacity().get("storage")).isEqualTo(new Quantity("101Gi"));
            assertThat(driver.requests("/csi.v1.Controller/ControllerExpandVolume")).hasSize(1);
            List<Event> standBack = eventsOf("shared-data").stream()
                    .filter(e -> Reason.EXTERNAL_RESIZER_ACTIVE.code().equals(e.getReason())).toList();
            assertThat(standBack).hasSize(1);
            assertThat(standBack.get(0).getType()).isEqualTo("Warning");
            assertThat(standBack.get(0).getMessage()).contains("pvc-resizer stands back", HOSTPATH,
                    ExternalResizerDetector.leaseName(HOSTPATH));
            assertThat(eventsOf("shared-data")).filteredOn(e -> "pvc-resizer".equals(e.getSource().getComponent()))
                    .extracting(Event::getReason).containsExactly(Reason.EXTERNAL_RESIZER_ACTIVE.code());
            assertThat(requests.events(Topics.VOLUME_REQUESTS_NAME, VolumeExpansionRequested.class))
                    .noneMatch(r -> r.volume().pvcName().equals("shared-data"));
            assertThat(writesByWatcher("shared-data", created.getSpec().getVolumeName()))
                    .allSatisfy(w -> assertThat(w).startsWith("create events"));
        }
        // The sidecar is gone (its Lease released or expired): pvc-resizer serves the driver again.
        await("readiness back up").atMost(Duration.ofSeconds(60)).until(() -> !readiness().contains("standing back"));
    }

    private static void request(String name, String size) {
        env.request(name, size);
    }

    private static PersistentVolumeClaim claim(String name) {
        return env.client.persistentVolumeClaims().inNamespace(TestClaims.NAMESPACE).withName(name).get();
    }

    private static List<Event> eventsOf(String claim) {
        return env.client.v1().events().inNamespace(TestClaims.NAMESPACE).withField("involvedObject.kind", "PersistentVolumeClaim")
                .withField("involvedObject.name", claim).list().getItems();
    }

    private static List<String> reasons(String claim) {
        return eventsOf(claim).stream().map(Event::getReason).toList();
    }

    /** No resize state, no resize condition and no event of pvc-resizer on the claim. */
    private static boolean untouched(String name) {
        PersistentVolumeClaim claim = claim(name);
        boolean noState = claim.getStatus().getAllocatedResources() == null || claim.getStatus().getAllocatedResources().isEmpty();
        boolean noCondition = claim.getStatus().getConditions() == null || claim.getStatus().getConditions().stream()
                .noneMatch(c -> ResizeConditions.RESIZE_CONDITION_TYPES.contains(c.getType()));
        boolean noEvent = eventsOf(name).stream().noneMatch(e -> "pvc-resizer".equals(e.getSource().getComponent()));
        return noState && noCondition && noEvent;
    }

    private static String readiness() {
        // The health component "otherResizers" of the readiness group.
        return watcher.getBean(OtherResizersHealthIndicator.class).health().toString();
    }

    /** Every write the watcher's account made that names the claim or its PV, from the API server's audit log. */
    private static List<String> writesByWatcher(String claim, String pv) throws IOException {
        return Files.readAllLines(env.cluster.auditLog()).stream()
                .map(line -> JSON.readTree(line))
                .filter(e -> WATCHER_USER.equals(e.path("user").path("username").asString()))
                .filter(e -> List.of("create", "update", "patch", "delete").contains(e.path("verb").asString()))
                .filter(e -> names(e.path("objectRef"), claim, pv) || e.path("requestURI").asString().contains("/" + claim))
                .map(e -> e.path("verb").asString() + " " + e.path("objectRef").path("resource").asString() + " "
                        + e.path("objectRef").path("name").asString())
                .toList();
    }

    private static boolean names(JsonNode objectRef, String claim, String pv) {
        String name = objectRef.path("name").asString();
        return name.equals(claim) || name.equals(pv) || name.startsWith(claim + ".");
    }
}
