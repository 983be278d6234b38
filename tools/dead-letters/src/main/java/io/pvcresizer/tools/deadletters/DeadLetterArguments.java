package io.pvcresizer.tools.deadletters;

import io.pvcresizer.common.kafka.DeadLetterHeaders;
import io.pvcresizer.common.kafka.EventDecodingException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The command line of the dead-letter command, read strictly: a known command, known options each given once (but
 * {@code --topic} and {@code --record}), only the options of that command, known topics and reasons, and well-formed
 * record ids, broker addresses and timeouts; anything else is a {@link UsageException}.
 *
 * @param command          what to do
 * @param bootstrapServers the brokers, {@code host:port[,host:port…]}
 * @param selection        topics, reason and key the records must have
 * @param records          for replay: the records named with {@code --record} (empty with {@code --all})
 * @param json             for list: one JSON object per line
 * @param dryRun           for replay: print what would be sent, send nothing
 * @param timeout          how long to wait for Kafka
 * @param clientProperties Kafka client properties read from {@code --command-config} (TLS, SASL, ...), as Kafka's own
 *                         tools take them; empty without it
 * @param kubeconfig       for replay: the kubeconfig to read claims with ({@code --kubeconfig}), or null for the usual
 *                         places
 * @param force            for replay: send requests their claim no longer wants too, without reading the claims
 */
record DeadLetterArguments(Command command, String bootstrapServers, DeadLetterSelection selection,
                           List<RecordId> records, boolean json, boolean dryRun, Duration timeout,
                           java.util.Map<String, Object> clientProperties, String kubeconfig, boolean force) {

    /** The commands. */
    enum Command { HELP, LIST, REPLAY }

    /** Broker address used when neither {@code --bootstrap-servers} nor the environment names one. */
    static final String DEFAULT_BOOTSTRAP_SERVERS = "localhost:9092";
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /** Every value of the {@code pvc-resizer-dlt-reason} header that the services write. */
    static final List<String> REASONS = reasons();

    private static final Set<String> VALUED = Set.of("--bootstrap-servers", "--command-config", "--topic", "--reason", "--key", "--timeout",
            "--record", "--kubeconfig");
    private static final Set<String> FLAGS = Set.of("--json", "--all", "--dry-run", "--force");
    private static final Set<String> REPEATABLE = Set.of("--topic", "--record");
    private static final Set<String> LIST_ONLY = Set.of("--json");
    private static final Set<String> REPLAY_ONLY = Set.of("--all", "--record", "--dry-run", "--force", "--kubeconfig");
    private static final Pattern BROKER = Pattern.compile("(\\[[0-9a-fA-F:.]+\\]|[^\\s,:\\[\\]]+):(\\d{1,5})");
    private static final Pattern TIMEOUT = Pattern.compile("(\\d{1,9})(ms|s|m)?");

    DeadLetterArguments {
        records = List.copyOf(records);
    }

    /** Whether replay is of every selected record ({@code --all}) rather than of the ones named with {@code --record}. */
    boolean all() {
        return records.isEmpty();
    }

    /**
     * Reads the arguments.
     *
     * @param args                    the command line, command first
     * @param defaultBootstrapServers brokers when {@code --bootstrap-servers} is not given (the environment's), or null
     */
    static DeadLetterArguments parse(List<String> args, String defaultBootstrapServers) {
        if (args.contains("--help") || args.contains("-h") || (!args.isEmpty() && args.get(0).equals("help"))) {
            return new DeadLetterArguments(Command.HELP, null, null, List.of(), false, false, DEFAULT_TIMEOUT,
                    java.util.Map.of(), null, false);
        }
        if (args.isEmpty()) {
            throw new UsageException("no command given: expected list or replay");
        }
        Command command;
        if (args.get(0).equals("list")) {
            command = Command.LIST;
        } else if (args.get(0).equals("replay")) {
            command = Command.REPLAY;
        } else {
            throw new UsageException("unknown command " + args.get(0) + ": expected list or replay");
        }

        Set<String> seen = new HashSet<>();
        Set<String> topics = new LinkedHashSet<>();
        Set<RecordId> records = new LinkedHashSet<>();
        String bootstrapServers = null;
        java.util.Map<String, Object> clientProperties = java.util.Map.of();
        String reason = null;
        String key = null;
        String kubeconfig = null;
        Duration timeout = DEFAULT_TIMEOUT;
        for (int i = 1; i < args.size(); i++) {
            String arg = args.get(i);
            String name = arg;
            String value = null;
            int equals = arg.indexOf('=');
            if (arg.startsWith("--") && equals > 0) {
                name = arg.substring(0, equals);
                value = arg.substring(equals + 1);
            }
            if (!VALUED.contains(name) && !FLAGS.contains(name)) {
                throw new UsageException(arg.startsWith("-") ? "unknown option " + name
                        : "unexpected argument " + arg + " (values follow their option, e.g. --topic <dlt topic>)");
            }
            if (command == Command.LIST && REPLAY_ONLY.contains(name)) {
                throw new UsageException(name + " is an option of replay, not of list");
            }
            if (command == Command.REPLAY && LIST_ONLY.contains(name)) {
                throw new UsageException(name + " is an option of list, not of replay");
            }
            if (!seen.add(name) && !REPEATABLE.contains(name)) {
                throw new UsageException(name + " given twice");
            }
            if (FLAGS.contains(name)) {
                if (value != null) {
                    throw new UsageException(name + " takes no value");
                }
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
                    throw new UsageException(name + " needs a value");
                }
                value = args.get(++i);
            }
            switch (name) {
                case "--bootstrap-servers" -> bootstrapServers = bootstrapServers(value);
                case "--topic" -> topics.add(topic(value));
                case "--reason" -> reason = reason(value);
                case "--key" -> key = nonEmpty(name, value);
                case "--timeout" -> timeout = timeout(value);
                case "--record" -> records.add(RecordId.parse(value));
                case "--command-config" -> clientProperties = commandConfig(value);
                case "--kubeconfig" -> kubeconfig = nonEmpty(name, value);
                default -> throw new IllegalStateException(name);
            }
        }

        if (kubeconfig != null && seen.contains("--force")) {
            throw new UsageException("--kubeconfig and --force exclude each other (--force reads no claim)");
        }
        boolean all = seen.contains("--all");
        if (command == Command.REPLAY && all == !records.isEmpty()) {
            throw new UsageException(all ? "--all and --record exclude each other"
                    : "replay needs --all or at least one --record <dlt-topic>:<partition>:<offset>");
        }
        for (RecordId record : records) {
            if (!topics.isEmpty() && !topics.contains(record.topic())) {
                throw new UsageException("--record " + record + " is not in a topic named by --topic");
            }
        }
        if (bootstrapServers == null) {
            bootstrapServers = defaultBootstrapServers == null || defaultBootstrapServers.isBlank()
                    ? DEFAULT_BOOTSTRAP_SERVERS : bootstrapServers(defaultBootstrapServers.trim());
        }
        DeadLetterSelection selection = new DeadLetterSelection(
                topics.isEmpty() ? DeadLetterTopics.ALL : List.copyOf(topics), reason, key);
        return new DeadLetterArguments(command, bootstrapServers, selection, List.copyOf(records),
                seen.contains("--json"), seen.contains("--dry-run"), timeout, clientProperties,
                kubeconfig, seen.contains("--force"));
    }

    private static String bootstrapServers(String value) {
        for (String broker : value.split(",", -1)) {
            Matcher matcher = BROKER.matcher(broker);
            if (!matcher.matches() || Integer.parseInt(matcher.group(2)) == 0
                    || Integer.parseInt(matcher.group(2)) > 65535) {
                throw new UsageException("--bootstrap-servers " + value + ": expected host:port[,host:port...]");
            }
        }
        return value;
    }

    private static String topic(String value) {
        if (!DeadLetterTopics.isDeadLetterTopic(value)) {
            throw new UsageException("--topic: " + DeadLetterTopics.whyUnknown(value));
        }
        return value;
    }

    private static String reason(String value) {
        if (!REASONS.contains(value)) {
            throw new UsageException("--reason " + value + ": unknown reason; known: " + String.join(", ", REASONS));
        }
        return value;
    }

    private static String nonEmpty(String name, String value) {
        if (value.isEmpty()) {
            throw new UsageException(name + " cannot be empty");
        }
        return value;
    }

    private static Duration timeout(String value) {
        Matcher matcher = TIMEOUT.matcher(value);
        if (!matcher.matches() || Long.parseLong(matcher.group(1)) == 0) {
            throw new UsageException("--timeout " + value + ": expected a positive duration such as 30s, 500ms or 2m");
        }
        long amount = Long.parseLong(matcher.group(1));
        String unit = matcher.group(2) == null ? "s" : matcher.group(2);
        Duration timeout = unit.equals("ms") ? Duration.ofMillis(amount)
                : unit.equals("m") ? Duration.ofMinutes(amount) : Duration.ofSeconds(amount);
        if (timeout.compareTo(Duration.ofHours(1)) > 0 || timeout.toMillis() < 100) {
            throw new UsageException("--timeout " + value + ": must be between 100ms and 60m");
        }
        return timeout;
    }

    private static List<String> reasons() {
        List<String> reasons = new ArrayList<>();
        Arrays.stream(EventDecodingException.Reason.values()).map(EventDecodingException.Reason::header)
                .forEach(reasons::add);
        reasons.add(DeadLetterHeaders.REASON_UNEXPECTED_RECORD);
        reasons.add(DeadLetterHeaders.REASON_UNTRUSTED_RECORD);
        reasons.add(DeadLetterHeaders.REASON_RETRIES_EXHAUSTED);
        reasons.add(DeadLetterHeaders.REASON_NOT_RETRIED);
        return List.copyOf(reasons);
    }

    /** The Kafka client properties of a {@code --command-config} file (a Java properties file, as Kafka's tools read). */
    private static java.util.Map<String, Object> commandConfig(String file) {
        java.util.Properties properties = new java.util.Properties();
        try (java.io.Reader reader = java.nio.file.Files.newBufferedReader(java.nio.file.Path.of(file))) {
            properties.load(reader);
        } catch (java.io.IOException | java.nio.file.InvalidPathException e) {
            throw new UsageException("--command-config " + file + ": cannot be read (" + e.getMessage() + ")");
        }
        java.util.Map<String, Object> config = new java.util.HashMap<>();
        properties.forEach((key, value) -> config.put(String.valueOf(key), value));
        return java.util.Map.copyOf(config);
    }
}
