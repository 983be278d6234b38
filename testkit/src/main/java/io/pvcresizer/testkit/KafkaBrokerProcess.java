package io.pvcresizer.testkit;

import io.pvcresizer.testkit.ServiceProcess;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.common.Uuid;

/**
 * A single-node Kafka broker (KRaft, broker and controller in one) run as a JVM of its own from the Kafka jars on this
 * class path, with its data on disk, so it can be stopped or killed and started again on the same port with its topics
 * and committed offsets intact — what a broker restart in production looks like.
 */
public final class KafkaBrokerProcess implements AutoCloseable {

    private final Path dir;
    private final int port;
    private final Path config;
    private final Path trustStore;
    private Process process;

    private KafkaBrokerProcess(Path dir, int port, Path config, Path trustStore) {
        this.dir = dir;
        this.port = port;
        this.config = config;
        this.trustStore = trustStore;
    }

    /** The password of the secured broker's key and trust stores (throwaway, per test run). */
    public static final String STORE_PASSWORD = "throwaway-store-secret";
    /** The secured broker's super user, as a SCRAM-SHA-512 user. */
    public static final String ADMIN_USER = "admin";

    /**
     * A broker as production runs one: a SASL_SSL listener only (TLS with a throwaway certificate for 127.0.0.1, SCRAM-SHA-512
     * users created when its storage is formatted), KRaft's {@code StandardAuthorizer} with no access without an ACL,
     * {@value #ADMIN_USER} the only super user.
     *
     * @param users user name → password, {@value #ADMIN_USER} among them
     */
    public static KafkaBrokerProcess startSecured(Path dir, java.util.Map<String, String> users) {
        try {
            Files.createDirectories(dir);
            Path keyStore = dir.resolve("broker.p12");
            Path trustStore = dir.resolve("truststore.p12");
            Path certificate = dir.resolve("broker.pem");
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            runTool(dir, keytool, "-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-dname",
                    "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "3", "-storetype", "PKCS12",
                    "-keystore", keyStore.toString(), "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD);
            runTool(dir, keytool, "-exportcert", "-alias", "broker", "-keystore", keyStore.toString(), "-storepass",
                    STORE_PASSWORD, "-rfc", "-file", certificate.toString());
            runTool(dir, keytool, "-importcert", "-alias", "broker", "-file", certificate.toString(), "-keystore",
                    trustStore.toString(), "-storetype", "PKCS12", "-storepass", STORE_PASSWORD, "-noprompt");
            int port = ServiceProcess.freePort();
            int controllerPort = ServiceProcess.freePort();
            Path config = dir.resolve("server.properties");
            String admin = users.get(ADMIN_USER);
            Files.writeString(config, String.join("\n",
                    "process.roles=broker,controller",
                    "node.id=1",
                    "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                    "listeners=SASL_SSL://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                    "advertised.listeners=SASL_SSL://127.0.0.1:" + port,
                    "controller.listener.names=CONTROLLER",
                    "inter.broker.listener.name=SASL_SSL",
                    "listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT",
                    "sasl.enabled.mechanisms=SCRAM-SHA-512",
                    "sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512",
                    "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=" + jaas(ADMIN_USER, admin),
                    "ssl.keystore.type=PKCS12",
                    "ssl.keystore.location=" + keyStore,
                    "ssl.keystore.password=" + STORE_PASSWORD,
                    "ssl.key.password=" + STORE_PASSWORD,
                    "ssl.truststore.type=PKCS12",
                    "ssl.truststore.location=" + trustStore,
                    "ssl.truststore.password=" + STORE_PASSWORD,
                    "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                    "super.users=User:" + ADMIN_USER + ";User:ANONYMOUS",
                    "allow.everyone.if.no.acl.found=false",
                    storageAndTopics(dir)));
            KafkaBrokerProcess broker = new KafkaBrokerProcess(dir, port, config, trustStore);
            List<String> format = new ArrayList<>(List.of("kafka.tools.StorageTool", "format", "-t",
                    Uuid.randomUuid().toString(), "-c", config.toString()));
            users.forEach((user, password) -> format.addAll(List.of("--add-scram",
                    "SCRAM-SHA-512=[name=" + user + ",password=" + password + "]")));
            broker.runToEnd(format, "format");
            broker.startAgain();
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a secured Kafka broker in " + dir, e);
        }
    }

    /**
     * The Kafka client properties of {@code user} on the secured broker: SASL_SSL, SCRAM-SHA-512, the throwaway
     * trust store; as {@code spring.kafka.*} / {@code spring.kafka.properties.*} keys when {@code springKeys}.
     */
    public java.util.Map<String, String> clientProperties(String user, String password, boolean springKeys) {
        java.util.Map<String, String> client = new java.util.LinkedHashMap<>();
        client.put(springKeys ? "spring.kafka.bootstrap-servers" : "bootstrap.servers", bootstrapServers());
        client.put(springKeys ? "spring.kafka.security.protocol" : "security.protocol", "SASL_SSL");
        client.put(springKeys ? "spring.kafka.ssl.trust-store-location" : "ssl.truststore.location",
                springKeys ? "file:" + trustStore : trustStore.toString());
        client.put(springKeys ? "spring.kafka.ssl.trust-store-password" : "ssl.truststore.password", STORE_PASSWORD);
        client.put(springKeys ? "spring.kafka.ssl.trust-store-type" : "ssl.truststore.type", "PKCS12");
        client.put((springKeys ? "spring.kafka.properties." : "") + "sasl.mechanism", "SCRAM-SHA-512");
        client.put((springKeys ? "spring.kafka.properties." : "") + "sasl.jaas.config", jaas(user, password));
        return client;
    }

    /** The settings both brokers share: where the data is, and topic defaults for one node. */
    private static String storageAndTopics(Path dir) {
        return String.join("\n", "log.dirs=" + dir.resolve("data"), "num.partitions=3",
                "offsets.topic.replication.factor=1", "offsets.topic.num.partitions=3",
                "transaction.state.log.replication.factor=1", "transaction.state.log.min.isr=1",
                "group.initial.rebalance.delay.ms=0", "auto.create.topics.enable=false", "");
    }

    private static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    private static void runTool(Path dir, String... argv) {
        try {
            Process tool = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("keytool.log").toFile())).start();
            if (!tool.waitFor(60, TimeUnit.SECONDS) || tool.exitValue() != 0) {
                throw new IllegalStateException(argv[0] + " failed; see " + dir.resolve("keytool.log"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Formats a new broker's storage under {@code dir} and starts it on a free port. */
    public static KafkaBrokerProcess start(Path dir) {
        try {
            Files.createDirectories(dir);
            int port = ServiceProcess.freePort();
            int controllerPort = ServiceProcess.freePort();
            Path config = dir.resolve("server.properties");
            Files.writeString(config, String.join("\n",
                    "process.roles=broker,controller",
                    "node.id=1",
                    "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                    "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                    "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                    "controller.listener.names=CONTROLLER",
                    "inter.broker.listener.name=PLAINTEXT",
                    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                    storageAndTopics(dir)) );
            KafkaBrokerProcess broker = new KafkaBrokerProcess(dir, port, config, null);
            broker.runToEnd(List.of("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(),
                    "-c", config.toString()), "format");
            broker.startAgain();
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a Kafka broker in " + dir, e);
        }
    }

    /** Starts the broker (again) on its port and waits until it accepts connections. */
    public void startAgain() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("the broker is running");
        }
        process = java(List.of("-Xmx512m", "-XX:+UseSerialGC", "kafka.Kafka", config.toString()), "broker");
        Process started = process;
        // Should whoever started it die first (Ctrl-C, a failed test JVM), the broker must not outlive it.
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly, "stop-kafka-broker"));
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Kafka broker exited with " + process.exitValue() + "; see " + log("broker"));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                Pause.of(Duration.ofMillis(200));
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("Kafka broker did not listen within 60 s; see " + log("broker"));
    }

    /** Stops the broker as an orderly shutdown does ({@code SIGTERM}) and waits for it to exit. */
    public void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** {@code host:port} for clients. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    private void runToEnd(List<String> mainAndArgs, String logName) {
        Process tool = java(mainAndArgs, logName);
        try {
            if (!tool.waitFor(120, TimeUnit.SECONDS) || tool.exitValue() != 0) {
                throw new IllegalStateException("Kafka " + logName + " failed; see " + log(logName));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private Process java(List<String> mainAndArgs, String logName) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(classPath());
        command.addAll(mainAndArgs);
        try {
            return new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log(logName).toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run Kafka " + logName, e);
        }
    }

    private Path log(String name) {
        return dir.resolve(name + ".log");
    }

    /** The class path holding the Kafka jars: the loader's URLs when run from a build tool, else this JVM's. */
    private static String classPath() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader instanceof URLClassLoader urls && urls.getURLs().length > 0) {
            List<String> entries = new ArrayList<>();
            for (URL url : urls.getURLs()) {
                entries.add(new File(url.getPath()).getPath());
            }
            return entries.stream().collect(Collectors.joining(File.pathSeparator));
        }
        return System.getProperty("java.class.path");
    }

    @Override
    public void close() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
