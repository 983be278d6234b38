package io.pvcresizer.watcher.coexistence;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds, for each served driver, a Kubernetes CSI resizer ({@code csi-resizer} sidecar) that is active for it, by what
 * such a sidecar leaves on the API server: its leader-election Lease {@code external-resizer-<driver>} held and
 * renewed, or, for a sidecar run without leader election (no such Lease at all), events it reported
 * ({@code source: external-resizer <driver>}) recently.
 *
 * <p>Checks on a schedule; whenever the answer changes, {@code onChange} is told, so claims are looked at again.
 */
public class ExternalResizerDetector implements OtherResizers, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ExternalResizerDetector.class);

    private final KubernetesClient client;
    private final Set<String> drivers;
    private final Duration eventWindow;
    private final Duration period;
    private final Clock clock;
    private final Runnable onChange;
    private final ScheduledExecutorService schedule = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "external-resizer-detector");
        thread.setDaemon(true);
        return thread;
    });
    private volatile Map<String, String> active = Map.of();
    private volatile String lastFailure;

    /**
     * @param drivers     the served drivers
     * @param period      how often to look
     * @param eventWindow how recent an event of another resizer must be to count
     * @param onChange    called (on the detector's thread) when the set of drivers with another resizer changes
     */
    public ExternalResizerDetector(KubernetesClient client, Set<String> drivers, Duration period, Duration eventWindow,
            Clock clock, Runnable onChange) {
        this.client = client;
        this.drivers = Set.copyOf(drivers);
        this.period = period;
        this.eventWindow = eventWindow;
        this.clock = clock;
        this.onChange = onChange;
    }

    /** Looks once now (so no claim is acted on before the first answer), then every period. */
    public void start() {
        check();
        schedule.scheduleWithFixedDelay(this::check, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The Lease name a {@code csi-resizer} for {@code driver} elects its leader with. */
    public static String leaseName(String driver) {
        String name = "external-resizer-" + driver.replaceAll("[^a-zA-Z0-9-]", "-");
        return name.endsWith("-") ? name + "X" : name;
    }

    /** The event source component a {@code csi-resizer} for {@code driver} reports as. */
    public static String eventSource(String driver) {
        return "external-resizer " + driver;
    }

    /** Looks for other resizers now and keeps the answer; a failed look keeps the last one. */
    void check() {
        try {
            Map<String, String> found = lookOnce();
            lastFailure = null;
            if (!found.equals(active)) {
                found.forEach((driver, evidence) -> {
                    if (!active.containsKey(driver)) {
                        log.warn("another resizer is active for driver {} ({}): pvc-resizer stands back from its claims", driver, evidence);
                    }
                });
                active.keySet().stream().filter(d -> !found.containsKey(d))
                        .forEach(d -> log.info("no other resizer is active for driver {} any more: pvc-resizer resizes its claims", d));
                active = Map.copyOf(found);
                onChange.run();
            }
        } catch (RuntimeException e) {
            // Keep the last answer: a claim is not handed back and forth because one look failed.
            lastFailure = e.getMessage();
            log.warn("cannot look for other resizers (Leases, events): {}", e.getMessage());
        }
    }

    /**
     * One look at the API server: the drivers another resizer is active for, with what shows it.
     *
     * @throws io.fabric8.kubernetes.client.KubernetesClientException when the server refuses a list (403 without the
     *                                                                 watcher's cluster-wide list of Leases and events)
     */
    public Map<String, String> lookOnce() {
        Map<String, String> found = new TreeMap<>();
        if (drivers.isEmpty()) {
            return found;
        }
        Instant now = clock.instant();
        Map<String, String> driverByLease = new TreeMap<>();
        drivers.forEach(d -> driverByLease.put(leaseName(d), d));
        Set<String> withLease = new TreeSet<>();
        for (Lease lease : client.leases().inAnyNamespace().list().getItems()) {
            String driver = driverByLease.get(lease.getMetadata().getName());
            if (driver == null) {
                continue;
            }
            withLease.add(driver);
            if (held(lease, now)) {
                found.put(driver, "Lease " + lease.getMetadata().getNamespace() + "/" + lease.getMetadata().getName()
                        + " held by " + lease.getSpec().getHolderIdentity());
            }
        }
        for (String driver : drivers) {
            // A Lease says whether its resizer runs now; only a resizer without leader election is told by its events.
            if (withLease.contains(driver)) {
                continue;
            }
            for (Event event : client.v1().events().inAnyNamespace().withField("source", eventSource(driver)).list().getItems()) {
                Instant at = eventTime(event);
                if (at != null && Duration.between(at, now).compareTo(eventWindow) <= 0) {
                    found.put(driver, "event " + event.getReason() + " from \"" + eventSource(driver) + "\" on "
                            + event.getInvolvedObject().getNamespace() + "/" + event.getInvolvedObject().getName()
                            + " at " + at);
                    break;
                }
            }
        }
        return found;
    }

    private static boolean held(Lease lease, Instant now) {
        if (lease.getSpec() == null || lease.getSpec().getHolderIdentity() == null || lease.getSpec().getHolderIdentity().isBlank()) {
            return false;
        }
        ZonedDateTime renewed = lease.getSpec().getRenewTime();
        Integer seconds = lease.getSpec().getLeaseDurationSeconds();
        if (renewed == null || seconds == null) {
            return true;
        }
        return renewed.toInstant().plusSeconds(seconds).isAfter(now);
    }

    private static Instant eventTime(Event event) {
        String time = event.getLastTimestamp() != null ? event.getLastTimestamp()
                : event.getEventTime() != null ? event.getEventTime().getTime() : event.getFirstTimestamp();
        if (time == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(time).toInstant();
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    public Optional<String> activeFor(String driver) {
        return Optional.ofNullable(active.get(driver));
    }

    @Override
    public Map<String, String> active() {
        return active;
    }

    /** Why the last look failed, or null when it did not. */
    public String lastFailure() {
        return lastFailure;
    }

    @Override
    public void close() {
        schedule.shutdownNow();
    }
}
