package io.mailtap.detect;

import io.mailtap.smtp.SmtpEvent.AuthResult;
import org.junit.jupiter.api.Test;

import static io.mailtap.detect.Harness.*;
import static org.assertj.core.api.Assertions.assertThat;

class OpenRelayRuleTest {

    @Test
    void unauthenticatedOutsiderRelayingToAForeignDomain() {
        Harness h = Harness.site();
        h.wire.session(OUTSIDE_CLIENT, MAIL_SERVER, 25).open().ehlo("spammer.example")
                .send("<x@spammer.example>", "<victim@remote.example>").quit();
        assertThat(h.alerts(RuleId.OPEN_RELAY)).singleElement().satisfies(a -> {
            assertThat(a.key()).isEqualTo(MAIL_SERVER);
            assertThat(a.srcIp()).isEqualTo(OUTSIDE_CLIENT);
            assertThat(a.dstIp()).isEqualTo(MAIL_SERVER);
            assertThat(a.evidence()).containsEntry("domain", "remote.example").containsEntry("rcpt", "victim@remote.example")
                    .containsEntry("mail_from", "<x@spammer.example>");
            assertThat(a.summary()).contains("accepted RCPT TO:<victim@remote.example> from unauthenticated 198.51.100.7");
        });
    }

    @Test
    void localDomainsSubdomainsAndPostmasterAreDelivery() {
        Harness h = Harness.site();
        h.wire.session(OUTSIDE_CLIENT, MAIL_SERVER, 25).open().ehlo("mx.remote.example")
                .send("<a@remote.example>", "<bob@example.org>", "<carol@EXAMPLE.ORG.>", "<dave@lists.example.org>", "<postmaster>")
                .quit();
        assertThat(h.alerts(RuleId.OPEN_RELAY)).isEmpty();
    }

    @Test
    void refusedForeignRecipientIsNotRelaying() {
        Harness h = Harness.site();
        h.wire.session(OUTSIDE_CLIENT, MAIL_SERVER, 25).open().ehlo("spammer.example")
                .mailFrom("<x@spammer.example>").rcpt("<victim@remote.example>", 554, "5.7.1 Relay access denied").quit();
        assertThat(h.alerts(RuleId.OPEN_RELAY)).isEmpty();
    }

    @Test
    void authenticatedClientMayRelay() {
        Harness h = Harness.site();
        h.wire.session(OUTSIDE_CLIENT, MAIL_SERVER, 587).open().ehlo("laptop.example")
                .auth("alice", AuthResult.SUCCESS).send("<alice@example.org>", "<friend@remote.example>").quit();
        assertThat(h.alerts(RuleId.OPEN_RELAY)).isEmpty();
    }

    @Test
    void internalClientsAreNotOutsiders() {
        Harness h = Harness.site();
        h.wire.session(WORKSTATION, MAIL_SERVER, 25).open().ehlo("ws33.example.org")
                .send("<b@example.org>", "<friend@remote.example>").quit();
        assertThat(h.alerts(RuleId.OPEN_RELAY)).isEmpty();
    }

    @Test
    void silentWithoutLocalDomains() {
        Harness h = Harness.site();
        Harness none = Harness.of(Harness.SITE.replace("local_domains: [example.org]", "local_domains: []"));
        none.wire.session(OUTSIDE_CLIENT, MAIL_SERVER, 25).open().ehlo("spammer.example")
                .send("<x@spammer.example>", "<victim@remote.example>").quit();
        assertThat(none.alerts(RuleId.OPEN_RELAY)).isEmpty();
        assertThat(none.config.warnings()).anyMatch(w -> w.startsWith("detect.open_relay:"));
        assertThat(h.config.warnings()).noneMatch(w -> w.startsWith("detect.open_relay:"));
    }
}
