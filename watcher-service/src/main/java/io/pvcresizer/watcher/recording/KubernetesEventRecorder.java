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
 * of a resize).
 */
public class KubernetesEventRecorder implements EventRecorder {

    private static final Logger log = LoggerFactory.getLogger(KubernetesEventRecorder.class);

    private final KubernetesClient client;
    private final String component;
    private final String instance;
    private final java.util.concurrent.ExecutorService sender = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "event-recorder");
        thread.setDaemon(true);
        return thread;
    });

    public KubernetesEventRecorder(KubernetesClient client, String component, String instance) {
        this.client = client;
        this.component = component;
        this.instance = instance;
    }

    @Override
    public void normal(HasMetadata involved, String reason, String message) {
        sender.execute(() -> record(involved, "Normal", reason, message));
    }

    @Override
    public void warning(HasMetadata involved, String reason, String message) {
        sender.execute(() -> record(involved, "Warning", reason, message));
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
