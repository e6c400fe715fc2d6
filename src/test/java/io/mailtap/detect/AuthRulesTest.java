package io.mailtap.detect;

import io.mailtap.alert.Alert;
import io.mailtap.smtp.SmtpEvent.AuthResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.text.Normalizer;
import java.util.List;

import static io.mailtap.detect.Harness.*;
import static org.assertj.core.api.Assertions.assertThat;

class AuthRulesTest {

    // ------------------------------------------------------------ auth_guest_account

    @ParameterizedTest
    @ValueSource(strings = {"guest", "GUEST", "Guest@example.org", "CORP\\guest", "invité", "gość", "访客", "anonymous",
            "Invitado@corp.example"})
    void guestLikeAccountsFire(String user) {
        Harness h = Harness.site();
        h.wire.session(OUTSIDE_CLIENT, MAIL_SERVER, 587).open().ehlo("pc.example").auth(user, AuthResult.SUCCESS).quit();
        assertThat(h.alerts(RuleId.AUTH_GUEST_ACCOUNT)).hasSize(1);
        assertThat(h.alerts(RuleId.AUTH_GUEST_ACCOUNT).get(0).severity()).isEqualTo(Severity.CRITICAL);
    }

    @Test
    void decomposedUnicodeMatchesToo() {
        Harness h = Harness.site();
        String nfd = Normalizer.normalize("invité", Normalizer.Form.NFD);
        h.wire.session(OUTSIDE_CLIENT, MAIL_SERVER, 587).open().ehlo("pc.example").auth(nfd, AuthResult.SUCCESS).quit();
        assertThat(h.alerts(RuleId.AUTH_GUEST_ACCOUNT)).hasSize(1);
    }

    @Test
    void plainAuthorizationIdentityIsChecked() {
        Harness h = Harness.site();
        h.wire.session(OUTSIDE_CLIENT, MAIL_SERVER, 587).open().ehlo("pc.example")
                .auth("PLAIN", "alice", "guest", AuthResult.SUCCESS).quit();
        assertThat(h.alerts(RuleId.AUTH_GUEST_ACCOUNT)).singleElement()
                .satisfies(a -> assertThat(a.evidence()).containsEntry("matched", "authzid"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"guesthouse", "alice", "guest.user", "myguest@example.org"})
    void otherAccountsDoNotFire(String user) {
        Harness h = Harness.site();
        h.wire.session(OUTSIDE_CLIENT, MAIL_SERVER, 587).open().ehlo("pc.example").auth(user, AuthResult.SUCCESS).quit();
        assertThat(h.alerts(RuleId.AUTH_GUEST_ACCOUNT)).isEmpty();
    }

    @Test
    void failedGuestLoginDoesNotFire() {
        Harness h = Harness.site();
        h.wire.session(OUTSIDE_CLIENT, MAIL_SERVER, 587).open().ehlo("pc.example").auth("guest", AuthResult.FAILURE).quit();
        assertThat(h.alerts(RuleId.AUTH_GUEST_ACCOUNT)).isEmpty();
    }

    @Test
    void customGuestList() {
        Harness h = Harness.site("detect: { auth_guest_account: { accounts: [Besucher] } }\n");
        h.wire.session(OUTSIDE_CLIENT, MAIL_SERVER, 587).open().ehlo("pc.example").auth("besucher", AuthResult.SUCCESS)
                .auth("guest", AuthResult.SUCCESS).quit();
        assertThat(h.alerts(RuleId.AUTH_GUEST_ACCOUNT)).extracting(Alert::account).containsExactly("besucher");
    }

    // ------------------------------------------------------------ auth_failures

    private static void fail(Harness h, int times, double secondsApart) {
        for (int i = 0; i < times; i++) {
            h.wire.session(OUTSIDE_CLIENT, MAIL_SERVER, 587).open().ehlo("x").auth("user" + (i % 4), AuthResult.FAILURE).quit();
            h.wire.advanceSeconds(secondsApart);
        }
    }

    @Test
    void tenFailuresInTenMinutesFire() {
        Harness h = Harness.site();
        fail(h, 10, 30);
        List<Alert> a = h.alerts(RuleId.AUTH_FAILURES);
        assertThat(a).hasSize(1);
        assertThat(a.get(0).key()).isEqualTo(OUTSIDE_CLIENT);
        assertThat(a.get(0).count()).isEqualTo(10);
        assertThat(a.get(0).summary()).contains("failed AUTH 10 times in 10m").contains("user0");
        assertThat(a.get(0).severity()).isEqualTo(Severity.WARNING);
    }

    @Test
    void nineFailuresOrSlowGuessingDoNot() {
        Harness h = Harness.site();
        fail(h, 9, 30);
        assertThat(h.alerts(RuleId.AUTH_FAILURES)).isEmpty();
        Harness slow = Harness.site();
        fail(slow, 30, 120); // 5 per 10 minutes
        assertThat(slow.alerts(RuleId.AUTH_FAILURES)).isEmpty();
    }

    // ------------------------------------------------------------ auth_account_burst

    @Test
    void tooManyMessagesPerAccount() {
        Harness h = Harness.site();
        SmtpScript.Session s = h.wire.session(OUTSIDE_CLIENT, MAIL_SERVER, 587).open().ehlo("pc").auth("alice", AuthResult.SUCCESS);
        for (int i = 0; i < 200; i++) s.send("<alice@example.org>", "<friend@example.net>");
        assertThat(h.alerts(RuleId.AUTH_ACCOUNT_BURST)).isEmpty();
        s.send("<alice@example.org>", "<friend@example.net>");
        List<Alert> a = h.alerts(RuleId.AUTH_ACCOUNT_BURST);
        assertThat(a).hasSize(1);
        assertThat(a.get(0).evidence()).containsEntry("which_limit", "messages").containsEntry("messages", 201L);
        assertThat(a.get(0).summary()).contains("alice").contains("exceeded messages").contains("201 messages (limit 200)");
        assertThat(a.get(0).account()).isEqualTo("alice");
    }

    @Test
    void tooManyRecipientDomains() {
        Harness h = Harness.site();
        SmtpScript.Session s = h.wire.session(OUTSIDE_CLIENT, MAIL_SERVER, 587).open().ehlo("pc").auth("alice", AuthResult.SUCCESS);
        s.mailFrom("<alice@example.org>");
        for (int i = 0; i < 50; i++) s.rcpt("<x@domain" + i + ".example>");
        assertThat(h.alerts(RuleId.AUTH_ACCOUNT_BURST)).isEmpty();
        s.rcpt("<x@domain50.example>");
        assertThat(h.alerts(RuleId.AUTH_ACCOUNT_BURST)).singleElement().satisfies(a -> {
            assertThat(a.evidence()).containsEntry("which_limit", "recipient_domains").containsEntry("recipient_domains", 51);
            assertThat(a.summary()).contains("more than 50 distinct recipient domains");
        });
    }

    @Test
    void tooManyClientHosts() {
        Harness h = Harness.site();
        for (int i = 1; i <= 6; i++) {
            h.wire.session("198.51.100." + (10 + i), MAIL_SERVER, 587).open().ehlo("pc").auth("alice", AuthResult.SUCCESS).quit();
        }
        assertThat(h.alerts(RuleId.AUTH_ACCOUNT_BURST)).singleElement().satisfies(a -> {
            assertThat(a.evidence()).containsEntry("which_limit", "client_hosts").containsEntry("client_hosts", 6);
            assertThat((List<?>) a.evidence().get("sample_clients")).hasSize(5);
        });
    }

    @Test
    void fiveHostsAndFiftyDomainsAreFine() {
        Harness h = Harness.site();
        for (int i = 1; i <= 5; i++) {
            SmtpScript.Session s = h.wire.session("198.51.100." + (10 + i), MAIL_SERVER, 587).open().ehlo("pc")
                    .auth("alice", AuthResult.SUCCESS);
            for (int d = 0; d < 10; d++) s.send("<alice@example.org>", "<x@d" + (i * 10 + d) + ".example>");
            s.quit();
        }
        assertThat(h.alerts(RuleId.AUTH_ACCOUNT_BURST)).isEmpty();
    }
}
