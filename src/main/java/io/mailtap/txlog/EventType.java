package io.mailtap.txlog;

/**
 * The {@code event_type} of every output line, as in Suricata's {@code eve.json}: one word naming
 * which log (and so which schema) a line belongs to, so a shipper reading all three files — or a
 * stdout/syslog stream mixing them — can tell them apart without knowing the file name.
 */
public enum EventType {
    /** {@code smtp.jsonl}: one SMTP transaction. */
    SMTP("smtp"),
    /** {@code alerts.jsonl}: one alert notification. */
    ALERT("alert"),
    /** {@code anomalies.jsonl}: one protocol anomaly (Zeek's weird). */
    ANOMALY("anomaly");

    private final String id;

    EventType(String id) { this.id = id; }

    /** The value written in {@code event_type}. */
    public String id() { return id; }
}
