package io.mailtap.alert;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailtap.detect.RuleId;
import io.mailtap.detect.Severity;
import io.mailtap.txlog.SafeJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * AlertmanagerSink against a real Alertmanager (the Debian package {@code prometheus-alertmanager}):
 * the alert must be accepted and listed with our labels, and Alertmanager must route it to its
 * webhook receiver (a test HTTP server), firing and then resolved. Skipped when the binary is
 * missing, except under CI=true, where that is a failure.
 */
@Timeout(90)
class AlertmanagerIntegrationTest {
    private static final Path BINARY = Path.of("/usr/bin/prometheus-alertmanager");
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private Process alertmanager;
    private Path amLog;
    private AlertmanagerSink sink;
    private FakeReceiver receiver;

    @AfterEach
    void stop() throws Exception {
        if (sink != null) sink.close();
        if (alertmanager != null) {
            alertmanager.destroy();
            if (!alertmanager.waitFor(5, TimeUnit.SECONDS)) {
                alertmanager.destroyForcibly();
                alertmanager.waitFor(5, TimeUnit.SECONDS);
            }
        }
        if (receiver != null) receiver.close();
    }

    @Test
    void aRealAlertmanagerAcceptsListsAndRoutesTheAlert(@TempDir Path dir) throws Exception {
        if (!Files.isExecutable(BINARY)) {
            String why = BINARY + " is missing (apt-get install prometheus-alertmanager)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) fail("CI=true and " + why);
            Assumptions.abort("skipped: " + why);
        }
        receiver = new FakeReceiver();
        Path config = dir.resolve("alertmanager.yml");
        Files.writeString(config, String.join("\n",
                "route:",
                "  receiver: test-hook",
                "  group_by: [alertname, src_ip, account]",
                "  group_wait: 0s",
                "  group_interval: 1s",
                "  repeat_interval: 1h",
                "receivers:",
                "  - name: test-hook",
                "    webhook_configs:",
                "      - url: " + receiver.url() + "/alertmanager-hook",
                "        send_resolved: true",
                ""));
        int port = FakeReceiver.closedPort();
        String base = "http://127.0.0.1:" + port;
        amLog = dir.resolve("alertmanager.log");
        alertmanager = new ProcessBuilder(BINARY.toString(),
                "--config.file=" + config,
                "--storage.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--cluster.listen-address=",
                "--log.level=info")
                .redirectErrorStream(true)
                .redirectOutput(amLog.toFile())
                .start();
        awaitReady(base);

        sink = new AlertmanagerSink(List.of(base), "sensor-it", Duration.ofSeconds(1), Duration.ofSeconds(2), 100, 2);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        long nowMicros = now.toEpochMilli() * 1000;
        long firstMicros = nowMicros - 120_000_000L;
        Alert firing = new Alert(nowMicros, RuleId.NULL_SENDER_BURST, Severity.CRITICAL, AlertStatus.FIRING,
                "account:mallory@example.org", "198.18.10.7", "198.18.10.2", "mallory@example.org", null, 25, 600,
                firstMicros, nowMicros, "account mallory@example.org sent 25 null-sender mails in 10 min",
                Map.of("key_type", "account", "share_null", 0.9), false, "sensor-it");
        sink.publish(firing);

        // 1. Alertmanager lists it, with exactly our labels.
        JsonNode listed = awaitListed(base, true);
        Map<String, String> labels = new LinkedHashMap<>();
        listed.get("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        assertThat(labels).containsOnly(
                Map.entry("alertname", "MailtapDetectNullSenderBurst"),
                Map.entry("severity", "critical"),
                Map.entry("rule", "null_sender_burst"),
                Map.entry("sensor", "sensor-it"),
                Map.entry("key_id", AlertmanagerPayload.keyId(RuleId.NULL_SENDER_BURST, "account:mallory@example.org")),
                Map.entry("src_ip", "198.18.10.7"),
                Map.entry("account", "mallory@example.org"),
                Map.entry("dst_ip", "198.18.10.2"));
        assertThat(listed.get("annotations").get("summary").asText()).isEqualTo(firing.summary());
        assertThat(listed.get("annotations").get("evidence_share_null").asText()).isEqualTo("0.9");
        assertThat(Instant.parse(listed.get("startsAt").asText())).isEqualTo(Instant.ofEpochMilli(firstMicros / 1000));
        assertThat(Instant.parse(listed.get("endsAt").asText())).isAfter(Instant.now().plusSeconds(1));
        assertThat(listed.get("status").get("state").asText()).isEqualTo("active");

        // 2. Alertmanager routed it to its webhook receiver.
        JsonNode firingHook = awaitHook("firing");
        assertThat(firingHook.get("alerts").get(0).get("labels").get("alertname").asText()).isEqualTo("MailtapDetectNullSenderBurst");
        assertThat(firingHook.get("groupLabels").get("account").asText()).isEqualTo("mallory@example.org");

        // 3. Resolution: endsAt now; Alertmanager sends the resolved notification and stops listing it.
        long resolvedMicros = Instant.now().toEpochMilli() * 1000;
        sink.publish(new Alert(resolvedMicros, firing.rule(), firing.severity(), AlertStatus.RESOLVED, firing.key(),
                firing.srcIp(), firing.dstIp(), firing.account(), null, 25, 600, firstMicros, nowMicros, firing.summary(),
                firing.evidence(), false, "sensor-it"));
        JsonNode resolvedHook = awaitHook("resolved");
        assertThat(resolvedHook.get("alerts").get(0).get("status").asText()).isEqualTo("resolved");
        awaitListed(base, false);
        assertThat(sink.stats().delivered.get()).isEqualTo(2);
        assertThat(sink.stats().gaveUp.get()).isZero();
        assertThat(sink.stats().failedAttempts.get()).isZero();
    }

    private void awaitReady(String base) throws Exception {
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end) {
            if (!alertmanager.isAlive()) fail("alertmanager exited with " + alertmanager.exitValue() + ":\n" + amLog());
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/-/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) return;
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        fail("alertmanager not ready within " + WAIT + ":\n" + amLog());
    }

    /** Polls GET /api/v2/alerts until our alert is listed ({@code present}) or gone. */
    private JsonNode awaitListed(String base, boolean present) throws Exception {
        String filter = URLEncoder.encode("alertname=\"MailtapDetectNullSenderBurst\"", StandardCharsets.UTF_8);
        long end = System.nanoTime() + WAIT.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < end) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v2/alerts?filter=" + filter))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            last = SafeJson.mapper().readTree(r.body());
            if (present && last.size() == 1) return last.get(0);
            if (!present && last.size() == 0) return last;
            Thread.sleep(100);
        }
        return fail("alert " + (present ? "not listed" : "still listed") + " within " + WAIT + ": " + last + "\n" + amLog());
    }

    /** Waits for a notification from Alertmanager with the given status. */
    private JsonNode awaitHook(String status) throws Exception {
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end) {
            for (FakeReceiver.Request r : receiver.requests()) {
                JsonNode n = SafeJson.mapper().readTree(r.body());
                if (r.path().equals("/alertmanager-hook") && status.equals(n.path("status").asText())) return n;
            }
            Thread.sleep(50);
        }
        return fail("no " + status + " notification from alertmanager within " + WAIT + ": " + receiver.requests() + "\n" + amLog());
    }

    private String amLog() {
        try {
            return Files.readString(amLog);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
