package io.pvcresizer.watcher.recording;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The recorder's bounds, which hold whatever the API server does: here it does not even answer. */
class KubernetesEventRecorderTest {

    @Test
    void shouldHoldBackEventsOfOneObjectBeyondTheSpamBurstAndCountThem() {
        List<String> dropped = new CopyOnWriteArrayList<>();
        try (KubernetesClient nowhere = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                .withMasterUrl("http://127.0.0.1:1").withRequestRetryBackoffLimit(0).withConnectionTimeout(100).build()).build()) {
            KubernetesEventRecorder recorder = new KubernetesEventRecorder(nowhere, "pvc-resizer", "test", dropped::add);
            Pod noisy = new PodBuilder().withNewMetadata().withName("noisy").withNamespace("apps").withUid("u-1").endMetadata().build();
            Pod other = new PodBuilder().withNewMetadata().withName("other").withNamespace("apps").withUid("u-2").endMetadata().build();

            for (int i = 0; i < KubernetesEventRecorder.SPAM_BURST + 5; i++) {
                recorder.warning(noisy, "Forged", "message " + i);
            }
            recorder.warning(other, "Fine", "another object has a budget of its own");

            assertThat(dropped).containsOnly("spam").hasSize(5);
        }
    }
}
