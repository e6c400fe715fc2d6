package io.mailtap.sensor;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Kafka broker for tests: one KRaft node that is broker and controller at once, run from
 * Kafka's own jars on the test classpath ({@code kafka_2.13}, test scope) as a child JVM, with its
 * log directory in a temp dir and its listeners on loopback ports picked free. A child process,
 * not the server classes in the test's JVM, so that {@link #kill()} is a real crash of the broker
 * (no controlled shutdown, sockets torn down by the kernel) and a {@link #start()} after it a real
 * restart on the same log directory and port, with nothing of the broker left in the test's JVM.
 */
final class KraftBroker implements AutoCloseable {
    private final Path dir;
    private final Path properties;
    private final Path output;
    private final int port;
    private Process process;

    private KraftBroker(Path dir, int port, Path properties) {
        this.dir = dir;
        this.port = port;
        this.properties = properties;
        this.output = dir.resolve("broker.out");
    }

    /** Writes the node's configuration and formats its log directory (a new cluster id). */
    static KraftBroker format(Path dir) throws IOException, InterruptedException {
        int port = freePort(), controller = freePort();
        Path props = dir.resolve("server.properties");
        Files.writeString(props, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controller,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + dir.resolve("data"),
                "num.partitions=3",
                "auto.create.topics.enable=false",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "num.network.threads=1",
                "num.io.threads=2",
                "background.threads=2",
                "log.cleaner.enable=false",
                // a restarted node is back as soon as its controller replays the log, not after the old session expires
                "broker.session.timeout.ms=3000",
                "broker.heartbeat.interval.ms=500",
                "") + "\n");
        KraftBroker b = new KraftBroker(dir, port, props);
        Process f = b.java("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(), "-c", props.toString());
        if (!f.waitFor(60, TimeUnit.SECONDS) || f.exitValue() != 0) {
            f.destroyForcibly();
            throw new IOException("kafka storage format failed: " + Files.readString(b.output));
        }
        return b;
    }

    String bootstrap() { return "127.0.0.1:" + port; }

    /** Starts the node and waits until it answers as a broker. */
    void start() throws Exception {
        if (process != null && process.isAlive()) throw new IllegalStateException("already running");
        process = java("kafka.Kafka", properties.toString());
        Process started = process;
        // a test JVM that dies without @AfterAll must not leave a broker behind on the CI machine
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly, "kraft-broker-reaper"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (Admin admin = admin()) {
            while (true) {
                if (!process.isAlive()) throw new IOException("broker exited: " + Files.readString(output));
                try {
                    if (!admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty()) return;
                } catch (Exception notYet) {
                    if (System.nanoTime() > deadline) throw new IOException("broker not up in 60 s: " + Files.readString(output), notYet);
                    Thread.sleep(100);
                }
            }
        }
    }

    /** Kills the node (SIGKILL: a crash, no controlled shutdown) and waits for the process to end. */
    void kill() throws InterruptedException {
        if (process == null) return;
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    void createTopics(Collection<String> names, int partitions) throws Exception {
        List<NewTopic> topics = new ArrayList<>();
        for (String n : names) topics.add(new NewTopic(n, partitions, (short) 1));
        try (Admin admin = admin()) {
            admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
        }
    }

    Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000));
    }

    private Process java(String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // a short-lived single-node broker: quick start and a small heap matter, peak throughput does not
                "-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-Djava.awt.headless=true",
                "-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile())).start();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

}
