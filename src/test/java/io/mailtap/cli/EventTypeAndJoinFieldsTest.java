package io.mailtap.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailtap.alert.JsonAlertLog;
import io.mailtap.txlog.AnomalyLogWriter;
import io.mailtap.testutil.TcpConversation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every line of the three logs says which log it is ({@code event_type}) and which sensor wrote it,
 * and carries the Community ID that joins it with the connection in Zeek/Suricata/Arkime: an alert's
 * is the one of its latest evidence connection, an anomaly's that of its connection.
 */
class EventTypeAndJoinFieldsTest {
    @TempDir
    Path dir;

    @Test
    void quickstartAlertsNameTheCommunityIdOfTheirLatestConnection() throws Exception {
        Path out = dir.resolve("out");
        // samples/quickstart.mailtap.yml (picked up by name) sets sensor.name: lab-sensor
        assertThat(Cli.run("replay", "--out", out.toString(), "samples/quickstart.pcap").exit()).isZero();
        List<JsonNode> tx = ReplayCommandTest.jsonLines(out.resolve("smtp.jsonl"));
        List<JsonNode> alerts = ReplayCommandTest.jsonLines(out.resolve("alerts.jsonl"));
        assertThat(tx).hasSize(80);
        assertThat(alerts).hasSize(19);
        Map<String, String> idByUid = new HashMap<>();
        for (JsonNode l : tx) {
            assertThat(l.get("event_type").asText()).isEqualTo("smtp");
            assertThat(l.get("sensor").asText()).isEqualTo("lab-sensor");
            idByUid.put(l.get("uid").asText(), l.get("community_id").asText());
        }
        int joined = 0;
        for (JsonNode a : alerts) {
            assertThat(a.get("event_type").asText()).isEqualTo("alert");
            assertThat(a.get("sensor").asText()).isEqualTo("lab-sensor");
            assertThat(a.get("community_id").asText()).startsWith("1:");
            JsonNode uids = a.get("evidence").get("uids");
            String latest = uids.get(uids.size() - 1).asText();
            String txId = idByUid.get(latest);
            if (txId != null) {
                assertThat(a.get("community_id").asText()).as(a.get("rule") + " " + a.get("key")).isEqualTo(txId);
                joined++;
            }
        }
        // one egress_policy alert cites a connection refused at the SYN: no smtp.jsonl line to join
        assertThat(joined).isEqualTo(18);
        // an account-keyed alert spans connections: it carries its latest one's id, not a src/dst hash
        Map<String, String> byKey = alerts.stream().collect(Collectors.toMap(a -> a.get("key").asText(),
                a -> a.get("community_id").asText(), (x, y) -> y));
        assertThat(byKey.get("account:mallory")).isEqualTo(byKey.get("client:198.18.10.21"));
    }

    @Test
    void anomalyLinesCarryTypeSensorAndTheConnectionsCommunityId() throws Exception {
        Path pcap = new TcpConversation(TcpConversation.ethernetPcap(), "10.0.0.5", 40000, "203.0.113.9", 25, 1_700_000_000_000_000L)
                .handshake()
                .server("220 mx.example ESMTP\r\n")
                .client("EHLO mx\r\n")
                .server("250 mx.example\r\n")
                .server("250 nobody asked\r\n")
                .client("QUIT\r\n")
                .server("221 bye\r\n")
                .close()
                .write(dir.resolve("unpaired.pcap"));
        Path cfg = Files.writeString(dir.resolve("s.yml"), "sensor:\n  name: edge-7\n", StandardCharsets.UTF_8);
        Path out = dir.resolve("out");
        assertThat(Cli.run("replay", "--config", cfg.toString(), "--out", out.toString(), pcap.toString()).exit()).isZero();
        List<JsonNode> tx = ReplayCommandTest.jsonLines(out.resolve("smtp.jsonl"));
        List<JsonNode> anomalies = ReplayCommandTest.jsonLines(out.resolve("anomalies.jsonl"));
        assertThat(tx).hasSize(1);
        assertThat(anomalies).hasSize(1);
        JsonNode a = anomalies.get(0);
        List<String> keys = new java.util.ArrayList<>();
        a.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).as("the line is what AnomalyLogWriter.KEYS (and so README) says").isEqualTo(AnomalyLogWriter.KEYS);
        assertThat(a.get("event_type").asText()).isEqualTo("anomaly");
        assertThat(a.get("sensor").asText()).isEqualTo("edge-7");
        assertThat(tx.get(0).get("sensor").asText()).isEqualTo("edge-7");
        // Community ID spec v1 of 10.0.0.5:40000 -> 203.0.113.9:25/tcp, seed 0 (computed independently below)
        assertThat(a.get("community_id").asText()).isEqualTo(tx.get(0).get("community_id").asText())
                .isEqualTo(communityIdV1("10.0.0.5", 40000, "203.0.113.9", 25));
    }

    @Test
    void readmeListsTheKeysTheWritersDeclare() throws Exception {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        assertThat(readme).contains(AnomalyLogWriter.KEYS.stream().map(k -> "`" + k + "`").collect(Collectors.joining(", ")));
        assertThat(readme).contains("Fields of each line: `" + String.join(", ", JsonAlertLog.FIELDS) + "`");
    }

    /** The spec's algorithm written out here, not through mailtap's CommunityId. */
    private static String communityIdV1(String a, int ap, String b, int bp) throws Exception {
        byte[] ab = java.net.InetAddress.getByName(a).getAddress();
        byte[] bb = java.net.InetAddress.getByName(b).getAddress();
        boolean swap = java.util.Arrays.compareUnsigned(ab, bb) > 0;
        java.io.ByteArrayOutputStream in = new java.io.ByteArrayOutputStream();
        in.write(0); in.write(0); // seed 0
        in.write(swap ? bb : ab); in.write(swap ? ab : bb);
        in.write(6); in.write(0);
        int p1 = swap ? bp : ap, p2 = swap ? ap : bp;
        in.write(p1 >> 8); in.write(p1 & 0xff); in.write(p2 >> 8); in.write(p2 & 0xff);
        return "1:" + java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("SHA-1").digest(in.toByteArray()));
    }
}
