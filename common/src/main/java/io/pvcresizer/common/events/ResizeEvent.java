package io.pvcresizer.common.events;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * Every fact that travels between the pvc-resizer services; the wire form names each by a logical type id, never by
 * a Java class name.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = VolumeExpansionRequested.class, name = VolumeExpansionRequested.TYPE),
        @JsonSubTypes.Type(value = VolumeExpanded.class, name = VolumeExpanded.TYPE),
        @JsonSubTypes.Type(value = VolumeExpansionFailed.class, name = VolumeExpansionFailed.TYPE),
        @JsonSubTypes.Type(value = FilesystemExpansionRequested.class, name = FilesystemExpansionRequested.TYPE),
        @JsonSubTypes.Type(value = FilesystemExpanded.class, name = FilesystemExpanded.TYPE),
        @JsonSubTypes.Type(value = FilesystemExpansionFailed.class, name = FilesystemExpansionFailed.TYPE),
        @JsonSubTypes.Type(value = StaleMountDetected.class, name = StaleMountDetected.TYPE),
        @JsonSubTypes.Type(value = VolumeUsageReported.class, name = VolumeUsageReported.TYPE)
})
public sealed interface ResizeEvent
        permits VolumeExpansionRequested, VolumeResult, FilesystemExpansionRequested, NodeResult, StaleMountDetected,
        VolumeUsageReported {

    /** Schema version, ids, time and volume of this event. */
    EventHeader header();

    /** The resize operation this event belongs to. */
    default String operationId() {
        return header().operationId();
    }

    /** The volume this event is about. */
    default VolumeRef volume() {
        return header().volume();
    }
}
