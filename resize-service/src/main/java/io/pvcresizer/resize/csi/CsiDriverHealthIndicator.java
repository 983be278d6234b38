package io.pvcresizer.resize.csi;

import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.csi.DriverCapabilities;
import java.util.List;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health component {@code csiDriver} (readiness): the configured CSI driver answers on its socket, is the driver it
 * is configured as, and can expand volumes (plugin {@code VolumeExpansion}, controller {@code EXPAND_VOLUME}); DOWN
 * names what is missing. UP with nothing to check when no CSI driver is configured.
 */
public class CsiDriverHealthIndicator implements HealthIndicator {

    private final String driver;
    private final CsiVolumeExpander expander;

    /** @param expander null when no CSI driver is configured */
    public CsiDriverHealthIndicator(String driver, CsiVolumeExpander expander) {
        this.driver = driver;
        this.expander = expander;
    }

    @Override
    public Health health() {
        if (expander == null) {
            return Health.up().withDetail("driver", "none configured (pvc-resizer.resize.csi.driver)").build();
        }
        DriverCapabilities capabilities;
        try {
            capabilities = expander.capabilities();
        } catch (ResizeException e) {
            return Health.down().withDetail("driver", driver).withDetail("error", e.getMessage()).build();
        }
        List<String> missing = capabilities.missingForControllerExpansion(driver);
        Health.Builder health = missing.isEmpty() ? Health.up() : Health.down().withDetail("missing", missing);
        return health.withDetail("driver", capabilities.name())
                .withDetail("vendorVersion", capabilities.vendorVersion())
                .withDetail("volumeExpansion", capabilities.expansion().name())
                .build();
    }
}
