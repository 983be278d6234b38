package io.pvcresizer.common.kafka.acl;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvcresizer.common.testing.ProjectFiles;
import io.pvcresizer.common.topics.Topics;
import java.nio.file.Files;
import java.util.List;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.junit.jupiter.api.Test;

class PvcResizerAclsTest {

    private static final PvcResizerAcls.Principals PRINCIPALS =
            new PvcResizerAcls.Principals("User:watcher-service", "User:resize-service", "User:fs-service");

    @Test
    void shouldLetOnlyTheWatcherWriteRequestsAndOnlyTheNodeAgentsWriteNodeResults() {
        List<AclBinding> acls = PvcResizerAcls.bindings(PRINCIPALS, List.of("pvc-resize.volume-requests.ebs.csi.aws.com"));

        assertThat(writers(acls, Topics.VOLUME_REQUESTS_NAME)).containsExactly("User:watcher-service");
        assertThat(writers(acls, "pvc-resize.volume-requests.ebs.csi.aws.com")).containsExactly("User:watcher-service");
        assertThat(writers(acls, Topics.NODE_REQUESTS_NAME)).containsExactly("User:watcher-service");
        assertThat(writers(acls, Topics.VOLUME_RESULTS_NAME)).containsExactly("User:resize-service");
        assertThat(writers(acls, Topics.NODE_RESULTS_NAME)).containsExactly("User:fs-service");
        assertThat(writers(acls, "pvc-resize.volume-requests.ebs.csi.aws.com-dlt")).containsExactly("User:resize-service");
        assertThat(acls).filteredOn(a -> a.entry().operation() == AclOperation.WRITE)
                .allSatisfy(a -> assertThat(a.pattern().patternType()).isEqualTo(PatternType.LITERAL));
    }

    @Test
    void shouldShipExactlyTheseAclsInTheScript() throws Exception {
        List<String> shipped = Files.readAllLines(ProjectFiles.find("deploy/kafka/acls.sh")).stream()
                .filter(line -> line.startsWith("kafka-acls.sh ")).toList();

        assertThat(shipped).isEqualTo(PvcResizerAcls.kafkaAclsCommands(PRINCIPALS, List.of()));
    }

    private static List<String> writers(List<AclBinding> acls, String topic) {
        return acls.stream().filter(a -> a.entry().operation() == AclOperation.WRITE)
                .filter(a -> a.pattern().patternType() == PatternType.LITERAL ? a.pattern().name().equals(topic)
                        : topic.startsWith(a.pattern().name()))
                .map(a -> a.entry().principal()).distinct().toList();
    }
}
