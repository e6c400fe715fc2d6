package io.mailtap.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailtap.txlog.TransactionLogWriter;
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

/** What an operator reads after a replay: anomalies.jsonl, and the anomaly and bidi handling in smtp.jsonl and on stdout. */
class AnomalyLogTest {
    @TempDir
    Path dir;

    private static final String RLO = "\u202e";

    private Path hostileCapture() {
        return new TcpConversation(TcpConversation.ethernetPcap(), "10.0.0.5", 40000, "203.0.113.9", 25, 1_700_000_000_000_000L)
                .handshake()
                .server("220 mx.example ESMTP\r\n")
                .client("EHLO moc.elpmaxe" + RLO + "mx\r\n")
                .server("250 mx.example\r\n")
                .server("250 nobody asked\r\n")
                .client("MAIL FROM:<a@b.example>\r\n")
                .server("250 ok\r\n")
                .client("BDAT x" + RLO + "\u001b[2J\r\n")
                .server("501 bad size\r\n")
                .client("QUIT\r\n")
                .server("221 bye\r\n")
                .close()
                .write(dir.resolve("hostile.pcap"));
    }

    @Test
    void replayWritesEveryAnomalyEscapedAndTheTransactionNamesThem() throws IOException {
        Path out = dir.resolve("out");
        Cli r = Cli.run("replay", "--out", out.toString(), hostileCapture().toString());
        assertThat(r.exit()).isZero();

        Path anomaliesFile = out.resolve("anomalies.jsonl");
        String raw = Files.readString(anomaliesFile, StandardCharsets.UTF_8);
        assertThat(raw).doesNotContain(RLO).doesNotContain("\u001b").contains("\\u202e");
        List<JsonNode> lines = ReplayCommandTest.jsonLines(anomaliesFile);
        assertThat(lines).extracting(l -> l.get("kind").asText()).containsExactly("unpaired_reply", "bdat_bad_size");
        JsonNode bdat = lines.get(1);
        List<String> keys = new ArrayList<>();
        bdat.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("ts", "event_type", "sensor", "uid", "community_id", "client_ip", "client_port",
                "server_ip", "server_port", "kind", "detail");
        assertThat(bdat.get("detail").asText()).isEqualTo("BDAT x" + RLO + "\u001b[2J");
        assertThat(bdat.get("client_ip").asText()).isEqualTo("10.0.0.5");
        assertThat(bdat.get("server_port").asInt()).isEqualTo(25);

        List<JsonNode> tx = ReplayCommandTest.jsonLines(out.resolve("smtp.jsonl"));
        assertThat(tx).hasSize(1);
        assertThat(tx.get(0).get("uid").asText()).isEqualTo(bdat.get("uid").asText());
        assertThat(tx.get(0).get("anomalies")).extracting(JsonNode::asText).containsExactly("unpaired_reply", "bdat_bad_size");
        assertThat(tx.get(0).get("counts_capped").asBoolean()).isFalse();
        assertThat(tx.get(0).get("proxy_tunnel").isNull()).isTrue();
        assertThat(Files.readString(out.resolve("smtp.jsonl"), StandardCharsets.UTF_8)).doesNotContain(RLO);
        assertThat(tx.get(0).get("helo").asText()).isEqualTo("moc.elpmaxe" + RLO + "mx");

        // the printed summary: the override is shown, not obeyed
        assertThat(r.out()).doesNotContain(RLO).contains("moc.elpmaxe\\u202emx");
    }

    @Test
    void everyTransactionLineHasEveryDeclaredKeyInOrder() throws IOException {
        Path out = dir.resolve("out");
        assertThat(Cli.run("replay", "--out", out.toString(), hostileCapture().toString()).exit()).isZero();
        List<String> declared = TransactionLogWriter.FIELDS.stream().map(TransactionLogWriter.Field::name).toList();
        for (JsonNode line : ReplayCommandTest.jsonLines(out.resolve("smtp.jsonl"))) {
            List<String> keys = new ArrayList<>();
            line.fieldNames().forEachRemaining(keys::add);
            assertThat(keys).isEqualTo(declared);
        }
    }
}
