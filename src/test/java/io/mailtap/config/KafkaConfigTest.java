package io.mailtap.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** output.kafka: defaults, secrets from files never shown, and the mistakes check-config names. */
class KafkaConfigTest {
    @TempDir
    Path dir;

    @Test
    void offByDefaultWithATopicPerKind() {
        MailtapConfig.Kafka k = ConfigLoader.defaults().output().kafka();
        assertThat(k.enabled()).isFalse();
        assertThat(k.topics()).isEqualTo(new MailtapConfig.KafkaTopics("mailtap.transactions", "mailtap.alerts", "mailtap.anomalies"));
        assertThat(k.bufferMemory()).isEqualTo(32L << 20);
        assertThat(k.securityProtocol()).isEqualTo("plaintext");
    }

    @Test
    void saslAndKeyPasswordsComeFromFilesAndAreNeverPrinted() throws Exception {
        Path pw = dir.resolve("kafka-pw"), kp = dir.resolve("key-pw"), cert = dir.resolve("c.pem"), key = dir.resolve("k.pem");
        Files.writeString(pw, "kafka-Secret-1\n");
        Files.writeString(kp, "key-Secret-2\n");
        Files.writeString(cert, "-----BEGIN CERTIFICATE-----\n");
        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n");
        Path f = dir.resolve("mailtap.yml");
        Files.writeString(f, "output:\n  kafka:\n    enabled: true\n    bootstrap_servers: [\"k1:9093\", \"[::1]:9093\"]\n"
                + "    security_protocol: sasl_ssl\n    sasl:\n      username: edge-1\n      password_file: " + pw + "\n"
                + "    tls:\n      cert: " + cert + "\n      key: " + key + "\n      key_password_file: " + kp + "\n");
        MailtapConfig c = ConfigLoader.load(f);
        assertThat(c.output().kafka().sasl().password()).isEqualTo("kafka-Secret-1");
        assertThat(c.output().kafka().tls().keyPassword()).isEqualTo("key-Secret-2");
        String shown = ConfigPrinter.toYaml(c) + c + c.output();
        assertThat(shown).doesNotContain("kafka-Secret-1").doesNotContain("key-Secret-2");
        assertThat(c.warnings()).noneMatch(w -> w.startsWith("output.kafka"));
    }

    @Test
    void mistakesNameTheirKey() {
        assertThatThrownBy(() -> ConfigLoader.parse("output:\n  kafka:\n    enabled: true\n"))
                .hasMessageContaining("output.kafka.bootstrap_servers: at least one host:port when output.kafka is enabled");
        assertThatThrownBy(() -> ConfigLoader.parse("output:\n  kafka:\n    enabled: true\n    bootstrap_servers: [k1]\n"))
                .hasMessageContaining("output.kafka.bootstrap_servers: expected host:port, got \"k1\"");
        assertThatThrownBy(() -> ConfigLoader.parse("output:\n  kafka:\n    enabled: true\n    bootstrap_servers: [\"k1:9092\"]\n"
                + "    security_protocol: sasl_ssl\n    sasl:\n      username: u\n"))
                .hasMessageContaining("output.kafka.sasl: set username and password (or password_file) for security_protocol sasl_ssl");
        assertThatThrownBy(() -> ConfigLoader.parse("output:\n  kafka:\n    enabled: true\n    bootstrap_servers: [\"k1:9092\"]\n"
                + "    security_protocol: ssl\n    tls:\n      cert: /nonexistent.pem\n"))
                .hasMessageContaining("output.kafka.tls: set both cert and key, or neither")
                .hasMessageContaining("output.kafka.tls.cert: cannot read /nonexistent.pem");
        assertThatThrownBy(() -> ConfigLoader.parse("output:\n  kafka:\n    compression: zstd\n"))
                .hasMessageContaining("output.kafka.compression");
        MailtapConfig clear = ConfigLoader.parse("output:\n  kafka:\n    enabled: true\n    bootstrap_servers: [\"k1:9092\"]\n"
                + "    security_protocol: sasl_plaintext\n    sasl:\n      mechanism: PLAIN\n      username: u\n      password: pppp\n");
        assertThat(clear.warnings()).anyMatch(w -> w.startsWith("output.kafka.security_protocol: sasl_plaintext sends the records and the SASL password in clear text"));
    }
}
