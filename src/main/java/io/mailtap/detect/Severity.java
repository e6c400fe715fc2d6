package io.mailtap.detect;

import java.util.Locale;

/** How urgent a rule's alerts are. The lower-case label is the config value and the JSON value. */
public enum Severity {
    CRITICAL("critical"),
    WARNING("warning"),
    INFO("info");

    private final String label;

    Severity(String label) { this.label = label; }

    public String label() { return label; }

    /** The severity named by {@code label} (case-insensitive), or null if none is. */
    public static Severity fromLabel(String label) {
        if (label == null) return null;
        String l = label.trim().toLowerCase(Locale.ROOT);
        for (Severity s : values()) if (s.label.equals(l)) return s;
        return null;
    }
}
