package io.pvcresizer.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pvcresizer.common.events.EventHeader;
import io.pvcresizer.common.events.FailureKind;
import io.pvcresizer.common.events.FilesystemExpanded;
import io.pvcresizer.common.events.FilesystemExpansionFailed;
import io.pvcresizer.common.events.FilesystemExpansionRequested;
import io.pvcresizer.common.events.ResizeEvent;
import io.pvcresizer.common.events.VolumeExpanded;
import io.pvcresizer.common.events.VolumeExpansionFailed;
import io.pvcresizer.common.events.VolumeExpansionRequested;
import io.pvcresizer.common.events.VolumeMode;
import io.pvcresizer.common.events.VolumeRef;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventCodecTest {

    private static final VolumeRef REF = new VolumeRef("apps", "data-0", "uid-1", "pv-1");
    private final EventCodec codec = new EventCodec();

    private static EventHeader header() {
        return EventHeader.next("op-uid-1-671088640", REF);
    }

    static List<ResizeEvent> oneOfEach() {
        return List.of(
                new VolumeExpansionRequested(header(), "file.pvc-resizer.io", "pv-1.img", Map.of("pool", "rbd"),
                        VolumeMode.Filesystem, 335544320L, 671088640L, "640Mi"),
                new VolumeExpanded(header(), 671088640L, 671088640L, true),
                new VolumeExpansionFailed(header(), 671088640L, FailureKind.INFEASIBLE, "VolumeNotFound", "no image"),
                new FilesystemExpansionRequested(header(), "node-a", "pod-uid", "app-0", "file.pvc-resizer.io",
                        "pv-1.img", "xfs", VolumeMode.Filesystem, 671088640L),
                new FilesystemExpanded(header(), "node-a", 671088640L, 660000000L, "xfs", true),
                new FilesystemExpansionFailed(header(), "node-a", 671088640L, FailureKind.FINAL, "ToolFailed", "xfs_growfs exited 1"),
                new io.pvcresizer.common.events.StaleMountDetected(header(), "node-a",
                        "/var/lib/kubelet/pods/uid-1/volumes/kubernetes.io~csi/pv-1/mount", "fuse.ceph-fuse", "uid-1", true,
                        "ceph-fuse mount was stale (Transport endpoint is not connected); remounted"),
                new io.pvcresizer.common.events.VolumeUsageReported(header(), "node-a", "uid-1", 603979776L, 1048576L, 314560L, 3L));
    }

    @Test
    void shouldRoundTripEveryEventType() {
        for (ResizeEvent event : oneOfEach()) {
            assertThat(codec.decode(codec.encode(event))).isEqualTo(event);
        }
        assertThat(oneOfEach()).extracting(e -> e.getClass().getSimpleName())
                .containsExactlyInAnyOrderElementsOf(EventCodec.KNOWN_TYPES);
    }

    @Test
    void shouldWriteLogicalTypeIdsNeverClassNames() {
        String json = new String(codec.encode(oneOfEach().get(1)), StandardCharsets.UTF_8);

        assertThat(json).contains("\"type\":\"VolumeExpanded\"").doesNotContain("io.pvcresizer");
        assertThat(json).contains("\"schemaVersion\":1").contains("\"occurredAt\":\"");
    }

    @Test
    void shouldIgnoreFieldsAddedByANewerCompatibleWriter() {
        ResizeEvent event = oneOfEach().get(1);
        String json = new String(codec.encode(event), StandardCharsets.UTF_8).replaceFirst("\\{", "{\"addedLater\":42,");

        assertThat(codec.decode(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(event);
    }

    @Test
    void shouldClassifyEachKindOfPoisonRecord() {
        assertReason("{not json", EventDecodingException.Reason.MALFORMED);
        assertReason("[1,2]", EventDecodingException.Reason.MALFORMED);
        assertReason("", EventDecodingException.Reason.MALFORMED);
        assertReason("{\"header\":{\"schemaVersion\":1}}", EventDecodingException.Reason.UNKNOWN_TYPE);
        assertReason("{\"type\":\"java.lang.Runtime\",\"header\":{\"schemaVersion\":1}}", EventDecodingException.Reason.UNKNOWN_TYPE);
        String v99 = new String(codec.encode(oneOfEach().get(1)), StandardCharsets.UTF_8).replace("\"schemaVersion\":1", "\"schemaVersion\":99");
        assertReason(v99, EventDecodingException.Reason.UNSUPPORTED_SCHEMA_VERSION);
        assertReason("{\"type\":\"VolumeExpanded\",\"header\":{\"schemaVersion\":1}}", EventDecodingException.Reason.MALFORMED);
    }

    private void assertReason(String value, EventDecodingException.Reason reason) {
        assertThatThrownBy(() -> codec.decode(value.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(EventDecodingException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }
}
