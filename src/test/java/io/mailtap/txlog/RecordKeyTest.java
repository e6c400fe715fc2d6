package io.mailtap.txlog;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Kafka message keys read from the record's own top-level fields. */
class RecordKeyTest {
    private static String key(Forwarded kind, String json) {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        return new String(RecordKey.of(kind, "edge-1", b, b.length), StandardCharsets.UTF_8);
    }

    @Test
    void topLevelFieldsOnlyWithEscapesDecoded() {
        assertThat(key(Forwarded.TRANSACTIONS, "{\"ts\":\"t\",\"rcpt_to\":[\"<a@b>\"],\"anomalies\":{\"uid\":\"no\"},\"uid\":\"C1\"}"))
                .isEqualTo("edge-1/C1");
        assertThat(key(Forwarded.ALERTS, "{\"rule\":\"auth_abuse\",\"evidence\":{\"key\":\"no\"},\"key\":\"account:b\\\"ob\\u00e9\"}"))
                .isEqualTo("edge-1/auth_abuse/account:b\"obé");
        assertThat(key(Forwarded.ALERTS, "{\"rule\":\"open_relay\",\"key\":null}")).isEqualTo("edge-1/open_relay/");
    }

    @Test
    void aRecordWithoutTheFieldIsKeyedByTheSensor() {
        assertThat(key(Forwarded.ANOMALIES, "{\"ts\":\"t\"}")).isEqualTo("edge-1");
        assertThat(key(Forwarded.ANOMALIES, "not json")).isEqualTo("edge-1");
    }
}
