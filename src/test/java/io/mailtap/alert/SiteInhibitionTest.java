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
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The shipped Alertmanager example (ops/alertmanager/example.yml) in a real Alertmanager, fed by
 * two sensors at two sites whose private ranges overlap: a critical alert about 10.0.0.5 at site A
 * inhibits site A's warning about 10.0.0.5, and no longer site B's warning about its own 10.0.0.5.
 * Skipped when the binary is missing, except under CI=true.
 */
@Timeout(90)
class SiteInhibitionTest {
    private static final Path BINARY = Path.of("/usr/bin/prometheus-alertmanager");
    private static final Path EXAMPLE = Path.of("ops/alertmanager/example.yml");
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final List<AlertmanagerSink> sinks = new ArrayList<>();
    private Process alertmanager;
    private FakeReceiver receiver;
    private Path amLog;

    @AfterEach
    void stop() throws Exception {
        for (AlertmanagerSink s : sinks) s.close();
        if (alertmanager != null) {
            alertmanager.destroy();
            if (!alertmanager.waitFor(5, TimeUnit.SECONDS)) alertmanager.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        if (receiver != null) receiver.close();
    }

    private static Alert alert(RuleId rule, Severity sev, String sensor, String site, long nowMicros) {
        return new Alert(nowMicros, rule, sev, AlertStatus.FIRING, "10.0.0.5", "10.0.0.5", "203.0.113.25", null, null, 1, 0,
                nowMicros - 60_000_000L, nowMicros, rule.id() + " at " + site, Map.of(), false, sensor, null, site);
    }

    @Test
    void aCriticalAlertAtOneSiteDoesNotInhibitAWarningAtAnother(@TempDir Path dir) throws Exception {
        if (!Files.isExecutable(BINARY)) {
            String why = BINARY + " is missing (apt-get install prometheus-alertmanager)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) fail("CI=true and " + why);
            Assumptions.abort("skipped: " + why);
        }
        receiver = new FakeReceiver();
        Path config = dir.resolve("alertmanager.yml");
        Files.writeString(config, Files.readString(EXAMPLE).replace("http://127.0.0.1:9099", receiver.url()));
        int port = FakeReceiver.closedPort();
        String base = "http://127.0.0.1:" + port;
        amLog = dir.resolve("alertmanager.log");
        alertmanager = new ProcessBuilder(BINARY.toString(), "--config.file=" + config,
                "--storage.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                "--cluster.listen-address=", "--log.level=info")
                .redirectErrorStream(true).redirectOutput(amLog.toFile()).start();
        awaitReady(base);

        long now = System.currentTimeMillis() * 1000L;
        AlertmanagerSink a = new AlertmanagerSink(List.of(base), "edge-a", Duration.ofSeconds(30), Duration.ofSeconds(2), 100, 2);
        AlertmanagerSink b = new AlertmanagerSink(List.of(base), "edge-b", Duration.ofSeconds(30), Duration.ofSeconds(2), 100, 2);
        sinks.add(a);
        sinks.add(b);
        a.publish(alert(RuleId.EGRESS_POLICY, Severity.CRITICAL, "edge-a", "site-a", now));
        a.publish(alert(RuleId.BAD_HELO, Severity.WARNING, "edge-a", "site-a", now));
        b.publish(alert(RuleId.BAD_HELO, Severity.WARNING, "edge-b", "site-b", now));

        JsonNode warningA = null, warningB = null, critical = null;
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end) {
            JsonNode all = SafeJson.mapper().readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/api/v2/alerts"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body());
            warningA = warningB = critical = null;
            for (JsonNode n : all) {
                String site = n.path("labels").path("site").asText();
                String sev = n.path("labels").path("severity").asText();
                if (sev.equals("critical")) critical = n;
                else if (site.equals("site-a")) warningA = n;
                else if (site.equals("site-b")) warningB = n;
            }
            if (critical != null && warningA != null && warningB != null
                    && warningA.path("status").path("state").asText().equals("suppressed")) break;
            Thread.sleep(100);
        }
        assertThat(critical).as("critical at site A listed: %s", amLog()).isNotNull();
        assertThat(critical.path("labels").path("sensor").asText()).isEqualTo("edge-a");
        assertThat(critical.path("labels").has("instance")).as("the sensor's label is not Prometheus' instance").isFalse();
        assertThat(warningA).as("warning at site A listed").isNotNull();
        assertThat(warningA.path("status").path("state").asText()).as("same host, same site: inhibited").isEqualTo("suppressed");
        assertThat(warningA.path("status").path("inhibitedBy").size()).isEqualTo(1);
        assertThat(warningB).as("warning at site B listed").isNotNull();
        assertThat(warningB.path("status").path("state").asText()).as("same address at another site: not inhibited")
                .isEqualTo("active");
        assertThat(warningB.path("status").path("inhibitedBy").size()).isZero();
    }

    private void awaitReady(String base) throws Exception {
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end) {
            if (!alertmanager.isAlive()) fail("alertmanager exited with " + alertmanager.exitValue() + ":\n" + amLog());
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(base + "/-/ready")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200) return;
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        fail("alertmanager not ready within " + WAIT + ":\n" + amLog());
    }

    private String amLog() {
        try {
            return Files.readString(amLog);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
