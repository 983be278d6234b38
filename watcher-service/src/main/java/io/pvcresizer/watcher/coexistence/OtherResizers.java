package io.pvcresizer.watcher.coexistence;

import java.util.Map;
import java.util.Optional;

/** Which served drivers another resizer (a running {@code csi-resizer} sidecar) is active for right now. */
public interface OtherResizers {

    /** No other resizer anywhere; for tests and for clusters where the check is turned off. */
    OtherResizers NONE = new OtherResizers() {
        @Override
        public Optional<String> activeFor(String driver) {
            return Optional.empty();
        }

        @Override
        public Map<String, String> active() {
            return Map.of();
        }
    };

    /** What shows another resizer active for {@code driver} ({@code Lease kube-system/external-resizer-...}), if any. */
    Optional<String> activeFor(String driver);

    /** Every driver another resizer is active for, with what shows it. */
    Map<String, String> active();
}
