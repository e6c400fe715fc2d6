package io.mailtap.detect;

import io.mailtap.alert.Alert;
import io.mailtap.alert.AlertStatus;
import io.mailtap.flow.ClientBy;
import io.mailtap.flow.ConnState;
import io.mailtap.flow.EndReason;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.mailtap.detect.Harness.*;
import static org.assertj.core.api.Assertions.assertThat;

@SuppressWarnings("unchecked")
class EgressPolicyRuleTest {

    @Test
    void incident1_firewallMailingOutThroughARelayWithEhlo127001() {
        Harness h = Harness.site();
        h.wire.session(FIREWALL, OUTSIDE_RELAY, 25).open().ehlo("127.0.0.1")
                .send("<firewall@example.org>", "<admin@example.org>").quit();

        List<Alert> egress = h.alerts(RuleId.EGRESS_POLICY);
        assertThat(egress).isNotEmpty().allMatch(a -> a.status() == AlertStatus.FIRING);
        // Opened at the SYN, then escalated (each escalation notified at once).
        assertThat(egress.get(0).state()).isEqualTo("attempted");
        assertThat(egress).extracting(Alert::state).containsSubsequence("attempted", "established", "smtp");
        Alert last = egress.get(egress.size() - 1);
        assertThat(last.state()).isEqualTo("smtp");
        assertThat(last.key()).isEqualTo(FIREWALL);
        assertThat(last.srcIp()).isEqualTo(FIREWALL);
        assertThat(last.dstIp()).isEqualTo(OUTSIDE_RELAY);
        assertThat(last.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(last.count()).isEqualTo(1);
        assertThat(last.summary()).isEqualTo("198.18.10.1 sent SMTP to 203.0.113.25:25 but is not a mail server");
        assertThat(last.evidence()).containsEntry("helo", "127.0.0.1")
                .containsEntry("mail_from", "<firewall@example.org>")
                .containsEntry("server", "203.0.113.25:25")
                .containsKey("uids");
        assertThat(last.evidence()).doesNotContainKey("direction");

        List<Alert> helo = h.alerts(RuleId.BAD_HELO);
        assertThat(helo).hasSize(1);
        assertThat(helo.get(0).evidence()).containsEntry("which_test", "loopback").containsEntry("helo", "127.0.0.1");
        assertThat(helo.get(0).srcIp()).isEqualTo(FIREWALL);
        assertThat(helo.get(0).summary()).contains("127.0.0.1").contains("loopback");
    }

    @Test
    void mailServersOwnOutboundMailFromEphemeralPortsIsFine() {
        Harness h = Harness.site();
        // Incident 1's first capture: Exchange talking from ports 23111/23257 to remote port 25.
        for (int port : new int[]{23111, 23257}) {
            SmtpScript.Session s = h.wire.new Session(h.wire.conn(MAIL_SERVER, port, OUTSIDE_MX, 25, ClientBy.SYN));
            s.open().ehlo("mail.example.org").send("<alice@example.org>", "<bob@remote.example>").quit();
        }
        h.wire.session(MAIL_SERVER, OUTSIDE_RELAY, 25).open().ehlo("MAIL.Example.org.")
                .send("<carol@example.org>", "<dave@remote.example>").quit();
        assertThat(h.alerts()).isEmpty();
    }

    @Test
    void workstationWhoseSynsAreUnansweredIsReportedAsAttempted() {
        Harness h = Harness.site();
        for (int i = 0; i < 3; i++) h.wire.session(WORKSTATION, OUTSIDE_MX, 25).unanswered();

        List<Alert> egress = h.alerts(RuleId.EGRESS_POLICY);
        assertThat(egress).hasSize(1); // opened once, never escalated
        Alert a = egress.get(0);
        assertThat(a.state()).isEqualTo("attempted");
        assertThat(a.summary()).contains(WORKSTATION).contains("tried to connect").contains("203.0.113.80:25");
        Alert open = h.tracker.openAlerts().stream().filter(x -> x.rule() == RuleId.EGRESS_POLICY).findFirst().orElseThrow();
        assertThat(open.count()).isEqualTo(3);
        assertThat(open.state()).isEqualTo("attempted");
        assertThat(open.evidence()).containsEntry("tcp", "no answer");
        assertThat(open.summary()).contains("no answer seen");
    }

    @Test
    void refusedConnectionIsStillAnAttempt() {
        Harness h = Harness.site();
        h.wire.session(WORKSTATION, OUTSIDE_MX, 25).syn().end(ConnState.REJECTED, EndReason.RST, false);
        Alert open = h.tracker.openAlerts().get(0);
        assertThat(open.state()).isEqualTo("attempted");
        assertThat(open.evidence()).containsEntry("tcp", "refused (RST)");
        assertThat(open.summary()).contains("refused by the remote");
    }

    @Test
    void establishedWithoutSmtp() {
        Harness h = Harness.site();
        h.wire.session(WORKSTATION, OUTSIDE_MX, 25).syn().established().quit();
        Alert open = h.tracker.openAlerts().get(0);
        assertThat(open.state()).isEqualTo("established");
        assertThat(open.count()).isEqualTo(1);
    }

    @Test
    void stateNeverGoesDownAndDestinationsAreSampled() {
        Harness h = Harness.site();
        h.wire.session(WORKSTATION, OUTSIDE_MX, 25).open().ehlo("ws33.example.org")
                .auth("bob", io.mailtap.smtp.SmtpEvent.AuthResult.SUCCESS).send("<bob@example.org>", "<x@y.example>").quit();
        h.wire.session(WORKSTATION, OUTSIDE_RELAY, 25).unanswered();
        Alert open = h.tracker.openAlerts().get(0);
        assertThat(open.state()).isEqualTo("smtp");
        assertThat(open.summary()).contains("sent SMTP");
        assertThat(open.count()).isEqualTo(2);
        assertThat(open.account()).isEqualTo("bob");
        assertThat(open.evidence()).containsEntry("auth_user", "bob").containsEntry("helo", "ws33.example.org")
                .containsEntry("distinct_destinations", 2);
        assertThat((List<Object>) open.evidence().get("destinations")).containsExactly("203.0.113.80:25", "203.0.113.25:25");
        assertThat((List<?>) open.evidence().get("uids")).hasSize(2);
    }

    @Test
    void inboundMailToOurServerIsNotEgress() {
        Harness h = Harness.site();
        h.wire.session(OUTSIDE_CLIENT, MAIL_SERVER, 25).open().ehlo("mx.mxlogic.net")
                .send("<someone@remote.example>", "<alice@example.org>").quit();
        assertThat(h.alerts()).isEmpty();
    }

    @Test
    void internalTrafficAndSubmissionPortsAreNotEgress() {
        Harness h = Harness.site();
        h.wire.session(WORKSTATION, MAIL_SERVER, 25).open().ehlo("ws33.example.org").send("<b@example.org>", "<c@example.org>").quit();
        h.wire.session(WORKSTATION, OUTSIDE_MX, 587).open().ehlo("ws33.example.org")
                .auth("bob@provider.example", io.mailtap.smtp.SmtpEvent.AuthResult.SUCCESS)
                .send("<bob@provider.example>", "<c@example.org>").quit();
        assertThat(h.alerts(RuleId.EGRESS_POLICY)).isEmpty();
    }

    @Test
    void midStreamPickupCountsAndSaysSo() {
        Harness h = Harness.site();
        h.wire.midStream(WORKSTATION, OUTSIDE_MX, 25).established().ehlo("ws33.example.org").quit();
        Alert open = h.tracker.openAlerts().get(0);
        assertThat(open.state()).isEqualTo("smtp");
        assertThat((String) open.evidence().get("direction")).contains("by port");
    }

    @Test
    void disabledRuleIsSilent() {
        Harness h = Harness.site("detect: { egress_policy: { enabled: false } }\n");
        h.wire.session(WORKSTATION, OUTSIDE_MX, 25).unanswered();
        assertThat(h.alerts(RuleId.EGRESS_POLICY)).isEmpty();
        assertThat(h.engine.enabledRules()).doesNotContain(RuleId.EGRESS_POLICY);
    }
}
