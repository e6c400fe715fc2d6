package io.mailtap.txlog;

import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Kafka transport's record (topic, key, value, headers) and how each outcome is counted, on Kafka's MockProducer. */
class KafkaTransportTest {
    private static final String SECRET = "s3cret-Pw!";
    private static final String TX = "{\"ts\":\"2026-12-04T21:00:00.000001Z\",\"event_type\":\"smtp\",\"sensor\":\"edge-1\",\"uid\":\"CAbc123\",\"trans_depth\":2}\n";

    static KafkaOptions options() {
        Map<Forwarded, String> topics = new EnumMap<>(Forwarded.class);
        topics.put(Forwarded.TRANSACTIONS, "t.tx");
        topics.put(Forwarded.ALERTS, "t.alerts");
        topics.put(Forwarded.ANOMALIES, "t.anomalies");
        return new KafkaOptions(List.of("k1:9093"), "mailtap-edge-1", topics, 32L << 20, Duration.ofSeconds(1), Duration.ofMinutes(2),
                Duration.ofMillis(5), "lz4", "sasl_ssl", "SCRAM-SHA-512", "sensor-edge-1", SECRET, null, null, null, null);
    }

    @Test
    void theMessageIsTheFileLineOnItsKindsTopicKeyedBySensorAndUidWithSensorAndSiteHeaders() throws Exception {
        MockProducer<byte[], byte[]> p = new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
        KafkaTransport.Stats stats = new KafkaTransport.Stats();
        KafkaTransport t = new KafkaTransport(p, options(), "edge-1", "fra1", stats);
        byte[] line = TX.getBytes(StandardCharsets.UTF_8);
        t.send(Forwarded.TRANSACTIONS, 6, line, line.length);

        ProducerRecord<byte[], byte[]> r = p.history().get(0);
        assertThat(r.topic()).isEqualTo("t.tx");
        assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo(TX.substring(0, TX.length() - 1));
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("edge-1/CAbc123");
        assertThat(new String(r.headers().lastHeader("sensor").value(), StandardCharsets.UTF_8)).isEqualTo("edge-1");
        assertThat(new String(r.headers().lastHeader("site").value(), StandardCharsets.UTF_8)).isEqualTo("fra1");

        assertThat(stats.delivered(Forwarded.TRANSACTIONS)).as("accepted is not delivered").isZero();
        onProducerThread(p::completeNext); // acknowledgements arrive on the producer's network thread
        assertThat(stats.delivered(Forwarded.TRANSACTIONS)).isEqualTo(1);

        t.send(Forwarded.TRANSACTIONS, 6, line, line.length);
        onProducerThread(() -> p.errorNext(new TimeoutException("Expiring 1 record(s): 120000 ms has passed since batch creation")));
        assertThat(stats.failed(Forwarded.TRANSACTIONS)).isEqualTo(1);
        assertThat(stats.delivered(Forwarded.TRANSACTIONS)).isEqualTo(1);
    }

    private static void onProducerThread(Runnable r) throws InterruptedException {
        Thread th = new Thread(r, "kafka-producer-network-thread");
        th.start();
        th.join();
    }

    @Test
    void aRecordTheProducerRefusesAtOnceIsASendFailureNotADeliveryFailureAndItsMessageIsRedacted() {
        // KafkaProducer reports a full buffer or missing metadata through the callback, on the calling thread
        MockProducer<byte[], byte[]> p = new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer()) {
            @Override
            public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
                BufferExhaustedException e = new BufferExhaustedException("Failed to allocate 400 bytes within 200 ms (" + SECRET + ")");
                callback.onCompletion(null, e);
                return CompletableFuture.failedFuture(e);
            }
        };
        KafkaTransport.Stats stats = new KafkaTransport.Stats();
        KafkaTransport t = new KafkaTransport(p, options(), "edge-1", null, stats);
        byte[] line = TX.getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> t.send(Forwarded.TRANSACTIONS, 6, line, line.length))
                .hasMessageContaining("Failed to allocate").hasMessageNotContaining(SECRET);
        assertThat(stats.failed(Forwarded.TRANSACTIONS)).as("the forwarder counts it (send_failed), once").isZero();
        assertThat(stats.delivered(Forwarded.TRANSACTIONS)).isZero();
    }

    @Test
    void alertsAreKeyedByTheirIdentityAndRecordsOfEachKindGoToTheirTopic() throws Exception {
        MockProducer<byte[], byte[]> p = new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
        KafkaTransport.Stats stats = new KafkaTransport.Stats();
        KafkaTransport t = new KafkaTransport(p, options(), "edge-1", null, stats);
        byte[] alert = ("{\"ts\":\"x\",\"event_type\":\"alert\",\"rule\":\"egress_policy\",\"severity\":\"critical\",\"status\":\"firing\","
                + "\"key\":\"10.0.0.5\",\"evidence\":{\"uid\":\"Cnested\"}}\n").getBytes(StandardCharsets.UTF_8);
        byte[] anomaly = "{\"ts\":\"x\",\"event_type\":\"anomaly\",\"sensor\":\"edge-1\",\"uid\":\"Cx9\",\"kind\":\"not_smtp\"}\n"
                .getBytes(StandardCharsets.UTF_8);
        t.send(Forwarded.ALERTS, 2, alert, alert.length);
        t.send(Forwarded.ANOMALIES, 5, anomaly, anomaly.length);
        assertThat(p.history()).extracting(ProducerRecord::topic).containsExactly("t.alerts", "t.anomalies");
        assertThat(new String(p.history().get(0).key(), StandardCharsets.UTF_8)).isEqualTo("edge-1/egress_policy/10.0.0.5");
        assertThat(new String(p.history().get(1).key(), StandardCharsets.UTF_8)).isEqualTo("edge-1/Cx9");
        assertThat(p.history().get(0).headers().lastHeader("site")).as("no site configured").isNull();
        onProducerThread(() -> {
            p.completeNext();
            p.completeNext();
        });
        assertThat(stats.delivered(Forwarded.ALERTS)).isEqualTo(1);
        assertThat(stats.delivered(Forwarded.ANOMALIES)).isEqualTo(1);
    }
}
