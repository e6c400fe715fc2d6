package io.mailtap.smtp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailtap.flow.FlowSettings;
import io.mailtap.sensor.Replay;
import io.mailtap.testutil.CorpusDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * smtp.jsonl, the file an operator reads, against the wire of the corpus captures behind issue 8
 * items 1, 2, 3, 5 and 6 (each value below read with {@code tshark -q -z follow,tcp,ascii,N}).
 */
class TransactionLogWireTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path out;

    /** Replays the captures with the default settings and returns the lines of smtp.jsonl. */
    private List<JsonNode> smtpLog(Path... captures) throws IOException {
        Replay replay = new Replay(FlowSettings.defaults(), SmtpSettings.defaults(), "test-sensor", List.of(), 0);
        Replay.Report report = replay.run(List.of(captures), null, out);
        List<JsonNode> lines = new ArrayList<>();
        for (String l : Files.readAllLines(report.transactionLog())) lines.add(JSON.readTree(l));
        return lines;
    }

    private static Path pcaps2(String relative) {
        Path p = CorpusDir.get().toAbsolutePath().normalize().resolveSibling("pcaps2").resolve(relative);
        assertThat(p).as("second corpus file").exists();
        return p;
    }

    private static List<String> texts(JsonNode array) {
        List<String> l = new ArrayList<>();
        array.forEach(n -> l.add(n.asText()));
        return l;
    }

    private static List<JsonNode> ofClientPort(List<JsonNode> lines, int port) {
        return lines.stream().filter(l -> l.get("client_port").asInt() == port).toList();
    }

    @Test
    void refusedDataAndRefusedNestedMailDoNotEndTheTransaction() throws IOException {
        // Two transactions on the wire: MAIL 250, RCPT 250, DATA 354, "." 250; then (RCPT 503 and
        // DATA 503 outside any transaction) MAIL 250, DATA 503 twice, nested MAIL 503, RCPT 250,
        // DATA 354, "." 250.
        List<JsonNode> lines = smtpLog(CorpusDir.file("zeek/smtp-mail-transactions-invalid.pcap"));
        assertThat(lines).hasSize(2);
        for (JsonNode l : lines) {
            assertThat(l.get("mail_from").asText()).isEqualTo("<bob@example.org>");
            assertThat(texts(l.get("rcpt_to"))).containsExactly("<alice@example.org>");
            assertThat(l.get("rcpt_accepted").asInt()).isEqualTo(1);
            assertThat(l.get("rcpt_rejected").asInt()).isZero();
            assertThat(l.get("message_status").asText()).isEqualTo("accepted");
        }
        assertThat(lines).extracting(l -> l.get("message_bytes").asLong()).containsExactly(18L, 39L);
        assertThat(lines).extracting(l -> l.get("last_reply").asText())
                .containsExactly("250 OK id=1pgobK-001mwq-ED", "250 OK id=1pgobM-001mwq-Vc");
    }

    @Test
    void rcptsPipelinedBehindARefusedMailAreInItsLine() throws IOException {
        // client 49740: MAIL FROM:<unusualz@prg-dc.dhl.com> / RCPT TO:<sghaier@fts.com.tn> / DATA in
        // one segment, answered 472, 501, 501.
        List<JsonNode> lines = ofClientPort(smtpLog(CorpusDir.file("suricata-verify/smtp-errors/smtperr.pcap")), 49740);
        assertThat(lines).hasSize(1);
        JsonNode l = lines.get(0);
        assertThat(l.get("mail_from").asText()).isEqualTo("<unusualz@prg-dc.dhl.com>");
        assertThat(texts(l.get("rcpt_to"))).containsExactly("<sghaier@fts.com.tn>");
        assertThat(l.get("rcpt_accepted").asInt()).isZero();
        assertThat(l.get("rcpt_rejected").asInt()).isEqualTo(1);
        assertThat(l.get("message_status").asText()).isEqualTo("aborted");
        assertThat(l.get("last_reply").asText()).isEqualTo("472 unusualz@prg-dc.dhl.com DNS A-record is empty");
    }

    @Test
    void firstAttemptsOfTheDhlSpambotKeepTheirRecipient() throws IOException {
        // MAIL 553, RCPT 503 "Need MAIL before RCPT", DATA 503; RSET; then a second, accepted attempt.
        for (String capture : List.of("suricata-verify/smtp-data-rejected/10.7.29.101_49898-178.63.41.150_25.pcap",
                "suricata-verify/smtp-to-comma/10.7.29.101_49898-178.63.41.150_25.pcap")) {
            List<JsonNode> lines = smtpLog(CorpusDir.file(capture));
            assertThat(lines).as(capture).hasSize(2);
            JsonNode first = lines.get(0);
            assertThat(first.get("mail_from").asText()).as(capture).isEqualTo("<splotchiestzg0@gezydb01.apis.dhl.com>");
            assertThat(texts(first.get("rcpt_to"))).as(capture).containsExactly("<mirjam@abrakadabra.ch>");
            assertThat(first.get("rcpt_rejected").asInt()).as(capture).isEqualTo(1);
            assertThat(first.get("rcpt_accepted").asInt()).as(capture).isZero();
            assertThat(first.get("last_reply").asText()).as(capture).startsWith("553 5.1.8 ");
            JsonNode second = lines.get(1);
            assertThat(second.get("mail_from").asText()).as(capture).isEqualTo("<uprootedx38@gateway2c.dhl.com>");
            assertThat(second.get("rcpt_accepted").asInt()).as(capture).isEqualTo(1);
        }
    }

    @Test
    void decryptedStarttlsSessionsStayTlsAndSayThePlaintextWasVisible() throws IOException {
        List<JsonNode> lines = smtpLog(CorpusDir.file("arkime/smtp-decrypted.pcap"));
        assertThat(lines).hasSize(4);
        for (JsonNode l : lines) {
            assertThat(l.get("tls").asBoolean()).as("tls of client %s", l.get("client_port")).isTrue();
            assertThat(l.get("plaintext_after_starttls").asBoolean()).isTrue();
            assertThat(l.get("mail_from").isNull()).isFalse(); // the transaction after STARTTLS was read
        }
    }

    @Test
    void plainSessionSaysNoPlaintextAfterStarttls() throws IOException {
        for (JsonNode l : smtpLog(CorpusDir.file("zeek/smtp-mail-transactions-invalid.pcap"))) {
            assertThat(l.get("tls").asBoolean()).isFalse();
            assertThat(l.get("plaintext_after_starttls").asBoolean()).isFalse();
        }
    }

    @Test
    void oneByteHolesInTheServerStreamDoNotShiftThePairing() throws IOException {
        // Server holes at seq 41 and 171 (the client ACKs 42 and 172): MAIL 250, RCPT 250, DATA 354
        // arrive complete after the second one.
        List<JsonNode> lines = smtpLog(pcaps2("snort3-snort3_demo/smtp-lorem.pcap"));
        assertThat(lines).hasSize(1);
        JsonNode l = lines.get(0);
        assertThat(l.get("mail_from").asText()).isEqualTo("<jack>");
        assertThat(texts(l.get("rcpt_to"))).containsExactly("<tix@strattiacelli.com>");
        assertThat(l.get("rcpt_accepted").asInt()).isEqualTo(1);
        assertThat(l.get("rcpt_rejected").asInt()).isZero();
        assertThat(l.get("message_status").asText()).isEqualTo("accepted");
        assertThat(l.get("last_reply").asText()).isEqualTo("250 2.0.0 Ok: queued as 25B9C6E1");
        assertThat(l.get("pairing_uncertain").asBoolean()).isFalse(); // a 1-byte hole holds no reply
    }

    @Test
    void holeBeforeTheMailReplyMarksTheTransactionWithGaps() throws IOException {
        // editcap -r smtp-lorem.pcap out.pcap 1-17: the connection ends inside the message; the
        // only holes are the server's, the second one right before the MAIL's 250.
        Path cut = firstFrames(pcaps2("snort3-snort3_demo/smtp-lorem.pcap"), 17, out.resolve("lorem-17.pcap"));
        List<JsonNode> lines = smtpLog(cut);
        assertThat(lines).hasSize(1);
        JsonNode l = lines.get(0);
        assertThat(l.get("gaps").asBoolean()).isTrue();
        assertThat(l.get("rcpt_accepted").asInt()).isEqualTo(1);
        assertThat(l.get("message_status").asText()).isEqualTo("aborted");
        assertThat(l.get("last_reply").asText()).startsWith("354 ");
    }

    /** The first {@code n} frames of a classic pcap file (what {@code editcap -r F out 1-n} writes). */
    static Path firstFrames(Path src, int n, Path dst) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(src));
        int magic = b.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) b.order(ByteOrder.BIG_ENDIAN);
        int pos = 24;
        for (int i = 0; i < n && pos + 16 <= b.limit(); i++) pos += 16 + b.getInt(pos + 8);
        Files.write(dst, java.util.Arrays.copyOf(b.array(), Math.min(pos, b.limit())));
        return dst;
    }
}
