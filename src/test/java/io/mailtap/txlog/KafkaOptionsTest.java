package io.mailtap.txlog;

import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** The producer settings output.kafka maps to: fixed delivery guarantees, the outage-riding metadata strategy, SASL/TLS. */
class KafkaOptionsTest {
    @Test
    void idempotentAcksAllKeepsMetadataThroughOutagesAndQuotesTheJaasValues() throws Exception {
        Properties p = KafkaTransportTest.options().producerProperties();
        assertThat(p).containsEntry("acks", "all").containsEntry("enable.idempotence", "true")
                .containsEntry("metadata.recovery.strategy", "none").containsEntry("buffer.memory", Long.toString(32L << 20))
                .containsEntry("max.block.ms", "1000").containsEntry("delivery.timeout.ms", "120000")
                .containsEntry("request.timeout.ms", "30000").containsEntry("compression.type", "lz4")
                .containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("bootstrap.servers", "k1:9093");
        assertThat((String) p.get("sasl.jaas.config")).isEqualTo(
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"sensor-edge-1\" password=\"s3cret-Pw!\";");
        assertThat(KafkaOptions.jaasQuote("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
        assertThat(KafkaTransportTest.options().toString()).doesNotContain("s3cret");
        assertThat(KafkaTransportTest.options().secrets()).containsExactly("s3cret-Pw!");
    }
}
