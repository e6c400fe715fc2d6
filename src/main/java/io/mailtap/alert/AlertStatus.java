package io.mailtap.alert;

/** Where an alert is in its life; the label is the JSON {@code status} value. */
public enum AlertStatus {
    FIRING("firing"),
    RESOLVED("resolved");

    private final String label;

    AlertStatus(String label) { this.label = label; }

    public String label() { return label; }
}
