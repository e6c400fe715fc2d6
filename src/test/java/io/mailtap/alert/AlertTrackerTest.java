package io.mailtap.alert;

import io.mailtap.detect.CollectingSink;
import io.mailtap.detect.Finding;
import io.mailtap.detect.Harness;
import io.mailtap.detect.RuleId;
import io.mailtap.detect.Severity;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.mailtap.detect.Harness.*;
import static org.assertj.core.api.Assertions.assertThat;

class AlertTrackerTest {
    private static final long S = 1_000_000L;
    private static final long T0 = 1_700_000_000L * S;

    private final CollectingSink sink = new CollectingSink();

    private AlertTracker tracker(int maxOpen, Map<RuleId, AlertSettings.Policy> perRule) {
        return new AlertTracker(new AlertSettings("s1",
                new AlertSettings.Policy(Duration.ofHours(1), Duration.ofMinutes(15)), maxOpen, perRule), sink);
    }

    private AlertTracker tracker() { return tracker(1000, Map.of()); }

    private static Finding hit(String key, long ts, String uid) {
        return new Finding(RuleId.BLOCKLIST_REJECTION, Severity.CRITICAL, key, ts, key, "203.0.113.80", null, null, 0,
                1, 0, "refused " + key, Map.of("reply_text", "554 listed at x @" + ts), uid, false);
    }

    @Test
    void oneLineAtOpenThenCountUpdatesSilently() {
        AlertTracker t = tracker();
        for (int i = 0; i < 10; i++) t.onFinding(hit("10.0.0.1", T0 + i * 60 * S, "C" + i));
        assertThat(sink.alerts).hasSize(1);
        Alert first = sink.alerts.get(0);
        assertThat(first.status()).isEqualTo(AlertStatus.FIRING);
        assertThat(first.count()).isEqualTo(1);
        assertThat(first.tsMicros()).isEqualTo(T0);
        assertThat(first.sensor()).isEqualTo("s1");
        Alert open = t.openAlerts().get(0);
        assertThat(open.count()).isEqualTo(10);
        assertThat(open.firstSeenMicros()).isEqualTo(T0);
        assertThat(open.lastSeenMicros()).isEqualTo(T0 + 9 * 60 * S);
        assertThat(open.evidence().get("reply_text")).isEqualTo("554 listed at x @" + (T0 + 9 * 60 * S));
    }

    @Test
    void renotifyAfterTheIntervalOfPacketTime() {
        AlertTracker t = tracker();
        for (int i = 0; i <= 70; i++) t.onFinding(hit("10.0.0.1", T0 + i * 60 * S, null)); // one a minute for 70 min
        assertThat(sink.alerts).hasSize(2);
        Alert again = sink.alerts.get(1);
        assertThat(again.status()).isEqualTo(AlertStatus.FIRING);
        assertThat(again.tsMicros()).isEqualTo(T0 + 3600 * S);
        assertThat(again.count()).isEqualTo(61);
        assertThat(t.stats().rule(RuleId.BLOCKLIST_REJECTION).renotified()).isEqualTo(1);
    }

    @Test
    void resolvesAfterQuietPacketTimeStampedDeterministically() {
        AlertTracker t = tracker();
        t.onFinding(hit("10.0.0.1", T0, null));
        t.onFinding(hit("10.0.0.1", T0 + 5 * 60 * S, null));
        t.advanceTime(T0 + 19 * 60 * S); // 14 min quiet
        assertThat(sink.alerts).hasSize(1);
        t.advanceTime(T0 + 3 * 3600 * S); // a late heartbeat: the stamp does not depend on it
        assertThat(sink.alerts).hasSize(2);
        Alert resolved = sink.alerts.get(1);
        assertThat(resolved.status()).isEqualTo(AlertStatus.RESOLVED);
        assertThat(resolved.tsMicros()).isEqualTo(T0 + 20 * 60 * S);
        assertThat(resolved.count()).isEqualTo(2);
        assertThat(t.openCount()).isZero();
        // The same key matching again is a new alert.
        t.onFinding(hit("10.0.0.1", T0 + 4 * 3600 * S, null));
        assertThat(sink.alerts).hasSize(3);
        assertThat(sink.alerts.get(2).status()).isEqualTo(AlertStatus.FIRING);
        assertThat(sink.alerts.get(2).firstSeenMicros()).isEqualTo(T0 + 4 * 3600 * S);
    }

    @Test
    void aFindingAfterALongGapResolvesTheOldAlertFirst() {
        AlertTracker t = tracker();
        t.onFinding(hit("10.0.0.1", T0, null));
        t.onFinding(hit("10.0.0.1", T0 + 3600 * S, null)); // no heartbeat in between (replay)
        assertThat(sink.alerts).extracting(Alert::status)
                .containsExactly(AlertStatus.FIRING, AlertStatus.RESOLVED, AlertStatus.FIRING);
    }

    @Test
    void resolvedNotificationsComeOutInTimeOrder() {
        AlertTracker t = tracker(1000, Map.of(RuleId.EGRESS_POLICY,
                new AlertSettings.Policy(Duration.ofHours(1), Duration.ofMinutes(1))));
        t.onFinding(hit("10.0.0.1", T0, null)); // resolves at +15m
        t.onFinding(new Finding(RuleId.EGRESS_POLICY, Severity.CRITICAL, "10.0.0.2", T0 + 60 * S, "10.0.0.2", null,
                null, "attempted", 1, 1, 0, "x", Map.of(), null, false)); // resolves at +2m
        t.advanceTime(T0 + 3600 * S);
        List<Alert> resolved = sink.alerts.stream().filter(a -> a.status() == AlertStatus.RESOLVED).toList();
        assertThat(resolved).extracting(Alert::key).containsExactly("10.0.0.2", "10.0.0.1");
        assertThat(resolved.get(0).tsMicros()).isEqualTo(T0 + 120 * S);
    }

    @Test
    void escalationIsNotifiedAtOnceAndStateNeverDrops() {
        AlertTracker t = tracker();
        t.onFinding(egress(T0, "attempted", 1, 1));
        t.onFinding(egress(T0 + S, "attempted", 1, 1));  // no news
        t.onFinding(egress(T0 + 2 * S, "smtp", 3, 0));   // escalation
        t.onFinding(egress(T0 + 3 * S, "attempted", 1, 1)); // lower: kept as smtp, silent
        assertThat(sink.alerts).extracting(Alert::state).containsExactly("attempted", "smtp");
        Alert open = t.openAlerts().get(0);
        assertThat(open.state()).isEqualTo("smtp");
        assertThat(open.summary()).isEqualTo("smtp summary");
        assertThat(open.count()).isEqualTo(3);
    }

    private static Finding egress(long ts, String state, int rank, long count) {
        return new Finding(RuleId.EGRESS_POLICY, Severity.CRITICAL, "10.0.0.9", ts, "10.0.0.9", "203.0.113.1", null,
                state, rank, count, 0, state + " summary", Map.of(), null, false);
    }

    @Test
    void windowedCountsReplaceInsteadOfAdding() {
        AlertTracker t = tracker();
        for (int n = 20; n <= 25; n++) {
            t.onFinding(new Finding(RuleId.NULL_SENDER_BURST, Severity.CRITICAL, "account:alice", T0 + n * S, null, null,
                    "alice", null, 0, n, 600, "burst", Map.of("null_senders", n), null, false));
        }
        assertThat(t.openAlerts().get(0).count()).isEqualTo(25);
        assertThat(t.openAlerts().get(0).windowSeconds()).isEqualTo(600);
    }

    @Test
    void openAlertsPerRuleAreCapped() {
        AlertTracker t = tracker(2, Map.of());
        for (int i = 1; i <= 5; i++) t.onFinding(hit("10.0.0." + i, T0 + i * S, null));
        assertThat(sink.alerts).extracting(Alert::key).containsExactly("10.0.0.1", "10.0.0.2");
        assertThat(t.stats().rule(RuleId.BLOCKLIST_REJECTION).suppressed()).isEqualTo(3);
        assertThat(t.stats().rule(RuleId.BLOCKLIST_REJECTION).open()).isEqualTo(2);
        // Other rules are not affected by one rule's flood.
        t.onFinding(egress(T0 + 10 * S, "attempted", 1, 1));
        assertThat(sink.alerts).hasSize(3);
    }

    @Test
    void gapsLearntAfterTheFactMarkTheAlert() {
        AlertTracker t = tracker();
        t.onFinding(hit("10.0.0.1", T0, "Cgap"));
        t.connectionGaps("Cother", T0 + S);
        assertThat(t.openAlerts().get(0).gaps()).isFalse();
        t.connectionGaps("Cgap", T0 + 2 * S);
        assertThat(t.openAlerts().get(0).gaps()).isTrue();
    }

    @Test
    void uidsAreCapped() {
        AlertTracker t = tracker();
        for (int i = 0; i < 25; i++) t.onFinding(hit("10.0.0.1", T0 + i * S, "C" + i));
        @SuppressWarnings("unchecked")
        List<String> uids = (List<String>) t.openAlerts().get(0).evidence().get("uids");
        assertThat(uids).hasSize(AlertTracker.MAX_UIDS).startsWith("C15").endsWith("C24");
    }

    @Test
    void flushEmitsNothingAndCloseClosesSinks() {
        AlertTracker t = tracker();
        t.onFinding(hit("10.0.0.1", T0, null));
        t.flush();
        assertThat(sink.alerts).hasSize(1);
        t.close();
        assertThat(sink.closed).isTrue();
    }

    @Test
    void aBrokenSinkDoesNotStopTheOthers() {
        AlertSink broken = new AlertSink() {
            public void publish(Alert a) { throw new IllegalStateException("boom"); }
            public void close() {}
        };
        AlertTracker t = new AlertTracker(new AlertSettings("s1",
                new AlertSettings.Policy(Duration.ofHours(1), Duration.ofMinutes(15)), 10, Map.of()), broken, sink);
        t.onFinding(hit("10.0.0.1", T0, null));
        assertThat(sink.alerts).hasSize(1);
        assertThat(t.stats().sinkErrors()).isEqualTo(1);
    }

    /** End to end through the engine, all by packet time: a workstation retrying port 25 every 5 minutes. */
    @Test
    void dedupThroughTheEngineByPacketTime() {
        Harness h = Harness.site("detect: { egress_policy: { renotify_interval: 30m, resolve_after: 20m } }\n");
        for (int i = 0; i < 12; i++) { // one hour of retries
            h.wire.session(WORKSTATION, OUTSIDE_MX, 25).unanswered();
            h.wire.advanceSeconds(300 - 30);
        }
        List<Alert> lines = h.alerts(RuleId.EGRESS_POLICY);
        assertThat(lines).extracting(Alert::status).containsExactly(AlertStatus.FIRING, AlertStatus.FIRING);
        assertThat(lines.get(0).count()).isEqualTo(1);
        assertThat(lines.get(1).count()).isEqualTo(7); // re-notified at the first hit 30 min after opening
        assertThat(lines.get(1).tsMicros() - lines.get(0).tsMicros()).isGreaterThanOrEqualTo(1800 * S);

        h.idle(14 * 60); // 4.5 + 14 = 18.5 min of quiet
        assertThat(h.alerts(RuleId.EGRESS_POLICY)).hasSize(2);
        h.idle(2 * 60);
        List<Alert> all = h.alerts(RuleId.EGRESS_POLICY);
        assertThat(all).hasSize(3);
        Alert resolved = all.get(2);
        assertThat(resolved.status()).isEqualTo(AlertStatus.RESOLVED);
        assertThat(resolved.count()).isEqualTo(12);
        assertThat(resolved.tsMicros()).isEqualTo(resolved.lastSeenMicros() + 20 * 60 * S);
    }

    /** The same capture replayed gives the same notifications. */
    @Test
    void replayIsDeterministic() {
        List<String> a = runScenario(), b = runScenario();
        assertThat(a).isNotEmpty().isEqualTo(b);
    }

    private static List<String> runScenario() {
        Harness h = Harness.site();
        h.wire.session(FIREWALL, OUTSIDE_RELAY, 25).open().ehlo("127.0.0.1").send("<fw@example.org>", "<a@example.org>").quit();
        h.wire.session(WORKSTATION, OUTSIDE_MX, 25).unanswered();
        h.idle(3600);
        return h.alerts().stream().map(JsonAlertLog::toJson).toList();
    }
}
