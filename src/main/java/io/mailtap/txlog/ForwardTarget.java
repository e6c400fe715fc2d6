package io.mailtap.txlog;

/** The forwarding sinks, each declared once: its {@code sink} label and config section ({@code output.<label>}). */
public enum ForwardTarget {
    STDOUT("stdout"),
    SYSLOG("syslog"),
    KAFKA("kafka");

    private final String label;

    ForwardTarget(String label) { this.label = label; }

    public String label() { return label; }
}
