package io.pvcresizer.common.kafka;

import io.pvcresizer.common.failure.RecordRejected;

/** A well-formed event on a topic that does not carry its type; never retried, dead-lettered as {@code unexpected-record}. */
public class UnexpectedRecordException extends RuntimeException implements RecordRejected {

    public UnexpectedRecordException(String message) {
        super(message);
    }
}
