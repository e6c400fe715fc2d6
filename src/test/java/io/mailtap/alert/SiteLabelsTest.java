package io.mailtap.alert;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailtap.detect.RuleId;
import io.mailtap.detect.Severity;
import io.mailtap.txlog.SafeJson;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every pushed alert names its sensor and, when set, its site: alerts.jsonl, webhook body, Alertmanager labels. */
class SiteLabelsTest {
    private static Alert alert(String site) {
        AlertSettings s = new AlertSettings("edge-1", site, new AlertSettings.Policy(Duration.ofHours(1), Duration.ofMinutes(15)),
                10, Map.of());
        return new Alert(1_700_000_000_000_000L, RuleId.EGRESS_POLICY, Severity.CRITICAL, AlertStatus.FIRING, "10.0.0.5",
                "10.0.0.5", "203.0.113.25", null, "smtp", 1, 0, 1_700_000_000_000_000L, 1_700_000_000_000_000L, "x",
                Map.of(), false, s.sensor(), null, s.site());
    }

    @Test
    void theSiteIsAFieldOfEveryAlertLineAndWebhookBody() throws Exception {
        JsonNode with = SafeJson.mapper().readTree(JsonAlertLog.toJson(alert("fra1")));
        assertThat(with.get("sensor").asText()).isEqualTo("edge-1");
        assertThat(with.get("site").asText()).isEqualTo("fra1");
        JsonNode without = SafeJson.mapper().readTree(JsonAlertLog.toJson(alert(null)));
        assertThat(without.has("site")).as("every line has every field").isTrue();
        assertThat(without.get("site").isNull()).isTrue();
    }

    @Test
    void alertmanagerLabelsNameSensorAndSiteAndLeaveInstanceToPrometheus() {
        Map<String, String> l = AlertmanagerPayload.labels(alert("fra1"), null);
        assertThat(l).containsEntry("sensor", "edge-1").containsEntry("site", "fra1").doesNotContainKey("instance");
        assertThat(AlertmanagerPayload.labels(alert(null), "edge-2")).containsEntry("sensor", "edge-2")
                .doesNotContainKey("site").doesNotContainKey("instance");
    }

    @Test
    void theTrackerStampsTheConfiguredSiteOnEveryNotification() {
        AlertSettings s = new AlertSettings("edge-1", "fra1", new AlertSettings.Policy(Duration.ofHours(1), Duration.ofMinutes(15)),
                10, Map.of());
        java.util.List<Alert> got = new java.util.ArrayList<>();
        AlertTracker t = new AlertTracker(s, new AlertSink() {
            @Override public void publish(Alert a) { got.add(a); }
            @Override public void close() {}
        });
        t.onFinding(new io.mailtap.detect.Finding(RuleId.BLOCKLIST_REJECTION, Severity.CRITICAL, "10.0.0.5", 1_000_000L,
                "10.0.0.5", "203.0.113.80", null, null, 0, 1, 0, "refused", Map.of(), "C1", false));
        assertThat(got).singleElement().satisfies(a -> {
            assertThat(a.sensor()).isEqualTo("edge-1");
            assertThat(a.site()).isEqualTo("fra1");
        });
    }
}
