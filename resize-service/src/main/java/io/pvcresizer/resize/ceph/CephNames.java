package io.pvcresizer.resize.ceph;

import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.failure.ResizeException;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads Ceph object names (pool, image, filesystem, subvolume, group, cluster id) from a PV's CSI volume attributes
 * and refuses any that could be taken for an option or a path by the CLI.
 */
public final class CephNames {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private CephNames() {
    }

    /** The attribute's value, checked; an infeasible failure when it is missing or not a plain name. */
    public static String required(Map<String, String> attributes, String key) {
        String value = attributes.get(key);
        if (value == null || value.isBlank()) {
            throw new ResizeException(Reason.MISSING_VOLUME_ATTRIBUTE,
                    "the PV has no CSI volume attribute \"" + key + "\"; attributes present: " + attributes.keySet());
        }
        return checked(key, value);
    }

    /** The attribute's value, checked, or {@code fallback} when absent. */
    public static String optional(Map<String, String> attributes, String key, String fallback) {
        String value = attributes.get(key);
        return value == null || value.isBlank() ? fallback : checked(key, value);
    }

    /** {@code value} itself when it is a plain Ceph name. */
    public static String checked(String what, String value) {
        if (!NAME.matcher(value).matches()) {
            throw new ResizeException(Reason.INVALID_CEPH_NAME, what + " \"" + value
                    + "\" is not a valid Ceph name (letters, digits, '.', '_', '-'; not starting with '-' or '.')");
        }
        return value;
    }
}
