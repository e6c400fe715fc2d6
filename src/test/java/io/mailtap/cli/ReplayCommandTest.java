package io.mailtap.cli;

import io.mailtap.testutil.CorpusDir;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailtap.testutil.TcpConversation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReplayCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    static Path corpus(String relative) {
        return CorpusDir.file(relative);
    }

    static List<JsonNode> jsonLines(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) out.add(JSON.readTree(line));
        return out;
    }

    @Test
    void zeekSmtpPrintsBothSessionsWithTheAuthUserAndWritesTheLog() throws IOException {
        Cli r = Cli.run("replay", "--out", dir.toString(), corpus("zeek/smtp.pcap").toString());

        assertThat(r.exit()).isZero();
        assertThat(r.out())
                .contains("10.10.1.4:1470 -> 74.53.140.153:25")
                .contains("helo GP · auth LOGIN gurpartap@patriots.in (success)")
                .contains("mail from <gurpartap@patriots.in> · rcpt <raj_deol2002in@yahoo.co.in>")
                .contains("192.168.133.100:49648 -> 192.168.133.102:25")
                .contains("helo [192.168.133.100]")
                .contains("rcpt <ericlim220@yahoo.com>, <felica4uu@hotmail.com>, <davis_mark1@outlook.com> (3 accepted, 0 rejected)")
                .contains("2 transactions");
        List<JsonNode> log = jsonLines(dir.resolve("smtp.jsonl"));
        assertThat(log).hasSize(2);
        JsonNode first = log.get(0);
        assertThat(first.get("ts").asText()).isEqualTo("2009-10-05T06:06:07.529046Z");
        assertThat(first.get("client_ip").asText()).isEqualTo("10.10.1.4");
        assertThat(first.get("server_port").asInt()).isEqualTo(25);
        assertThat(first.get("helo").asText()).isEqualTo("GP");
        assertThat(first.get("auth_mech").asText()).isEqualTo("LOGIN");
        assertThat(first.get("auth_user").asText()).isEqualTo("gurpartap@patriots.in");
        assertThat(first.get("auth_result").asText()).isEqualTo("success");
        assertThat(first.get("mail_from").asText()).isEqualTo("<gurpartap@patriots.in>");
        assertThat(first.get("null_sender").asBoolean()).isFalse();
        assertThat(first.get("rcpt_to")).hasSize(1);
        assertThat(first.get("message_status").asText()).isEqualTo("accepted");
        assertThat(first.get("client_by").asText()).isEqualTo("syn");
        assertThat(first.get("gaps").asBoolean()).isFalse();
        assertThat(log.get(1).get("rcpt_accepted").asInt()).isEqualTo(3);
    }

    @Test
    void nullSenderIsRecordedAsSent() throws IOException {
        Cli r = Cli.run("replay", "--out", dir.toString(), corpus("arkime/wireshark-bdat.pcap").toString(),
                "--config", writeConfig("smtp:\n  ports: [25, 1224]\n").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode t = jsonLines(dir.resolve("smtp.jsonl")).get(0);
        assertThat(t.get("mail_from").asText()).isEqualTo("<>");
        assertThat(t.get("null_sender").asBoolean()).isTrue();
    }

    @Test
    void replayingTwiceIntoOneDirectoryGivesTheSameFilesNotDoubledOnes() throws IOException {
        String pcap = "samples/incident-2-null-sender.pcap";
        assertThat(Cli.run("replay", "--config", "samples/lab.yml", "--out", dir.toString(), pcap).exit()).isZero();
        String smtp = Files.readString(dir.resolve("smtp.jsonl"));
        String alerts = Files.readString(dir.resolve("alerts.jsonl"));
        assertThat(alerts).isNotEmpty();
        assertThat(Cli.run("replay", "--config", "samples/lab.yml", "--out", dir.toString(), pcap).exit()).isZero();
        assertThat(Files.readString(dir.resolve("smtp.jsonl"))).isEqualTo(smtp);
        assertThat(Files.readString(dir.resolve("alerts.jsonl"))).as("a replay is deterministic and starts afresh").isEqualTo(alerts);
    }

    @Test
    void anOutputDirectoryThatCannotBeWrittenIsOneClearErrorAndExitOne() throws IOException {
        Path notADir = Files.writeString(dir.resolve("plain-file"), "x");
        Cli r = Cli.run("replay", "--out", notADir.toString(), "samples/quickstart.pcap");
        assertThat(r.exit()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(r.err()).startsWith("mailtap: ").contains("plain-file").doesNotContain("\tat ");
        assertThat(r.err().lines().count()).isEqualTo(1);
    }

    @Test
    void missingFileIsOneClearErrorAndExitOne() {
        Cli r = Cli.run("replay", "--out", dir.toString(), dir.resolve("nope.pcap").toString());
        assertThat(r.exit()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(r.err().strip()).isEqualTo("mailtap: cannot read " + dir.resolve("nope.pcap") + ": no such file");
        assertThat(dir.resolve("smtp.jsonl")).doesNotExist();
    }

    @Test
    void aFileThatIsNotACaptureIsReportedByName() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.txt"), "hello, not a capture\n");
        Cli r = Cli.run("replay", "--out", dir.toString(), text.toString());
        assertThat(r.exit()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(r.err()).contains("notes.txt").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.err().lines().count()).isEqualTo(1);
    }

    @Test
    void aCaptureDamagedPartWayKeepsWhatWasReadAndExitsOne() throws IOException {
        Cli r = Cli.run("replay", "--out", dir.toString(),
                corpus("suricata-verify/smtp-to-comma/10.7.29.101_49898-178.63.41.150_25.pcap").toString());
        assertThat(r.exit()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(r.err()).contains("after 18 packets");
        List<JsonNode> log = jsonLines(dir.resolve("smtp.jsonl"));
        assertThat(log).extracting(j -> j.get("mail_from").asText())
                .containsExactly("<splotchiestzg0@gezydb01.apis.dhl.com>", "<uprootedx38@gateway2c.dhl.com>");
    }

    @Test
    void controlCharactersFromTheWireAreEscapedInEveryOutput() throws IOException {
        String hostile = "evil\u001b[2J\u001b]0;pwned\u0007\u0085host";
        Path pcap = new TcpConversation(TcpConversation.ethernetPcap(), "10.0.0.5", 40000, "203.0.113.9", 25, 1_700_000_000_000_000L)
                .handshake()
                .server("220 mx.example ESMTP\r\n")
                .client("EHLO " + hostile + "\r\n")
                .server("250 mx.example\r\n")
                .client("MAIL FROM:<a\u001b[31m@b.example>\r\n")
                .server("250 ok\r\n")
                .client("QUIT\r\n")
                .server("221 bye\r\n")
                .close()
                .write(dir.resolve("hostile.pcap"));
        Path out = dir.resolve("out");
        Cli r = Cli.run("replay", "--out", out.toString(), pcap.toString());

        assertThat(r.exit()).isZero();
        String log = Files.readString(out.resolve("smtp.jsonl"), StandardCharsets.UTF_8);
        String alerts = Files.readString(out.resolve("alerts.jsonl"), StandardCharsets.UTF_8);
        for (String written : List.of(r.out(), log, alerts)) {
            assertThat(written).doesNotContain("\u001b").doesNotContain("\u0007").doesNotContain("\u0085");
        }
        assertThat(r.out()).contains("helo evil\\x1b[2J\\x1b]0;pwned\\x07\\x85host");
        // the JSON still carries the exact bytes, escaped
        assertThat(jsonLines(out.resolve("smtp.jsonl")).get(0).get("helo").asText()).isEqualTo(hostile);
        assertThat(alerts).as("the bad HELO from an internal host is an alert").contains("bad_helo");
    }

    private Path writeConfig(String yaml) throws IOException {
        return Files.writeString(dir.resolve("mailtap.yml"), yaml);
    }
}
