package io.mailtap.detect;

import io.mailtap.alert.Alert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Set;

import static io.mailtap.detect.Harness.*;
import static org.assertj.core.api.Assertions.assertThat;

class BadHeloRuleTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "PASS", value = {
            "''                     | empty",
            "127.0.0.1              | loopback",
            "127.1.2.3              | loopback",
            "[127.0.0.1]            | loopback",
            "localhost              | loopback",
            "LOCALHOST.localdomain  | loopback",
            "localhost.             | loopback",
            "mybox.localhost        | loopback",
            "[IPv6:::1]             | loopback",
            "::1                    | loopback",
            "[203.0.113.9]          | address_literal_mismatch",
            "[198.18.10.1]          | address_literal",
            "[IPv6:2001:db8::1]     | address_literal_mismatch",
            "[not-an-ip]            | bad_address_literal",
            "198.18.10.1            | bare_ip",
            "203.0.113.9            | bare_ip",
            "firewall               | no_dot",
            "FW01                   | no_dot",
            "fw.example.org         | PASS",
            "mail.example.org.      | PASS",
    })
    void tests(String helo, String expected) {
        BadHeloRule.Verdict v = BadHeloRule.check(helo, SmtpScript.ip("198.18.10.1"), Set.of());
        if (expected == null) assertThat(v).isNull();
        else assertThat(v).isNotNull().extracting(BadHeloRule.Verdict::test).isEqualTo(expected);
    }

    @Test
    void mismatchSaysWhichAddresses() {
        BadHeloRule.Verdict v = BadHeloRule.check("[203.0.113.9]", SmtpScript.ip("198.18.10.1"), Set.of());
        assertThat(v.detail()).contains("203.0.113.9").contains("198.18.10.1");
    }

    @Test
    void mailServerMustAnnouncePublicHelo() {
        Set<String> req = Set.of("mail.example.org");
        assertThat(BadHeloRule.check("MAIL.EXAMPLE.ORG.", SmtpScript.ip(MAIL_SERVER), req)).isNull();
        assertThat(BadHeloRule.check("exchange01.corp.local", SmtpScript.ip(MAIL_SERVER), req).test())
                .isEqualTo("not_public_helo");

        Harness h = Harness.site();
        h.wire.session(MAIL_SERVER, OUTSIDE_MX, 25).open().ehlo("exchange01.corp.local").send("<a@example.org>", "<b@x.example>").quit();
        assertThat(h.alerts(RuleId.BAD_HELO)).singleElement().satisfies(a -> {
            assertThat(a.evidence()).containsEntry("which_test", "not_public_helo").containsEntry("mail_server", true);
            assertThat(a.key()).isEqualTo("198.18.10.5 exchange01.corp.local");
        });
        assertThat(h.alerts(RuleId.EGRESS_POLICY)).isEmpty();
    }

    @Test
    void publicHeloOnlyAppliesToMailServers() {
        Harness h = Harness.site("detect: { egress_policy: { enabled: false } }\n");
        h.wire.session(WORKSTATION, OUTSIDE_MX, 25).open().ehlo("ws33.corp.example").quit();
        assertThat(h.alerts()).isEmpty();
    }

    @Test
    void onlyOutboundAndOnlyPolicyPortsByDefault() {
        Harness h = Harness.site();
        h.wire.session(OUTSIDE_CLIENT, MAIL_SERVER, 25).open().ehlo("[198.51.100.7]").quit(); // inbound
        h.wire.session(WORKSTATION, MAIL_SERVER, 25).open().ehlo("ws33").quit();               // internal
        h.wire.session(WORKSTATION, OUTSIDE_MX, 587).open().ehlo("[192.168.1.5]").quit();     // submission
        assertThat(h.alerts(RuleId.BAD_HELO)).isEmpty();

        Harness all = Harness.site("detect: { bad_helo: { all_ports: true } }\n");
        all.wire.session(WORKSTATION, OUTSIDE_MX, 587).open().ehlo("[192.168.1.5]").quit();
        assertThat(all.alerts(RuleId.BAD_HELO)).singleElement()
                .satisfies(a -> assertThat(a.evidence()).containsEntry("which_test", "address_literal_mismatch"));
    }

    @Test
    void oneAlertPerClientAndHeloName() {
        Harness h = Harness.site();
        for (int i = 0; i < 5; i++) h.wire.session(FIREWALL, OUTSIDE_RELAY, 25).open().ehlo("127.0.0.1").quit();
        h.wire.session(FIREWALL, OUTSIDE_RELAY, 25).open().ehlo("localhost").quit();
        assertThat(h.alerts(RuleId.BAD_HELO)).extracting(Alert::key)
                .containsExactly("198.18.10.1 127.0.0.1", "198.18.10.1 localhost");
        Alert open = h.tracker.openAlerts().stream().filter(a -> a.key().equals("198.18.10.1 127.0.0.1")).findFirst().orElseThrow();
        assertThat(open.count()).isEqualTo(5);
    }
}
