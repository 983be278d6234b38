package io.pvcresizer.tools.deadletters;

import io.pvcresizer.common.kafka.DeadLetterHeaders;
import io.pvcresizer.common.kafka.EventDecodingException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * The operator's dead-letter command: {@code list} prints the records of the {@code -dlt} topics with their reason
 * headers, {@code replay} sends chosen ones back to their original topic. Exit code 0 when done, 2 for bad
 * arguments, 1 when Kafka failed or did not answer in time.
 */
public final class DeadLetterCli {

    /** Reasons of records that are dead-lettered again as they are unless the consumer changed. */
    static final Set<String> POISON_REASONS = Set.of(EventDecodingException.Reason.MALFORMED.header(),
            EventDecodingException.Reason.UNKNOWN_TYPE.header(),
            EventDecodingException.Reason.UNSUPPORTED_SCHEMA_VERSION.header(),
            DeadLetterHeaders.REASON_UNEXPECTED_RECORD, DeadLetterHeaders.REASON_UNTRUSTED_RECORD);

    static final String USAGE = """
            Usage: dead-letters.sh list   [options] [--json]
                   dead-letters.sh replay [options] (--all | --record <dlt-topic>:<partition>:<offset> ...) [--dry-run]
              (or: java -Dloader.main=io.pvcresizer.tools.deadletters.DeadLetterCli -cp <service exec jar>
                   org.springframework.boot.loader.launch.PropertiesLauncher <command> [options])

            Lists and replays the records pvc-resizer's services gave up and wrote to the dead-letter topics.

              list      print every dead letter, one line each, oldest first in each partition: its id
                        <dlt-topic>:<partition>:<offset> (what --record takes), timestamp, key, reason, failure-reason,
                        service, original (<topic>-<partition>@<offset>), detail and the first %d characters of the
                        value (bytes that do not print are written \\xNN). Reads to the current end, then stops.
              replay    send the chosen dead letters back to their original topic with the same key, the same value
                        bytes and the same headers, without the kafka_dlt-* and pvc-resizer-dlt-* ones, plus
                        pvc-resizer-replayed-from: <dlt-topic>-<partition>@<offset>. Waits until every record is
                        acknowledged by all in-sync replicas, then prints what it sent and how many.

            Options:
              --bootstrap-servers H:P[,H:P]  brokers (default: $KAFKA_BOOTSTRAP_SERVERS, else localhost:9092)
              --command-config FILE          Kafka client properties (security.protocol, ssl.*, sasl.*), as Kafka's tools take them
              --topic T        read only this dead-letter topic; repeatable. One of:
                               %s
              --reason R       only records with pvc-resizer-dlt-reason R, one of:
                               %s
              --key K          only records with key K (a PV name or a node name)
              --timeout D      how long to wait for Kafka, e.g. 30s (default), 500ms, 2m
              --json           list: one JSON object per line instead
              --all            replay: every selected record
              --record T:P:O   replay: the record at offset O of partition P of dead-letter topic T; repeatable.
                               --topic, --reason and --key must match it too.
              --dry-run        replay: print what would be sent, send nothing
              --kubeconfig F   replay: read claims with this kubeconfig (default: $KUBECONFIG, ~/.kube/config, or
                               the pod's service account)
              --force          replay: send requests their claim no longer wants too, reading no claim
              -h, --help       this text

            Replay is at-least-once by design: it does not remove anything from the dead-letter topic, so replaying
            a record again sends another copy, and a failure part-way may have sent some records already. That is
            safe because every handler is idempotent: resize-service grows a volume only when it is smaller than the
            target, fs-service's growth tools change nothing on a filesystem at size, and the watcher applies a result
            only to the claim's current operation.

            Before sending a request (of pvc-resize.volume-requests or pvc-resize.node-requests) replay reads its claim
            and keeps back a request the claim no longer wants: the claim is gone or another object (uid), is bound to
            another volume, or asks for another size (a volume request's target must be what the claim asks for now,
            a node request's at least that). With --record such a request is refused and nothing is sent; with --all
            it is skipped and named. --force sends them anyway. Results are not checked: the watcher checks them
            against the claim itself. Records with reason malformed-record, unknown-event-type,
            unsupported-schema-version, unexpected-record or untrusted-record are poison: replayed to an unchanged
            consumer they come
            straight back to the dead-letter topic; fix or upgrade first. Nothing commits consumer offsets.

            Exit codes: 0 done, 2 bad arguments or a named record refused, 1 Kafka or the Kubernetes API failed or
            did not answer within --timeout.
            """.formatted(DeadLetterPrinter.VALUE_PREVIEW_CHARS,
            String.join("\n" + " ".repeat(19), DeadLetterTopics.ALL),
            String.join(", ", DeadLetterArguments.REASONS));

    private static final String NAME = "dead-letters";
    private static final String LOGGING_PROPERTY = "logback.configurationFile";
    private static final String LOGGING = "io/pvcresizer/tools/deadletters/logback-cli.xml";

    private final PrintStream out;
    private final PrintStream err;
    private final ClaimLookups claimLookups;
    private final DeadLetterPrinter printer = new DeadLetterPrinter();

    /** Opens the {@link ClaimLookup} of a replay: with the kubeconfig given (or null) and the command's timeout. */
    @FunctionalInterface
    interface ClaimLookups {
        ClaimLookup open(String kubeconfig, java.time.Duration timeout);
    }

    DeadLetterCli(PrintStream out, PrintStream err) {
        this(out, err, DeadLetterCli::kubernetesClaims);
    }

    DeadLetterCli(PrintStream out, PrintStream err, ClaimLookups claimLookups) {
        this.out = out;
        this.err = err;
        this.claimLookups = claimLookups;
    }

    private static ClaimLookup kubernetesClaims(String kubeconfig, java.time.Duration timeout) {
        try {
            return KubernetesClaimLookup.connect(kubeconfig, timeout);
        } catch (NoClassDefFoundError e) {
            throw new UsageException("this jar has no Kubernetes client to read claims with: run the command from the"
                    + " watcher-service or resize-service jar, or pass --force to replay without the check");
        }
    }

    public static void main(String[] args) {
        // Before any Kafka class asks for a logger: warnings and errors only, on stderr, so stdout stays the output.
        if (System.getProperty(LOGGING_PROPERTY) == null) {
            System.setProperty(LOGGING_PROPERTY, LOGGING);
        }
        int code = new DeadLetterCli(System.out, System.err).run(Arrays.asList(args),
                System.getenv("KAFKA_BOOTSTRAP_SERVERS"));
        System.out.flush();
        System.exit(code);
    }

    /**
     * Runs one command line and returns its exit code.
     *
     * @param args                    the command line, command first
     * @param defaultBootstrapServers brokers when {@code --bootstrap-servers} is not given, or null
     */
    int run(List<String> args, String defaultBootstrapServers) {
        DeadLetterArguments arguments;
        try {
            arguments = DeadLetterArguments.parse(args, defaultBootstrapServers);
        } catch (UsageException e) {
            err.println(NAME + ": " + e.getMessage());
            err.println("Run with --help for usage.");
            return 2;
        }
        try {
            switch (arguments.command()) {
                case HELP -> {
                    out.print(USAGE);
                    return 0;
                }
                case LIST -> {
                    list(arguments);
                    return 0;
                }
                case REPLAY -> {
                    return replay(arguments);
                }
                default -> throw new IllegalStateException(arguments.command().toString());
            }
        } catch (UsageException e) {
            err.println(NAME + ": " + e.getMessage());
            return 2;
        } catch (DeadLetterKafkaException e) {
            err.println(NAME + ": " + e.getMessage());
            return 1;
        } catch (ClaimLookup.ClaimLookupException e) {
            err.println(NAME + ": " + e.getMessage() + "; nothing was replayed (--force replays without reading claims)");
            return 1;
        } catch (KafkaException e) {
            err.println(NAME + ": " + DeadLetterKafkaException.of("using the client", arguments.bootstrapServers(),
                    arguments.timeout(), e).getMessage());
            return 1;
        }
    }

    private void list(DeadLetterArguments arguments) {
        try (DeadLetterReader reader = new DeadLetterReader(arguments.bootstrapServers(), arguments.timeout(), arguments.clientProperties())) {
            List<DeadLetter> all = reader.readAll(partitions(reader, arguments.selection().topics()));
            List<DeadLetter> selected = all.stream().filter(arguments.selection()::matches).toList();
            for (DeadLetter record : selected) {
                out.println(arguments.json() ? printer.json(record) : printer.line(record));
            }
            err.println(selected.size() + " of " + all.size() + " dead letters listed");
        }
    }

    private int replay(DeadLetterArguments arguments) {
        List<DeadLetter> chosen;
        try (DeadLetterReader reader = new DeadLetterReader(arguments.bootstrapServers(), arguments.timeout(), arguments.clientProperties())) {
            chosen = arguments.all() ? selectAll(reader, arguments) : named(reader, arguments);
        }
        for (DeadLetter record : chosen) {
            String claimed = record.originalTopic();
            if (claimed != null && !claimed.isBlank() && !claimed.equals(record.replayTopic())) {
                throw new UsageException(record.id() + " says it came from " + claimed + " but lies in the dead-letter"
                        + " topic of " + record.replayTopic() + " (a forged header?); nothing was replayed");
            }
        }
        if (!arguments.force()) {
            chosen = keepWanted(chosen, arguments);
        }
        if (chosen.isEmpty()) {
            out.println("nothing to replay");
            return 0;
        }
        for (DeadLetter record : chosen) {
            if (POISON_REASONS.contains(record.reason())) {
                err.println("warning: " + record.id() + " was dead-lettered as " + record.reason()
                        + "; unless its consumer changed since, it will come back to " + record.id().topic());
            }
        }
        if (arguments.dryRun()) {
            chosen.forEach(record -> out.println(printer.wouldReplay(record)));
            out.println("dry run: " + chosen.size() + " record(s) would be replayed, nothing sent");
            return 0;
        }
        List<DeadLetterReplayer.Replayed> outcomes;
        try (DeadLetterReplayer replayer = new DeadLetterReplayer(arguments.bootstrapServers(), arguments.timeout(), arguments.clientProperties())) {
            outcomes = replayer.replay(chosen);
        }
        int sent = 0;
        for (DeadLetterReplayer.Replayed outcome : outcomes) {
            if (outcome.failure() == null) {
                out.println(printer.replayed(outcome.deadLetter(), outcome.sent()));
                sent++;
            } else {
                err.println(NAME + ": could not replay " + outcome.deadLetter().id() + ": "
                        + outcome.failure().getMessage());
            }
        }
        out.println("replayed " + sent + " record(s)" + (sent < outcomes.size()
                ? ", " + (outcomes.size() - sent) + " failed (replaying those again is safe)" : ""));
        return sent == outcomes.size() ? 0 : 1;
    }

    /**
     * The records but the requests their claim no longer wants: with {@code --record} any such request refuses the
     * whole replay, with {@code --all} each is skipped and named.
     */
    private List<DeadLetter> keepWanted(List<DeadLetter> chosen, DeadLetterArguments arguments) {
        List<DeadLetter> wanted = new ArrayList<>();
        List<String> stale = new ArrayList<>();
        try (ClaimLookup claims = claimLookups.open(arguments.kubeconfig(), arguments.timeout())) {
            StaleRequests requests = new StaleRequests(claims);
            for (DeadLetter record : chosen) {
                requests.whyStale(record).ifPresentOrElse(why -> stale.add(record.id() + ": " + why),
                        () -> wanted.add(record));
            }
        }
        if (stale.isEmpty()) {
            return chosen;
        }
        if (!arguments.all()) {
            throw new UsageException("refused " + String.join("; ", stale) + "; nothing was replayed (--force replays"
                    + " it anyway)");
        }
        stale.forEach(line -> err.println("skipped " + line));
        err.println("skipped " + stale.size() + " request(s) their claim no longer wants (--force replays them)");
        return wanted;
    }

    private List<DeadLetter> selectAll(DeadLetterReader reader, DeadLetterArguments arguments) {
        return reader.readAll(partitions(reader, arguments.selection().topics())).stream()
                .filter(arguments.selection()::matches).toList();
    }

    /** The records named with --record, all of them or none: a missing or filtered-out one is an error. */
    private List<DeadLetter> named(DeadLetterReader reader, DeadLetterArguments arguments) {
        List<DeadLetter> found = reader.readRecords(arguments.records());
        List<String> problems = new ArrayList<>();
        for (RecordId id : arguments.records()) {
            DeadLetter record = found.stream().filter(r -> r.id().equals(id)).findFirst().orElse(null);
            if (record == null) {
                problems.add(id + ": no such record (wrong partition or offset, or removed by retention)");
            } else if (!arguments.selection().matches(record)) {
                problems.add(id + ": " + arguments.selection().mismatch(record));
            }
        }
        if (!problems.isEmpty()) {
            throw new UsageException(String.join("; ", problems) + "; nothing was replayed");
        }
        return found.stream().sorted(Comparator.comparing(DeadLetter::id)).toList();
    }

    private List<TopicPartition> partitions(DeadLetterReader reader, Collection<String> topics) {
        Map<String, List<TopicPartition>> partitions = reader.partitions(topics);
        List<String> missing = topics.stream().filter(t -> !partitions.containsKey(t)).toList();
        if (!missing.isEmpty()) {
            err.println("note: no topic " + String.join(", ", missing) + " on the brokers (skipped)");
        }
        return partitions.values().stream().flatMap(List::stream).toList();
    }
}
