package io.pvcresizer.common.kafka.acl;

import static org.apache.kafka.common.acl.AclOperation.CREATE;
import static org.apache.kafka.common.acl.AclOperation.DESCRIBE;
import static org.apache.kafka.common.acl.AclOperation.READ;
import static org.apache.kafka.common.acl.AclOperation.WRITE;
import static org.apache.kafka.common.resource.PatternType.LITERAL;
import static org.apache.kafka.common.resource.PatternType.PREFIXED;

import io.pvcresizer.common.topics.Topic;
import io.pvcresizer.common.topics.Topics;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The Kafka ACLs of pvc-resizer, least privilege per service: only the watcher writes the request topics, only
 * resize-service {@code volume-results}, only fs-service {@code node-results}, {@code node-events} and
 * {@code volume-usage}; each reads only what it consumes, in its own consumer groups, and writes only the dead-letter
 * topics of what it consumes. Every service may describe and create the {@code pvc-resize.} topics (each creates the
 * topics it uses when missing). {@code deploy/kafka/acls.sh} is this list as {@code kafka-acls.sh} calls.
 */
public final class PvcResizerAcls {

    /** Every pvc-resizer topic name starts with this. */
    public static final String TOPIC_PREFIX = "pvc-resize.";

    private PvcResizerAcls() {
    }

    /**
     * The principals of the three services ({@code User:<name>}, as the broker's authenticator names them: the SASL
     * user name, or the certificate's distinguished name under mTLS).
     */
    public record Principals(String watcher, String resize, String fs) {
    }

    /**
     * Every ACL the three services need, and no other.
     *
     * @param driverRequestTopics the request topics of drivers with a resize-service sidecar of their own (the
     *                            watcher's {@code request-topics}); each gets the same rights as the shared one
     */
    public static List<AclBinding> bindings(Principals principals, List<String> driverRequestTopics) {
        List<AclBinding> acls = new ArrayList<>();
        for (String principal : List.of(principals.watcher(), principals.resize(), principals.fs())) {
            acls.add(allow(principal, ResourceType.TOPIC, TOPIC_PREFIX, PREFIXED, DESCRIBE));
            acls.add(allow(principal, ResourceType.TOPIC, TOPIC_PREFIX, PREFIXED, CREATE));
        }
        List<String> volumeRequests = new ArrayList<>(List.of(Topics.VOLUME_REQUESTS_NAME));
        driverRequestTopics.stream().map(t -> Topics.volumeRequests(t).name()).filter(t -> !volumeRequests.contains(t))
                .forEach(volumeRequests::add);
        // watcher-service: writes the requests, reads the results, dead-letters what it cannot apply.
        for (String requests : volumeRequests) {
            acls.add(allow(principals.watcher(), ResourceType.TOPIC, requests, LITERAL, WRITE));
        }
        acls.add(allow(principals.watcher(), ResourceType.TOPIC, Topics.NODE_REQUESTS_NAME, LITERAL, WRITE));
        for (Topic<?> consumed : List.of(Topics.VOLUME_RESULTS, Topics.NODE_RESULTS, Topics.NODE_EVENTS)) {
            acls.add(allow(principals.watcher(), ResourceType.TOPIC, consumed.name(), LITERAL, READ));
            acls.add(allow(principals.watcher(), ResourceType.TOPIC, consumed.deadLetterName(), LITERAL, WRITE));
        }
        acls.add(allow(principals.watcher(), ResourceType.GROUP, "pvc-resizer-watcher", LITERAL, READ));
        // resize-service (and each driver's sidecar): reads the volume requests, writes the volume results.
        for (String requests : volumeRequests) {
            acls.add(allow(principals.resize(), ResourceType.TOPIC, requests, LITERAL, READ));
            acls.add(allow(principals.resize(), ResourceType.TOPIC, requests + Topic.DLT_SUFFIX, LITERAL, WRITE));
        }
        acls.add(allow(principals.resize(), ResourceType.TOPIC, Topics.VOLUME_RESULTS_NAME, LITERAL, WRITE));
        acls.add(allow(principals.resize(), ResourceType.GROUP, "resize-service", PREFIXED, READ));
        // fs-service: reads its node's requests, writes node results, node events and usage.
        acls.add(allow(principals.fs(), ResourceType.TOPIC, Topics.NODE_REQUESTS_NAME, LITERAL, READ));
        acls.add(allow(principals.fs(), ResourceType.TOPIC, Topics.NODE_REQUESTS.deadLetterName(), LITERAL, WRITE));
        for (Topic<?> produced : List.of(Topics.NODE_RESULTS, Topics.NODE_EVENTS, Topics.VOLUME_USAGE)) {
            acls.add(allow(principals.fs(), ResourceType.TOPIC, produced.name(), LITERAL, WRITE));
        }
        acls.add(allow(principals.fs(), ResourceType.GROUP, "fs-service-", PREFIXED, READ));
        return List.copyOf(acls);
    }

    /**
     * The ACLs as {@code kafka-acls.sh} calls, one per line, for an operator's Kafka installation
     * ({@code deploy/kafka/acls.sh} is this output for the default names).
     */
    public static List<String> kafkaAclsCommands(Principals principals, List<String> driverRequestTopics) {
        List<String> lines = new ArrayList<>();
        for (AclBinding acl : bindings(principals, driverRequestTopics)) {
            ResourcePattern resource = acl.pattern();
            String kind = resource.resourceType() == ResourceType.GROUP ? "--group" : "--topic";
            lines.add("kafka-acls.sh \"$@\" --add --allow-principal '" + acl.entry().principal() + "' --operation "
                    + operationName(acl.entry().operation()) + " " + kind + " '" + resource.name() + "'"
                    + (resource.patternType() == PREFIXED ? " --resource-pattern-type prefixed" : ""));
        }
        return lines;
    }

    private static String operationName(AclOperation operation) {
        return switch (operation) {
            case DESCRIBE -> "Describe";
            case CREATE -> "Create";
            case READ -> "Read";
            case WRITE -> "Write";
            default -> operation.name();
        };
    }

    /** Prints {@link #kafkaAclsCommands} for the principals given as arguments (watcher, resize, fs, then driver topics). */
    public static void main(String[] args) {
        if (args.length < 3) {
            System.err.println("usage: PvcResizerAcls User:<watcher> User:<resize-service> User:<fs-service> [driver request topic...]");
            System.exit(2);
        }
        kafkaAclsCommands(new Principals(args[0], args[1], args[2]), List.of(args).subList(3, args.length))
                .forEach(System.out::println);
    }

    private static AclBinding allow(String principal, ResourceType type, String name, PatternType pattern, AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }
}
