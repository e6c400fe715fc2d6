package io.mailtap.detect;

import io.mailtap.settings.ConfigView;
import io.mailtap.settings.Leaf;
import io.mailtap.settings.Node;
import io.mailtap.settings.Section;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

import static io.mailtap.settings.ValueTypes.bool;
import static io.mailtap.settings.ValueTypes.duration;

/**
 * One rule's declaration, in the rule's own file: its id, default severity, one-line doc, its own
 * config leaves, how its {@code Settings} are read from its config section and how the rule is
 * built. {@link Rules#ALL} lists the specs; the config schema's {@code detect} section, the engine,
 * the per-rule severities and the config warnings all iterate it.
 *
 * @param <S> the rule's settings record (compared on reload: an equal one keeps the rule's state)
 */
public final class RuleSpec<S> {
    /** Builds the rule from its settings. */
    @FunctionalInterface
    interface Factory<S> {
        Rule create(S settings, RuleContext ctx);
    }

    /** A legal setting that is probably not what the operator wants, or null; asked only of an enabled rule. */
    @FunctionalInterface
    interface Warning<S> {
        String check(S settings, ConfigView root);
    }

    private final RuleId id;
    private final Severity defaultSeverity;
    private final String doc;
    private final List<Node> leaves;
    private final Function<ConfigView, S> settings;
    private final Factory<S> factory;
    private final Warning<S> warning;
    private final String firesWhen;
    private final String alertKey;

    private RuleSpec(RuleId id, Severity defaultSeverity, String doc, List<Node> leaves,
                     Function<ConfigView, S> settings, Factory<S> factory, Warning<S> warning,
                     String firesWhen, String alertKey) {
        this.id = Objects.requireNonNull(id);
        this.defaultSeverity = Objects.requireNonNull(defaultSeverity);
        this.doc = doc;
        this.leaves = List.copyOf(leaves);
        this.settings = settings;
        this.factory = factory;
        this.warning = warning;
        this.firesWhen = firesWhen;
        this.alertKey = alertKey;
    }

    static <S> RuleSpec<S> of(RuleId id, Severity defaultSeverity, String doc, List<Node> leaves,
                              Function<ConfigView, S> settings, Factory<S> factory) {
        return new RuleSpec<>(id, defaultSeverity, doc, leaves, settings, factory, null, null, null);
    }

    /** This spec with a config warning (check-config prints it; the live sensor logs it). */
    RuleSpec<S> warnWhen(Warning<S> w) {
        return new RuleSpec<>(id, defaultSeverity, doc, leaves, settings, factory, w, firesWhen, alertKey);
    }

    /** This spec with its README row: when it fires (Markdown, one line) and what its alerts are keyed by. */
    RuleSpec<S> readme(String firesWhen, String alertKey) {
        return new RuleSpec<>(id, defaultSeverity, doc, leaves, settings, factory, warning, firesWhen, alertKey);
    }

    /** The rule's row of the README's rule table. */
    public String readmeRow() {
        return "| `" + id.id() + "` | " + defaultSeverity.label() + " | " + firesWhen + " | " + alertKey + " |\n";
    }

    public RuleId id() { return id; }

    public Severity defaultSeverity() { return defaultSeverity; }

    public String doc() { return doc; }

    /** The rule's own leaves (after the four every rule has). */
    public List<Node> leaves() { return leaves; }

    /** The keys every rule block has, before the rule's own (documented once as {@code detect.<rule>.*}). */
    public static final List<String> COMMON_KEYS = List.of("enabled", "severity", "renotify_interval", "resolve_after");

    /** The rule's config block: enabled, severity, renotify_interval, resolve_after, then its own leaves. */
    public Section section() {
        List<Node> all = new ArrayList<>(List.of(
                Leaf.live("enabled", bool(), true, "Run this rule."),
                Leaf.live("severity", DetectTypes.severity(), defaultSeverity, "Severity of its alerts: critical, warning or info."),
                Leaf.live("renotify_interval", duration(true), null,
                        "Re-notify an alert still matching after this much packet time; null: alerts.dedup.renotify_interval."),
                Leaf.live("resolve_after", duration(true), null,
                        "Resolve an alert after this much packet time without a match; null: alerts.dedup.resolve_after.")));
        if (!all.stream().map(Node::name).toList().equals(COMMON_KEYS)) throw new IllegalStateException("COMMON_KEYS out of step");
        all.addAll(leaves);
        return Section.of(id.id(), doc, all);
    }

    /** The rule's settings from its config section ({@code detect.<id>}). */
    public S settings(ConfigView section) { return settings.apply(section); }

    Rule create(S s, RuleContext ctx) { return factory.create(s, ctx); }

    /** The config warning for {@code root} when the rule is enabled, or null. */
    public String warning(ConfigView root) {
        ConfigView own = root.section(Rules.SECTION + "." + id.id());
        if (warning == null || !own.bool("enabled")) return null;
        return warning.check(settings(own), root);
    }

    @Override
    public String toString() { return "RuleSpec[" + id + "]"; }
}
