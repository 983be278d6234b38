package io.pvcresizer.tools.deadletters;

/** Arguments the dead-letter command refuses, with a message that says what is wrong; exit code 2. */
class UsageException extends RuntimeException {

    UsageException(String message) {
        super(message);
    }
}
