package io.pvcresizer.resize.expansion;

import io.pvcresizer.common.events.VolumeExpansionRequested;
import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.failure.ResizeException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * Chooses the {@link VolumeExpander} of a request from the PV's CSI driver, through the configured mapping of driver
 * names to backend names.
 */
public class ExpanderRegistry {

    private final Map<String, VolumeExpander> byBackend = new HashMap<>();
    private final Map<String, String> backendByDriver;

    /**
     * @param expanders       the available backends, each with a distinct {@link VolumeExpander#backend()} name
     * @param backendByDriver driver name → backend name
     * @throws IllegalStateException when two expanders share a backend name or a driver maps to a missing backend,
     *                               so that a configuration mistake stops the service at start, not at the first resize
     */
    public ExpanderRegistry(Collection<? extends VolumeExpander> expanders, Map<String, String> backendByDriver) {
        this(expanders, backendByDriver, UnaryOperator.identity());
    }

    /**
     * A registry that hands out each expander wrapped by {@code decorator} (the guard around every backend call).
     *
     * @throws IllegalStateException as {@link #ExpanderRegistry(Collection, Map)}
     */
    public ExpanderRegistry(Collection<? extends VolumeExpander> expanders, Map<String, String> backendByDriver,
            UnaryOperator<VolumeExpander> decorator) {
        Map<String, VolumeExpander> plain = new HashMap<>();
        for (VolumeExpander expander : expanders) {
            VolumeExpander previous = plain.put(expander.backend(), expander);
            if (previous != null) {
                throw new IllegalStateException("two volume expanders for backend \"" + expander.backend() + "\": "
                        + previous.getClass().getName() + " and " + expander.getClass().getName());
            }
        }
        plain.forEach((backend, expander) -> byBackend.put(backend, decorator.apply(expander)));
        this.backendByDriver = new TreeMap<>(backendByDriver);
        this.backendByDriver.forEach((driver, backend) -> {
            if (!byBackend.containsKey(backend)) {
                throw new IllegalStateException("driver \"" + driver + "\" is mapped to backend \"" + backend
                        + "\", which does not exist; known backends: " + backends());
            }
        });
    }

    /**
     * The expander for the request's driver.
     *
     * @throws ResizeException infeasible {@code NoBackendForDriver} when no backend is configured for the driver
     */
    public VolumeExpander expanderFor(VolumeExpansionRequested request) {
        String backend = request.driver() == null ? null : backendByDriver.get(request.driver());
        if (backend == null) {
            throw new ResizeException(Reason.NO_BACKEND_FOR_DRIVER,
                    "resize-service has no backend for driver \"" + request.driver() + "\" of volume "
                            + request.volume().pvName() + "; configured drivers: " + backendByDriver.keySet()
                            + " (map it under pvc-resizer.resize.drivers)");
        }
        return byBackend.get(backend);
    }

    /** The names of all available backends, sorted. */
    public Set<String> backends() {
        return new TreeSet<>(byBackend.keySet());
    }

    /** The configured drivers, sorted. */
    public List<String> drivers() {
        return List.copyOf(backendByDriver.keySet());
    }
}
