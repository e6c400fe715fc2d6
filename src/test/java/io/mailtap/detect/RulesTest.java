package io.mailtap.detect;

import io.mailtap.config.ConfigLoader;
import io.mailtap.config.MailtapConfig;
import io.mailtap.settings.Section;
import io.mailtap.testutil.ReadmeTables;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Rules declare themselves: one spec per rule id, the schema, the defaults and the README derived from Rules.ALL. */
class RulesTest {
    @Test
    void everyRuleIdHasExactlyOneSpecInIdOrder() {
        assertThat(Rules.ALL.stream().map(RuleSpec::id).toList()).containsExactly(RuleId.values());
    }

    @Test
    void theDetectSectionIsTheSpecs() {
        Section detect = (Section) MailtapConfig.schema().child(Rules.SECTION);
        assertThat(detect.names()).containsExactlyElementsOf(
                java.util.stream.Stream.concat(java.util.stream.Stream.of("max_tracked_keys"),
                        Rules.ALL.stream().map(s -> s.id().id())).toList());
        for (RuleSpec<?> s : Rules.ALL) {
            Section rule = (Section) detect.child(s.id().id());
            assertThat(rule.names()).startsWith("enabled", "severity", "renotify_interval", "resolve_after");
            assertThat(rule.leaves().get("severity").defaultValue()).isEqualTo(s.defaultSeverity());
            assertThat(rule.doc()).isEqualTo(s.doc()).isNotBlank().doesNotContain("\n");
        }
    }

    @Test
    void defaultSettingsOfEachRule() {
        DetectPlan p = DetectPlan.from(ConfigLoader.defaults().view());
        assertThat(p.rules()).allSatisfy(r -> assertThat(r.enabled()).isTrue());
        assertThat(p.rule(RuleId.NULL_SENDER_BURST).settings()).isEqualTo(new NullSenderBurstRule.Settings(
                600_000_000L, 20, java.util.Set.of(NullSenderKey.values())));
        assertThat(p.rule(RuleId.AUTH_ACCOUNT_BURST).settings()).isEqualTo(new AuthAccountBurstRule.Settings(
                3_600_000_000L, 200, 50, 5));
        assertThat(p.rule(RuleId.AUTH_FAILURES).settings()).isEqualTo(new AuthFailuresRule.Settings(600_000_000L, 10));
        assertThat(((AuthGuestAccountRule.Settings) p.rule(RuleId.AUTH_GUEST_ACCOUNT).settings()).accounts())
                .contains("guest", "invité", "gość", "访客", "来宾");
        assertThat(((BlocklistRejectionRule.Settings) p.rule(RuleId.BLOCKLIST_REJECTION).settings()).patterns())
                .contains("spamhaus", "cbl.abuseat.org", "blocked using");
        assertThat(p.rule(RuleId.BAD_HELO).settings()).isEqualTo(new BadHeloRule.Settings(false, List.of()));
        assertThat(p.rule(RuleId.OPEN_RELAY).settings()).isEqualTo(new OpenRelayRule.Settings(List.of()));
    }

    @Test
    void aRuleReadsOnlyItsOwnSectionByRelativeKeys() {
        MailtapConfig c = ConfigLoader.parse("""
                network: { public_helo: [Mail.Example.ORG.] }
                detect:
                  null_sender_burst: { window: 2m, threshold: 3, keys: [account], severity: warning }
                  bad_helo: { all_ports: true }
                """);
        DetectPlan p = DetectPlan.from(c.view());
        assertThat(p.rule(RuleId.NULL_SENDER_BURST).settings())
                .isEqualTo(new NullSenderBurstRule.Settings(120_000_000L, 3, java.util.Set.of(NullSenderKey.ACCOUNT)));
        assertThat(p.severity(RuleId.NULL_SENDER_BURST)).isEqualTo(Severity.WARNING);
        assertThat(p.rule(RuleId.BAD_HELO).settings()).isEqualTo(new BadHeloRule.Settings(true, List.of("mail.example.org")));
    }

    @Test
    void theReadmeRuleTableIsRulesAll() {
        assertThat(ReadmeTables.table("| rule | default severity | fires when | alert key |"))
                .as("README's rule table; regenerate it from Rules.readmeTable()")
                .isEqualTo(Rules.readmeTable());
        assertThat(Arrays.stream(RuleId.values()).map(RuleId::id)).doesNotHaveDuplicates();
    }
}
