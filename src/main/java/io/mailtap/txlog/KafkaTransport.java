package io.mailtap.txlog;

import io.mailtap.util.Redactor;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Records to Kafka, one message per record, on the topic of its kind: the value is the record's line
 * as written to its file, without the newline (the same bytes); the key is {@link RecordKey}'s; the
 * headers {@code sensor} and {@code site} ({@code sensor.name}, {@code sensor.site} when set) let a
 * consumer route or label a record without parsing it (transactions and anomalies carry no site field).
 *
 * <p>It runs inside a {@link Forwarder} like the stdout and syslog transports: the event thread only
 * queues a copy, and this transport's {@link #send} runs on the forwarder's sender thread, where it
 * hands the record to the producer's bounded buffer ({@code buffer.memory}) and returns. The
 * producer's network thread sends, retries through outages (idempotently) and acknowledges later,
 * so a record has three outcomes, each counted: refused at once (buffer still full after
 * {@code max.block.ms}, unknown topic: {@link #send} throws and the forwarder counts it as
 * {@code send_failed}), acknowledged by the broker ({@link Stats#delivered}), or failed after it was
 * accepted ({@link Stats#failed}: not acknowledged within {@code delivery.timeout.ms}, refused by the
 * broker, or still unsent when the sensor stopped).
 */
public final class KafkaTransport implements Forwarder.Transport {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaTransport.class);
    private static final long LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
    /** How long closing waits for the buffered records to be acknowledged (the rest fail, counted). */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    /** Records acknowledged and records failed after acceptance, per kind ({@link Forwarded#ordinal()}); read at scrape time. */
    public static final class Stats {
        private final AtomicLongArray delivered = new AtomicLongArray(Forwarded.values().length);
        private final AtomicLongArray failed = new AtomicLongArray(Forwarded.values().length);

        public long delivered(Forwarded kind) { return delivered.get(kind.ordinal()); }

        public long failed(Forwarded kind) { return failed.get(kind.ordinal()); }
    }

    private final Producer<byte[], byte[]> producer;
    private final String[] topics = new String[Forwarded.values().length];
    private final String sensor;
    private final Header[] headers;
    private final Stats stats;
    private final Redactor redactor;
    private final AtomicLong nextLogNanos = new AtomicLong(System.nanoTime());

    /** A producer for these options (no connection is made before the first record). */
    public KafkaTransport(KafkaOptions options, String sensor, String site, Stats stats) throws IOException {
        this(new KafkaProducer<>(options.producerProperties()), options, sensor, site, stats);
    }

    /** With a given producer (tests); {@code site} may be null. */
    KafkaTransport(Producer<byte[], byte[]> producer, KafkaOptions options, String sensor, String site, Stats stats) {
        this.producer = producer;
        for (Forwarded f : Forwarded.values()) topics[f.ordinal()] = options.topics().get(f);
        this.sensor = sensor;
        Header s = new RecordHeader("sensor", sensor.getBytes(StandardCharsets.UTF_8));
        this.headers = site == null ? new Header[] {s} : new Header[] {s, new RecordHeader("site", site.getBytes(StandardCharsets.UTF_8))};
        this.stats = stats;
        this.redactor = Redactor.of(options.secrets());
    }

    @Override
    public void send(Forwarded kind, int severity, byte[] line, int len) throws IOException {
        byte[] value = Arrays.copyOf(line, len > 0 && line[len - 1] == '\n' ? len - 1 : len);
        Delivery d = new Delivery(kind);
        producer.send(new ProducerRecord<>(topics[kind.ordinal()], null, RecordKey.of(kind, sensor, value, value.length), value,
                new RecordHeaders(headers)), d);
        if (d.refused != null) { // the producer reports a refusal through the callback, on this thread
            throw new IOException(redactor.scrub(String.valueOf(d.refused.getMessage())), d.refused);
        }
    }

    /** One record's outcome. A refusal arrives on the calling thread during send, an acknowledgement on the producer's. */
    private final class Delivery implements Callback {
        private final Forwarded kind;
        private final Thread caller = Thread.currentThread();
        private Exception refused;

        Delivery(Forwarded kind) { this.kind = kind; }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception e) {
            if (e == null) {
                stats.delivered.incrementAndGet(kind.ordinal());
            } else if (Thread.currentThread() == caller) {
                refused = e;
            } else {
                stats.failed.incrementAndGet(kind.ordinal());
                warn(e);
            }
        }
    }

    private void warn(Exception e) {
        long now = System.nanoTime(), next = nextLogNanos.get();
        if (now - next < 0 || !nextLogNanos.compareAndSet(next, now + LOG_INTERVAL_NANOS)) return;
        long failed = 0;
        for (Forwarded f : Forwarded.values()) failed += stats.failed(f);
        LOG.warn("forwarding to kafka: a record was not acknowledged ({}: {}); {} records failed so far (mailtap_kafka_records_failed_total)",
                e.getClass().getSimpleName(), redactor.scrub(String.valueOf(e.getMessage())), failed);
    }

    /** Waits (bounded) for the buffered records; those still unacknowledged then fail and are counted. */
    @Override
    public void close() {
        producer.close(CLOSE_WAIT);
    }
}
