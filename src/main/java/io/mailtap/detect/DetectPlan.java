package io.mailtap.detect;

import io.mailtap.settings.ConfigView;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the detection engine is built from, read from the validated config by iterating
 * {@link Rules#ALL}: the address plan the rules share (changed in place on reload), the key cap,
 * and each rule's switch, severity and own settings. Equal plans build equal engines.
 *
 * @param internal       {@code network.internal}: our side of the wire
 * @param mailServers    {@code network.mail_servers}: hosts allowed to send SMTP to the outside
 * @param policyPorts    {@code smtp.policy_ports}: server ports the egress and HELO policies apply to
 * @param maxTrackedKeys {@code detect.max_tracked_keys}: cap of every per-key table of every rule
 * @param rules          one per entry of {@link Rules#ALL}, in its order
 */
public record DetectPlan(AddressSet internal, AddressSet mailServers, List<Integer> policyPorts, int maxTrackedKeys,
                         List<Configured<?>> rules) {

    public DetectPlan {
        Objects.requireNonNull(internal);
        Objects.requireNonNull(mailServers);
        policyPorts = List.copyOf(policyPorts);
        if (maxTrackedKeys < 1) throw new IllegalArgumentException("maxTrackedKeys must be >= 1");
        rules = List.copyOf(rules);
    }

    /** One rule as configured. */
    public record Configured<S>(RuleSpec<S> spec, boolean enabled, Severity severity, S settings) {
        Rule create(AddressPlan net, int maxTrackedKeys, FindingSink sink, DetectStats stats) {
            return spec.create(settings, new RuleContext(severity, net, maxTrackedKeys, sink, stats));
        }

        /** What the rule is built from besides the shared address plan; a reload keeps the rule while these are equal. */
        boolean sameInputs(Configured<?> o) {
            return o.spec == spec && o.severity == severity && o.settings.equals(settings);
        }
    }

    /** The plan of the config {@code root}. */
    public static DetectPlan from(ConfigView root) {
        ConfigView detect = root.section(Rules.SECTION);
        List<Configured<?>> rules = new ArrayList<>(Rules.ALL.size());
        for (RuleSpec<?> s : Rules.ALL) rules.add(configured(s, detect.section(s.id().id())));
        return new DetectPlan(AddressSet.parse(root.list("network.internal")),
                AddressSet.parse(root.list("network.mail_servers")), root.list("smtp.policy_ports"),
                detect.integer("max_tracked_keys"), rules);
    }

    private static <S> Configured<S> configured(RuleSpec<S> spec, ConfigView v) {
        return new Configured<>(spec, v.bool("enabled"), (Severity) v.get("severity"), spec.settings(v));
    }

    public Configured<?> rule(RuleId id) {
        for (Configured<?> c : rules) if (c.spec().id() == id) return c;
        throw new IllegalArgumentException("no rule " + id);
    }

    public boolean enabled(RuleId id) { return rule(id).enabled(); }

    public Severity severity(RuleId id) { return rule(id).severity(); }
}
