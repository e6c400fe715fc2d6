package io.mailtap.alert;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailtap.detect.RuleId;
import io.mailtap.detect.Severity;
import io.mailtap.txlog.SafeJson;
import io.mailtap.time.PacketTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.mailtap.alert.Alerts.S;
import static io.mailtap.alert.Alerts.T0;
import static org.assertj.core.api.Assertions.assertThat;

/** AlertmanagerSink against real HTTP servers on loopback (no mocked HttpClient). */
@Timeout(60)
class AlertmanagerSinkTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final AsyncDelivery.Backoff FAST = new AsyncDelivery.Backoff(Duration.ofMillis(20), Duration.ofMillis(100));
    private static final Duration LONG_RESEND = Duration.ofMinutes(10);

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) toClose.get(i).close();
    }

    private <T extends AutoCloseable> T closing(T c) {
        toClose.add(c);
        return c;
    }

    private FakeReceiver receiver() throws Exception { return closing(new FakeReceiver()); }

    private AlertmanagerSink sink(List<String> urls, Duration resend, Duration timeout, int queue, int retries, int maxActive) {
        return closing(new AlertmanagerSink(urls, "sensor-a", resend, timeout, queue, retries, FAST, maxActive, Clock.systemUTC()));
    }

    private AlertmanagerSink sink(List<String> urls, Duration resend) {
        return sink(urls, resend, Duration.ofSeconds(2), 1000, 3, AlertmanagerSink.DEFAULT_MAX_ACTIVE);
    }

    private static JsonNode json(String body) throws Exception { return SafeJson.mapper().readTree(body); }

    private static List<JsonNode> alertsIn(List<FakeReceiver.Request> reqs) throws Exception {
        List<JsonNode> all = new ArrayList<>();
        for (FakeReceiver.Request r : reqs) json(r.body()).forEach(all::add);
        return all;
    }

    private static Map<String, String> map(JsonNode obj) {
        Map<String, String> m = new LinkedHashMap<>();
        obj.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
        return m;
    }

    private static String dead() throws Exception { return "http://127.0.0.1:" + FakeReceiver.closedPort(); }

    @Test
    void postsTheV2ShapeLabelsAnnotationsAndTimes() throws Exception {
        FakeReceiver am = receiver();
        AlertmanagerSink s = sink(List.of(am.url() + "/"), Duration.ofMinutes(1));
        Instant before = Instant.now();
        s.publish(Alerts.nullSender("alice@example.org", AlertStatus.FIRING, T0 + 300 * S));
        FakeReceiver.Request r = am.awaitRequests(1, WAIT).get(0);
        Instant after = Instant.now();

        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/api/v2/alerts");
        assertThat(r.header("Content-Type")).isEqualTo("application/json");
        JsonNode arr = json(r.body());
        assertThat(arr.isArray()).isTrue();
        assertThat(arr.size()).isEqualTo(1);
        JsonNode a = arr.get(0);
        List<String> fields = new ArrayList<>();
        a.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("labels", "annotations", "startsAt", "endsAt");

        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("alertname", "MailtapDetectNullSenderBurst");
        expected.put("severity", "critical");
        expected.put("rule", "null_sender_burst");
        expected.put("sensor", "sensor-a");
        expected.put("key_id", AlertmanagerPayload.keyId(RuleId.NULL_SENDER_BURST, "account:alice@example.org"));
        expected.put("src_ip", "198.18.10.7");
        expected.put("account", "alice@example.org");
        expected.put("dst_ip", "198.18.10.2");
        assertThat(map(a.get("labels"))).containsExactlyEntriesOf(expected);
        assertThat(a.get("labels").get("key_id").asText()).matches("[0-9a-f]{16}");

        Map<String, String> ann = map(a.get("annotations"));
        assertThat(ann.keySet()).containsExactly("summary", "description", "key", "count", "first_seen", "last_seen",
                "gaps", "evidence_key_type", "evidence_key_value", "evidence_share_null");
        assertThat(ann.get("summary")).isEqualTo("account alice@example.org sent 42 null-sender mails in 10 min");
        assertThat(ann.get("key")).isEqualTo("account:alice@example.org");
        assertThat(ann.get("count")).isEqualTo("42");
        assertThat(ann.get("evidence_share_null")).isEqualTo("0.95");
        assertThat(ann.get("evidence_key_value")).isEqualTo("alice@example.org");
        assertThat(ann.get("description").split("\n")).contains(
                "rule: null_sender_burst (critical), status: firing",
                "account: alice@example.org",
                "count: 42 in the last 600 s window",
                "first seen: 2023-11-14T22:13:20.000000Z",
                "last seen: 2023-11-14T22:18:20.000000Z",
                "sensor: sensor-a");
        assertThat(ann.get("description")).contains("missing data");

        assertThat(a.get("startsAt").asText()).isEqualTo("2023-11-14T22:13:20.000000Z");
        Instant endsAt = Instant.parse(a.get("endsAt").asText());
        assertThat(endsAt).isBetween(before.plus(Duration.ofMinutes(3)).minusMillis(1), after.plus(Duration.ofMinutes(3)).plusMillis(1));
        FakeReceiver.await("delivered", WAIT, () -> s.stats().delivered.get() == 1);
        assertThat(s.stats().enqueued.get()).isEqualTo(1);
        assertThat(s.stats().failedAttempts.get()).isZero();
        assertThat(s.activeCount()).isEqualTo(1);
    }

    @Test
    void resendsWhileFiringThenOneResolvedWithEndsAtAndNoMore() throws Exception {
        FakeReceiver am = receiver();
        AlertmanagerSink s = sink(List.of(am.url()), Duration.ofMillis(200));
        s.publish(Alerts.firing("198.18.10.5"));
        List<FakeReceiver.Request> firing = am.awaitRequests(3, WAIT); // the notification + 2 re-sends
        List<JsonNode> sent = alertsIn(firing);
        JsonNode labels = sent.get(0).get("labels");
        for (JsonNode a : sent) {
            assertThat(a.get("labels")).isEqualTo(labels);
            assertThat(Instant.parse(a.get("endsAt").asText())).isAfter(Instant.now());
        }
        assertThat(Instant.parse(sent.get(2).get("endsAt").asText())).isAfter(Instant.parse(sent.get(0).get("endsAt").asText()));
        FakeReceiver.await("re-sent", WAIT, () -> s.resent() >= 2);

        s.publish(Alerts.resolved("198.18.10.5"));
        String resolvedEnd = PacketTime.iso(T0 + 900 * S);
        FakeReceiver.await("resolved POST", WAIT, () -> {
            try {
                return alertsIn(am.requests()).stream().anyMatch(a -> a.get("endsAt").asText().equals(resolvedEnd));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(s.activeCount()).isZero();
        Thread.sleep(700); // > 3 re-send intervals: a resolved alert is not re-sent
        List<JsonNode> all = alertsIn(am.requests());
        JsonNode last = all.get(all.size() - 1);
        assertThat(last.get("endsAt").asText()).isEqualTo(resolvedEnd);
        assertThat(last.get("labels")).isEqualTo(labels);
        assertThat(last.get("startsAt").asText()).isEqualTo("2023-11-14T22:13:20.000000Z");
        assertThat(last.get("annotations").get("description").asText()).contains("status: resolved");
        assertThat(all.stream().filter(a -> a.get("endsAt").asText().equals(resolvedEnd)).count()).isEqualTo(1);
        assertThat(s.stats().delivered.get()).isEqualTo(2);
    }

    @Test
    void labelsStayThoseOfTheFirstNotificationSoTheFingerprintHolds() throws Exception {
        FakeReceiver am = receiver();
        AlertmanagerSink s = sink(List.of(am.url()), LONG_RESEND);
        s.publish(Alerts.egress("198.18.10.5", "203.0.113.25", AlertStatus.FIRING, T0));
        s.publish(Alerts.egress("198.18.10.5", "203.0.113.99", AlertStatus.FIRING, T0 + 60 * S));
        s.publish(Alerts.egress("198.18.10.5", "203.0.113.99", AlertStatus.RESOLVED, T0 + 960 * S));
        FakeReceiver.await("3 delivered", WAIT, () -> s.stats().delivered.get() == 3);
        List<JsonNode> sent = alertsIn(am.requests());
        assertThat(sent).hasSize(3);
        for (JsonNode a : sent) assertThat(a.get("labels").get("dst_ip").asText()).isEqualTo("203.0.113.25");
        assertThat(sent.get(1).get("annotations").get("description").asText()).contains("server: 203.0.113.99");

        // two alerts of one rule about one host (two HELO names) stay apart without the HELO in a label
        Map<String, String> a = AlertmanagerPayload.labels(helo("198.18.10.1 127.0.0.1"), "s");
        Map<String, String> b = AlertmanagerPayload.labels(helo("198.18.10.1 localhost"), "s");
        assertThat(a.get("key_id")).isNotEqualTo(b.get("key_id"));
        assertThat(String.join(" ", a.values())).doesNotContain("127.0.0.1", "localhost");
    }

    private static Alert helo(String key) {
        return new Alert(T0, RuleId.BAD_HELO, Severity.WARNING, AlertStatus.FIRING, key, "198.18.10.1", "203.0.113.25",
                null, null, 1, 0, T0, T0, "bad HELO", Map.of("helo", key.substring(key.indexOf(' ') + 1)), false, "s");
    }

    @Test
    void anHaPairGetsEveryBatch() throws Exception {
        FakeReceiver am1 = receiver();
        FakeReceiver am2 = receiver();
        AlertmanagerSink s = sink(List.of(am1.url(), am2.url()), LONG_RESEND);
        s.publish(Alerts.firing("198.18.10.5"));
        assertThat(am1.awaitRequests(1, WAIT).get(0).body()).isEqualTo(am2.awaitRequests(1, WAIT).get(0).body());
        FakeReceiver.await("delivered", WAIT, () -> s.stats().delivered.get() == 1);
        assertThat(s.stats().failedAttempts.get()).isZero();
    }

    @Test
    void oneDeadUrlOfThePairStillCountsAsDeliveredAndTheFailureIsCounted() throws Exception {
        FakeReceiver live = receiver();
        AlertmanagerSink s = sink(List.of(dead(), live.url()), LONG_RESEND);
        s.publish(Alerts.firing("198.18.10.5"));
        live.awaitRequests(1, WAIT);
        FakeReceiver.await("delivered", WAIT, () -> s.stats().delivered.get() == 1);
        assertThat(s.stats().failedAttempts.get()).isEqualTo(1); // the dead URL, once: no retry when one accepted
        assertThat(s.stats().gaveUp.get()).isZero();
        assertThat(live.requests()).hasSize(1);
    }

    @Test
    void allUrlsDownRetriesThenGivesUp() throws Exception {
        try (LogCapture logs = new LogCapture()) {
            AlertmanagerSink s = sink(List.of(dead(), dead()), LONG_RESEND, Duration.ofSeconds(2), 100, 2,
                    AlertmanagerSink.DEFAULT_MAX_ACTIVE);
            s.publish(Alerts.firing("198.18.10.5"));
            FakeReceiver.await("gave up", WAIT, () -> s.stats().gaveUp.get() == 1);
            assertThat(s.stats().failedAttempts.get()).isEqualTo(6); // 3 attempts × 2 URLs
            assertThat(s.stats().delivered.get()).isZero();
            assertThat(logs.count("gave up on 1 notification(s) after 3 attempt(s) (no retries left)")).isEqualTo(1);
        }
    }

    @Test
    void retriesBackOffExponentially() throws Exception {
        // The production backoff: 0.5 s, then 1 s, before the two retries.
        AlertmanagerSink s = closing(new AlertmanagerSink(List.of(dead()), "sensor-a", LONG_RESEND, Duration.ofSeconds(2), 10, 2));
        long t0 = System.nanoTime();
        s.publish(Alerts.firing("198.18.10.5"));
        FakeReceiver.await("gave up", WAIT, () -> s.stats().gaveUp.get() == 1);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(took).isBetween(Duration.ofMillis(1450), Duration.ofSeconds(8));
        assertThat(s.stats().failedAttempts.get()).isEqualTo(3);
        assertThat(AsyncDelivery.Backoff.DEFAULT.delayNanos(0)).isEqualTo(500_000_000L);
        assertThat(AsyncDelivery.Backoff.DEFAULT.delayNanos(5)).isEqualTo(16_000_000_000L);
        assertThat(AsyncDelivery.Backoff.DEFAULT.delayNanos(6)).isEqualTo(30_000_000_000L);
        assertThat(AsyncDelivery.Backoff.DEFAULT.delayNanos(1000)).isEqualTo(30_000_000_000L);
    }

    @Test
    void aClientErrorIsNotRetriedAServerErrorIs() throws Exception {
        FakeReceiver bad = receiver().status(400).responseBody("{\"code\":400,\"message\":\"start time must be before end time\"}");
        AlertmanagerSink s = sink(List.of(bad.url()), LONG_RESEND);
        s.publish(Alerts.firing("198.18.10.5"));
        FakeReceiver.await("gave up", WAIT, () -> s.stats().gaveUp.get() == 1);
        assertThat(s.stats().failedAttempts.get()).isEqualTo(1);
        assertThat(bad.requests()).hasSize(1);

        FakeReceiver flaky = receiver().status(n -> n < 2 ? 503 : 200);
        AlertmanagerSink s2 = sink(List.of(flaky.url()), LONG_RESEND);
        s2.publish(Alerts.firing("198.18.10.5"));
        FakeReceiver.await("delivered", WAIT, () -> s2.stats().delivered.get() == 1);
        assertThat(s2.stats().failedAttempts.get()).isEqualTo(2);
        assertThat(s2.stats().gaveUp.get()).isZero();
    }

    @Test
    void publishNeverBlocksOnASlowAlertmanagerAndMemoryStaysBounded() throws Exception {
        FakeReceiver slow = receiver().delay(Duration.ofSeconds(3));
        int queue = 100;
        int maxActive = 500;
        AlertmanagerSink s = sink(List.of(slow.url(), dead()), LONG_RESEND, Duration.ofMillis(500), queue, 5, maxActive);
        try (LogCapture logs = new LogCapture()) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 10_000; i++) {
                s.publish(Alerts.firing("10.1." + (i / 256) + "." + (i % 256)));
                assertThat(s.stats().queueDepth.get()).isLessThanOrEqualTo(queue);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(took).isLessThan(Duration.ofSeconds(2));
            SinkStats st = s.stats();
            assertThat(st.enqueued.get() + st.droppedQueueFull.get()).isEqualTo(10_000);
            assertThat(st.droppedQueueFull.get()).isGreaterThanOrEqualTo(10_000 - queue - AlertmanagerSink.MAX_BATCH);
            assertThat(s.activeCount()).isEqualTo(maxActive);
            assertThat(logs.count("alert queue full")).isEqualTo(1);
            assertThat(logs.count("re-send set is full")).isEqualTo(1);
        }
        long t1 = System.nanoTime();
        s.close();
        Duration closing = Duration.ofNanos(System.nanoTime() - t1);
        assertThat(closing).isLessThan(Duration.ofSeconds(4)); // budget min(5 s, 0.5 s) + 1 s to stop the thread
        SinkStats st = s.stats();
        assertThat(st.queueDepth.get()).isZero();
        assertThat(st.delivered.get() + st.gaveUp.get()).isEqualTo(st.enqueued.get());
        s.publish(Alerts.firing("10.9.9.9")); // after close: ignored, no exception
        assertThat(st.enqueued.get() + st.droppedQueueFull.get()).isEqualTo(10_000);
    }

    @Test
    void closeDeliversWhatIsQueued() throws Exception {
        FakeReceiver am = receiver().delay(Duration.ofMillis(30));
        AlertmanagerSink s = sink(List.of(am.url()), LONG_RESEND);
        for (int i = 0; i < 5; i++) s.publish(Alerts.firing("198.18.10." + i));
        s.close();
        assertThat(alertsIn(am.requests())).hasSize(5);
        assertThat(s.stats().delivered.get()).isEqualTo(5);
    }

    @Test
    void basicAuthFromTheUrlAndNoCredentialsInLogs() throws Exception {
        FakeReceiver am = receiver().status(500).responseBody("denied for s3cret-pw");
        String url = am.url().replace("http://", "http://mailtap:s3cret-pw@");
        try (LogCapture logs = new LogCapture()) {
            AlertmanagerSink s = sink(List.of(url), LONG_RESEND, Duration.ofSeconds(2), 10, 1, 10);
            s.publish(Alerts.firing("198.18.10.5"));
            FakeReceiver.await("gave up", WAIT, () -> s.stats().gaveUp.get() == 1);
            assertThat(am.requests().get(0).header("Authorization"))
                    .isEqualTo("Basic " + java.util.Base64.getEncoder().encodeToString("mailtap:s3cret-pw".getBytes()));
            assertThat(s.toString()).doesNotContain("s3cret");
            assertThat(logs.lines()).isNotEmpty().noneMatch(l -> l.contains("s3cret"));
            assertThat(logs.lines()).anyMatch(l -> l.contains("HTTP 500: denied for <redacted>"));
        }
    }

    @Test
    void namesAndUrls() {
        AlertmanagerSink s = closing(new AlertmanagerSink(List.of("http://127.0.0.1:9093", "http://127.0.0.1:9094/am/"), "s",
                Duration.ofSeconds(60), Duration.ofSeconds(5), 1000, 5));
        assertThat(s.name()).isEqualTo("alertmanager");
        assertThat(AlertmanagerSink.apiUrl("http://127.0.0.1:9094/am/")).isEqualTo("http://127.0.0.1:9094/am/api/v2/alerts");
        assertThat(AlertmanagerPayload.alertName(RuleId.EGRESS_POLICY)).isEqualTo("MailtapDetectEgressPolicy");
        assertThat(AlertmanagerPayload.alertName(RuleId.AUTH_GUEST_ACCOUNT)).isEqualTo("MailtapDetectAuthGuestAccount");
    }
}
