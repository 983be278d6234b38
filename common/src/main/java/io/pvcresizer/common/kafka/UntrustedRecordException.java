package io.pvcresizer.common.kafka;

/**
 * A well-formed event that claims more than its sender may change (another claim's PV, no claim uid, a size outside
 * what was asked): never applied, never retried, dead-lettered as {@code untrusted-record} with the reason.
 */
public class UntrustedRecordException extends UnexpectedRecordException {

    public UntrustedRecordException(String message) {
        super(message);
    }
}
