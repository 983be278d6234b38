package io.pvcresizer.tools.deadletters;

import java.util.Optional;

/** Reads a claim as the API server has it now, so that a replay can tell whether a request is still wanted. */
interface ClaimLookup extends AutoCloseable {

    /**
     * The claim {@code namespace/name} as it is now, or empty when there is no such claim.
     *
     * @throws ClaimLookupException when the API server could not be asked
     */
    Optional<ClaimNow> find(String namespace, String name);

    /** Where claims are read from, for messages (the API server's URL). */
    String source();

    @Override
    void close();

    /**
     * What a replay compares a request with.
     *
     * @param uid              {@code metadata.uid}
     * @param volumeName       {@code spec.volumeName}, or null when unbound
     * @param requestedStorage {@code spec.resources.requests.storage} as written, or null
     */
    record ClaimNow(String uid, String volumeName, String requestedStorage) {
    }

    /** The API server could not be asked (unreachable, forbidden, timed out). */
    final class ClaimLookupException extends RuntimeException {
        ClaimLookupException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
