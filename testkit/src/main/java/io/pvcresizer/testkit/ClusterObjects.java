package io.pvcresizer.testkit;

import io.pvcresizer.common.drivers.BuiltInDrivers;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;

/**
 * Creates and reads the Kubernetes objects of a volume the way a user and the provisioner would: a StorageClass that
 * allows expansion, a PV of the file-backed driver, a PVC bound to it, and pods that mount it.
 */
public final class ClusterObjects {

    public static final String NAMESPACE = "default";
    public static final String DRIVER = BuiltInDrivers.LOCAL_FILE;
    public static final String CLASS = "local-file";

    private final KubernetesClient client;

    public ClusterObjects(KubernetesClient client) {
        this.client = client;
    }

    /** The StorageClass {@value #CLASS} with {@code allowVolumeExpansion: true}. */
    public void createStorageClass() {
        createStorageClass(CLASS, DRIVER);
    }

    /** A StorageClass of {@code provisioner} with {@code allowVolumeExpansion: true}, applied (it may exist already). */
    public void createStorageClass(String name, String provisioner) {
        client.storage().v1().storageClasses().resource(new StorageClassBuilder()
                .withNewMetadata().withName(name).endMetadata()
                .withProvisioner(provisioner).withAllowVolumeExpansion(true).withReclaimPolicy("Delete")
                .build()).forceConflicts().serverSideApply();
    }

    /** A PV with the image {@code handle}, and a PVC {@code name} bound to it, both of {@code size}. */
    public PersistentVolumeClaim createBoundClaim(String name, String pvName, String handle, String size, String fsType) {
        return createBoundClaim(name, pvName, DRIVER, handle, Map.of(), size, fsType);
    }

    /**
     * A PV of {@code driver} with its CSI volume attributes, and a PVC {@code name} bound to it, both of {@code size},
     * as a provisioner leaves them: the PV pre-bound to the claim, the claim naming the PV, and the claim returned once
     * kube-controller-manager's binder has completed the binding (until then the API server refuses a raise of its
     * request, as for any unbound claim).
     */
    public PersistentVolumeClaim createBoundClaim(String name, String pvName, String driver, String handle,
                                                  Map<String, String> attributes, String size, String fsType) {
        createUnboundPair(name, pvName, driver, handle, attributes, size, fsType);
        return awaitBound(name);
    }

    /** As {@link #createBoundClaim} without waiting for the binding: see {@link #awaitBound}. */
    public void createUnboundPair(String name, String pvName, String driver, String handle,
                                  Map<String, String> attributes, String size, String fsType) {
        createUnboundPair(name, pvName, CLASS, size, pv -> pv.editSpec().withNewCsi().withDriver(driver).withVolumeHandle(handle)
                .withFsType(fsType).withVolumeAttributes(attributes).endCsi().endSpec());
    }

    /**
     * A PV of {@code className} and {@code size} pre-bound to the claim {@code name}, its CSI source (and anything else)
     * set by {@code volume}, and the claim naming it; not waiting for the binding.
     */
    public void createUnboundPair(String name, String pvName, String className, String size,
                                  java.util.function.UnaryOperator<PersistentVolumeBuilder> volume) {
        client.persistentVolumes().resource(volume.apply(new PersistentVolumeBuilder()
                .withNewMetadata().withName(pvName).endMetadata()
                .withNewSpec().withCapacity(Map.of("storage", new Quantity(size))).withAccessModes("ReadWriteOnce")
                .withStorageClassName(className).withPersistentVolumeReclaimPolicy("Delete").withVolumeMode("Filesystem")
                .withNewClaimRef().withKind("PersistentVolumeClaim").withApiVersion("v1").withNamespace(NAMESPACE)
                .withName(name).endClaimRef()
                .endSpec())
                .build()).create();
        client.persistentVolumeClaims().inNamespace(NAMESPACE).resource(new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName(name).withNamespace(NAMESPACE).endMetadata()
                .withNewSpec().withAccessModes("ReadWriteOnce").withStorageClassName(className).withVolumeName(pvName)
                .withNewResources().withRequests(Map.of("storage", new Quantity(size))).endResources().endSpec()
                .build()).create();
    }

    /** Waits until the binder has bound the claim (phase Bound, {@code pv.kubernetes.io/bind-completed}); returns it. */
    public PersistentVolumeClaim awaitBound(String name) {
        return org.awaitility.Awaitility.await().alias("claim " + name + " bound by kube-controller-manager")
                .atMost(java.time.Duration.ofSeconds(180)).pollInterval(java.time.Duration.ofMillis(50))
                .until(() -> claim(name), pvc -> pvc != null && pvc.getStatus() != null
                        && "Bound".equals(pvc.getStatus().getPhase()) && pvc.getMetadata().getAnnotations() != null
                        && "yes".equals(pvc.getMetadata().getAnnotations().get("pv.kubernetes.io/bind-completed")));
    }

    /** A pod scheduled to {@code node} that mounts the claim; returns it as created (with its uid). */
    public Pod createPod(String name, String claimName, String node, String phase) {
        Pod pod = client.pods().inNamespace(NAMESPACE).resource(new PodBuilder()
                .withNewMetadata().withName(name).withNamespace(NAMESPACE).endMetadata()
                .withNewSpec().withNodeName(node)
                .addNewContainer().withName("app").withImage("busybox")
                .addNewVolumeMount().withName("data").withMountPath("/data").endVolumeMount().endContainer()
                .addNewVolume().withName("data").withNewPersistentVolumeClaim().withClaimName(claimName).endPersistentVolumeClaim().endVolume()
                .endSpec()
                .build()).create();
        pod.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase(phase).build());
        return client.pods().inNamespace(NAMESPACE).resource(pod).updateStatus();
    }

    /**
     * Raises (or changes) the claim's storage request, as {@code kubectl patch pvc} does: a merge patch without a
     * resourceVersion, so that kube-controller-manager writing the claim at the same moment cannot make it a 409.
     */
    public void request(String claimName, String size) {
        client.persistentVolumeClaims().inNamespace(NAMESPACE).withName(claimName)
                .patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                        "{\"spec\":{\"resources\":{\"requests\":{\"storage\":\"" + size + "\"}}}}");
    }

    public PersistentVolumeClaim claim(String name) {
        return client.persistentVolumeClaims().inNamespace(NAMESPACE).withName(name).get();
    }

    public PersistentVolume volume(String name) {
        return client.persistentVolumes().withName(name).get();
    }

    /** The claim's {@code status.capacity.storage}, or null. */
    public Quantity capacity(String claimName) {
        PersistentVolumeClaim pvc = claim(claimName);
        return pvc.getStatus() == null || pvc.getStatus().getCapacity() == null ? null : pvc.getStatus().getCapacity().get("storage");
    }

    /**
     * Types of the claim's resize conditions (kube-controller-manager keeps a condition of its own, {@code Unused}, on
     * every claim; it is left out).
     */
    public List<String> conditionTypes(String claimName) {
        PersistentVolumeClaim pvc = claim(claimName);
        return pvc.getStatus() == null || pvc.getStatus().getConditions() == null ? List.of()
                : pvc.getStatus().getConditions().stream().map(PersistentVolumeClaimCondition::getType)
                .filter(io.pvcresizer.common.kubernetes.ResizeConditions.RESIZE_CONDITION_TYPES::contains).toList();
    }

    /** The claim's {@code allocatedResourceStatuses.storage}, or null. */
    public String resizeStatus(String claimName) {
        PersistentVolumeClaim pvc = claim(claimName);
        return pvc.getStatus() == null || pvc.getStatus().getAllocatedResourceStatuses() == null ? null
                : pvc.getStatus().getAllocatedResourceStatuses().get("storage");
    }

    /** Events about the object of {@code kind} and {@code name}, found by field selector as kubectl describe does. */
    public List<Event> events(String kind, String name) {
        return client.v1().events().inNamespace(NAMESPACE).withField("involvedObject.kind", kind)
                .withField("involvedObject.name", name).list().getItems();
    }

    /** Reasons of the events about a claim, oldest first. */
    public List<String> claimEventReasons(String claimName) {
        return events("PersistentVolumeClaim", claimName).stream().map(Event::getReason).toList();
    }
}
