package io.pvcresizer.watcher.detection;

import static io.pvcresizer.common.kubernetes.ResizeConditions.ANNOTATION_PRE_RESIZE_CAPACITY;
import static io.pvcresizer.common.kubernetes.ResizeConditions.ANNOTATION_STORAGE_RESIZER;
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

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.watcher.coexistence.OtherResizers;
import io.pvcresizer.watcher.detection.ResizeDecision.CancelResize;
import io.pvcresizer.watcher.detection.ResizeDecision.ClearPreResizeAnnotation;
import io.pvcresizer.watcher.detection.ResizeDecision.Ignore;
import io.pvcresizer.watcher.detection.ResizeDecision.RedriveVolumeExpansion;
import io.pvcresizer.watcher.detection.ResizeDecision.Refuse;
import io.pvcresizer.watcher.detection.ResizeDecision.StandBack;
import io.pvcresizer.watcher.detection.ResizeDecision.StartNodeExpansion;
import io.pvcresizer.watcher.detection.ResizeDecision.StartVolumeExpansion;
import io.pvcresizer.watcher.detection.ResizeDecision.WaitUntilUnused;
import io.pvcresizer.watcher.fixtures.TestClaims;
import io.pvcresizer.watcher.fixtures.TestPods;
import io.pvcresizer.watcher.fixtures.TestVolumes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ResizeDeciderTest {

    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");
    private static final long GI = 1024L * 1024 * 1024;

    private final ResizeDecider decider =
            new ResizeDecider(Set.of(TestVolumes.DRIVER), Duration.ofMinutes(5), Duration.ofMinutes(2));

    private ResizeDecision decide(PersistentVolumeClaim pvc, String pvCapacity, StorageClass sc, Pod... pods) {
        PersistentVolume pv = pvc.getSpec().getVolumeName() == null ? null : TestVolumes.boundTo(pvc, pvCapacity, "xfs");
        return decider.decide(new ClaimState(pvc, pv, sc, List.of(pods)), NOW);
    }

    private ResizeDecision decide(PersistentVolumeClaim pvc, Pod... pods) {
        return decide(pvc, "5Gi", TestVolumes.storageClass(TestClaims.CLASS, true), pods);
    }

    @Nested
    class Ownership {

        @Test
        void shouldLeaveAClaimOfADriverItDoesNotServeAlone() {
            PersistentVolumeClaim pvc = TestClaims.bound("data-0").requesting("6Gi").build();
            PersistentVolume pv = TestVolumes.boundTo(pvc, "5Gi", "xfs");
            pv.getSpec().getCsi().setDriver("ebs.csi.aws.com");

            assertThat(decider.decide(new ClaimState(pvc, pv, TestVolumes.storageClass(TestClaims.CLASS, true), List.of()), NOW))
                    .isInstanceOfSatisfying(Ignore.class, i -> assertThat(i.why()).contains("ebs.csi.aws.com"));
        }

        @Test
        void shouldNotRefuseAShrinkOnAClaimOfADriverItDoesNotServe() {
            PersistentVolumeClaim pvc = TestClaims.bound("data-0").requesting("4Gi").build();
            PersistentVolume pv = TestVolumes.boundTo(pvc, "5Gi", "xfs");
            pv.getSpec().getCsi().setDriver("pd.csi.storage.gke.io");

            assertThat(decider.decide(new ClaimState(pvc, pv, TestVolumes.storageClass(TestClaims.CLASS, true), List.of()), NOW))
                    .isInstanceOf(Ignore.class);
        }

        @Test
        void shouldNotStartANodeStepOnAClaimOfADriverItDoesNotServe() {
            PersistentVolumeClaim pvc = TestClaims.bound("data-0").requesting("6Gi").withCapacity("6Gi")
                    .allocated("6Gi", NODE_RESIZE_PENDING).build();
            PersistentVolume pv = TestVolumes.boundTo(pvc, "6Gi", "ext4");
            pv.getSpec().getCsi().setDriver("ebs.csi.aws.com");

            assertThat(decider.decide(new ClaimState(pvc, pv, TestVolumes.storageClass(TestClaims.CLASS, true),
                    List.of(TestPods.using("app-0", "data-0", "node-a", "Running"))), NOW)).isInstanceOf(Ignore.class);
        }

        @Test
        void shouldNotRefuseAnUnboundClaimOfAClassItDoesNotServe() {
            PersistentVolumeClaim pvc = TestClaims.bound("data-0").requesting("6Gi").build();
            pvc.getStatus().setPhase("Pending");
            StorageClass ebs = TestVolumes.storageClass(TestClaims.CLASS, true);
            ebs.setProvisioner("ebs.csi.aws.com");

            assertThat(decider.decide(new ClaimState(pvc, null, ebs, List.of()), NOW)).isInstanceOf(Ignore.class);
        }

        @Test
        void shouldStandBackWhenAnotherResizerIsActiveForItsDriver() {
            OtherResizers csiResizer = new OtherResizers() {
                @Override
                public Optional<String> activeFor(String driver) {
                    return Optional.of("Lease kube-system/external-resizer-x held by csi-resizer-0");
                }

                @Override
                public Map<String, String> active() {
                    return Map.of(TestVolumes.DRIVER, "Lease");
                }
            };
            ResizeDecider standingBack = new ResizeDecider(Set.of(TestVolumes.DRIVER), Set.of(), csiResizer,
                    Duration.ofMinutes(5), Duration.ofMinutes(2));
            PersistentVolumeClaim pvc = TestClaims.bound("data-0").requesting("6Gi").build();

            assertThat(standingBack.decide(new ClaimState(pvc, TestVolumes.boundTo(pvc, "5Gi", "xfs"), TestVolumes.storageClass(TestClaims.CLASS, true), List.of()), NOW))
                    .isInstanceOfSatisfying(StandBack.class, s -> assertThat(s.evidence()).contains("external-resizer-x"));
        }

        @Test
        void shouldNotAskAnOfflineDriverWhileAPodUsesTheClaim() {
            ResizeDecider offline = new ResizeDecider(Set.of(TestVolumes.DRIVER), Set.of(TestVolumes.DRIVER),
                    OtherResizers.NONE, Duration.ofMinutes(5), Duration.ofMinutes(2));
            PersistentVolumeClaim pvc = TestClaims.bound("data-0").requesting("6Gi").build();
            PersistentVolume pv = TestVolumes.boundTo(pvc, "5Gi", "xfs");
            StorageClass storageClass = TestVolumes.storageClass(TestClaims.CLASS, true);

            assertThat(offline.decide(new ClaimState(pvc, pv, storageClass, List.of(TestPods.using("app-0", "data-0", "node-a", "Running"))), NOW))
                    .isInstanceOfSatisfying(WaitUntilUnused.class, w -> assertThat(w.pod()).isEqualTo("app-0"));
            assertThat(offline.decide(new ClaimState(pvc, pv, storageClass, List.of()), NOW)).isInstanceOf(StartVolumeExpansion.class);
        }

        @Test
        void shouldDropThePreResizeAnnotationOnceTheNodeStepIsOver() {
            PersistentVolumeClaim pvc = TestClaims.bound("data-0").requesting("6Gi").withCapacity("6Gi").allocated("6Gi", null).build();
            PersistentVolume pv = TestVolumes.boundTo(pvc, "6Gi", "xfs");
            pv.getMetadata().setAnnotations(Map.of(ANNOTATION_PRE_RESIZE_CAPACITY, "5Gi"));

            assertThat(decider.decide(new ClaimState(pvc, pv, TestVolumes.storageClass(TestClaims.CLASS, true), List.of()), NOW)).isEqualTo(new ClearPreResizeAnnotation(pv.getMetadata().getName()));
        }

        @Test
        void shouldShowAVolumeCapacityNoByteCountHoldsInsteadOfFailingEveryReconcile() {
            PersistentVolumeClaim pvc = TestClaims.bound("data-0").requesting("6Gi").build();
            PersistentVolume pv = TestVolumes.boundTo(pvc, "9Ei", "xfs");

            assertThat(decider.decide(new ClaimState(pvc, pv, TestVolumes.storageClass(TestClaims.CLASS, true), List.of()), NOW))
                    .isInstanceOfSatisfying(Refuse.class, r -> {
                        assertThat(r.reason()).isEqualTo(Reason.INVALID_SIZE.code());
                        assertThat(r.message()).contains("9Ei", "too large");
                    });
        }

        @Test
        void shouldRefuseAnInTreeRbdVolumeNamingTheMigration() {
            PersistentVolumeClaim pvc = TestClaims.bound("data-0").requesting("6Gi").build();
            PersistentVolume pv = TestVolumes.boundTo(pvc, "5Gi", "xfs");
            pv.getSpec().setCsi(null);
            pv.getSpec().setRbd(new io.fabric8.kubernetes.api.model.RBDPersistentVolumeSource());
            StorageClass legacy = TestVolumes.storageClass(TestClaims.CLASS, true);
            legacy.setProvisioner("kubernetes.io/rbd");

            assertThat(decider.decide(new ClaimState(pvc, pv, legacy, List.of()), NOW)).isInstanceOfSatisfying(Refuse.class, r -> {
                assertThat(r.reason()).isEqualTo(Reason.IN_TREE_PLUGIN_REMOVED.code());
                assertThat(r.message()).contains("kubernetes.io/rbd", "removed in 1.31", "rbd.csi.ceph.com");
            });
        }
    }

    @Nested
    class Triggers {

        @Test
        void shouldRequestExpansionWhenRequestExceedsCapacity() {
            ResizeDecision decision = decide(TestClaims.bound("data-0").requesting("6Gi").withCapacity("5Gi").build());

            assertThat(decision).isEqualTo(new StartVolumeExpansion(6 * GI, TestVolumes.DRIVER));
        }

        @Test
        void shouldDoNothingWhenRequestEqualsCapacity() {
            assertThat(decide(TestClaims.bound("data-0").requesting("5Gi").withCapacity("5Gi").build()))
                    .isInstanceOf(Ignore.class);
        }

        @Test
        void shouldCompareQuantitiesByValueNotBySpelling() {
            assertThat(decide(TestClaims.bound("data-0").requesting("5120Mi").withCapacity("5Gi").build()))
                    .isInstanceOf(Ignore.class);
        }

        @Test
        void shouldStartANewResizeAfterAnEarlierOneCompleted() {
            PersistentVolumeClaim pvc = TestClaims.bound("data-0").requesting("8Gi").withCapacity("6Gi")
                    .allocated("6Gi", null).build();

            assertThat(decide(pvc, "6Gi", TestVolumes.storageClass(TestClaims.CLASS, true)))
                    .isEqualTo(new StartVolumeExpansion(8 * GI, TestVolumes.DRIVER));
        }

        @Test
        void shouldTakeTheStorageClassProvisionerWhenTheVolumeIsNotCsi() {
            PersistentVolumeClaim pvc = TestClaims.bound("data-0").requesting("6Gi").build();
            PersistentVolume pv = TestVolumes.boundTo(pvc, "5Gi", "xfs");
            pv.getSpec().setCsi(null);

            assertThat(decider.decide(new ClaimState(pvc, pv, TestVolumes.storageClass(TestClaims.CLASS, true), List.of()), NOW))
                    .isEqualTo(new StartVolumeExpansion(6 * GI, TestVolumes.DRIVER));
        }
    }

    @Nested
    class Refusals {

        @Test
        void shouldRefuseShrink() {
            ResizeDecision decision = decide(TestClaims.bound("data-0").requesting("4Gi").withCapacity("5Gi").build());

            assertThat(decision).isInstanceOfSatisfying(Refuse.class, refuse -> {
                assertThat(refuse.reason()).isEqualTo(Reason.SHRINK_NOT_SUPPORTED.code());
                assertThat(refuse.message()).contains("4Gi").contains("5Gi").contains("cannot shrink");
            });
        }

        @Test
        void shouldRefuseAClassWithoutAllowVolumeExpansion() {
            PersistentVolumeClaim pvc = TestClaims.bound("data-0").requesting("6Gi").build();

            assertThat(decide(pvc, "5Gi", TestVolumes.storageClass(TestClaims.CLASS, false)))
                    .isInstanceOfSatisfying(Refuse.class, r -> {
                        assertThat(r.reason()).isEqualTo(Reason.EXPANSION_NOT_ALLOWED.code());
                        assertThat(r.message()).contains("storage class fast does not set allowVolumeExpansion: true");
                    });
            assertThat(decide(pvc, "5Gi", TestVolumes.storageClass(TestClaims.CLASS, null)))
                    .isInstanceOfSatisfying(Refuse.class, r -> assertThat(r.reason()).isEqualTo(Reason.EXPANSION_NOT_ALLOWED.code()));
        }

        @Test
        void shouldRefuseAClaimWithoutStorageClass() {
            PersistentVolumeClaim pvc = TestClaims.bound("data-0").withClass(null).requesting("6Gi").build();

            assertThat(decide(pvc, "5Gi", null)).isInstanceOfSatisfying(Refuse.class, r -> {
                assertThat(r.reason()).isEqualTo(Reason.EXPANSION_NOT_ALLOWED.code());
                assertThat(r.message()).contains("no storage class");
            });
        }

        @Test
        void shouldRefuseAnUnboundClaimThatAsksForMore() {
            PersistentVolumeClaim pvc = TestClaims.bound("data-0").requesting("6Gi").build();
            pvc.getStatus().setPhase("Lost");

            assertThat(decide(pvc)).isInstanceOfSatisfying(Refuse.class,
                    r -> assertThat(r.reason()).isEqualTo(Reason.CLAIM_NOT_BOUND.code()));
        }

        @Test
        void shouldIgnoreAPendingClaimThatHasNoCapacityYet() {
            assertThat(decide(TestClaims.pending("data-0").requesting("6Gi").build())).isInstanceOf(Ignore.class);
        }

        @Test
        void shouldRefuseAnInvalidQuantity() {
            assertThat(decide(TestClaims.bound("data-0").requesting("lots").build()))
                    .isInstanceOfSatisfying(Refuse.class, r -> {
                        assertThat(r.reason()).isEqualTo(Reason.INVALID_SIZE.code());
                        assertThat(r.message()).contains("\"lots\"");
                    });
        }

        @Test
        void shouldRefuseWhenTheVolumeIsBoundToAnotherClaim() {
            PersistentVolumeClaim pvc = TestClaims.bound("data-0").requesting("6Gi").build();
            PersistentVolume pv = TestVolumes.boundTo(pvc, "5Gi", "xfs");
            pv.getSpec().getClaimRef().setName("someone-else");

            assertThat(decider.decide(new ClaimState(pvc, pv, TestVolumes.storageClass(TestClaims.CLASS, true), List.of()), NOW))
                    .isInstanceOfSatisfying(Refuse.class, r -> assertThat(r.reason()).isEqualTo(Reason.VOLUME_CLAIM_MISMATCH.code()));
        }

        @Test
        void shouldNotRepeatARefusalTheClaimAlreadyShows() {
            PersistentVolumeClaim first = TestClaims.bound("data-0").requesting("4Gi").build();
            Refuse refuse = (Refuse) decide(first);
            PersistentVolumeClaim shown = TestClaims.bound("data-0").requesting("4Gi")
                    .withCondition(CONTROLLER_RESIZE_ERROR, refuse.reason(), refuse.message(), NOW).build();

            assertThat(decide(shown)).isInstanceOf(Ignore.class);
        }

        @Test
        void shouldIgnoreAClaimHandedToAnotherResizer() {
            PersistentVolumeClaim pvc = TestClaims.bound("data-0").requesting("6Gi")
                    .annotated(ANNOTATION_STORAGE_RESIZER, "ebs.csi.aws.com").build();

            assertThat(decide(pvc)).isInstanceOf(Ignore.class);
        }

        @Test
        void shouldActOnAClaimHandedToAServedDriver() {
            PersistentVolumeClaim pvc = TestClaims.bound("data-0").requesting("6Gi")
                    .annotated(ANNOTATION_STORAGE_RESIZER, TestVolumes.DRIVER).build();

            assertThat(decide(pvc)).isInstanceOf(StartVolumeExpansion.class);
        }
    }

    @Nested
    class InFlightAndFailures {

        @Test
        void shouldWaitWhileTheBackendStepIsInFlight() {
            PersistentVolumeClaim pvc = TestClaims.bound("data-0").requesting("6Gi")
                    .allocated("6Gi", CONTROLLER_RESIZE_IN_PROGRESS)
                    .withCondition(RESIZING, null, null, NOW.minusSeconds(30)).build();

            assertThat(decide(pvc)).isInstanceOf(Ignore.class);
        }

        @Test
        void shouldRedriveABackendStepLeftWithoutAnswer() {
            PersistentVolumeClaim pvc = TestClaims.bound("data-0").requesting("6Gi")
                    .allocated("6Gi", CONTROLLER_RESIZE_IN_PROGRESS)
                    .withCondition(RESIZING, null, null, NOW.minusSeconds(600)).build();

            assertThat(decide(pvc)).isEqualTo(new RedriveVolumeExpansion(6 * GI, TestVolumes.DRIVER));
        }

        @Test
        void shouldBackOffAfterAFinalFailureAndRetryLater() {
            TestClaims failed = TestClaims.bound("data-0").requesting("6Gi").allocated("6Gi", CONTROLLER_RESIZE_IN_PROGRESS);

            assertThat(decide(failed.withCondition(CONTROLLER_RESIZE_ERROR, "Boom", "boom", NOW.minusSeconds(60)).build()))
                    .isInstanceOf(Ignore.class);
            assertThat(decide(TestClaims.bound("data-0").requesting("6Gi").allocated("6Gi", CONTROLLER_RESIZE_IN_PROGRESS)
                    .withCondition(CONTROLLER_RESIZE_ERROR, "Boom", "boom", NOW.minusSeconds(301)).build()))
                    .isEqualTo(new StartVolumeExpansion(6 * GI, TestVolumes.DRIVER));
        }

        @Test
        void shouldTreatAStepWithoutAnyTimestampAsLongInFlight() {
            PersistentVolumeClaim pvc = TestClaims.bound("data-0").requesting("6Gi")
                    .allocated("6Gi", CONTROLLER_RESIZE_IN_PROGRESS).build();

            assertThat(decide(pvc)).isEqualTo(new RedriveVolumeExpansion(6 * GI, TestVolumes.DRIVER));
        }

        @Test
        void shouldClearARefusalOnceTheRequestIsBackAtCapacity() {
            PersistentVolumeClaim pvc = TestClaims.bound("data-0").requesting("5Gi")
                    .withCondition(CONTROLLER_RESIZE_ERROR, Reason.SHRINK_NOT_SUPPORTED.code(), "cannot shrink", NOW.minusSeconds(10)).build();

            assertThat(decide(pvc)).isEqualTo(new CancelResize(5 * GI));
        }

        @Test
        void shouldNotRetryAnInfeasibleResizeUntilTheRequestChanges() {
            PersistentVolumeClaim pvc = TestClaims.bound("data-0").requesting("600Gi")
                    .allocated("600Gi", CONTROLLER_RESIZE_INFEASIBLE)
                    .withCondition(CONTROLLER_RESIZE_ERROR, "TooBig", "no space", NOW.minusSeconds(3600)).build();

            assertThat(decide(pvc)).isInstanceOf(Ignore.class);
        }

        @Test
        void shouldLetALowerTargetAboveCapacityWinAfterAFailure() {
            // KEP-1790: 600Gi failed as infeasible; the user lowers the request to 7Gi, still above the 5Gi capacity.
            PersistentVolumeClaim pvc = TestClaims.bound("data-0").requesting("7Gi")
                    .allocated("600Gi", CONTROLLER_RESIZE_INFEASIBLE)
                    .withCondition(CONTROLLER_RESIZE_ERROR, "TooBig", "no space", NOW.minusSeconds(10)).build();

            assertThat(decide(pvc)).isEqualTo(new StartVolumeExpansion(7 * GI, TestVolumes.DRIVER));
        }

        @Test
        void shouldCancelWhenTheRequestIsLoweredBackToCapacityAfterAFailure() {
            PersistentVolumeClaim pvc = TestClaims.bound("data-0").requesting("5Gi")
                    .allocated("600Gi", CONTROLLER_RESIZE_INFEASIBLE)
                    .withCondition(CONTROLLER_RESIZE_ERROR, "TooBig", "no space", NOW.minusSeconds(10)).build();

            assertThat(decide(pvc)).isEqualTo(new CancelResize(5 * GI));
        }

        @Test
        void shouldStillRefuseAShrinkBelowCapacityDuringRecovery() {
            PersistentVolumeClaim pvc = TestClaims.bound("data-0").requesting("4Gi")
                    .allocated("600Gi", CONTROLLER_RESIZE_INFEASIBLE).build();

            assertThat(decide(pvc)).isInstanceOfSatisfying(Refuse.class,
                    r -> assertThat(r.reason()).isEqualTo(Reason.SHRINK_NOT_SUPPORTED.code()));
        }
    }

    @Nested
    class NodeStage {

        private TestClaims nodePending() {
            return TestClaims.bound("data-0").requesting("6Gi").allocated("6Gi", NODE_RESIZE_PENDING)
                    .withCondition(FILE_SYSTEM_RESIZE_PENDING, null, "waiting", NOW.minusSeconds(5));
        }

        @Test
        void shouldWaitForAPodWhenNoPodUsesTheClaim() {
            assertThat(decide(nodePending().build(), "6Gi", TestVolumes.storageClass(TestClaims.CLASS, true)))
                    .isInstanceOf(Ignore.class);
        }

        @Test
        void shouldAskTheNodeOfTheRunningPod() {
            Pod pod = TestPods.using("app-0", "data-0", "node-a", "Running");

            ResizeDecision decision = decide(nodePending().build(), "6Gi", TestVolumes.storageClass(TestClaims.CLASS, true), pod);

            assertThat(decision).isEqualTo(new StartNodeExpansion(6 * GI, pod));
        }

        @Test
        void shouldPreferARunningPodAndSkipFinishedOnes() {
            Pod done = TestPods.using("a-done", "data-0", "node-x", "Succeeded");
            Pod pending = TestPods.using("b-pending", "data-0", "node-y", "Pending");
            Pod running = TestPods.using("c-running", "data-0", "node-a", "Running");

            ResizeDecision decision = decide(nodePending().build(), "6Gi", TestVolumes.storageClass(TestClaims.CLASS, true),
                    done, pending, running);

            assertThat(decision).isEqualTo(new StartNodeExpansion(6 * GI, running));
        }

        @Test
        void shouldIgnoreAnUnscheduledPod() {
            Pod unscheduled = TestPods.using("app-0", "data-0", null, "Pending");

            assertThat(decide(nodePending().build(), "6Gi", TestVolumes.storageClass(TestClaims.CLASS, true), unscheduled))
                    .isInstanceOf(Ignore.class);
        }

        @Test
        void shouldUseThePvCapacityAsTheNodeTargetWhenTheBackendRoundedUp() {
            Pod pod = TestPods.using("app-0", "data-0", "node-a", "Running");

            assertThat(decide(nodePending().build(), "7Gi", TestVolumes.storageClass(TestClaims.CLASS, true), pod))
                    .isEqualTo(new StartNodeExpansion(7 * GI, pod));
        }

        @Test
        void shouldWaitWhileTheNodeStepIsInFlightAndRedriveLater() {
            Pod pod = TestPods.using("app-0", "data-0", "node-a", "Running");
            PersistentVolumeClaim fresh = TestClaims.bound("data-0").requesting("6Gi").allocated("6Gi", NODE_RESIZE_IN_PROGRESS)
                    .withCondition(FILE_SYSTEM_RESIZE_PENDING, null, "waiting", NOW.minusSeconds(5)).build();
            PersistentVolumeClaim stale = TestClaims.bound("data-0").requesting("6Gi").allocated("6Gi", NODE_RESIZE_IN_PROGRESS)
                    .withCondition(FILE_SYSTEM_RESIZE_PENDING, null, "waiting", NOW.minusSeconds(500)).build();

            assertThat(decide(fresh, "6Gi", TestVolumes.storageClass(TestClaims.CLASS, true), pod)).isInstanceOf(Ignore.class);
            assertThat(decide(stale, "6Gi", TestVolumes.storageClass(TestClaims.CLASS, true), pod))
                    .isInstanceOf(StartNodeExpansion.class);
        }

        @Test
        void shouldRetryAFailedNodeStepAfterTheBackoff() {
            Pod pod = TestPods.using("app-0", "data-0", "node-a", "Running");
            PersistentVolumeClaim recent = TestClaims.bound("data-0").requesting("6Gi").allocated("6Gi", NODE_RESIZE_PENDING)
                    .withCondition(FILE_SYSTEM_RESIZE_PENDING, null, "waiting", NOW.minusSeconds(5))
                    .withCondition(NODE_RESIZE_ERROR, "ToolFailed", "xfs_growfs failed", NOW.minusSeconds(5)).build();
            PersistentVolumeClaim old = TestClaims.bound("data-0").requesting("6Gi").allocated("6Gi", NODE_RESIZE_INFEASIBLE)
                    .withCondition(FILE_SYSTEM_RESIZE_PENDING, null, "waiting", NOW.minusSeconds(400))
                    .withCondition(NODE_RESIZE_ERROR, "OnlineResizeNotPermitted", "no", NOW.minusSeconds(400)).build();

            assertThat(decide(recent, "6Gi", TestVolumes.storageClass(TestClaims.CLASS, true), pod)).isInstanceOf(Ignore.class);
            assertThat(decide(old, "6Gi", TestVolumes.storageClass(TestClaims.CLASS, true), pod))
                    .isEqualTo(new StartNodeExpansion(6 * GI, pod));
        }

        @Test
        void shouldGrowTheVolumeAgainWhenTheRequestIsRaisedAfterANodeFailure() {
            PersistentVolumeClaim raised = TestClaims.bound("data-0").requesting("8Gi").allocated("6Gi", NODE_RESIZE_PENDING)
                    .withCondition(NODE_RESIZE_ERROR, "ToolFailed", "xfs_growfs failed", NOW.minusSeconds(5)).build();

            assertThat(decide(raised, "6Gi", TestVolumes.storageClass(TestClaims.CLASS, true)))
                    .isEqualTo(new StartVolumeExpansion(8 * GI, TestVolumes.DRIVER));
        }
    }
}
