package io.pvcresizer.common.text;

/**
 * Bounds text that comes from records or backends before it reaches a PVC condition, a Kubernetes event or a Kafka
 * header: cut at a limit with a marker saying so, so that no sender can make those objects arbitrarily large.
 */
public final class BoundedText {

    /** The most characters a condition or event message gets (events.k8s.io notes are limited to 1 kB too). */
    public static final int MESSAGE_LIMIT = 1024;

    private static final String MARKER = " … (truncated)";

    private BoundedText() {
    }

    /** {@code text} itself when it has at most {@code limit} characters, else its start and a truncation marker. */
    public static String truncate(String text, int limit) {
        if (text == null || text.length() <= limit) {
            return text;
        }
        int keep = Math.max(0, limit - MARKER.length());
        if (keep > 0 && Character.isHighSurrogate(text.charAt(keep - 1))) {
            keep--;
        }
        return text.substring(0, keep) + MARKER;
    }

    /** {@link #truncate(String, int)} at {@link #MESSAGE_LIMIT}. */
    public static String message(String text) {
        return truncate(text, MESSAGE_LIMIT);
    }
}
