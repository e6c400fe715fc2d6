package io.mailtap.detect;

import io.mailtap.settings.Leaf;
import io.mailtap.settings.Node;
import io.mailtap.settings.Section;

import java.util.ArrayList;
import java.util.List;

import static io.mailtap.settings.ValueTypes.integer;

/**
 * Every detection rule, in evaluation order: the one list a new rule is added to. The {@code detect}
 * config section, the engine, the per-rule severities and the config warnings are derived from it.
 */
public final class Rules {
    private Rules() {}

    /** The config section the rules live under. */
    public static final String SECTION = "detect";

    public static final List<RuleSpec<?>> ALL = List.of(
            EgressPolicyRule.SPEC,
            NullSenderBurstRule.SPEC,
            AuthAccountBurstRule.SPEC,
            AuthGuestAccountRule.SPEC,
            AuthFailuresRule.SPEC,
            BadHeloRule.SPEC,
            BlocklistRejectionRule.SPEC,
            OpenRelayRule.SPEC);

    /** The spec of rule {@code id}. */
    public static RuleSpec<?> spec(RuleId id) {
        for (RuleSpec<?> s : ALL) if (s.id() == id) return s;
        throw new IllegalArgumentException("no spec for " + id);
    }

    /** The README's rule table (a test holds README.md to it). */
    public static String readmeTable() {
        StringBuilder b = new StringBuilder("| rule | default severity | fires when | alert key |\n|---|---|---|---|\n");
        for (RuleSpec<?> s : ALL) b.append(s.readmeRow());
        return b.toString();
    }

    /** The {@code detect} section: the shared key cap, then one block per rule. */
    public static Section schema() {
        List<Node> children = new ArrayList<>();
        children.add(Leaf.live("max_tracked_keys", integer(1, 10_000_000), 10_000,
                "Keys (hosts, accounts, HELO names, connections) each table of each rule keeps; the least recently seen is evicted and counted."));
        for (RuleSpec<?> s : ALL) children.add(s.section());
        return Section.of(SECTION, "Detection rules. Every rule has enabled, severity, renotify_interval and resolve_after.", children);
    }
}
