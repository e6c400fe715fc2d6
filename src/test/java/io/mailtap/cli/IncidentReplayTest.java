package io.mailtap.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The two incidents mailtap exists for, replayed from captures of real Postfix, swaks and SMTP
 * sinks in the lab (samples/README.md) with the lab's address plan (samples/lab.yml).
 */
class IncidentReplayTest {
    @TempDir
    Path out;

    private List<JsonNode> replay(String sample) throws IOException {
        Cli r = Cli.run("replay", "--config", "samples/lab.yml", "--out", out.toString(), "samples/" + sample);
        assertThat(r.exit()).as(r.err()).isZero();
        return ReplayCommandTest.jsonLines(out.resolve("alerts.jsonl"));
    }

    /** rule|key|state of every alert notification (state "-" when the rule has none). */
    private static Set<String> keys(List<JsonNode> alerts) {
        Set<String> s = new TreeSet<>();
        for (JsonNode a : alerts) {
            s.add(a.get("rule").asText() + "|" + a.get("key").asText() + "|" + (a.get("state").isNull() ? "-" : a.get("state").asText()));
        }
        return s;
    }

    @Test
    void incidentOneFirewallHeloAndWorkstationsOnPort25() throws IOException {
        List<JsonNode> alerts = replay("incident-1-helo-127.pcap");

        // The egress alert opens at the SYN and is re-announced as the connection gets further.
        assertThat(keys(alerts)).containsExactlyInAnyOrder(
                "egress_policy|198.18.10.254|attempted", "egress_policy|198.18.10.254|established",
                "egress_policy|198.18.10.254|smtp",
                "bad_helo|198.18.10.254 127.0.0.1|-",
                "egress_policy|198.18.10.21|attempted", "egress_policy|198.18.10.21|established",
                "egress_policy|198.18.10.21|smtp",
                "bad_helo|198.18.10.21 ws1|-",
                "egress_policy|198.18.10.22|attempted");

        JsonNode helo = alerts.stream().filter(a -> a.get("key").asText().equals("198.18.10.254 127.0.0.1")).findFirst().orElseThrow();
        assertThat(helo.get("severity").asText()).isEqualTo("warning");
        assertThat(helo.get("dst_ip").asText()).isEqualTo("198.51.100.10");
        assertThat(helo.get("evidence").get("which_test").asText()).contains("loopback");

        // ws2's SYNs are dropped by the router: the alert opens at its first SYN, before any answer
        JsonNode ws2 = alerts.stream().filter(a -> a.get("src_ip").asText().equals("198.18.10.22")).findFirst().orElseThrow();
        assertThat(ws2.get("ts").asText()).isEqualTo(ws2.get("first_seen").asText());
        assertThat(ws2.get("dst_ip").asText()).isEqualTo("203.0.113.25");

        // The designated mail server's own outbound mail (from ephemeral ports, EHLO mail.corp.example)
        // and the relay's inbound delivery back to it are legitimate: nothing about them.
        assertThat(alerts).noneMatch(a -> a.get("src_ip").asText().equals("198.18.20.10"));
        assertThat(alerts).noneMatch(a -> a.get("src_ip").asText().equals("198.51.100.10"));
    }

    @Test
    void incidentTwoStolenAccountBlastsNullSenderMail() throws IOException {
        List<JsonNode> alerts = replay("incident-2-null-sender.pcap");

        assertThat(keys(alerts)).containsExactlyInAnyOrder(
                "null_sender_burst|account:mallory|-",
                "null_sender_burst|client:198.18.10.21|-",
                // the mail server relays the burst out: it is seen on both sides of it
                "null_sender_burst|server:198.18.20.10|-",
                "null_sender_burst|client:198.18.20.10|-",
                "null_sender_burst|server:203.0.113.25|-",
                "auth_guest_account|account:guest|-",
                "auth_failures|198.18.10.22|-",
                "blocklist_rejection|zen.spamhaus.org:198.18.20.10|-");

        JsonNode account = alerts.stream().filter(a -> a.get("key").asText().equals("account:mallory")).findFirst().orElseThrow();
        assertThat(account.get("account").asText()).isEqualTo("mallory");
        assertThat(account.get("src_ip").asText()).isEqualTo("198.18.10.21");
        assertThat(account.get("severity").asText()).isEqualTo("critical");
        assertThat(account.get("count").asInt()).as("fires at the default threshold").isEqualTo(20);
        assertThat(account.get("evidence").toString()).contains("victim");

        JsonNode guest = alerts.stream().filter(a -> a.get("rule").asText().equals("auth_guest_account")).findFirst().orElseThrow();
        assertThat(guest.get("src_ip").asText()).isEqualTo("198.18.10.22");

        JsonNode bl = alerts.stream().filter(a -> a.get("rule").asText().equals("blocklist_rejection")).findFirst().orElseThrow();
        assertThat(bl.get("dst_ip").asText()).isEqualTo("203.0.113.26");
        assertThat(bl.get("evidence").toString()).contains("zen.spamhaus.org");
        assertThat(bl.get("list").asText()).isEqualTo("zen.spamhaus.org");

        // alice's ordinary submissions are not an alert of any kind
        assertThat(alerts).noneMatch(a -> "alice".equals(a.path("account").asText()) && !a.get("rule").asText().equals("auth_failures"));
    }

    @Test
    void summaryTableNamesTheFindings() {
        Cli r = Cli.run("replay", "--config", "samples/lab.yml", "--out", out.toString(), "samples/incident-2-null-sender.pcap");
        assertThat(r.out()).contains("Findings: 8")
                .containsPattern("null_sender_burst +critical +firing +account:mallory +- +30 ")
                .contains("guest-like account \"guest\" logged in successfully");
    }

    /**
     * Issue 8 item 11: the same incident through a mirror that carries client→server only (cut
     * with tcpdump as an operator's TX-only SPAN would deliver it). No reply is on the capture,
     * so the AUTH successes are inferred from the clients' MAIL FROMs; the account findings must
     * survive, and the one-way capture must be said in the records and the summary.
     */
    @Test
    void incidentTwoThroughAOneWayMirrorKeepsTheAccountFindings(@TempDir Path cut) throws Exception {
        Path c2s = tcpdumpCut(cut.resolve("c2s.pcap"), "tcp dst port 25 or tcp dst port 587");

        Cli r = Cli.run("replay", "--config", "samples/lab.yml", "--out", out.toString(), c2s.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        List<JsonNode> alerts = ReplayCommandTest.jsonLines(out.resolve("alerts.jsonl"));
        Set<String> keys = keys(alerts);
        assertThat(keys).contains("null_sender_burst|account:mallory|-", "auth_guest_account|account:guest|-");
        JsonNode guest = alerts.stream().filter(a -> a.get("rule").asText().equals("auth_guest_account")).findFirst().orElseThrow();
        assertThat(guest.get("src_ip").asText()).isEqualTo("198.18.10.22");
        assertThat(guest.get("evidence").get("auth_result_inferred").asBoolean()).as("the alert says the login is inferred").isTrue();
        JsonNode account = alerts.stream().filter(a -> a.get("key").asText().equals("account:mallory")).findFirst().orElseThrow();
        assertThat(account.get("account").asText()).isEqualTo("mallory");
        // Ten failed logins each followed by QUIT: nothing on a client-only capture says they failed.
        assertThat(keys).doesNotContain("auth_failures|198.18.10.22|-");

        List<JsonNode> lines = ReplayCommandTest.jsonLines(out.resolve("smtp.jsonl"));
        assertThat(lines).hasSize(76); // as many as the two-way capture gives
        assertThat(lines).allSatisfy(l -> assertThat(l.get("one_way").asText()).isEqualTo("client_only"));
        List<JsonNode> mallory = lines.stream().filter(l -> "mallory".equals(l.get("auth_user").asText())).toList();
        assertThat(mallory).hasSize(30).allSatisfy(l -> {
            assertThat(l.get("auth_result").asText()).isEqualTo("success");
            assertThat(l.get("auth_result_inferred").asBoolean()).isTrue();
            assertThat(l.get("null_sender").asBoolean()).isTrue();
            assertThat(l.get("message_status").asText()).isEqualTo("unknown");
        });
        assertThat(r.out()).contains("One-way: 45 connections with client->server bytes only")
                .contains("33 AUTH results inferred")
                .contains("(success, inferred)");
    }

    /** The other direction only: reply codes, no command or argument; what replies alone prove still alerts. */
    @Test
    void incidentTwoServerToClientOnlySaysWhatItCannotKnow(@TempDir Path cut) throws Exception {
        Path s2c = tcpdumpCut(cut.resolve("s2c.pcap"), "tcp src port 25 or tcp src port 587");
        Cli r = Cli.run("replay", "--config", "samples/lab.yml", "--out", out.toString(), s2c.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        List<JsonNode> lines = ReplayCommandTest.jsonLines(out.resolve("smtp.jsonl"));
        assertThat(lines).hasSize(45).allSatisfy(l -> {
            assertThat(l.get("one_way").asText()).isEqualTo("server_only");
            assertThat(l.get("helo").isNull()).isTrue();
            assertThat(l.get("mail_from").isNull()).isTrue();
            assertThat(l.get("auth_user").isNull()).isTrue();
        });
        assertThat(r.out()).contains("One-way: 45 connections with server->client bytes only: reply codes only");
        // The relay's refusal names the list in the reply itself.
        assertThat(keys(ReplayCommandTest.jsonLines(out.resolve("alerts.jsonl")))).containsExactly("blocklist_rejection|zen.spamhaus.org:198.18.20.10|-");
    }

    private static Path tcpdumpCut(Path to, String filter) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("tcpdump", "-r", "samples/incident-2-null-sender.pcap", "-w", to.toString(), filter)
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "tcpdump is not installed: " + e.getMessage());
            throw e;
        }
        String said = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(said).isZero();
        return to;
    }
}
