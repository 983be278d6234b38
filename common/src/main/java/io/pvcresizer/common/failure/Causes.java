package io.pvcresizer.common.failure;

/** Walks the cause chain of a failure: its innermost cause, or the first cause of a type. */
public final class Causes {

    private Causes() {
    }

    /** The innermost cause of {@code failure} (itself when it has none); safe on a chain that loops back. */
    public static Throwable root(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    /** The message of the innermost cause, or its class name when it has none. */
    public static String rootMessage(Throwable failure) {
        Throwable root = root(failure);
        return root.getMessage() == null ? root.getClass().getName() : root.getMessage();
    }

    /** The first throwable of {@code type} in the chain of {@code failure}, starting with itself, or null. */
    public static <T> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
