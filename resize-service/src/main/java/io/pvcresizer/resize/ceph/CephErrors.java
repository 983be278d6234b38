package io.pvcresizer.resize.ceph;

import io.pvcresizer.common.command.CommandResult;
import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.failure.ResizeException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Classifies a failed {@code rbd} / {@code ceph} call from its exit code and stderr: transient (cluster unreachable,
 * timeouts, busy), final (permissions, anything unknown) or infeasible (the volume does not exist, a shrink).
 */
public final class CephErrors {

    private static final Pattern ERRNO = Pattern.compile("\\((\\d+)\\) ([A-Za-z][^\\n]*)");
    private static final List<String> UNREACHABLE = List.of(
            "timed out", "couldn't connect to the cluster", "connection refused", "error connecting to the cluster",
            "resource temporarily unavailable", "device or resource busy", "error eagain", "error ebusy",
            "error etimedout", "transport endpoint", "no route to host");

    private CephErrors() {
    }

    /** The failure the result stands for; {@code what} names the operation for the message. */
    public static ResizeException classify(CommandResult result, String what) {
        String stderr = result.stderr() == null ? "" : result.stderr().strip();
        String detail = what + " failed: " + result.command().redacted() + " exited " + result.exitCode()
                + (stderr.isEmpty() ? "" : ": " + lastLines(stderr));
        String lower = stderr.toLowerCase(Locale.ROOT);
        int errno = errno(stderr);
        // Order matters: an authentication failure also says "couldn't connect to the cluster".
        if (errno == 13 || errno == 1 || result.exitCode() == 13 || lower.contains("handle_auth_bad_method")
                || lower.contains("permission denied") || lower.contains("eacces") || lower.contains("eperm")) {
            return new ResizeException(Reason.CEPH_PERMISSION_DENIED, detail);
        }
        if (errno == 2 || lower.contains("error enoent")) {
            return new ResizeException(Reason.VOLUME_NOT_FOUND, detail);
        }
        if (lower.contains("shrinking an image is only allowed")) {
            return new ResizeException(Reason.SHRINK_NOT_SUPPORTED, detail);
        }
        if (lower.contains("lesser than the current used size")) {
            return new ResizeException(Reason.QUOTA_BELOW_USED_BYTES, detail);
        }
        if (errno == 110 || errno == 111 || errno == 11 || errno == 16 || errno == 4 || errno == 108
                || result.exitCode() == 110 || result.exitCode() == 124
                || UNREACHABLE.stream().anyMatch(lower::contains)) {
            return new ResizeException(Reason.CEPH_UNAVAILABLE, detail, null);
        }
        return new ResizeException(Reason.CEPH_COMMAND_FAILED, detail);
    }

    /** The errno of the last {@code (N) Message} in stderr, or -1. */
    static int errno(String stderr) {
        Matcher matcher = ERRNO.matcher(stderr);
        int errno = -1;
        while (matcher.find()) {
            errno = Integer.parseInt(matcher.group(1));
        }
        return errno;
    }

    private static String lastLines(String stderr) {
        String[] lines = stderr.split("\n");
        String tail = lines.length <= 3 ? stderr : String.join("\n", java.util.Arrays.copyOfRange(lines, lines.length - 3, lines.length));
        return tail.length() > 600 ? tail.substring(tail.length() - 600) : tail;
    }
}
