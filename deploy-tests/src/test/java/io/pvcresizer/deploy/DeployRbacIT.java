package io.pvcresizer.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatusBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.pvcresizer.common.command.CommandResult;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.common.testing.KubeMiniCluster;
import io.pvcresizer.watcher.coexistence.ExternalResizerDetector;
import io.pvcresizer.watcher.election.Leadership;
import io.pvcresizer.watcher.election.LeaseLeaderElection;
import io.pvcresizer.watcher.election.LeaseSettings;
import io.pvcresizer.watcher.informer.InformerClusterView;
import io.pvcresizer.watcher.recording.KubernetesEventRecorder;
import io.pvcresizer.watcher.status.KubernetesClaimWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The manifests of {@code deploy/} on the real API server: accepted as they are, and least privilege proven rather
 * than asserted. The watcher's own API code runs authenticated as its service account (every call allowed), and again
 * as an account bound to the shipped rules minus one, for each rule (every rule needed: the call it serves is refused
 * with 403); {@code kubectl auth can-i} confirms what each account may and may not do.
 */
class DeployRbacIT {

    private static final String NAMESPACE = "pvc-resizer";
    private static final String APPS = "apps";
    private static final String WATCHER = "system:serviceaccount:pvc-resizer:watcher-service";
    private static final String PROBE_ACCOUNT = "rbac-probe";

    private static final java.util.concurrent.atomic.AtomicInteger CALLS = new java.util.concurrent.atomic.AtomicInteger();

    private static KubeMiniCluster kube;
    private static NamespacedKubernetesClient admin;

    @BeforeAll
    static void start() {
        kube = KubeMiniCluster.shared();
        kube.applyDeployRbac();
        admin = kube.adminClient();
        kube.resetObjects(admin, APPS);
        seedClaimInUse();
    }

    @AfterAll
    static void stop() {
        admin.rbac().clusterRoles().withName(PROBE_ACCOUNT).delete();
        admin.rbac().clusterRoleBindings().withName(PROBE_ACCOUNT).delete();
        admin.rbac().roles().inNamespace(NAMESPACE).withName(PROBE_ACCOUNT).delete();
        admin.rbac().roleBindings().inNamespace(NAMESPACE).withName(PROBE_ACCOUNT).delete();
        admin.serviceAccounts().inNamespace(NAMESPACE).withName(PROBE_ACCOUNT).delete();
        admin.close();
    }

    @Test
    void shouldAcceptTheLocalOverlayAsShippedInAServerSideDryRun() {
        CommandResult result = kube.kubectlResult("apply", "--server-side", "--dry-run=server", "-k",
                KubeMiniCluster.findProjectFile("deploy/overlays/local").toString());

        assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isZero();
        assertThat(result.stdout())
                .contains("deployment.apps/watcher-service serverside-applied (server dry run)")
                .contains("deployment.apps/resize-service serverside-applied (server dry run)")
                .contains("daemonset.apps/fs-service serverside-applied (server dry run)")
                .contains("clusterrole.rbac.authorization.k8s.io/pvc-resizer-watcher serverside-applied (server dry run)");
    }

    @Test
    void shouldAllowEveryCallOfTheWatchersOwnCodeToItsServiceAccount() {
        try (NamespacedKubernetesClient watcher = KubeMiniCluster.clientOf(
                kube.serviceAccountKubeconfig(NAMESPACE, "watcher-service"))) {
            makeTheWatchersCalls(watcher, "watcher-service");
        }
    }

    @Test
    void shouldRefuseWith403TheCallsOfEachRuleOfTheWatcherLeftOut() {
        ClusterRole shipped = admin.rbac().clusterRoles().withName("pvc-resizer-watcher").get();
        Role shippedLease = admin.rbac().roles().inNamespace(NAMESPACE).withName("pvc-resizer-watcher-leader-election").get();
        admin.serviceAccounts().inNamespace(NAMESPACE).resource(new ServiceAccountBuilder().withNewMetadata()
                .withName(PROBE_ACCOUNT).withNamespace(NAMESPACE).endMetadata().build()).serverSideApply();
        admin.rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder().withNewMetadata()
                .withName(PROBE_ACCOUNT).endMetadata().withNewRoleRef().withApiGroup("rbac.authorization.k8s.io")
                .withKind("ClusterRole").withName(PROBE_ACCOUNT).endRoleRef().addNewSubject().withKind("ServiceAccount")
                .withName(PROBE_ACCOUNT).withNamespace(NAMESPACE).endSubject().build()).serverSideApply();
        admin.rbac().roleBindings().inNamespace(NAMESPACE).resource(new RoleBindingBuilder().withNewMetadata()
                .withName(PROBE_ACCOUNT).withNamespace(NAMESPACE).endMetadata().withNewRoleRef()
                .withApiGroup("rbac.authorization.k8s.io").withKind("Role").withName(PROBE_ACCOUNT).endRoleRef()
                .addNewSubject().withKind("ServiceAccount").withName(PROBE_ACCOUNT).withNamespace(NAMESPACE).endSubject()
                .build()).serverSideApply();

        List<PolicyRule> all = new ArrayList<>(shipped.getRules());
        all.addAll(shippedLease.getRules());
        for (PolicyRule left : all) {
            boolean leaseRule = shippedLease.getRules().contains(left);
            List<PolicyRule> clusterRules = new ArrayList<>(shipped.getRules());
            List<PolicyRule> leaseRules = new ArrayList<>(shippedLease.getRules());
            (leaseRule ? leaseRules : clusterRules).remove(left);
            applyProbeRoles(clusterRules, leaseRules);
            String rule = left.getApiGroups() + " " + left.getResources() + " " + left.getVerbs();

            try (NamespacedKubernetesClient probe = KubeMiniCluster.clientOf(
                    kube.serviceAccountKubeconfig(NAMESPACE, PROBE_ACCOUNT))) {
                Throwable refused = null;
                try {
                    makeTheWatchersCalls(probe, PROBE_ACCOUNT);
                } catch (KubernetesClientException | ResizeException | AssertionError e) {
                    refused = e;
                }
                assertThat(refused).as("the watcher's calls without the rule %s were all allowed", rule).isNotNull();
                assertThat(refused.toString()).as("refusal without the rule %s", rule).contains("403");
                System.out.println("without " + rule + ": " + refused.toString().lines().findFirst().orElse(""));
            }
        }
    }

    @Test
    void shouldLetTheWatcherDoWhatItNeedsAndNothingMore() {
        for (String allowed : List.of("get persistentvolumeclaims", "list persistentvolumeclaims",
                "watch persistentvolumeclaims", "update persistentvolumeclaims/status", "get persistentvolumes",
                "list persistentvolumes", "watch persistentvolumes", "update persistentvolumes",
                "list storageclasses.storage.k8s.io", "watch storageclasses.storage.k8s.io", "list pods", "watch pods",
                "create events", "list events", "list leases.coordination.k8s.io")) {
            assertThat(canI(WATCHER, allowed, APPS)).as("watcher may %s", allowed).isTrue();
        }
        for (String lease : List.of("get leases.coordination.k8s.io", "create leases.coordination.k8s.io",
                "patch leases.coordination.k8s.io")) {
            assertThat(canI(WATCHER, lease, NAMESPACE)).as("watcher may %s in %s", lease, NAMESPACE).isTrue();
            assertThat(canI(WATCHER, lease, APPS)).as("watcher may not %s in %s", lease, APPS).isFalse();
        }
        for (String denied : List.of("get secrets", "list secrets", "watch secrets", "create pods", "update pods",
                "patch pods", "delete pods", "create pods/eviction", "update persistentvolumeclaims",
                "patch persistentvolumeclaims", "delete persistentvolumeclaims", "create persistentvolumeclaims",
                "delete persistentvolumes", "create persistentvolumes", "patch persistentvolumes",
                "update storageclasses.storage.k8s.io", "update events", "patch events", "delete events",
                "get configmaps", "create serviceaccounts/token", "update leases.coordination.k8s.io",
                "delete leases.coordination.k8s.io", "get nodes", "update nodes", "escalate clusterroles",
                "bind clusterroles", "impersonate users")) {
            assertThat(canI(WATCHER, denied, APPS)).as("watcher may not %s", denied).isFalse();
            assertThat(canI(WATCHER, denied, NAMESPACE)).as("watcher may not %s in %s", denied, NAMESPACE).isFalse();
        }
    }

    @Test
    void shouldAcceptEveryCsiDriverOverlayAndGiveTheSidecarOnlyGetOnSecretsOfItsDriversNamespace() throws Exception {
        java.nio.file.Path overlays = KubeMiniCluster.findProjectFile("deploy/overlays/csi");
        List<java.nio.file.Path> drivers;
        try (var list = java.nio.file.Files.list(overlays)) {
            drivers = list.filter(java.nio.file.Files::isDirectory).sorted().toList();
        }
        assertThat(drivers).extracting(d -> d.getFileName().toString()).contains("aws-ebs", "gce-pd", "azure-disk",
                "azure-file", "cinder", "portworx", "ceph-csi-rbd", "ceph-csi-cephfs", "hostpath");
        for (java.nio.file.Path driver : drivers) {
            String rendered = kube.kubectl("kustomize", driver.toString());
            String namespace = rendered.replaceAll("(?s).*\\n  namespace: (\\S+)\\n.*", "$1");
            admin.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
                    .withName(namespace).endMetadata().build()).serverSideApply();
            CommandResult result = kube.kubectlResult("apply", "--server-side", "--dry-run=server", "-k", driver.toString());
            assertThat(result.exitCode()).as(driver + ": " + result.stdout() + result.stderr()).isZero();
            assertThat(rendered).as(driver.toString()).contains("PVCRESIZER_RESIZE_CSI_DRIVER: ", "PVCRESIZER_RESIZE_REQUESTTOPIC: ");
        }
        // Applied for real for one driver: the controller's service account gets exactly one right.
        admin.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
                .withName("csi-hostpath").endMetadata().build()).serverSideApply();
        kube.kubectl("apply", "-k", overlays.resolve("hostpath").toString());
        String sidecar = "system:serviceaccount:csi-hostpath:csi-hostpathplugin-sa";
        assertThat(canI(sidecar, "get secrets", "csi-hostpath")).as("sidecar may get secrets in its namespace").isTrue();
        for (String denied : List.of("list secrets", "watch secrets", "update secrets", "get persistentvolumeclaims",
                "update persistentvolumeclaims/status", "update persistentvolumes", "create events")) {
            assertThat(canI(sidecar, denied, "csi-hostpath")).as("sidecar may not %s", denied).isFalse();
        }
        assertThat(canI(sidecar, "get secrets", APPS)).as("sidecar may not get secrets elsewhere").isFalse();
        assertThat(canI(sidecar, "get secrets", NAMESPACE)).as("sidecar may not get pvc-resizer's secrets").isFalse();
    }

    @Test
    void shouldGrantResizeServiceAndFsServiceNothingAtAll() {
        for (String account : List.of("resize-service", "fs-service")) {
            String user = "system:serviceaccount:pvc-resizer:" + account;
            String rules = kube.kubectl("auth", "can-i", "--list", "--as=" + user, "-n", NAMESPACE);
            // Every authenticated user may review itself, read discovery (system:basic-user, system:discovery,
            // system:public-info-viewer) and read ClusterTrustBundles (public CA certificates); nothing else.
            List<String> resourceRules = rules.lines().skip(1)
                    .filter(line -> !line.startsWith("[") && !line.startsWith(" ") && !line.isBlank())
                    .map(line -> line.split("\\s+")[0])
                    .toList();
            assertThat(resourceRules).as("resource rules of %s:%n%s", account, rules).allSatisfy(resource ->
                    assertThat(resource).isIn("selfsubjectreviews.authentication.k8s.io",
                            "selfsubjectaccessreviews.authorization.k8s.io",
                            "selfsubjectrulesreviews.authorization.k8s.io", "clustertrustbundles.certificates.k8s.io"));
            for (String anything : List.of("get persistentvolumeclaims", "list persistentvolumes", "create events",
                    "get secrets", "get leases.coordination.k8s.io", "list pods")) {
                assertThat(canI(user, anything, APPS)).as("%s may not %s", account, anything).isFalse();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** The watcher's own API code, each piece as the watcher runs it; throws on the first call refused. */
    private static void makeTheWatchersCalls(NamespacedKubernetesClient client, String identity) {
        try (InformerClusterView view = new InformerClusterView(client, Duration.ofSeconds(30), key -> { })) {
            // The informers keep trying while refused; a list still refused after 15 s is the answer.
            java.util.concurrent.CompletableFuture<Void> started = java.util.concurrent.CompletableFuture.runAsync(view::start);
            try {
                started.get(15, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("the informers could not list and watch: " + view.lastFailure(), view.lastFailure());
            } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
                throw new AssertionError(e);
            }
        }
        KubernetesClaimWriter writer = new KubernetesClaimWriter(client);
        PersistentVolumeClaim claim = writer.readClaim(APPS, "data").orElseThrow();
        writer.readVolume("pv-data").orElseThrow();
        // Each call a change, so that neither write is skipped as a no-op.
        String size = (1024 + CALLS.incrementAndGet()) + "Mi";
        writer.updateClaimStatus(APPS, "data", claim.getMetadata().getUid(), status ->
                new PersistentVolumeClaimStatusBuilder(status).addToAllocatedResources("storage", new Quantity(size))
                        .build());
        writer.updateVolume("pv-data", pv -> new PersistentVolumeBuilder(pv).editMetadata()
                .addToAnnotations("volume.alpha.kubernetes.io/pre-resize-capacity", size).endMetadata().build());
        String reason = "RbacProbe" + identity.hashCode();
        new KubernetesEventRecorder(client, "pvc-resizer", identity).normal(claim, reason, "probing the rules");
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> !admin.v1().events().inNamespace(APPS)
                    .withField("reason", reason).list().getItems().isEmpty());
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("the event was not created: 403 on create events (the recorder logs it)", e);
        }
        admin.v1().events().inNamespace(APPS).withField("reason", reason).delete();

        new ExternalResizerDetector(client, Set.of("ebs.csi.aws.com"), Duration.ofSeconds(15), Duration.ofMinutes(10),
                java.time.Clock.systemUTC(), () -> { }).lookOnce();

        Leadership leadership = new Leadership();
        LeaseLeaderElection election = new LeaseLeaderElection(client, new LeaseSettings(
                "rbac-" + identity, NAMESPACE, identity, Duration.ofSeconds(2), Duration.ofMillis(1500),
                Duration.ofMillis(100)), leadership);
        election.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(leadership::isLeader);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("never led: 403 on the Lease (get, create or patch)", e);
        } finally {
            election.close();
            admin.leases().inNamespace(NAMESPACE).withName("rbac-" + identity).delete();
        }
    }

    private static void applyProbeRoles(List<PolicyRule> clusterRules, List<PolicyRule> leaseRules) {
        admin.rbac().clusterRoles().resource(new io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder()
                .withNewMetadata().withName(PROBE_ACCOUNT).endMetadata().withRules(clusterRules).build())
                .forceConflicts().serverSideApply();
        admin.rbac().roles().inNamespace(NAMESPACE).resource(new io.fabric8.kubernetes.api.model.rbac.RoleBuilder()
                .withNewMetadata().withName(PROBE_ACCOUNT).withNamespace(NAMESPACE).endMetadata().withRules(leaseRules)
                .build()).forceConflicts().serverSideApply();
    }

    private static boolean canI(String user, String verbAndResource, String namespace) {
        List<String> args = new ArrayList<>(List.of("auth", "can-i"));
        String[] verbResource = verbAndResource.split(" ");
        String[] resourceSub = verbResource[1].split("/");
        args.addAll(List.of(verbResource[0], resourceSub[0]));
        if (resourceSub.length > 1) {
            args.add("--subresource=" + resourceSub[1]);
        }
        args.addAll(List.of("--as=" + user, "-n", namespace));
        CommandResult result = kube.kubectlResult(args.toArray(String[]::new));
        return result.exitCode() == 0 && result.stdout().strip().equals("yes");
    }

    /** A StorageClass, a bound PV and PVC, and a pod on a node that uses the claim. */
    private static void seedClaimInUse() {
        admin.storage().v1().storageClasses().resource(new StorageClassBuilder().withNewMetadata().withName("ceph-rbd")
                .endMetadata().withProvisioner("rbd.csi.ceph.com").withAllowVolumeExpansion(true).build()).create();
        PersistentVolumeClaim claim = admin.persistentVolumeClaims().inNamespace(APPS).resource(
                new PersistentVolumeClaimBuilder().withNewMetadata().withNamespace(APPS).withName("data")
                        .endMetadata().withNewSpec().withAccessModes("ReadWriteOnce").withStorageClassName("ceph-rbd")
                        .withVolumeName("pv-data").withNewResources().addToRequests("storage", new Quantity("1Gi"))
                        .endResources().endSpec().build()).create();
        admin.persistentVolumes().resource(new PersistentVolumeBuilder().withNewMetadata().withName("pv-data")
                .endMetadata().withNewSpec().addToCapacity("storage", new Quantity("1Gi")).withAccessModes("ReadWriteOnce")
                .withStorageClassName("ceph-rbd").withNewCsi().withDriver("rbd.csi.ceph.com")
                .withVolumeHandle("0001-rook-ceph-image").endCsi()
                .withNewClaimRef().withNamespace(APPS).withName("data").withUid(claim.getMetadata().getUid()).endClaimRef()
                .endSpec().build()).create();
        admin.pods().inNamespace(APPS).resource(new PodBuilder().withNewMetadata().withNamespace(APPS)
                .withName("app").endMetadata().withNewSpec().withNodeName("node-a").addNewVolume().withName("data")
                .withNewPersistentVolumeClaim().withClaimName("data").endPersistentVolumeClaim().endVolume()
                .addNewContainer().withName("app").withImage("busybox").endContainer().endSpec().build()).create();
    }
}
