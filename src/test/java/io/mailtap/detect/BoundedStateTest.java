package io.mailtap.detect;

import io.mailtap.smtp.SmtpEvent.AuthResult;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static io.mailtap.detect.Harness.*;
import static org.assertj.core.api.Assertions.assertThat;

class BoundedStateTest {

    @Test
    void floodOfRandomHelosIsBounded() {
        Harness h = Harness.site("detect: { max_tracked_keys: 1000 }\n");
        Random rnd = new Random(42);
        for (int i = 0; i < 100_000; i++) {
            h.wire.session(FIREWALL, OUTSIDE_RELAY, 25).established().ehlo("bot" + Long.toHexString(rnd.nextLong())).quit();
        }
        DetectStats.RuleStats helo = h.stats(RuleId.BAD_HELO);
        assertThat(helo.trackedKeys()).isLessThanOrEqualTo(1000);
        assertThat(helo.evictions()).isEqualTo(99_000);
        assertThat(helo.findings()).isEqualTo(100_000);
        // The egress rule's tables are capped too (one host; open connections end and leave).
        assertThat(h.stats(RuleId.EGRESS_POLICY).trackedKeys()).isLessThanOrEqualTo(2000);
        // And the alert stage holds at most max_open_alerts per rule, counting the rest.
        assertThat(h.tracker.openCount()).isLessThanOrEqualTo(1000 + 1);
        assertThat(h.tracker.stats().rule(RuleId.BAD_HELO).suppressed()).isEqualTo(99_000);
        assertThat(h.tracker.stats().rule(RuleId.BAD_HELO).opened()).isEqualTo(1000);
    }

    @Test
    void floodOfRandomAccountsAndClientsIsBounded() {
        Harness h = Harness.site("detect: { max_tracked_keys: 500 }\n");
        for (int i = 0; i < 5_000; i++) {
            String client = "198.51." + (i / 250) + "." + (i % 250 + 1);
            h.wire.session(client, MAIL_SERVER, 587).established().ehlo("x")
                    .auth("user" + i, AuthResult.FAILURE).auth("acct" + i, AuthResult.SUCCESS)
                    .send("<>", "<r" + i + "@d" + i + ".example>").quit();
        }
        for (RuleId r : new RuleId[]{RuleId.AUTH_FAILURES, RuleId.AUTH_ACCOUNT_BURST}) {
            assertThat(h.stats(r).trackedKeys()).as(r.id()).isLessThanOrEqualTo(500);
            assertThat(h.stats(r).evictions()).as(r.id()).isEqualTo(4_500);
        }
        // null_sender_burst has one table per key type (client, account, server), each capped.
        assertThat(h.stats(RuleId.NULL_SENDER_BURST).trackedKeys()).isLessThanOrEqualTo(3 * 500);
        assertThat(h.stats(RuleId.NULL_SENDER_BURST).evictions()).isEqualTo(2 * 4_500);
        // Only the one real burst: the server received 5000 null-sender mails.
        assertThat(h.alerts()).extracting(a -> a.key()).containsOnly("server:198.18.10.5");
    }
}
