package io.pvcresizer.watcher.coexistence;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Readiness says when pvc-resizer stands back for a driver because another resizer is active for it, and which
 * evidence shows that; and when it cannot tell.
 */
public class OtherResizersHealthIndicator implements HealthIndicator {

    private final ExternalResizerDetector detector;

    public OtherResizersHealthIndicator(ExternalResizerDetector detector) {
        this.detector = detector;
    }

    @Override
    public Health health() {
        Health.Builder health = detector.active().isEmpty() ? Health.up() : Health.down();
        detector.active().forEach((driver, evidence) -> health.withDetail(driver,
                "standing back: another resizer is active (" + evidence + "); stop its csi-resizer to let pvc-resizer resize"));
        if (detector.lastFailure() != null) {
            health.withDetail("lastCheckFailed", detector.lastFailure());
        }
        return health.build();
    }
}
