package io.mailtap.alert;

import io.mailtap.detect.RuleId;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * De-duplication policy of the {@link AlertTracker} (built by {@code io.mailtap.config} from
 * {@code alerts.dedup} and the per-rule {@code renotify_interval}/{@code resolve_after}).
 *
 * @param sensor             {@code sensor.name}, stamped on every alert
 * @param site               {@code sensor.site}, stamped on every alert, or null
 * @param defaults           {@code alerts.dedup.renotify_interval} / {@code resolve_after}
 * @param maxOpenAlertsPerRule {@code alerts.dedup.max_open_alerts}: open alerts per rule; beyond it
 *                           new alerts of that rule are suppressed (counted) until some resolve
 * @param perRule            effective policy of rules that override the defaults
 */
public record AlertSettings(String sensor, String site, Policy defaults, int maxOpenAlertsPerRule, Map<RuleId, Policy> perRule) {

    /** Without a site. */
    public AlertSettings(String sensor, Policy defaults, int maxOpenAlertsPerRule, Map<RuleId, Policy> perRule) {
        this(sensor, null, defaults, maxOpenAlertsPerRule, perRule);
    }

    public AlertSettings {
        Objects.requireNonNull(sensor, "sensor");
        Objects.requireNonNull(defaults, "defaults");
        if (maxOpenAlertsPerRule < 1) throw new IllegalArgumentException("maxOpenAlertsPerRule must be >= 1");
        EnumMap<RuleId, Policy> m = new EnumMap<>(RuleId.class);
        m.putAll(perRule);
        perRule = java.util.Collections.unmodifiableMap(m);
    }

    /** Re-notify and resolve intervals, packet time. */
    public record Policy(Duration renotifyInterval, Duration resolveAfter) {
        public Policy {
            if (renotifyInterval.isNegative() || renotifyInterval.isZero()) throw new IllegalArgumentException("renotifyInterval must be > 0");
            if (resolveAfter.isNegative() || resolveAfter.isZero()) throw new IllegalArgumentException("resolveAfter must be > 0");
        }
    }

    public Policy policy(RuleId rule) {
        return perRule.getOrDefault(rule, defaults);
    }
}
