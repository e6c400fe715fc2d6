package io.mailtap.detect;

import io.mailtap.alert.Alert;
import io.mailtap.smtp.SmtpEvent.AuthResult;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.mailtap.detect.Harness.*;
import static org.assertj.core.api.Assertions.assertThat;

@SuppressWarnings("unchecked")
class NullSenderBurstRuleTest {

    /** Incident 2: a stolen mailbox blasts empty-sender mail through our server on 587. */
    private static void blast(Harness h, String client, String account, int messages, double secondsApart) {
        SmtpScript.Session s = h.wire.session(client, MAIL_SERVER, 587).open().ehlo("pc-77")
                .auth(account, AuthResult.SUCCESS);
        for (int i = 0; i < messages; i++) {
            s.send("<>", "<victim" + i + "@target" + (i % 3) + ".example>");
            h.wire.advanceSeconds(secondsApart);
        }
        s.quit();
    }

    @Test
    void incident2_burstIsKeyedByAccountAndByClientHost() {
        Harness h = Harness.site();
        blast(h, OUTSIDE_CLIENT, "alice", 30, 2);

        List<Alert> alerts = h.alerts(RuleId.NULL_SENDER_BURST);
        assertThat(alerts).extracting(Alert::key)
                .containsExactlyInAnyOrder("account:alice", "client:198.51.100.7", "server:198.18.10.5");
        Alert byAccount = h.sink.last(RuleId.NULL_SENDER_BURST, "account:alice");
        assertThat(byAccount.account()).isEqualTo("alice");
        assertThat(byAccount.summary()).startsWith("account alice sent 20 null-sender").contains("198.51.100.7");
        assertThat(byAccount.count()).isEqualTo(20); // at open: the threshold was reached
        assertThat(byAccount.windowSeconds()).isEqualTo(600);
        assertThat(byAccount.evidence()).containsEntry("key_type", "account").containsEntry("key_value", "alice")
                .containsEntry("share_null", 1.0).containsEntry("null_senders", 20L);
        assertThat((List<?>) byAccount.evidence().get("sample_rcpts")).isNotEmpty();
        assertThat((List<Object>) byAccount.evidence().get("sample_domains")).contains("target0.example");

        Alert byClient = h.sink.last(RuleId.NULL_SENDER_BURST, "client:198.51.100.7");
        assertThat(byClient.srcIp()).isEqualTo(OUTSIDE_CLIENT);
        assertThat(byClient.account()).isEqualTo("alice");
        assertThat(byClient.summary()).startsWith("198.51.100.7 sent 20").contains("account alice");

        // The open alert carries the final window count.
        Alert open = h.tracker.openAlerts().stream().filter(a -> a.key().equals("account:alice")).findFirst().orElseThrow();
        assertThat(open.count()).isEqualTo(30);
        // One notification per key: dedup.
        assertThat(alerts).hasSize(3);
    }

    @Test
    void incident2_guestLoginIsCalledOut() {
        Harness h = Harness.site();
        blast(h, OUTSIDE_CLIENT, "Guest", 3, 1);
        List<Alert> guest = h.alerts(RuleId.AUTH_GUEST_ACCOUNT);
        assertThat(guest).hasSize(1);
        assertThat(guest.get(0).account()).isEqualTo("Guest");
        assertThat(guest.get(0).summary()).contains("Guest").contains("198.51.100.7");
    }

    @Test
    void belowThresholdIsQuiet() {
        Harness h = Harness.site();
        blast(h, OUTSIDE_CLIENT, "alice", 19, 2);
        assertThat(h.alerts(RuleId.NULL_SENDER_BURST)).isEmpty();
    }

    @Test
    void eventsSpreadBeyondTheWindowDoNotFire() {
        Harness h = Harness.site();
        // 40 null senders, one a minute: never 20 within 10 minutes.
        blast(h, OUTSIDE_CLIENT, "alice", 40, 60);
        assertThat(h.alerts(RuleId.NULL_SENDER_BURST)).isEmpty();
        // The same 20 within 5 minutes do.
        blast(h, OUTSIDE_CLIENT, "alice", 20, 15);
        assertThat(h.alerts(RuleId.NULL_SENDER_BURST)).isNotEmpty();
    }

    @Test
    void shareOfNullSendersIsReported() {
        Harness h = Harness.site("detect: { null_sender_burst: { keys: [client] } }\n");
        SmtpScript.Session s = h.wire.session(WORKSTATION, MAIL_SERVER, 25).open().ehlo("ws.example.org");
        for (int i = 0; i < 20; i++) s.send("<news@example.org>", "<a" + i + "@x.example>");
        for (int i = 0; i < 20; i++) s.send("<>", "<b" + i + "@y.example>");
        s.quit();
        List<Alert> alerts = h.alerts(RuleId.NULL_SENDER_BURST);
        assertThat(alerts).extracting(Alert::key).containsExactly("client:198.18.20.33");
        assertThat(alerts.get(0).evidence()).containsEntry("share_null", 0.5).containsEntry("mail_from_total", 40L);
    }

    @Test
    void sessionsWithoutAuthAreNotCountedPerAccount() {
        Harness h = Harness.site("detect: { null_sender_burst: { keys: [account] } }\n");
        SmtpScript.Session s = h.wire.session(OUTSIDE_CLIENT, MAIL_SERVER, 25).open().ehlo("mx.remote.example");
        for (int i = 0; i < 30; i++) s.send("<>", "<bounce" + i + "@example.org>");
        assertThat(h.alerts(RuleId.NULL_SENDER_BURST)).isEmpty();
    }
}
