package io.mailtap.txlog;

/**
 * The sensor's JSONL output files, each declared once: its metric label ({@code output="..."}) and
 * its default file name. Metrics, the readiness check and the stop line iterate over this.
 */
public enum Output {
    /** smtp.jsonl, the transaction log. */
    SMTP("smtp", "smtp.jsonl"),
    /** alerts.jsonl (alerts.log.path), the alert log. */
    ALERTS("alerts", "alerts.jsonl"),
    /** anomalies.jsonl, the anomaly ("weird") log. */
    ANOMALIES("anomalies", "anomalies.jsonl");

    private final String label;
    private final String fileName;

    Output(String label, String fileName) {
        this.label = label;
        this.fileName = fileName;
    }

    /** The {@code output} label value (bounded: one per constant). */
    public String label() { return label; }

    /** The default file name, for messages. */
    public String fileName() { return fileName; }
}
