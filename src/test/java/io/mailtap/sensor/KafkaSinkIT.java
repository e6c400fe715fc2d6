package io.mailtap.sensor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailtap.cli.Main;
import io.mailtap.config.ConfigLoader;
import io.mailtap.config.MailtapConfig;
import io.mailtap.txlog.ForwardTarget;
import io.mailtap.txlog.Forwarded;
import io.mailtap.txlog.Forwarder;
import io.mailtap.txlog.Forwarding;
import io.mailtap.metrics.MailtapMetrics;
import io.mailtap.metrics.MetricsSource;
import io.mailtap.metrics.SensorTotals;
import io.mailtap.testutil.CorpusDir;
import io.mailtap.testutil.SensorLabels;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * output.kafka against a real broker: a single KRaft node (broker and controller) started by the
 * test from Kafka's jars, in a temp dir, on loopback. The records of replayed sample captures go
 * through the sink the live sensor builds ({@link ForwardingSinks}) and are consumed back equal to
 * the files' lines; a broker killed and restarted under load loses nothing the buffer holds, and
 * what the cap makes it drop is counted exactly.
 */
class KafkaSinkIT {
    private static final String SENSOR = "edge-1";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    private static KraftBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        Files.createDirectories(dir.resolve("broker"));
        broker = KraftBroker.format(dir.resolve("broker"));
        broker.start();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) broker.close();
    }

    @Test
    void everyRecordOfAReplayIsConsumedBackAsItsFileLineKeyedBySensorAndUid() throws Exception {
        Map<Forwarded, List<String>> lines = new EnumMap<>(Forwarded.class);
        for (Forwarded f : Forwarded.values()) lines.put(f, new ArrayList<>());
        // the samples have transactions and alerts; the corpus capture adds anomalies (plaintext after STARTTLS)
        for (String capture : List.of("samples/incident-1-helo-127.pcap", "samples/incident-2-null-sender.pcap",
                "samples/blocklist-two-lists.pcap", "samples/quickstart.pcap",
                CorpusDir.file("arkime/smtp-decrypted.pcap").toString())) {
            Path out = dir.resolve("replay-" + Path.of(capture).getFileName());
            StringWriter err = new StringWriter();
            int exit = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "replay", "--config", "samples/lab.yml",
                    "--out", out.toString(), capture);
            assertThat(exit).as("replay of %s: %s", capture, err).isZero();
            lines.get(Forwarded.TRANSACTIONS).addAll(readLines(out.resolve("smtp.jsonl")));
            lines.get(Forwarded.ALERTS).addAll(readLines(out.resolve("alerts.jsonl")));
            lines.get(Forwarded.ANOMALIES).addAll(readLines(out.resolve("anomalies.jsonl")));
        }
        for (Forwarded f : Forwarded.values()) assertThat(lines.get(f)).as("%s in the samples", f).isNotEmpty();

        Map<Forwarded, String> topics = topics("replay");
        broker.createTopics(topics.values(), 3);
        Forwarding forwarding = ForwardingSinks.create(config(topics, ""));
        for (Forwarded f : Forwarded.values()) {
            for (String l : lines.get(f)) {
                byte[] b = (l + "\n").getBytes(StandardCharsets.UTF_8); // as JsonLineOutput hands it over
                forwarding.offer(f, 6, b, 0, b.length);
            }
        }
        forwarding.close(); // waits for the queues and the acknowledgements (bounded)

        for (Forwarded f : Forwarded.values()) {
            List<ConsumerRecord<String, String>> got = consumeAll(topics.get(f));
            List<String> values = new ArrayList<>();
            for (ConsumerRecord<String, String> r : got) values.add(r.value());
            assertThat(values).as("%s: the topic holds exactly the file's lines", f).containsExactlyInAnyOrderElementsOf(lines.get(f));
            Map<String, List<String>> byKeyConsumed = new LinkedHashMap<>(), byKeyFile = new LinkedHashMap<>();
            for (ConsumerRecord<String, String> r : got) {
                assertThat(r.key()).as("key of %s", r.value()).isEqualTo(expectedKey(f, r.value()));
                assertThat(new String(r.headers().lastHeader("sensor").value(), StandardCharsets.UTF_8)).isEqualTo(SENSOR);
                assertThat(new String(r.headers().lastHeader("site").value(), StandardCharsets.UTF_8)).isEqualTo("fra1");
                byKeyConsumed.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
            }
            for (String l : lines.get(f)) byKeyFile.computeIfAbsent(expectedKey(f, l), k -> new ArrayList<>()).add(l);
            assertThat(byKeyConsumed).as("%s: one key's records in file order (one partition per key)", f).isEqualTo(byKeyFile);
            assertThat(forwarding.kafka().delivered(f)).isEqualTo(lines.get(f).size());
            assertThat(forwarding.kafka().failed(f)).isZero();
        }
        Forwarder.Stats s = forwarding.stats(ForwardTarget.KAFKA);
        assertThat(s.droppedQueueFull.get() + s.droppedSendFailed.get()).isZero();
        String scrape = scrape(forwarding);
        assertThat(scrape).contains("mailtap_kafka_records_delivered_total{record=\"transactions\"} "
                + lines.get(Forwarded.TRANSACTIONS).size() + ".0\n");
        assertThat(scrape).contains("mailtap_kafka_records_delivered_total{record=\"alerts\"} "
                + lines.get(Forwarded.ALERTS).size() + ".0\n");
        assertThat(scrape).contains("mailtap_forward_records_sent_total{sink=\"kafka\"} "
                + lines.values().stream().mapToInt(List::size).sum() + ".0\n");
    }

    @Test
    void aBrokerOutageLosesNothingTheBufferHoldsAndCountsExactlyWhatItDropsOverTheCap() throws Exception {
        Map<Forwarded, String> topics = topics("outage");
        broker.createTopics(topics.values(), 3);
        // a small cap: 20 queued records, 64 KiB of producer buffer (four 16 KiB batches)
        Forwarding forwarding = ForwardingSinks.create(config(topics, """
                    records: [transactions]
                    queue_size: 20
                    buffer_memory: 64KiB
                    max_block: 200ms
                    compression: none
                """));
        Forwarder.Stats s = forwarding.stats(ForwardTarget.KAFKA);
        try {
            offer(forwarding, "warm", 1); // the topic's metadata is known before the broker goes away
            await("the first record acknowledged", () -> forwarding.kafka().delivered(Forwarded.TRANSACTIONS) == 1);

            // under the cap: 15 records (< queue_size, ~6 KiB) while the broker is down
            broker.kill();
            offer(forwarding, "under", 15);
            await("15 records in the producer's buffer", () -> s.sent.get() == 16);
            assertThat(s.droppedQueueFull.get() + s.droppedSendFailed.get()).as("nothing dropped under the cap").isZero();
            assertThat(forwarding.kafka().delivered(Forwarded.TRANSACTIONS)).as("nothing can be acknowledged yet").isEqualTo(1);
            broker.start();
            await("the buffered records acknowledged after the restart", () -> forwarding.kafka().delivered(Forwarded.TRANSACTIONS) == 16);

            // over the cap: 1000 records (~400 KB) while the broker is down, offered as fast as the sender
            // takes them, so the producer's buffer fills first (send_failed), then the queue (queue_full)
            broker.kill();
            offerPaced(forwarding, s, "over", 1000);
            broker.start();
            await("every offered record accounted for", () -> s.sent.get() + s.droppedQueueFull.get() + s.droppedSendFailed.get() == 1016
                    && forwarding.kafka().delivered(Forwarded.TRANSACTIONS) + forwarding.kafka().failed(Forwarded.TRANSACTIONS) == s.sent.get());
        } finally {
            forwarding.close();
        }

        long dropped = s.droppedQueueFull.get() + s.droppedSendFailed.get();
        long delivered = forwarding.kafka().delivered(Forwarded.TRANSACTIONS);
        System.err.printf("outage: offered 1016, delivered %d, dropped queue_full %d, send_failed %d%n", delivered,
                s.droppedQueueFull.get(), s.droppedSendFailed.get());
        assertThat(s.droppedSendFailed.get()).as("the producer's buffer cap was hit").isPositive();
        assertThat(s.droppedQueueFull.get()).as("then the queue's").isPositive();
        assertThat(forwarding.kafka().failed(Forwarded.TRANSACTIONS)).as("nothing accepted was lost").isZero();
        assertThat(delivered + dropped).isEqualTo(1016);

        List<ConsumerRecord<String, String>> got = consumeAll(topics.get(Forwarded.TRANSACTIONS));
        Set<String> uids = new HashSet<>();
        int under = 0, over = 0;
        for (ConsumerRecord<String, String> r : got) {
            String uid = JSON.readTree(r.value()).get("uid").asText();
            assertThat(uids.add(uid)).as("%s written once (idempotent producer)", uid).isTrue();
            if (uid.startsWith("under-")) under++;
            if (uid.startsWith("over-")) over++;
        }
        assertThat(got).as("the topic holds what was acknowledged, no more, no less").hasSize((int) delivered);
        assertThat(under).as("records buffered through the outage").isEqualTo(15);
        assertThat(over).as("records over the cap: offered minus counted drops").isEqualTo(1000 - dropped);
        assertThat(uids).contains("warm-0");

        String scrape = scrape(forwarding);
        assertThat(scrape).contains("mailtap_forward_records_dropped_total{reason=\"queue_full\",sink=\"kafka\"} " + s.droppedQueueFull.get() + ".0\n");
        assertThat(scrape).contains("mailtap_forward_records_dropped_total{reason=\"send_failed\",sink=\"kafka\"} " + s.droppedSendFailed.get() + ".0\n");
        assertThat(scrape).contains("mailtap_kafka_records_delivered_total{record=\"transactions\"} " + delivered + ".0\n");
        assertThat(scrape).contains("mailtap_kafka_records_failed_total{record=\"transactions\"} 0.0\n");
    }

    // ------------------------------------------------------------------ helpers

    private static Map<Forwarded, String> topics(String prefix) {
        Map<Forwarded, String> m = new EnumMap<>(Forwarded.class);
        for (Forwarded f : Forwarded.values()) m.put(f, prefix + "." + f.configName());
        return m;
    }

    private static MailtapConfig config(Map<Forwarded, String> topics, String extra) {
        return ConfigLoader.parse("sensor:\n  name: " + SENSOR + "\n  site: fra1\n"
                + "output:\n  kafka:\n    enabled: true\n    bootstrap_servers: [\"" + broker.bootstrap() + "\"]\n"
                + "    topics:\n"
                + "      transactions: " + topics.get(Forwarded.TRANSACTIONS) + "\n"
                + "      alerts: " + topics.get(Forwarded.ALERTS) + "\n"
                + "      anomalies: " + topics.get(Forwarded.ANOMALIES) + "\n"
                + extra);
    }

    /** Transaction-shaped records of ~400 bytes with unique uids {@code <tag>-<i>}. */
    private static void offer(Forwarding f, String tag, int n) {
        String pad = "x".repeat(330);
        for (int i = 0; i < n; i++) {
            byte[] b = ("{\"ts\":\"2026-12-04T21:00:00.000000Z\",\"uid\":\"" + tag + "-" + i + "\",\"trans_depth\":1,\"helo\":\"" + pad + "\"}\n")
                    .getBytes(StandardCharsets.UTF_8);
            f.offer(Forwarded.TRANSACTIONS, 6, b, 0, b.length);
        }
    }

    /** As {@link #offer}, each record once the queue has room again (or after 2 ms: the sender is blocked). */
    private static void offerPaced(Forwarding f, Forwarder.Stats s, String tag, int n) {
        String pad = "x".repeat(330);
        for (int i = 0; i < n; i++) {
            for (int wait = 0; wait < 20 && s.queueDepth() >= 10; wait++) LockSupport.parkNanos(100_000);
            byte[] b = ("{\"ts\":\"2026-12-04T21:00:00.000000Z\",\"uid\":\"" + tag + "-" + i + "\",\"trans_depth\":1,\"helo\":\"" + pad + "\"}\n")
                    .getBytes(StandardCharsets.UTF_8);
            f.offer(Forwarded.TRANSACTIONS, 6, b, 0, b.length);
        }
    }

    private static String expectedKey(Forwarded f, String line) throws Exception {
        JsonNode n = JSON.readTree(line);
        if (f == Forwarded.ALERTS) return SENSOR + "/" + n.get("rule").asText() + "/" + (n.get("key").isNull() ? "" : n.get("key").asText());
        return SENSOR + "/" + n.get("uid").asText();
    }

    private static List<String> readLines(Path p) throws Exception {
        return Files.exists(p) ? Files.readAllLines(p, StandardCharsets.UTF_8) : List.of();
    }

    /** Every record of the topic, in partition and offset order (per key: the order produced). */
    private static List<ConsumerRecord<String, String>> consumeAll(String topic) {
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of("bootstrap.servers", broker.bootstrap(),
                "enable.auto.commit", "false", "auto.offset.reset", "earliest"), new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo p : c.partitionsFor(topic, Duration.ofSeconds(30))) parts.add(new TopicPartition(topic, p.partition()));
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts, Duration.ofSeconds(30));
            Map<TopicPartition, List<ConsumerRecord<String, String>>> byPartition = new LinkedHashMap<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                assertThat(System.nanoTime()).as("consumed %s to its end in 30 s", topic).isLessThan(deadline);
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    byPartition.computeIfAbsent(new TopicPartition(r.topic(), r.partition()), k -> new ArrayList<>()).add(r);
                }
            }
            List<ConsumerRecord<String, String>> all = new ArrayList<>();
            byPartition.values().forEach(all::addAll);
            return all;
        }
    }

    private static String scrape(Forwarding forwarding) {
        return SensorLabels.strip(new MailtapMetrics(new MetricsSource() {
            @Override
            public void collect(SensorTotals into) { into.addForwarding(forwarding); }

            @Override
            public boolean healthy() { return true; }
        }, "t").scrape());
    }

    /** Waits for a condition the broker and the producer reach on their own (not a timing assertion: 60 s is a hang). */
    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for: %s", what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
