package io.pvcresizer.common.kafka;

import io.pvcresizer.common.failure.RecordRejected;

/** A record value that cannot be read as an event; never retried, always dead-lettered with its reason. */
public class EventDecodingException extends RuntimeException implements RecordRejected {

    /** Why the record could not be read; written to the dead-letter record's reason header. */
    public enum Reason {
        MALFORMED("malformed-record"),
        UNKNOWN_TYPE("unknown-event-type"),
        UNSUPPORTED_SCHEMA_VERSION("unsupported-schema-version");

        private final String header;

        Reason(String header) {
            this.header = header;
        }

        /** The value written to the {@code pvc-resizer-dlt-reason} header. */
        public String header() {
            return header;
        }
    }

    private final Reason reason;

    public EventDecodingException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
