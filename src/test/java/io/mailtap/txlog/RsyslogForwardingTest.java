package io.mailtap.txlog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The syslog sink against a real rsyslogd (imudp, imtcp, and imptcp on a unix stream socket in
 * the temp dir), which writes what it received in RFC 5424 form to a file: every record arrives
 * once, whole, with HOSTNAME the sensor name, APP-NAME mailtap, MSGID the record kind, PRI from
 * facility and severity, and MSG the record's JSON object — including a record with a quote, a
 * backslash, non-ASCII text and a line longer than a typical 2 KiB syslog frame.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RsyslogForwardingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RFC5424 =
            Pattern.compile("<(\\d+)>1 (\\S+) (\\S+) (\\S+) (\\S+) (\\S+) (-|\\[.*?\\]) ?(.*)");

    @TempDir
    static Path dir;
    static Process rsyslog;
    static int udpPort, tcpPort;
    static Path socket, received;

    @BeforeAll
    static void startRsyslog() throws Exception {
        Path bin = Path.of("/usr/sbin/rsyslogd");
        if (!Files.isExecutable(bin)) {
            if ("true".equals(System.getenv("CI"))) fail("rsyslogd is not installed (apt-get install rsyslog; .ci/run does)");
            Assumptions.abort("rsyslogd is not installed (apt-get install rsyslog): skipping the syslog sink test");
        }
        udpPort = freeUdpPort();
        tcpPort = freeTcpPort();
        socket = dir.resolve("mailtap.sock");
        received = dir.resolve("received.log");
        Path conf = dir.resolve("rsyslog.conf");
        Files.writeString(conf, String.join("\n",
                "global(workDirectory=\"" + dir + "\" maxMessageSize=\"256k\")",
                "module(load=\"imudp\")",
                "module(load=\"imtcp\")",
                "module(load=\"imptcp\")",
                "input(type=\"imudp\" address=\"127.0.0.1\" port=\"" + udpPort + "\")",
                "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"" + tcpPort + "\")",
                "input(type=\"imptcp\" path=\"" + socket + "\" unlink=\"on\")",
                "action(type=\"omfile\" file=\"" + received + "\" template=\"RSYSLOG_SyslogProtocol23Format\")", ""));
        rsyslog = new ProcessBuilder(bin.toString(), "-n", "-f", conf.toString(), "-i", dir.resolve("rsyslog.pid").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("rsyslogd.out").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            if (!rsyslog.isAlive()) fail("rsyslogd exited: " + Files.readString(dir.resolve("rsyslogd.out")));
            boolean tcpUp;
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", tcpPort), 200);
                tcpUp = true;
            } catch (IOException e) {
                tcpUp = false;
            }
            if (tcpUp && Files.exists(socket)) break;
            if (System.nanoTime() > deadline) fail("rsyslogd did not listen: " + Files.readString(dir.resolve("rsyslogd.out")));
            Thread.sleep(50);
        }
    }

    @AfterAll
    static void stopRsyslog() throws Exception {
        if (rsyslog == null) return;
        rsyslog.destroy();
        if (!rsyslog.waitFor(10, TimeUnit.SECONDS)) rsyslog.destroyForcibly().waitFor();
    }

    private static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void udpTcpAndUnixRecordsArriveAsRfc5424() throws Exception {
        String big = "x".repeat(5000);
        List<String> sent = new ArrayList<>();
        send(SyslogTransport.Protocol.UDP, "127.0.0.1:" + udpPort, "udp", big, sent);
        send(SyslogTransport.Protocol.TCP, "127.0.0.1:" + tcpPort, "tcp", big, sent);
        send(SyslogTransport.Protocol.UNIX, socket.toString(), "unix", big, sent);

        List<String> lines = awaitLines(sent.size());
        List<String> messages = new ArrayList<>();
        for (String l : lines) {
            Matcher m = RFC5424.matcher(l);
            assertThat(m.matches()).as("RFC 5424: %s", l).isTrue();
            JsonNode msg = JSON.readTree(m.group(8));
            String via = msg.get("via").asText();
            assertThat(m.group(3)).as("HOSTNAME").isEqualTo("sensor-" + via);
            assertThat(m.group(4)).as("APP-NAME").isEqualTo("mailtap");
            assertThat(m.group(5)).as("PROCID").isEqualTo(Long.toString(ProcessHandle.current().pid()));
            Forwarded kind = Forwarded.valueOf(msg.get("kind").asText());
            assertThat(m.group(6)).as("MSGID").isEqualTo(kind.msgId());
            int pri = Integer.parseInt(m.group(1));
            assertThat(pri / 8).as("facility local0").isEqualTo(16);
            assertThat(pri % 8).as("severity").isEqualTo(msg.get("sev").asInt());
            assertThat(m.group(7)).isEqualTo("-");
            messages.add(m.group(8));
        }
        assertThat(messages).containsExactlyInAnyOrderElementsOf(sent);
    }

    /**
     * The live sensor with {@code output.syslog} (tcp) on: every line of smtp.jsonl, alerts.jsonl
     * and anomalies.jsonl reaches rsyslog as the MSG of one message with its kind's MSGID.
     */
    @Test
    void theLiveSensorForwardsEveryRecordOfItsThreeFiles() throws Exception {
        Path work = Files.createDirectories(dir.resolve("live"));
        Path pcap = new io.mailtap.testutil.TcpConversation(io.mailtap.testutil.TcpConversation.ethernetPcap(), "10.0.0.5", 40000,
                "203.0.113.9", 25, 1_700_000_000_000_000L)
                .handshake()
                .server("220 mx.example ESMTP\r\n")
                .client("EHLO localhost\r\n").server("250 mx\r\n").server("250 unasked\r\n")
                .client("MAIL FROM:<a@example.org>\r\n").server("250 ok\r\n")
                .client("QUIT\r\n").server("221 bye\r\n")
                .close()
                .write(work.resolve("a.pcap"));
        Path out = work.resolve("out");
        Path cfg = Files.writeString(work.resolve("mailtap.yml"), "sensor:\n  name: sensor-live\n"
                + "output:\n  dir: " + out + "\n  syslog:\n    enabled: true\n    protocol: tcp\n    address: \"127.0.0.1:" + tcpPort + "\"\n"
                + "metrics:\n  listen: null\ncapture:\n  workers: 1\n  heartbeat: 100ms\n");
        io.mailtap.sensor.LiveSensor s = io.mailtap.sensor.OfflineLiveSensor.start(cfg, pcap);
        try {
            assertThat(s.awaitTermination(java.time.Duration.ofSeconds(30))).isTrue();
        } finally {
            s.stop();
        }
        List<String> expected = new ArrayList<>();
        List<String> kinds = new ArrayList<>();
        for (Output o : Output.values()) {
            List<String> l = Files.readAllLines(out.resolve(o.fileName()), StandardCharsets.UTF_8);
            assertThat(l).as(o.fileName()).isNotEmpty();
            expected.addAll(l);
            for (String ignored : l) kinds.add(switch (o) {
                case SMTP -> "transaction";
                case ALERTS -> "alert";
                case ANOMALIES -> "anomaly";
            });
        }
        List<String> got = new ArrayList<>(), gotKinds = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        do {
            got.clear();
            gotKinds.clear();
            for (String l : Files.readAllLines(received, StandardCharsets.UTF_8)) {
                Matcher m = RFC5424.matcher(l);
                if (!m.matches() || !m.group(3).equals("sensor-live")) continue;
                got.add(m.group(8));
                gotKinds.add(m.group(6));
            }
            if (got.size() >= expected.size()) break;
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        assertThat(got).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(gotKinds).containsExactlyInAnyOrderElementsOf(kinds);
        assertThat(s.metrics().scrape()).contains("mailtap_forward_records_sent_total{sensor=\"sensor-live\",sink=\"syslog\"} " + expected.size());
    }

    /** Four records (each kind, one of them long and with awkward text) through one forwarder. */
    private static void send(SyslogTransport.Protocol p, String address, String via, String big, List<String> sent) {
        Forwarder.Stats stats = new Forwarder.Stats();
        Forwarder f = new Forwarder("syslog", EnumSet.allOf(Forwarded.class), 100,
                new SyslogTransport(p, address, 16, "sensor-" + via), stats);
        int n = 0;
        for (Forwarded k : Forwarded.values()) {
            int sev = k == Forwarded.ALERTS ? 2 : 6;
            String json = "{\"via\":\"" + via + "\",\"kind\":\"" + k.name() + "\",\"sev\":" + sev + ",\"n\":" + n++
                    + ",\"text\":\"quote \\\" backslash \\\\ caf\u00e9 \u2603\"}";
            offer(f, k, sev, json, sent);
        }
        offer(f, Forwarded.TRANSACTIONS, 6, "{\"via\":\"" + via + "\",\"kind\":\"TRANSACTIONS\",\"sev\":6,\"big\":\"" + big + "\"}",
                sent);
        f.close(10_000);
        assertThat(stats.sent.get()).as(via + " sent").isEqualTo(4);
        assertThat(stats.droppedQueueFull.get() + stats.droppedSendFailed.get()).isZero();
    }

    private static void offer(Forwarder f, Forwarded k, int sev, String json, List<String> sent) {
        byte[] line = (json + "\n").getBytes(StandardCharsets.UTF_8);
        f.offer(k, sev, line, 0, line.length);
        sent.add(json);
    }

    private static List<String> awaitLines(int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<String> lines = List.of();
        while (System.nanoTime() < deadline) {
            if (Files.exists(received)) {
                lines = Files.readAllLines(received, StandardCharsets.UTF_8);
                if (lines.size() >= n) break;
            }
            Thread.sleep(50);
        }
        assertThat(lines).as("every record reached rsyslog (%s)", Files.exists(dir.resolve("rsyslogd.out"))
                ? Files.readString(dir.resolve("rsyslogd.out")) : "").hasSize(n);
        return lines;
    }
}
