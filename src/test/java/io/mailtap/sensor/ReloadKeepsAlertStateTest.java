package io.mailtap.sensor;

import io.mailtap.alert.AlertSink;
import io.mailtap.alert.AlertStatus;
import io.mailtap.config.ConfigLoader;
import io.mailtap.config.MailtapConfig;
import io.mailtap.detect.Harness;
import io.mailtap.detect.RuleId;
import io.mailtap.detect.SmtpScript;
import io.mailtap.smtp.SmtpEvent.AuthResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9 item 4 at the generation swap: a reload keeps open alerts, their de-duplication and the
 * rules' windows; a reload that only adds a mail server rebuilds no sink; a rule switched off has
 * its open alerts resolved. (Before, every reload built a new Detection: the windows and the open
 * alerts started over and the same incident paged again.)
 */
class ReloadKeepsAlertStateTest {
    private static final String AUTH_FAILURES = "detect:\n  auth_failures:\n    threshold: 5\n";

    @TempDir
    Path out;

    private static MailtapConfig cfg(String yaml) {
        return ConfigLoader.parse(Harness.SITE + yaml);
    }

    /** The test site with a second mail server. */
    private static MailtapConfig withSecondMailServer(String yaml) {
        String site = Harness.SITE.replace("mail_servers: [198.18.10.5]", "mail_servers: [198.18.10.5, 198.18.10.6]");
        assertThat(site).isNotEqualTo(Harness.SITE);
        return ConfigLoader.parse(site + yaml);
    }

    private record Run(DetectionSlot slot, Detection detection, CountingSink sink, SmtpScript wire) {
        /** A reload to {@code next} as the live sensor does it (no Alertmanager/webhook change). */
        Detection.Change reload(MailtapConfig next, Path out) throws IOException {
            Detection.Change c = detection.prepare(next, out, true, null);
            DetectionSlot.Generation old = slot.replace(new DetectionSlot.Generation(detection, c, next, slot.current().sinks));
            slot.retired(old);
            return c;
        }
    }

    private Run start(MailtapConfig cfg) throws IOException {
        CountingSink sink = new CountingSink("webhook");
        Detection d = Detection.build(cfg, out, true, List.<AlertSink>of(sink));
        DetectionSlot slot = new DetectionSlot(new DetectionSlot.Generation(d, cfg, List.of(sink)));
        return new Run(slot, d, sink, new SmtpScript(d.engine()));
    }

    private static void failAuth(SmtpScript wire, int times) {
        SmtpScript.Session s = wire.session(Harness.OUTSIDE_CLIENT, Harness.MAIL_SERVER, 587).open().ehlo("guesser");
        for (int i = 0; i < times; i++) s.auth("user" + i, AuthResult.FAILURE);
        s.quit();
    }

    @Test
    void addingAMailServerKeepsWindowsOpenAlertsAndSinks() throws IOException {
        Run r = start(cfg(AUTH_FAILURES));
        failAuth(r.wire, 3);
        assertThat(r.sink.alerts).isEmpty();

        MailtapConfig more = withSecondMailServer(AUTH_FAILURES);
        Detection.Change c = r.reload(more, out);
        assertThat(c.opened()).as("nothing rebuilt").isEmpty();
        assertThat(c.replaced()).isEmpty();
        assertThat(c.disabled()).isEmpty();

        failAuth(r.wire, 2);
        assertThat(r.sink.alerts).as("3 failures before the reload + 2 after reach the threshold of 5")
                .singleElement().satisfies(a -> {
                    assertThat(a.rule()).isEqualTo(RuleId.AUTH_FAILURES);
                    assertThat(a.count()).isEqualTo(5);
                });

        // another reload: the open alert stays open and does not page again
        r.reload(cfg(AUTH_FAILURES), out);
        failAuth(r.wire, 1);
        assertThat(r.sink.alerts).as("the repeat merges into the open alert").hasSize(1);
        assertThat(r.detection.tracker().openAlerts()).singleElement().satisfies(a -> assertThat(a.count()).isEqualTo(6));
        assertThat(r.sink.closed).isFalse();
    }

    @Test
    void aRuleSwitchedOffHasItsOpenAlertsResolvedAndOthersStayOpen() throws IOException {
        Run r = start(cfg(AUTH_FAILURES));
        failAuth(r.wire, 5);
        r.wire.session(Harness.FIREWALL, Harness.OUTSIDE_MX, 25).open().ehlo("127.0.0.1").quit();
        assertThat(r.detection.tracker().openAlerts()).extracting(a -> a.rule())
                .contains(RuleId.AUTH_FAILURES, RuleId.BAD_HELO);
        int before = r.sink.alerts.size();

        Detection.Change c = r.reload(cfg("detect:\n  auth_failures:\n    enabled: false\n"), out);
        assertThat(c.disabled()).containsExactly(RuleId.AUTH_FAILURES);
        assertThat(r.sink.alerts.subList(before, r.sink.alerts.size())).singleElement().satisfies(a -> {
            assertThat(a.rule()).isEqualTo(RuleId.AUTH_FAILURES);
            assertThat(a.status()).isEqualTo(AlertStatus.RESOLVED);
        });
        assertThat(r.detection.tracker().openAlerts()).extracting(a -> a.rule())
                .doesNotContain(RuleId.AUTH_FAILURES).contains(RuleId.BAD_HELO);
        failAuth(r.wire, 10);
        assertThat(r.detection.tracker().openAlerts()).extracting(a -> a.rule()).doesNotContain(RuleId.AUTH_FAILURES);
    }

    @Test
    void aNewAlertLogPathOpensOnlyTheLog() throws IOException {
        Run r = start(cfg(""));
        r.wire.session(Harness.FIREWALL, Harness.OUTSIDE_MX, 25).open().ehlo("127.0.0.1").quit();
        int open = r.detection.tracker().openCount();
        assertThat(open).isPositive();
        Detection.Change c = r.reload(cfg("alerts:\n  log:\n    path: other/alerts.jsonl\n"), out);
        assertThat(c.opened()).hasSize(1);
        assertThat(c.replaced()).hasSize(1).doesNotContain(r.sink);
        c.replaced().forEach(AlertSink::close);
        assertThat(r.detection.alertLog()).isEqualTo(out.resolve("other/alerts.jsonl"));
        assertThat(r.detection.tracker().openCount()).isEqualTo(open);
        r.wire.session(Harness.FIREWALL, Harness.OUTSIDE_MX, 25).open().ehlo("localhost").quit();
        r.detection.tracker().flush();
        assertThat(Files.exists(out.resolve("other/alerts.jsonl"))).isTrue();
    }
}
