package io.mailtap.txlog;

/**
 * The records a forwarding sink (stdout, syslog, kafka) can carry, each declared once: its config name
 * ({@code output.<sink>.records}, {@code output.kafka.topics.<name>}) and its syslog MSGID.
 */
public enum Forwarded {
    /** smtp.jsonl lines. */
    TRANSACTIONS("transactions", "transaction"),
    /** alerts.jsonl lines. */
    ALERTS("alerts", "alert"),
    /** anomalies.jsonl lines. */
    ANOMALIES("anomalies", "anomaly");

    private final String configName;
    private final String msgId;

    Forwarded(String configName, String msgId) {
        this.configName = configName;
        this.msgId = msgId;
    }

    public String configName() { return configName; }

    /** RFC 5424 MSGID of the record's syslog message. */
    public String msgId() { return msgId; }

    public static Forwarded byConfigName(String name) {
        for (Forwarded f : values()) if (f.configName.equals(name)) return f;
        throw new IllegalArgumentException(name);
    }
}
