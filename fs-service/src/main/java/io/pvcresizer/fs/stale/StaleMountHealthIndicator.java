package io.pvcresizer.fs.stale;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health component {@code staleMounts}: always UP, since a dead mount of one volume is no reason to stop serving the
 * others (it is in no readiness group), with the mounts stale or hung now and the last reports as details.
 */
public class StaleMountHealthIndicator implements HealthIndicator {

    private final StaleMountScanner scanner;

    public StaleMountHealthIndicator(StaleMountScanner scanner) {
        this.scanner = Objects.requireNonNull(scanner, "scanner");
    }

    @Override
    public Health health() {
        return Health.up()
                .withDetail("lastScan", scanner.lastScan() == null ? "never" : scanner.lastScan().toString())
                .withDetail("staleMounts", details(scanner.current()))
                .withDetail("recentReports", details(scanner.recent()))
                .build();
    }

    private static List<Map<String, Object>> details(List<StaleMount> mounts) {
        return mounts.stream().map(StaleMountHealthIndicator::detail).toList();
    }

    private static Map<String, Object> detail(StaleMount mount) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("mountPoint", mount.mountPoint().toString());
        detail.put("fsType", mount.fsType());
        detail.put("state", mount.state().tag());
        detail.put("since", mount.since().toString());
        detail.put("pv", mount.pvName());
        detail.put("podUid", mount.podUid());
        detail.put("recovered", mount.recovered());
        detail.put("message", mount.message());
        return detail;
    }
}
