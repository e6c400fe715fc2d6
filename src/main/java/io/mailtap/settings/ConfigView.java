package io.mailtap.settings;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The validated values of one section, read by keys relative to it: a rule reads
 * {@code view.integer("threshold")}, not {@code "detect.auth_failures.threshold"}. Read when a stage
 * takes its settings (start, reload), never per packet.
 */
public final class ConfigView {
    private final Map<String, Object> values;
    private final String prefix;

    /** The whole tree: {@code values} by full dotted key, as the loader validated them. */
    public static ConfigView root(Map<String, Object> values) {
        return new ConfigView(values, "");
    }

    private ConfigView(Map<String, Object> values, String prefix) {
        this.values = values;
        this.prefix = prefix;
    }

    /** The section {@code name} (may be dotted) under this one. */
    public ConfigView section(String name) {
        return new ConfigView(values, key(name));
    }

    /** The whole tree (for a stage that also reads a key of another section). */
    public ConfigView root() {
        return prefix.isEmpty() ? this : new ConfigView(values, "");
    }

    /** The full dotted key of {@code name} (what messages name). */
    public String key(String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }

    /** The section's own dotted path ("" at the root). */
    public String path() { return prefix; }

    /** The value of {@code name}; an unknown key is a programming error. */
    public Object get(String name) {
        String k = key(name);
        if (!values.containsKey(k)) throw new IllegalArgumentException("no config key " + k);
        return values.get(k);
    }

    public String string(String name) { return (String) get(name); }

    public boolean bool(String name) { return (Boolean) get(name); }

    /** An integer leaf, or a byte size that fits an int. */
    public int integer(String name) {
        Object v = get(name);
        return v instanceof Long l ? Math.toIntExact(l) : (Integer) v;
    }

    /** A byte size (or an integer). */
    public long lng(String name) { return ((Number) get(name)).longValue(); }

    public Duration duration(String name) { return (Duration) get(name); }

    /** A duration in microseconds (packet time). */
    public long micros(String name) { return micros(duration(name)); }

    public static long micros(Duration d) {
        return Math.multiplyExact(d.getSeconds(), 1_000_000L) + d.getNano() / 1000L;
    }

    @SuppressWarnings("unchecked")
    public <T> List<T> list(String name) { return (List<T>) get(name); }

    /** Values of every leaf of {@code section} (relative dotted keys), for equality between two configs. */
    public Map<String, Object> values(Section section) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (String k : section.leaves().keySet()) m.put(k, get(k));
        return m;
    }
}
