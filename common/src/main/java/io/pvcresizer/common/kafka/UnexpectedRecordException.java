package io.pvcresizer.common.kafka;

/** A well-formed event on a topic that does not carry its type; never retried, dead-lettered as {@code unexpected-record}. */
public class UnexpectedRecordException extends RuntimeException {

    public UnexpectedRecordException(String message) {
        super(message);
    }
}
