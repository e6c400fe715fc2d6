package io.mailtap.detect;

import io.mailtap.alert.Alert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static io.mailtap.detect.Harness.*;
import static org.assertj.core.api.Assertions.assertThat;

class BlocklistRejectionRuleTest {

    @ParameterizedTest(name = "{1} in {0}")
    @CsvSource(delimiter = '|', value = {
            "5.7.1 Service unavailable; Client host [203.0.113.9] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/203.0.113.9 | spamhaus",
            "5.7.1 Mail from 203.0.113.9 refused, see http://cbl.abuseat.org/lookup.cgi?ip=203.0.113.9 | cbl.abuseat.org",
            "5.7.1 Client host rejected: blocked using b.example.net | blocked using",
            "Your IP 203.0.113.9 is listed at bl.example.net | listed at",
            "4.7.0 Temporarily rejected by RBL check | re:\\brbls?\\b",
            "5.7.1 Rejected: IP on the BLACKLIST | blacklist",
            "Sender IP is on the Barracuda Reputation Block List | barracuda",
    })
    void variantsFire(String text, String matched) {
        Harness h = Harness.site("detect: { egress_policy: { enabled: false } }\n");
        h.wire.session(MAIL_SERVER, OUTSIDE_MX, 25).open().ehlo("mail.example.org")
                .mailFrom("<alice@example.org>").rcpt("<bob@remote.example>", 554, text).quit();
        assertThat(h.alerts(RuleId.BLOCKLIST_REJECTION)).singleElement().satisfies(a -> {
            assertThat(a.key()).isEqualTo(MAIL_SERVER);
            assertThat(a.srcIp()).isEqualTo(MAIL_SERVER);
            assertThat(a.dstIp()).isEqualTo(OUTSIDE_MX);
            assertThat(a.evidence()).containsEntry("matched", matched).containsEntry("command", "RCPT")
                    .containsEntry("reply_code", 554).containsEntry("server", "203.0.113.80:25");
            assertThat((String) a.evidence().get("reply_text")).startsWith("554 ");
            assertThat(a.summary()).contains("203.0.113.80 refused 198.18.10.5 citing a blocklist");
        });
    }

    @Test
    void greetingRejectionCounts() {
        Harness h = Harness.site();
        h.wire.session(MAIL_SERVER, OUTSIDE_MX, 25).syn().established()
                .greeting(554, "mx.remote.example ESMTP not accepting messages from 203.0.113.9: listed on dnsbl.example").quit();
        assertThat(h.alerts(RuleId.BLOCKLIST_REJECTION)).singleElement()
                .satisfies(a -> assertThat(a.evidence()).containsEntry("command", "GREETING"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"user unknown", "5.1.1 <nobody@remote.example>: Recipient address rejected: User unknown",
            "5.2.2 mailbox full", "5.7.1 marble statues not accepted", "4.7.1 Greylisted, try again later"})
    void ordinaryRejectionsDoNotFire(String text) {
        Harness h = Harness.site();
        h.wire.session(MAIL_SERVER, OUTSIDE_MX, 25).open().ehlo("mail.example.org")
                .mailFrom("<alice@example.org>").rcpt("<nobody@remote.example>", 550, text).quit();
        assertThat(h.alerts(RuleId.BLOCKLIST_REJECTION)).isEmpty();
    }

    @Test
    void ourServerRejectingAnOutsiderIsNotOurListing() {
        Harness h = Harness.site();
        h.wire.session(OUTSIDE_CLIENT, MAIL_SERVER, 25).open().ehlo("spammer.example")
                .mailFrom("<x@spammer.example>", 554, "5.7.1 blocked using zen.spamhaus.org").quit();
        assertThat(h.alerts(RuleId.BLOCKLIST_REJECTION)).isEmpty();
    }

    @Test
    void customRegexPattern() {
        Harness h = Harness.site("detect: { blocklist_rejection: { patterns: ['re:reputation\\s+too\\s+low'] } }\n");
        h.wire.session(MAIL_SERVER, OUTSIDE_MX, 25).open().ehlo("mail.example.org")
                .mailFrom("<a@example.org>", 550, "5.7.1 Sender REPUTATION   too low").quit();
        assertThat(h.alerts(RuleId.BLOCKLIST_REJECTION)).extracting(Alert::rule).containsExactly(RuleId.BLOCKLIST_REJECTION);
    }

    @Test
    void longReplyTextIsCapped() {
        Harness h = Harness.site();
        String text = "5.7.1 listed at bl.example " + "x".repeat(5000);
        h.wire.session(MAIL_SERVER, OUTSIDE_MX, 25).open().ehlo("mail.example.org").mailFrom("<a@example.org>", 550, text).quit();
        Alert a = h.alerts(RuleId.BLOCKLIST_REJECTION).get(0);
        assertThat(((String) a.evidence().get("reply_text")).length()).isLessThanOrEqualTo(300);
        assertThat(a.summary().length()).isLessThan(300);
    }
}
