package io.mailtap.alert;

import io.mailtap.settings.ConfigView;
import io.mailtap.settings.Section;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Function;

/**
 * One alert sink's declaration, in the sink's own file: its config section under {@code alerts}
 * (its leaves say whether a reload applies them live) and how the sink is built from that section.
 * {@link Sinks#ALL} lists the specs; the config schema and the live sensor's sink set iterate it.
 * {@code alert} still does not read YAML: it reads a {@link ConfigView}.
 */
public final class SinkSpec {
    /** The config section the sinks live under. */
    public static final String PARENT = "alerts";

    /** What every sink is built with besides its own section. */
    public record Context(String sensorName, Path spoolDir, long spoolMaxBytes) {}

    /** Builds the sink, or returns null when its section leaves it disabled. */
    @FunctionalInterface
    public interface Factory {
        AlertSink create(ConfigView section, Context ctx);
    }

    private final Section section;
    private final Factory factory;
    private final Function<ConfigView, String> warning;

    private SinkSpec(Section section, Factory factory, Function<ConfigView, String> warning) {
        this.section = Objects.requireNonNull(section);
        this.factory = Objects.requireNonNull(factory);
        this.warning = warning;
    }

    public static SinkSpec of(Section section, Factory factory) {
        return new SinkSpec(section, factory, null);
    }

    /** This spec with a config warning about its section (null: none). */
    public SinkSpec warnWhen(Function<ConfigView, String> w) {
        return new SinkSpec(section, factory, w);
    }

    public String name() { return section.name(); }

    public Section section() { return section; }

    /** The dotted path of the sink's section ({@code alerts.<name>}). */
    public String path() { return PARENT + "." + section.name(); }

    /** The sink as configured in {@code root}, or null when disabled. */
    public AlertSink create(ConfigView root, Context ctx) {
        return factory.create(root.section(path()), ctx);
    }

    /** The config warning about this sink's section, or null. */
    public String warning(ConfigView root) {
        return warning == null ? null : warning.apply(root.section(path()));
    }
}
