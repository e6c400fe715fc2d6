package io.mailtap.alert;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.mailtap.alert.Alerts.S;
import static io.mailtap.alert.Alerts.T0;
import static org.assertj.core.api.Assertions.assertThat;

/** WebhookSink against real HTTP servers on loopback (no mocked HttpClient). */
@Timeout(60)
class WebhookSinkTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final AsyncDelivery.Backoff FAST = new AsyncDelivery.Backoff(Duration.ofMillis(20), Duration.ofMillis(100));
    private static final String TOKEN = "tok-9f8e7d6c5b4a";

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) toClose.get(i).close();
    }

    private <T extends AutoCloseable> T closing(T c) {
        toClose.add(c);
        return c;
    }

    private WebhookSink sink(String url, String token, int queue, int retries) {
        return closing(new WebhookSink(url, token, "sensor-a", Duration.ofSeconds(2), queue, retries, FAST));
    }

    @Test
    void postsTheAlertsJsonlObjectWithTheBearerToken() throws Exception {
        FakeReceiver hook = closing(new FakeReceiver());
        WebhookSink s = sink(hook.url() + "/hooks/mailtap?x=1", TOKEN, 100, 3);
        Alert firing = Alerts.nullSender("bob@example.org", AlertStatus.FIRING, T0 + 60 * S);
        Alert resolved = Alerts.nullSender("bob@example.org", AlertStatus.RESOLVED, T0 + 960 * S);
        s.publish(firing);
        s.publish(resolved);
        List<FakeReceiver.Request> reqs = hook.awaitRequests(2, WAIT);
        assertThat(reqs.get(0).method()).isEqualTo("POST");
        assertThat(reqs.get(0).path()).isEqualTo("/hooks/mailtap");
        assertThat(reqs.get(0).header("Content-Type")).isEqualTo("application/json");
        assertThat(reqs.get(0).header("Authorization")).isEqualTo("Bearer " + TOKEN);
        assertThat(reqs.get(0).header("X-Mailtap-Sensor")).isEqualTo("sensor-a");
        assertThat(reqs.get(0).body()).isEqualTo(JsonAlertLog.toJson(firing)); // one object, the alerts.jsonl schema
        assertThat(reqs.get(1).body()).isEqualTo(JsonAlertLog.toJson(resolved));
        FakeReceiver.await("delivered", WAIT, () -> s.stats().delivered.get() == 2);
        assertThat(s.stats().failedAttempts.get()).isZero();
        assertThat(s.name()).isEqualTo("webhook");
    }

    @Test
    void noAuthorizationHeaderWithoutAToken() throws Exception {
        FakeReceiver hook = closing(new FakeReceiver());
        WebhookSink s = sink(hook.url(), null, 100, 3);
        s.publish(Alerts.firing("198.18.10.5"));
        assertThat(hook.awaitRequests(1, WAIT).get(0).header("Authorization")).isNull();
    }

    @Test
    void theTokenNeverReachesTheLogsEvenWhenTheServerEchoesIt() throws Exception {
        FakeReceiver hook = closing(new FakeReceiver().status(n -> n == 0 ? 500 : 401)
                .responseBody("invalid token " + TOKEN + " for /hooks/secret-path"));
        try (LogCapture logs = new LogCapture()) {
            WebhookSink s = sink(hook.url() + "/hooks/secret-path", TOKEN, 100, 3);
            s.publish(Alerts.firing("198.18.10.5"));
            FakeReceiver.await("gave up", WAIT, () -> s.stats().gaveUp.get() == 1);
            assertThat(s.stats().failedAttempts.get()).isEqualTo(2); // 500 is retried, 401 is not
            assertThat(hook.requests()).allMatch(r -> ("Bearer " + TOKEN).equals(r.header("Authorization")));
            assertThat(logs.lines()).isNotEmpty().noneMatch(l -> l.contains(TOKEN));
            assertThat(logs.lines()).anyMatch(l -> l.contains("HTTP 401: invalid token <redacted> for <redacted>"));
            assertThat(s.toString()).doesNotContain(TOKEN, "secret-path");
            // a webhook's path is often the secret itself (chat webhooks): logs show scheme://host:port only
            assertThat(logs.lines()).noneMatch(l -> l.contains("secret-path"));
        }
    }

    @Test
    void retriesServerErrorsThenDelivers() throws Exception {
        FakeReceiver hook = closing(new FakeReceiver().status(n -> n < 2 ? 502 : 204));
        WebhookSink s = sink(hook.url(), TOKEN, 100, 3);
        s.publish(Alerts.firing("198.18.10.5"));
        FakeReceiver.await("delivered", WAIT, () -> s.stats().delivered.get() == 1);
        assertThat(s.stats().failedAttempts.get()).isEqualTo(2);
        assertThat(hook.requests()).hasSize(3);
    }

    @Test
    void downRetriesThenGivesUpAndPublishNeverBlocks() throws Exception {
        String dead = "http://127.0.0.1:" + FakeReceiver.closedPort();
        WebhookSink s = sink(dead, TOKEN, 50, 2);
        long t0 = System.nanoTime();
        for (int i = 0; i < 10_000; i++) s.publish(Alerts.firing("10.2." + (i / 256) + "." + (i % 256)));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
        SinkStats st = s.stats();
        assertThat(st.enqueued.get() + st.droppedQueueFull.get()).isEqualTo(10_000);
        assertThat(st.queueDepth.get()).isLessThanOrEqualTo(50);
        FakeReceiver.await("first gave up", WAIT, () -> st.gaveUp.get() >= 1);
        assertThat(st.failedAttempts.get()).isGreaterThanOrEqualTo(3);
        s.close();
        assertThat(st.delivered.get()).isZero();
        assertThat(st.gaveUp.get()).isEqualTo(st.enqueued.get());
        assertThat(st.queueDepth.get()).isZero();
    }

    @Test
    void logsTheTargetWithoutItsSecretPath() {
        WebhookSink s = closing(new WebhookSink("https://hooks.example/x", TOKEN, "s", Duration.ofSeconds(5), 1000, 5));
        assertThat(s.toString()).isEqualTo("WebhookSink[https://hooks.example]");
    }
}
