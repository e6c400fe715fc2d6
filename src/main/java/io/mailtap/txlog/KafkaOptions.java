package io.mailtap.txlog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * What {@code output.kafka} asks of the producer, without the config package: the sensor maps the
 * configuration into this and {@link #producerProperties()} into Kafka's own keys. The delivery
 * guarantees are fixed, not options: {@code acks=all} and an idempotent producer (retries after a
 * lost connection never write a record twice), so what the broker acknowledged is in every
 * in-sync replica exactly once.
 *
 * @param topics          the topic of each record kind
 * @param bufferBytes     {@code buffer.memory}: records accepted but not yet acknowledged, at most
 * @param maxBlock        {@code max.block.ms}: how long the forwarder's sender thread (never the
 *                        event thread) waits for buffer space or for a topic's metadata
 * @param deliveryTimeout {@code delivery.timeout.ms}: how long an accepted record may wait for its
 *                        acknowledgement (the outage a full buffer rides out) before it fails
 * @param compression     none, gzip or lz4
 * @param protocol        plaintext, ssl, sasl_plaintext or sasl_ssl
 * @param saslMechanism   PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (sasl_* protocols)
 * @param tlsCa           PEM file of the CA certificates to trust; null: the JDK's
 * @param tlsCert         PEM client certificate chain (mutual TLS); null: none
 * @param tlsKey          PEM PKCS#8 private key of {@code tlsCert}
 */
public record KafkaOptions(List<String> bootstrapServers, String clientId, Map<Forwarded, String> topics,
                           long bufferBytes, Duration maxBlock, Duration deliveryTimeout, Duration linger,
                           String compression, String protocol, String saslMechanism, String saslUsername,
                           String saslPassword, String tlsCa, String tlsCert, String tlsKey, String tlsKeyPassword) {

    public KafkaOptions {
        topics = new EnumMap<>(topics);
        for (Forwarded f : Forwarded.values()) {
            if (topics.get(f) == null) throw new IllegalArgumentException("no topic for " + f.configName());
        }
    }

    /** The secret values (SASL password, key password) for the {@code Redactor} of every message the sink logs. */
    public List<String> secrets() {
        List<String> s = new ArrayList<>(2);
        if (saslPassword != null) s.add(saslPassword);
        if (tlsKeyPassword != null) s.add(tlsKeyPassword);
        return s;
    }

    /** Kafka producer settings (keys and values as bytes); reads the PEM client certificate and key. */
    public Properties producerProperties() throws IOException {
        Properties p = new Properties();
        p.put("bootstrap.servers", String.join(",", bootstrapServers));
        p.put("client.id", clientId);
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
        p.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
        p.put("buffer.memory", Long.toString(bufferBytes));
        p.put("max.block.ms", Long.toString(maxBlock.toMillis()));
        long lingerMs = linger.toMillis(), deliveryMs = deliveryTimeout.toMillis();
        p.put("linger.ms", Long.toString(lingerMs));
        p.put("delivery.timeout.ms", Long.toString(deliveryMs));
        // Kafka refuses delivery.timeout.ms < linger.ms + request.timeout.ms (30 s by default)
        p.put("request.timeout.ms", Long.toString(Math.max(1, Math.min(30_000, deliveryMs - lingerMs))));
        p.put("compression.type", compression);
        // Kafka 4 "rebootstraps" when no broker answers, forgetting the topics' metadata: every record sent
        // during an outage would then fail at once (no partition to buffer it for) instead of waiting in
        // buffer.memory. Keeping the last metadata is what lets an outage shorter than the buffer lose nothing.
        p.put("metadata.recovery.strategy", "none");
        // the sensor's numbers are on its Prometheus endpoint; nothing is pushed to the broker
        p.put("enable.metrics.push", "false");
        p.put("security.protocol", protocol.toUpperCase(Locale.ROOT));
        if (protocol.startsWith("sasl_")) {
            p.put("sasl.mechanism", saslMechanism);
            String module = saslMechanism.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                    : "org.apache.kafka.common.security.scram.ScramLoginModule";
            p.put("sasl.jaas.config", module + " required username=" + jaasQuote(saslUsername) + " password="
                    + jaasQuote(saslPassword) + ";");
        }
        if (protocol.endsWith("ssl")) {
            if (tlsCa != null) {
                p.put("ssl.truststore.type", "PEM");
                p.put("ssl.truststore.location", tlsCa);
            }
            if (tlsCert != null) {
                p.put("ssl.keystore.type", "PEM");
                p.put("ssl.keystore.certificate.chain", Files.readString(Path.of(tlsCert), StandardCharsets.US_ASCII));
                p.put("ssl.keystore.key", Files.readString(Path.of(tlsKey), StandardCharsets.US_ASCII));
                if (tlsKeyPassword != null) p.put("ssl.key.password", tlsKeyPassword);
            }
        }
        return p;
    }

    /** A JAAS option value: double-quoted, with backslash and quote escaped (Kafka's JaasConfig tokenizer). */
    static String jaasQuote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Override
    public String toString() { // the record's default would print the passwords
        return "KafkaOptions[bootstrapServers=" + bootstrapServers + ", topics=" + topics + ", protocol=" + protocol + "]";
    }
}
