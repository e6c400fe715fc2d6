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
            "5.7.1 Service unavailable; Client host [203.0.113.9] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/203.0.113.9 | spamhaus | zen.spamhaus.org",
            "5.7.1 Mail from 203.0.113.9 refused, see http://cbl.abuseat.org/lookup.cgi?ip=203.0.113.9 | cbl.abuseat.org | cbl.abuseat.org",
            "5.7.1 Client host rejected: blocked using b.example.net | blocked using | b.example.net",
            "Your IP 203.0.113.9 is listed at bl.example.net | listed at | bl.example.net",
            "4.7.0 Temporarily rejected by RBL check | re:\\brbls?\\b | unknown",
            "5.7.1 Rejected: IP on the BLACKLIST | blacklist | unknown",
            "Sender IP is on the Barracuda Reputation Block List | barracuda | b.barracudacentral.org",
            "5.7.1 Service unavailable; client [198.18.10.5] blocked using bl.spamcop.net | spamcop | bl.spamcop.net",
    })
    void variantsFire(String text, String matched, String list) {
        Harness h = Harness.site("detect: { egress_policy: { enabled: false } }\n");
        h.wire.session(MAIL_SERVER, OUTSIDE_MX, 25).open().ehlo("mail.example.org")
                .mailFrom("<alice@example.org>").rcpt("<bob@remote.example>", 554, text).quit();
        assertThat(h.alerts(RuleId.BLOCKLIST_REJECTION)).singleElement().satisfies(a -> {
            assertThat(a.key()).isEqualTo(list + ":" + MAIL_SERVER);
            assertThat(a.list()).isEqualTo(list);
            assertThat(a.evidence()).containsEntry("list", list);
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

    /** Issue 8 item 10: two servers refuse the same host for two lists: two findings, each naming its list. */
    @Test
    void everyListThatCitesUsIsItsOwnAlert() {
        Harness h = Harness.site("detect: { egress_policy: { enabled: false } }\n");
        h.wire.session(MAIL_SERVER, OUTSIDE_MX, 25).open().ehlo("mail.example.org").mailFrom("<alice@example.org>")
                .rcpt("<bob@remote.example>", 554, "5.7.1 Service unavailable; Client host [198.18.10.5] blocked using "
                        + "zen.spamhaus.org; https://www.spamhaus.org/query/ip/198.18.10.5").quit();
        // the analyzer joins a multi-line reply's lines with single spaces
        h.wire.session(MAIL_SERVER, OUTSIDE_RELAY, 25).open().ehlo("mail.example.org")
                .mailFrom("<alice@example.org>", 550, "5.7.1 Message rejected. 5.7.1 Your address 198.18.10.5 is listed "
                        + "at cbl.abuseat.org (see its lookup page). 5.7.1 Contact your provider.").quit();
        // the same list again from the first server: the same alert
        h.wire.session(MAIL_SERVER, OUTSIDE_MX, 25).open().ehlo("mail.example.org").mailFrom("<carol@example.org>")
                .rcpt("<dave@remote.example>", 554, "5.7.1 blocked using zen.spamhaus.org").quit();

        assertThat(h.alerts(RuleId.BLOCKLIST_REJECTION)).extracting(Alert::list)
                .containsExactly("zen.spamhaus.org", "cbl.abuseat.org");
        assertThat(h.tracker.openAlerts()).filteredOn(a -> a.rule() == RuleId.BLOCKLIST_REJECTION)
                .extracting(Alert::key, Alert::count, a -> a.evidence().get("lookup"), a -> a.evidence().get("command"))
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("zen.spamhaus.org:" + MAIL_SERVER, 2L,
                                "https://check.spamhaus.org/", "RCPT"),
                        org.assertj.core.groups.Tuple.tuple("cbl.abuseat.org:" + MAIL_SERVER, 1L,
                                "https://www.abuseat.org/lookup.cgi", "MAIL"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "blocked using sbl-xbl.spamhaus.org | zen.spamhaus.org",
            "Client host [192.0.2.1] blocked using PBL.SPAMHAUS.ORG. | zen.spamhaus.org",
            "rejected because 192.0.2.1 is in the CBL: see http://www.abuseat.org | cbl.abuseat.org",
            "listed at 192.0.2.1.b.barracudacentral.org | b.barracudacentral.org",
            "blocked using dnsbl.sorbs.net | dnsbl.sorbs.net",
            "listed in dnsbl-1.uceprotect.net | dnsbl-1.uceprotect.net",
            "JunkMail rejected - listed on RBL.Example.COM. | rbl.example.com",
            "you are on our blocklist | unknown",
    })
    void listsAreNormalisedFromTheReplyText(String text, String list) {
        assertThat(Blocklists.listOf(text)).isEqualTo(list);
    }

    @Test
    void everyDeclaredListHasALookupPage() {
        for (Blocklists.Entry e : Blocklists.DECLARED) {
            assertThat(e.lookup()).startsWith("http");
            assertThat(Blocklists.listOf("blocked using " + e.list())).isEqualTo(e.list());
        }
    }
}
