package io.pvcresizer.watcher.recording;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pvcresizer.common.text.BoundedText;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link EventRecorder} that creates core/v1 Events through the API server, as client-go's recorder does: on a
 * thread of its own, so that the watcher's work thread never waits for a report (events are 4 of the 10 API writes
 * of a resize); with a bounded queue (full: the event is dropped and counted) and client-go's spam filter (per
 * object a burst of {@value #SPAM_BURST}, then one more each {@code SPAM_REFILL}: the rest dropped and counted).
 */
public class KubernetesEventRecorder implements EventRecorder {

    private static final Logger log = LoggerFactory.getLogger(KubernetesEventRecorder.class);

    /** Events waiting to be sent at most; more are dropped. */
    static final int QUEUE_LIMIT = 1000;
    /** Events per object before the spam filter holds them back, as client-go's default. */
    static final int SPAM_BURST = 25;
    static final java.time.Duration SPAM_REFILL = java.time.Duration.ofMinutes(5);

    private final KubernetesClient client;
    private final String component;
    private final String instance;
    private final java.util.function.Consumer<String> dropped;
    private final java.util.Map<String, long[]> budgets = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.ExecutorService sender = new java.util.concurrent.ThreadPoolExecutor(1, 1, 0,
            java.util.concurrent.TimeUnit.MILLISECONDS, new java.util.concurrent.ArrayBlockingQueue<>(QUEUE_LIMIT), r -> {
        Thread thread = new Thread(r, "event-recorder");
        thread.setDaemon(true);
        return thread;
    }, new java.util.concurrent.ThreadPoolExecutor.AbortPolicy());

    public KubernetesEventRecorder(KubernetesClient client, String component, String instance) {
        this(client, component, instance, cause -> { });
    }

    /** @param dropped told the cause ({@code queue_full}, {@code spam}) of each event not sent */
    public KubernetesEventRecorder(KubernetesClient client, String component, String instance,
            java.util.function.Consumer<String> dropped) {
        this.client = client;
        this.component = component;
        this.instance = instance;
        this.dropped = dropped;
    }

    @Override
    public void normal(HasMetadata involved, String reason, String message) {
        submit(involved, "Normal", reason, message);
    }

    @Override
    public void warning(HasMetadata involved, String reason, String message) {
        submit(involved, "Warning", reason, message);
    }

    private void submit(HasMetadata involved, String type, String reason, String message) {
        if (!allowedBySpamFilter(involved)) {
            dropped.accept("spam");
            log.debug("{} event {} on {} dropped by the spam filter", type, reason, involved.getMetadata().getName());
            return;
        }
        try {
            sender.execute(() -> record(involved, type, reason, message));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            dropped.accept("queue_full");
            log.warn("{} event {} on {} dropped: {} events already wait to be sent", type, reason,
                    involved.getMetadata().getName(), QUEUE_LIMIT);
        }
    }

    /** A token bucket per object (uid, else namespace/name): {@link #SPAM_BURST} at once, one more per refill period. */
    private boolean allowedBySpamFilter(HasMetadata involved) {
        String key = involved.getMetadata().getUid() != null ? involved.getMetadata().getUid()
                : involved.getKind() + "/" + involved.getMetadata().getNamespace() + "/" + involved.getMetadata().getName();
        long now = System.nanoTime();
        long[] budget = budgets.computeIfAbsent(key, k -> new long[] {SPAM_BURST, now});
        synchronized (budget) {
            long refills = (now - budget[1]) / SPAM_REFILL.toNanos();
            if (refills > 0) {
                budget[0] = Math.min(SPAM_BURST, budget[0] + refills);
                budget[1] += refills * SPAM_REFILL.toNanos();
            }
            if (budget[0] <= 0) {
                return false;
            }
            budget[0]--;
            return true;
        }
    }

    private void record(HasMetadata involved, String type, String reason, String message) {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        String namespace = involved.getMetadata().getNamespace() == null ? "default" : involved.getMetadata().getNamespace();
        Event event = new EventBuilder()
                .withNewMetadata()
                .withNamespace(namespace)
                .withName(involved.getMetadata().getName() + "." + UUID.randomUUID().toString().replace("-", "").substring(0, 16))
                .endMetadata()
                .withNewInvolvedObject()
                .withKind(involved.getKind()).withApiVersion(involved.getApiVersion())
                .withNamespace(involved.getMetadata().getNamespace()).withName(involved.getMetadata().getName())
                .withUid(involved.getMetadata().getUid()).withResourceVersion(involved.getMetadata().getResourceVersion())
                .endInvolvedObject()
                .withType(type).withReason(reason).withMessage(BoundedText.message(message))
                .withNewSource().withComponent(component).endSource()
                .withReportingComponent(component).withReportingInstance(instance)
                .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                .build();
        try {
            client.v1().events().inNamespace(namespace).resource(event).create();
        } catch (KubernetesClientException e) {
            // An event is a report, never a reason to fail the operation it reports.
            log.warn("could not record {} event {} on {}/{}: {}", type, reason, namespace,
                    involved.getMetadata().getName(), e.getMessage());
        }
    }
}
