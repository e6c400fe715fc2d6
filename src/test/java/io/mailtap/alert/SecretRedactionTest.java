package io.mailtap.alert;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Secrets from the config never reach a log line, whatever a receiver echoes (logback captured). */
class SecretRedactionTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final AsyncDelivery.Backoff FAST = new AsyncDelivery.Backoff(Duration.ofMillis(20), Duration.ofMillis(100));
    private static final String TOKEN = "tok-BEARER-0a1b2c3d";
    private static final String PATH_SECRET = "T000/B000/PATHSECRET77";
    private static final String QUERY_SECRET = "QUERYSECRET-5e6f";
    private static final String AM_PASSWORD = "am-PASSWORD-9z8y";

    @Test
    void aWebhookTokenPathAndQueryEchoedByTheReceiverAreNeverLogged() throws Exception {
        try (FakeReceiver hook = new FakeReceiver(); LogCapture logs = new LogCapture()) {
            String url = hook.url() + "/hooks/" + PATH_SECRET + "?token=" + QUERY_SECRET + "&channel=ops";
            hook.status(n -> n == 0 ? 500 : 400).responseBody("rejected POST /hooks/" + PATH_SECRET + "?token=" + QUERY_SECRET
                    + " (token=" + QUERY_SECRET + ", Authorization: Bearer " + TOKEN + ") url " + url);
            WebhookSink s = new WebhookSink(url, TOKEN, "sensor-a", Duration.ofSeconds(2), 10, 3, FAST);
            s.publish(Alerts.firing("198.18.10.5"));
            FakeReceiver.await("gave up", WAIT, () -> s.stats().gaveUp.get() == 1);
            s.close();
            List<String> lines = logs.lines();
            assertThat(lines).anyMatch(l -> l.contains("HTTP 500")).anyMatch(l -> l.contains("HTTP 400"));
            assertThat(lines).noneMatch(l -> l.contains(TOKEN) || l.contains(QUERY_SECRET) || l.contains("PATHSECRET77"));
            assertThat(s.toString()).doesNotContain(TOKEN, QUERY_SECRET, "PATHSECRET77");
        }
    }

    @Test
    void anAlertmanagerUrlPasswordEchoedByTheReceiverIsNeverLogged() throws Exception {
        try (FakeReceiver am = new FakeReceiver(); LogCapture logs = new LogCapture()) {
            String basic = Base64.getEncoder().encodeToString(("mailtap:" + AM_PASSWORD).getBytes(StandardCharsets.UTF_8));
            am.status(503).responseBody("no: Authorization: Basic " + basic + " for http://mailtap:" + AM_PASSWORD + "@x/");
            String url = am.url().replace("http://", "http://mailtap:" + AM_PASSWORD + "@");
            AlertmanagerSink s = new AlertmanagerSink(List.of(url), "s", Duration.ofMinutes(5), Duration.ofSeconds(2), 10, 1,
                    FAST, 100, Clock.systemUTC());
            s.publish(Alerts.firing("198.18.10.5"));
            FakeReceiver.await("gave up", WAIT, () -> s.stats().gaveUp.get() == 1);
            s.close();
            assertThat(am.requests().get(0).header("Authorization")).isEqualTo("Basic " + basic);
            assertThat(logs.lines()).anyMatch(l -> l.contains("HTTP 503"))
                    .noneMatch(l -> l.contains(AM_PASSWORD) || l.contains(basic));
        }
    }

    @Test
    void aBearerTokenWithATrailingNewlineIsRefusedWithoutShowingIt() {
        assertThatThrownBy(() -> new WebhookSink("https://hooks.example/x", TOKEN + "\n", "s", Duration.ofSeconds(2), 10, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not allowed in an HTTP header")
                .message().doesNotContain(TOKEN);
    }

    @Test
    void aMalformedUrlIsRefusedWithoutItsPassword() {
        assertThatThrownBy(() -> new WebhookSink("http://user:" + AM_PASSWORD + "@exa mple.com/x", null, "s",
                Duration.ofSeconds(2), 10, 1))
                .isInstanceOf(IllegalArgumentException.class).message().doesNotContain(AM_PASSWORD);
    }
}
