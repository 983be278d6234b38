package io.pvcresizer.deploy;

import io.pvcresizer.common.testing.ConfigurationTable;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kustomize base in {@code deploy/base}, read as fabric8's model reads it, checked for the promises the design
 * makes of its shape: no wildcard rules, no grant to resize-service or fs-service, the node agent sees exactly the host
 * it needs. What the rules allow and deny is proven on the real API server by {@link DeployRbacIT}.
 */
class DeployManifestsTest {

    private static final String NAMESPACE = "pvc-resizer";
    private static final String CORE = "";
    private static final String WATCHER = "watcher-service";
    private static final String RESIZE = "resize-service";
    private static final String FS = "fs-service";
    private static final Map<String, Integer> PORTS = Map.of(WATCHER, 8080, RESIZE, 8081, FS, 8082);

    /** Host path → where fs-service sees it. */
    private static final Map<String, String> FS_HOST_MOUNTS = Map.of(
            "/var/lib/kubelet", "/var/lib/kubelet",
            "/dev", "/dev",
            "/proc", "/host/proc",
            "/var/lib/pvc-resizer/images", "/var/lib/pvc-resizer/images");

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private static Path base;
    private static List<HasMetadata> objects;

    record Grant(String apiGroup, String resource, String verb) {
    }

    @BeforeAll
    static void readTheBase() throws IOException {
        base = repositoryRoot().resolve("deploy").resolve("base");
        objects = new ArrayList<>();
        for (Path file : manifestFiles()) {
            try (InputStream in = Files.newInputStream(file)) {
                collect(SERIALIZATION.unmarshal(in), file, objects);
            }
        }
    }

    @Test
    void kustomizationListsEveryManifestOfTheBaseAndNothingElse() throws IOException {
        Map<String, Object> kustomization = yaml(Files.readString(base.resolve("kustomization.yaml")));
        Set<String> listed = new HashSet<>(strings(kustomization.get("resources")));
        Set<String> present = manifestFiles().stream()
                .map(file -> base.relativize(file).toString().replace('\\', '/'))
                .collect(Collectors.toSet());

        assertThat(listed).containsExactlyInAnyOrderElementsOf(present);
        assertThat(kustomization.get("namespace")).isEqualTo(NAMESPACE);
    }

    @Test
    void everyNamespacedObjectLivesInThePvcResizerNamespace() {
        assertThat(one(Namespace.class, NAMESPACE)).isNotNull();
        Set<Class<?>> clusterScoped = Set.of(Namespace.class, ClusterRole.class,
                ClusterRoleBinding.class);
        assertThat(objects.stream().filter(o -> !clusterScoped.contains(o.getClass())))
                .allSatisfy(o -> assertThat(o.getMetadata().getNamespace())
                        .as("namespace of %s %s", o.getKind(), o.getMetadata().getName()).isEqualTo(NAMESPACE));
    }

    @Test
    void watcherRulesUseNoWildcardsNonResourceUrlsOrAggregation() {
        List<PolicyRule> rules = new ArrayList<>();
        objects.stream().filter(ClusterRole.class::isInstance).map(ClusterRole.class::cast).forEach(role -> {
            assertThat(role.getAggregationRule()).as("aggregationRule of %s", role.getMetadata().getName()).isNull();
            rules.addAll(role.getRules());
        });
        objects.stream().filter(Role.class::isInstance).map(Role.class::cast)
                .forEach(role -> rules.addAll(role.getRules()));

        assertThat(rules).isNotEmpty().allSatisfy(rule -> {
            assertThat(rule.getNonResourceURLs()).isNullOrEmpty();
            assertThat(rule.getApiGroups()).doesNotContain("*");
            assertThat(rule.getResources()).doesNotContain("*");
            assertThat(rule.getVerbs()).doesNotContain("*");
        });
    }

    @Test
    void resizeServiceAndFsServiceAreGrantedNothingAndGetNoApiToken() {
        for (String service : List.of(RESIZE, FS)) {
            assertThat(grantsOf(service, true)).as("cluster-wide grants of %s", service).isEmpty();
            assertThat(grantsOf(service, false)).as("namespaced grants of %s", service).isEmpty();
            assertThat(one(ServiceAccount.class, service).getAutomountServiceAccountToken())
                    .as("automountServiceAccountToken of ServiceAccount %s", service).isFalse();
        }
        PodSpec resize = one(Deployment.class, RESIZE).getSpec().getTemplate().getSpec();
        PodSpec fs = one(DaemonSet.class, FS).getSpec().getTemplate().getSpec();
        assertThat(resize.getServiceAccountName()).isEqualTo(RESIZE);
        assertThat(fs.getServiceAccountName()).isEqualTo(FS);
        assertThat(resize.getAutomountServiceAccountToken()).isNotEqualTo(Boolean.TRUE);
        assertThat(fs.getAutomountServiceAccountToken()).isNotEqualTo(Boolean.TRUE);
    }

    @Test
    void noBindingGrantsAnythingToAWholeGroupOfServiceAccounts() {
        List<Subject> subjects = new ArrayList<>();
        objects.stream().filter(RoleBinding.class::isInstance).map(RoleBinding.class::cast)
                .forEach(binding -> subjects.addAll(binding.getSubjects()));
        objects.stream().filter(ClusterRoleBinding.class::isInstance).map(ClusterRoleBinding.class::cast)
                .forEach(binding -> subjects.addAll(binding.getSubjects()));

        assertThat(subjects).isNotEmpty().allSatisfy(subject -> {
            assertThat(subject.getKind()).isEqualTo("ServiceAccount");
            assertThat(subject.getName()).isEqualTo(WATCHER);
            assertThat(subject.getNamespace()).isEqualTo(NAMESPACE);
        });
    }

    @Test
    void watcherRunsTwoReplicasThatKnowTheirPodNameAndNamespaceForTheLease() {
        Deployment watcher = one(Deployment.class, WATCHER);
        Container container = container(watcher.getSpec().getTemplate().getSpec(), WATCHER);

        assertThat(watcher.getSpec().getReplicas()).isEqualTo(2);
        assertThat(watcher.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo(WATCHER);
        assertThat(fieldRef(container, "PVCRESIZER_WATCHER_LEADERELECTION_IDENTITY")).isEqualTo("metadata.name");
        assertThat(fieldRef(container, "PVCRESIZER_WATCHER_LEADERELECTION_LEASENAMESPACE")).isEqualTo("metadata.namespace");
    }

    @Test
    void resizeServiceRunsTwoReplicas() {
        assertThat(one(Deployment.class, RESIZE).getSpec().getReplicas()).isEqualTo(2);
    }

    @Test
    void fsServiceIsAPrivilegedDaemonSetThatKnowsItsNodeWithoutHostPid() {
        PodSpec pod = one(DaemonSet.class, FS).getSpec().getTemplate().getSpec();
        Container container = container(pod, FS);

        assertThat(container.getSecurityContext().getPrivileged()).isTrue();
        assertThat(fieldRef(container, "PVCRESIZER_FS_NODENAME")).isEqualTo("spec.nodeName");
        assertThat(pod.getHostPID()).isNotEqualTo(Boolean.TRUE);
        assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
    }

    @Test
    void fsServiceMountsExactlyTheHostPathsItNeedsWhereItLooksForThem() {
        PodSpec pod = one(DaemonSet.class, FS).getSpec().getTemplate().getSpec();
        Container container = container(pod, FS);
        Map<String, String> hostPathByVolume = pod.getVolumes().stream().filter(v -> v.getHostPath() != null)
                .collect(Collectors.toMap(Volume::getName, v -> v.getHostPath().getPath()));
        Map<String, String> mounted = container.getVolumeMounts().stream()
                .filter(mount -> hostPathByVolume.containsKey(mount.getName()))
                .collect(Collectors.toMap(mount -> hostPathByVolume.get(mount.getName()), VolumeMount::getMountPath));

        assertThat(hostPathByVolume.values()).containsExactlyInAnyOrderElementsOf(FS_HOST_MOUNTS.keySet());
        assertThat(mounted).isEqualTo(FS_HOST_MOUNTS);
        assertThat(mount(pod, container, "/proc").getReadOnly()).isTrue();
        assertThat(mount(pod, container, "/var/lib/kubelet").getMountPropagation())
                .isIn("HostToContainer", "Bidirectional");
    }

    @Test
    void fsServiceReadsTheHostMountTableThroughItsProcMount() {
        PodSpec pod = one(DaemonSet.class, FS).getSpec().getTemplate().getSpec();
        Container container = container(pod, FS);

        assertThat(env(container, "PVCRESIZER_FS_MOUNTINFOPATH")).isEqualTo("/host/proc/1/mountinfo")
                .startsWith(mount(pod, container, "/proc").getMountPath() + "/");
        Map<String, String> fsSettings = flatten("", mountedApplicationYml(pod, container));
        Map<String, Object> defaults = ConfigurationTable.metadata();
        String kubeletRoot = fsSettings.getOrDefault("pvc-resizer.fs.kubelet-root",
                String.valueOf(defaults.get("pvc-resizer.fs.kubelet-root")));
        String imageDir = fsSettings.getOrDefault("pvc-resizer.fs.local-file.image-dir",
                String.valueOf(defaults.get("pvc-resizer.fs.local-file.image-dir")));
        assertThat(kubeletRoot).isEqualTo(mount(pod, container, "/var/lib/kubelet").getMountPath());
        assertThat(imageDir).isEqualTo(mount(pod, container, "/var/lib/pvc-resizer/images").getMountPath());
    }

    @Test
    void fsServiceProbesAskActuatorForLivenessAndReadiness() {
        Container container = container(one(DaemonSet.class, FS).getSpec().getTemplate().getSpec(), FS);

        assertThat(probePath(container, container.getLivenessProbe())).isEqualTo("/actuator/health/liveness");
        assertThat(probePath(container, container.getReadinessProbe())).isEqualTo("/actuator/health/readiness");
    }

    @Test
    void everyWorkloadHasLivenessAndReadinessProbesOnItsOwnPort() {
        Map<String, PodSpec> workloads = workloads();
        assertThat(workloads.keySet()).containsExactlyInAnyOrder(WATCHER, RESIZE, FS);

        workloads.forEach((name, pod) -> assertThat(pod.getContainers()).allSatisfy(container -> {
            assertThat(container.getLivenessProbe()).as("liveness probe of %s", name).isNotNull();
            assertThat(container.getReadinessProbe()).as("readiness probe of %s", name).isNotNull();
            assertThat(probePath(container, container.getLivenessProbe())).isEqualTo("/actuator/health/liveness");
            assertThat(probePath(container, container.getReadinessProbe())).isEqualTo("/actuator/health/readiness");
            assertThat(probePort(container, container.getLivenessProbe())).isEqualTo(PORTS.get(name));
            assertThat(probePort(container, container.getReadinessProbe())).isEqualTo(PORTS.get(name));
        }));
    }

    @Test
    void everyWorkloadRunsItsImageWithBoundedMemoryAndAHeapSizedByIt() {
        workloads().forEach((name, pod) -> {
            Container container = container(pod, name);
            assertThat(container.getImage()).isEqualTo("pvc-resizer/" + name + ":0.1.0");
            assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
            assertThat(container.getResources().getLimits()).containsKey("memory");
            assertThat(env(container, "JAVA_TOOL_OPTIONS")).contains("-XX:MaxRAMPercentage=");
        });
        Container fs = container(one(DaemonSet.class, FS).getSpec().getTemplate().getSpec(), FS);
        assertThat(Quantity.getAmountInBytes(fs.getResources().getLimits().get("memory")))
                .isEqualByComparingTo(BigDecimal.valueOf(256L * 1024 * 1024));
    }

    @Test
    void everyWorkloadTakesKafkaFromTheSharedConfigMap() {
        ConfigMap kafka = one(ConfigMap.class, "pvc-resizer-kafka");
        assertThat(kafka.getData()).containsEntry("KAFKA_BOOTSTRAP_SERVERS", "kafka.kafka.svc:9092");

        workloads().forEach((name, pod) -> assertThat(container(pod, name).getEnvFrom())
                .as("envFrom of %s", name)
                .extracting(EnvFromSource::getConfigMapRef).filteredOn(Objects::nonNull)
                .anySatisfy(ref -> assertThat(ref.getName()).isEqualTo("pvc-resizer-kafka")));
    }

    @Test
    void everyWorkloadReadsItsOwnConfigMapAsAnExtraApplicationYml() {
        workloads().forEach((name, pod) -> {
            Container container = container(pod, name);
            Map<String, Object> settings = mountedApplicationYml(pod, container);
            assertThat(settings.keySet()).as("application.yml of %s", name).isSubsetOf("pvc-resizer");
        });
    }

    @Test
    void noConfigMapRepeatsADefaultOfTheServices() {
        Map<String, Object> defaults = ConfigurationTable.metadata();
        assertThat(defaults).containsKeys("pvc-resizer.watcher.drivers", "pvc-resizer.resize.publish-timeout",
                "pvc-resizer.fs.kubelet-root", "pvc-resizer.kafka.partitions");
        Map<String, String> values = new java.util.TreeMap<>();
        workloads().forEach((name, pod) -> flatten("", mountedApplicationYml(pod, container(pod, name)))
                .forEach((key, value) -> values.put(name + ": " + key, value)));
        for (ConfigMap map : objects.stream().filter(ConfigMap.class::isInstance).map(ConfigMap.class::cast).toList()) {
            map.getData().forEach((env, value) -> defaults.keySet().stream()
                    .filter(key -> environmentName(key).equals(env)).findFirst()
                    .ifPresent(key -> values.put(map.getMetadata().getName() + ": " + key, value)));
        }
        assertThat(values).isNotEmpty();

        values.forEach((where, value) -> {
            String key = where.substring(where.indexOf(": ") + 2);
            assertThat(ConfigurationTable.isDefault(key, value, defaults))
                    .as("%s = %s is the service's default: leave it out", where, value).isFalse();
        });
    }

    @Test
    void resizeServiceFindsTheCephConfAndTheKeyringSecretWhereItsSettingsSayTheyAre() {
        PodSpec pod = one(Deployment.class, RESIZE).getSpec().getTemplate().getSpec();
        Container container = container(pod, RESIZE);
        Map<String, Object> clusters = section(mountedApplicationYml(pod, container), "pvc-resizer", "resize", "ceph",
                "clusters");
        assertThat(clusters).isNotEmpty();

        clusters.forEach((id, value) -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> cluster = (Map<String, Object>) value;
            String conf = (String) cluster.get("conf");
            String keyring = (String) cluster.get("keyring");
            assertThat(fileSource(pod, container, conf)).as("source of %s", conf).satisfies(source -> {
                assertThat(source.kind()).isEqualTo("ConfigMap");
                assertThat(one(ConfigMap.class, source.name()).getData()).containsKey(source.key());
            });
            assertThat(fileSource(pod, container, keyring)).as("source of %s", keyring).satisfies(source -> {
                assertThat(source.kind()).isEqualTo("Secret");
                Secret secret = one(Secret.class, source.name());
                assertThat(secret.getStringData()).containsKey(source.key());
                assertThat(secret.getMetadata().getAnnotations()).containsKey("pvc-resizer.io/example");
                assertThat(secret.getStringData().get(source.key())).contains("PLACEHOLDER");
            });
            Integer mode = pod.getVolumes().stream().filter(v -> v.getSecret() != null)
                    .map(v -> v.getSecret().getDefaultMode()).findFirst().orElseThrow();
            assertThat(mode).as("keyring file mode: owner and fsGroup read, nobody else").isEqualTo(0440);
            assertThat(pod.getSecurityContext().getFsGroup()).isNotNull();
        });
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** (apiGroup, resource, verb) the ServiceAccount {@code name} gets through ClusterRoleBindings or RoleBindings. */
    private static Set<Grant> grantsOf(String serviceAccount, boolean clusterWide) {
        List<RoleRef> refs = new ArrayList<>();
        if (clusterWide) {
            objects.stream().filter(ClusterRoleBinding.class::isInstance).map(ClusterRoleBinding.class::cast)
                    .filter(binding -> boundTo(binding.getSubjects(), serviceAccount))
                    .forEach(binding -> refs.add(binding.getRoleRef()));
        } else {
            objects.stream().filter(RoleBinding.class::isInstance).map(RoleBinding.class::cast)
                    .filter(binding -> boundTo(binding.getSubjects(), serviceAccount))
                    .forEach(binding -> refs.add(binding.getRoleRef()));
        }
        Set<Grant> grants = new HashSet<>();
        for (RoleRef ref : refs) {
            List<PolicyRule> rules = switch (ref.getKind()) {
                case "ClusterRole" -> one(ClusterRole.class, ref.getName()).getRules();
                case "Role" -> one(Role.class, ref.getName()).getRules();
                default -> throw new AssertionError("roleRef of unknown kind " + ref.getKind());
            };
            for (PolicyRule rule : rules) {
                for (String group : rule.getApiGroups()) {
                    for (String resource : rule.getResources()) {
                        for (String verb : rule.getVerbs()) {
                            grants.add(new Grant(group, resource, verb));
                        }
                    }
                }
            }
        }
        return grants;
    }

    private static boolean boundTo(List<Subject> subjects, String serviceAccount) {
        return subjects.stream().anyMatch(s -> switch (s.getKind()) {
            case "ServiceAccount" -> serviceAccount.equals(s.getName()) && NAMESPACE.equals(s.getNamespace());
            // system:serviceaccounts, system:serviceaccounts:<ns>, system:authenticated all take in the account
            case "Group" -> s.getName().startsWith("system:serviceaccounts")
                    || s.getName().equals("system:authenticated");
            case "User" -> s.getName().equals("system:serviceaccount:" + NAMESPACE + ":" + serviceAccount);
            default -> false;
        });
    }

    private static Map<String, PodSpec> workloads() {
        Map<String, PodSpec> workloads = new TreeMap<>();
        objects.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast)
                .forEach(d -> workloads.put(d.getMetadata().getName(), d.getSpec().getTemplate().getSpec()));
        objects.stream().filter(DaemonSet.class::isInstance).map(DaemonSet.class::cast)
                .forEach(d -> workloads.put(d.getMetadata().getName(), d.getSpec().getTemplate().getSpec()));
        return workloads;
    }

    private static Container container(PodSpec pod, String name) {
        return pod.getContainers().stream().filter(c -> name.equals(c.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no container " + name));
    }

    private static String env(Container container, String name) {
        return container.getEnv().stream().filter(e -> name.equals(e.getName())).map(EnvVar::getValue)
                .findFirst().orElseThrow(() -> new AssertionError("no env " + name + " in " + container.getName()));
    }

    private static String fieldRef(Container container, String name) {
        return container.getEnv().stream().filter(e -> name.equals(e.getName()))
                .map(e -> e.getValueFrom().getFieldRef().getFieldPath())
                .findFirst().orElseThrow(() -> new AssertionError("no env " + name + " in " + container.getName()));
    }

    /** The container's mount of the hostPath volume for {@code hostPath}. */
    private static VolumeMount mount(PodSpec pod, Container container, String hostPath) {
        String volume = pod.getVolumes().stream()
                .filter(v -> v.getHostPath() != null && hostPath.equals(v.getHostPath().getPath()))
                .map(Volume::getName).findFirst().orElseThrow(() -> new AssertionError("no hostPath " + hostPath));
        return container.getVolumeMounts().stream().filter(m -> volume.equals(m.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("hostPath " + hostPath + " is not mounted"));
    }

    private static String probePath(Container container, Probe probe) {
        HTTPGetAction get = probe.getHttpGet();
        assertThat(get).as("httpGet of a probe of %s", container.getName()).isNotNull();
        return get.getPath();
    }

    private static Integer probePort(Container container, Probe probe) {
        var port = probe.getHttpGet().getPort();
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return container.getPorts().stream().filter(p -> port.getStrVal().equals(p.getName()))
                .map(ContainerPort::getContainerPort).findFirst()
                .orElseThrow(() -> new AssertionError("no port named " + port.getStrVal()));
    }

    /** Where a file inside the container comes from: a key of a ConfigMap or Secret volume. */
    record FileSource(String kind, String name, String key) {
    }

    private static FileSource fileSource(PodSpec pod, Container container, String file) {
        for (VolumeMount mount : container.getVolumeMounts()) {
            String prefix = mount.getMountPath().endsWith("/") ? mount.getMountPath() : mount.getMountPath() + "/";
            if (!file.startsWith(prefix) || mount.getSubPath() != null) {
                continue;
            }
            String relative = file.substring(prefix.length());
            Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst()
                    .orElseThrow(() -> new AssertionError("no volume " + mount.getName()));
            if (volume.getConfigMap() != null) {
                return new FileSource("ConfigMap", volume.getConfigMap().getName(),
                        keyFor(relative, volume.getConfigMap().getItems()));
            }
            if (volume.getSecret() != null) {
                return new FileSource("Secret", volume.getSecret().getSecretName(),
                        keyFor(relative, volume.getSecret().getItems()));
            }
        }
        throw new AssertionError(file + " is on no ConfigMap or Secret volume of " + container.getName());
    }

    private static String keyFor(String relative, List<KeyToPath> items) {
        if (items == null || items.isEmpty()) {
            return relative;
        }
        return items.stream().filter(item -> item.getPath().equals(relative))
                .map(KeyToPath::getKey).findFirst()
                .orElseThrow(() -> new AssertionError("no item with path " + relative));
    }

    /** The application.yml named by SPRING_CONFIG_ADDITIONAL_LOCATION, parsed from the ConfigMap it is mounted from. */
    private static Map<String, Object> mountedApplicationYml(PodSpec pod, Container container) {
        String location = env(container, "SPRING_CONFIG_ADDITIONAL_LOCATION");
        assertThat(location).startsWith("file:").endsWith("/application.yml");
        FileSource source = fileSource(pod, container, location.substring("file:".length()));
        assertThat(source.kind()).isEqualTo("ConfigMap");
        String text = one(ConfigMap.class, source.name()).getData().get(source.key());
        assertThat(text).as("%s of ConfigMap %s", source.key(), source.name()).isNotNull();
        return yaml(text);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> root, String... keys) {
        Map<String, Object> current = root;
        for (String key : keys) {
            Object next = current.get(key);
            assertThat(next).as("section %s", key).isInstanceOf(Map.class);
            current = (Map<String, Object>) next;
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> yaml(String text) {
        Map<String, Object> parsed = SERIALIZATION.unmarshal(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
                Map.class);
        return parsed == null ? Map.of() : parsed;
    }

    /** {@code a: {b: 1}} as {@code a.b = 1}; a list as its items joined by commas; a map key in brackets kept as is. */
    @SuppressWarnings("unchecked")
    private static Map<String, String> flatten(String prefix, Map<String, Object> tree) {
        Map<String, String> flat = new java.util.TreeMap<>();
        tree.forEach((key, value) -> {
            String name = prefix.isEmpty() ? key : prefix + "." + key;
            if (value instanceof Map<?, ?> nested) {
                flat.putAll(flatten(name, (Map<String, Object>) nested));
            } else if (value instanceof List<?> list) {
                flat.put(name, String.join(",", list.stream().map(String::valueOf).toList()));
            } else {
                flat.put(name, String.valueOf(value));
            }
        });
        return flat;
    }

    /** The environment variable Spring Boot binds to {@code key}: {@code pvc-resizer.kafka.partitions} → PVCRESIZER_KAFKA_PARTITIONS. */
    private static String environmentName(String key) {
        return key.replace("-", "").replace('.', '_').toUpperCase(java.util.Locale.ROOT);
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object list) {
        assertThat(list).isInstanceOf(List.class);
        return (List<String>) list;
    }

    private static <T extends HasMetadata> T one(Class<T> type, String name) {
        List<T> found = objects.stream().filter(type::isInstance).map(type::cast)
                .filter(o -> name.equals(o.getMetadata().getName())).toList();
        assertThat(found).as("%s %s", type.getSimpleName(), name).hasSize(1);
        return found.get(0);
    }

    private static void collect(Object parsed, Path file, List<HasMetadata> into) {
        if (parsed instanceof Collection<?> many) {
            many.forEach(item -> collect(item, file, into));
        } else if (parsed instanceof KubernetesResourceList<?> list) {
            list.getItems().forEach(item -> collect(item, file, into));
        } else if (parsed instanceof HasMetadata object) {
            into.add(object);
        } else if (parsed != null) {
            throw new AssertionError(file + " holds something that is no Kubernetes object: " + parsed.getClass());
        }
    }

    private static List<Path> manifestFiles() throws IOException {
        try (Stream<Path> files = Files.walk(base)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> f.getFileName().toString().endsWith(".yaml"))
                    .filter(f -> !f.getFileName().toString().equals("kustomization.yaml"))
                    .sorted().toList();
        }
    }

    /** The directory holding {@code deploy/}, found from the working directory upwards. */
    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("deploy").resolve("base").resolve("kustomization.yaml"))) {
                return dir;
            }
        }
        throw new AssertionError("no deploy/base/kustomization.yaml above " + Path.of("").toAbsolutePath());
    }
}
