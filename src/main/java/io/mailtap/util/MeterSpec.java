package io.mailtap.util;

/**
 * How one stage counter is exported: its Prometheus name, help text and at most one fixed label.
 * Declared on the counter's enum constant in the stage that owns it ({@code decode/DecodeCounter},
 * {@code flow/FlowCounter}, {@code smtp/SmtpCounter}); {@code metrics/MailtapMetrics} registers every
 * constant by iterating the enum and {@code METRICS-CONTRACT.md} is checked against them, so a
 * counter can never be left unexported. Kept here, on the ground floor, because the stages may not
 * import {@code metrics}.
 *
 * @param name       the exposed name ({@code mailtap_…_total} for counters, no suffix for gauges)
 * @param labelKey   null, or the one label that tells this series from its siblings of the same name
 * @param labelValue its value (from a fixed set: the enum constants sharing the name)
 */
public record MeterSpec(String name, String help, String labelKey, String labelValue, boolean gauge) {
    public MeterSpec {
        if (!name.matches("mailtap_[a-z0-9_]+")) throw new IllegalArgumentException("not a mailtap metric name: " + name);
        if (gauge == name.endsWith("_total")) throw new IllegalArgumentException("counters end in _total, gauges do not: " + name);
        if ((labelKey == null) != (labelValue == null)) throw new IllegalArgumentException("label key without value: " + name);
    }

    /** A monotonic counter. */
    public static MeterSpec counter(String name, String help) { return new MeterSpec(name, help, null, null, false); }

    /** A value that goes up and down. */
    public static MeterSpec gauge(String name, String help) { return new MeterSpec(name, help, null, null, true); }

    /** The same meter told apart from its siblings by {@code key="value"}. */
    public MeterSpec label(String key, String value) { return new MeterSpec(name, help, key, value, gauge); }

    /** The name Micrometer is given: Prometheus adds {@code _total} to a counter's name itself. */
    public String micrometerName() { return gauge ? name : name.substring(0, name.length() - "_total".length()); }

    /** One line of METRICS-CONTRACT.md's generated section. */
    public String contractLine() {
        return "- " + name + (labelKey == null ? "" : "{" + labelKey + "=\"" + labelValue + "\"}")
                + (gauge ? " (gauge)" : "") + " — " + help;
    }

    /** What a stage counter enum constant provides. */
    public interface Counter {
        MeterSpec meter();

        int ordinal();
    }
}
