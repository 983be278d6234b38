package io.pvcresizer.tools.deadletters;

import java.time.Duration;
import org.apache.kafka.common.errors.TimeoutException;

/** Kafka failed or did not answer in time while the dead-letter command read or replayed records; exit code 1. */
class DeadLetterKafkaException extends RuntimeException {

    DeadLetterKafkaException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A failure of {@code what} (e.g. "listing the topics") against the given brokers, saying whether it timed out. */
    static DeadLetterKafkaException of(String what, String bootstrapServers, Duration timeout, Throwable cause) {
        String why = cause instanceof TimeoutException
                ? "no answer within " + describe(timeout) + " (" + cause.getMessage() + ")"
                : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        return new DeadLetterKafkaException("Kafka at " + bootstrapServers + ", " + what + ": " + why, cause);
    }

    /** A duration as an operator writes it: {@code 30s}, {@code 500ms}, {@code 2m}. */
    static String describe(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }
}
