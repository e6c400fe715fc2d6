package io.mailtap.hostile;

import io.mailtap.testutil.SensorLabels;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailtap.config.ConfigLoader;
import io.mailtap.sensor.ReplayProbe;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile input, generated here and replayed through the real replay assembly in a child JVM
 * limited to {@value #MAX_HEAP} of heap. Each capture is: an ordinary session, the hostile one, an
 * ordinary session. Each case asserts
 * <ul>
 *   <li>bounded memory: the child finishes (exit 0) within the heap limit. A replay of
 *       samples/incident-2-null-sender.pcap runs in -Xmx12m and every case here passes at -Xmx16m
 *       (measured 2026-12-04); {@value #MAX_HEAP} leaves margin for the stages' growth, yet buffering
 *       any one hostile element whole cannot fit: the 10 MB line held as bytes plus its String copy
 *       is 20 MB beside a 12 MB working set, the 50 MB body, the 1 M RCPT (about 30 MB of text) and
 *       100 k pending commands are larger still;</li>
 *   <li>the counter that rose, read from the Prometheus text or from smtp.jsonl;</li>
 *   <li>every line of every output (smtp.jsonl, alerts.jsonl, anomalies.jsonl) is one valid JSON object;</li>
 *   <li>the two ordinary sessions decode exactly as they do in a capture holding only them.</li>
 * </ul>
 * Outcomes are computed once per case and shared by that case's tests.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HostileInputTest {
    static final String MAX_HEAP = "24m";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLIENT = "10.9.0.1", SERVER = "10.9.0.25", HOSTILE = "10.9.0.66";
    private static final int BEFORE_PORT = 40001, AFTER_PORT = 40002, HOSTILE_PORT = 50000;
    private static final long T0 = 1_780_000_000_000_000L;
    private static final int TEN_MB = 10 * 1024 * 1024;
    static final long RCPTS = 1_000_000;
    static final long BODY_LINES = 50L * 1024 * 1024 / 80; // 80-byte lines: 50 MiB

    @TempDir
    static Path dir;

    /** The ordinary sessions' records in a capture of only them, without ts and uid (those differ by design). */
    private static final Map<Integer, JsonNode> CONTROL = new HashMap<>();
    private static final Map<String, Outcome> OUTCOMES = new HashMap<>();

    record Outcome(ChildReplay.Result child, List<JsonNode> transactions, String metrics) {
        JsonNode hostile() {
            List<JsonNode> h = transactions.stream().filter(t -> t.get("client_port").asInt() == HOSTILE_PORT).toList();
            assertThat(h).as("the hostile session's records").isNotEmpty();
            return h.get(h.size() - 1);
        }

        /** Sum of every series whose name, or one of whose label values, contains {@code word}. */
        double seriesMentioning(String word) {
            double sum = 0;
            for (String line : metrics.split("\n")) {
                if (line.startsWith("#") || line.isBlank()) continue;
                if (line.substring(0, line.lastIndexOf(' ')).contains(word)) sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
            return sum;
        }

        double value(String series) {
            for (String line : metrics.split("\n")) {
                if (line.startsWith(series + " ")) return Double.parseDouble(line.substring(series.length() + 1));
            }
            throw new AssertionError("no series " + series + " in\n" + metrics);
        }
    }

    @BeforeAll
    static void control() throws IOException {
        Path pcap = dir.resolve("control.pcap");
        try (StreamingCapture cap = new StreamingCapture(pcap, T0)) {
            ordinary(cap, BEFORE_PORT, "before");
            ordinary(cap, AFTER_PORT, "after");
        }
        Path out = dir.resolve("control");
        assertThat(ReplayProbe.run(ConfigLoader.defaults(), pcap, out)).isTrue();
        for (JsonNode t : readJsonLines(out.resolve("smtp.jsonl"))) CONTROL.put(t.get("client_port").asInt(), comparable(t));
        assertThat(CONTROL).containsOnlyKeys(BEFORE_PORT, AFTER_PORT);
        assertThat(CONTROL.get(BEFORE_PORT).get("message_status").asText()).isEqualTo("accepted");
    }

    /** An ordinary ESMTP session with one accepted message. */
    static void ordinary(StreamingCapture cap, int clientPort, String tag) {
        cap.conversation(CLIENT, clientPort, SERVER, 25).handshake()
                .server("220 mx.example.net ESMTP\r\n")
                .client("EHLO " + tag + ".example.org\r\n")
                .server("250-mx.example.net\r\n250-PIPELINING\r\n250 CHUNKING\r\n")
                .client("MAIL FROM:<" + tag + "@example.org>\r\n").server("250 2.1.0 ok\r\n")
                .client("RCPT TO:<rcpt-" + tag + "@example.net>\r\n").server("250 2.1.5 ok\r\n")
                .client("DATA\r\n").server("354 go ahead\r\n")
                .client("Subject: " + tag + "\r\n\r\nordinary body\r\n.\r\n").server("250 2.0.0 queued as " + tag + "\r\n")
                .client("QUIT\r\n").server("221 2.0.0 bye\r\n")
                .close();
    }

    private static StreamingCapture.Conversation hostileSession(StreamingCapture cap) {
        return cap.conversation(HOSTILE, HOSTILE_PORT, SERVER, 25).handshake().server("220 mx.example.net ESMTP\r\n");
    }

    private static synchronized Outcome outcome(String name, Consumer<StreamingCapture> hostile) throws Exception {
        Outcome o = OUTCOMES.get(name);
        if (o != null) return o;
        Path pcap = dir.resolve(name + ".pcap");
        try (StreamingCapture cap = new StreamingCapture(pcap, T0)) {
            ordinary(cap, BEFORE_PORT, "before");
            hostile.accept(cap);
            ordinary(cap, AFTER_PORT, "after");
        }
        ChildReplay.Result r = ChildReplay.run(MAX_HEAP, pcap, dir.resolve(name), null, Map.of(), 90);
        Files.delete(pcap); // the big ones should not pile up in /tmp while the next case runs
        assertThat(r.exit()).as("replay of %s within -Xmx%s; stderr:%n%s", name, MAX_HEAP, ChildReplay.tail(r.stderr())).isZero();
        Path out = r.out();
        List<JsonNode> tx = readJsonLines(out.resolve("smtp.jsonl"));
        for (String f : List.of("alerts.jsonl", "anomalies.jsonl")) {
            if (Files.exists(out.resolve(f))) readJsonLines(out.resolve(f));
        }
        o = new Outcome(r, tx, SensorLabels.strip(Files.readString(out.resolve(ReplayProbe.METRICS_FILE))));
        OUTCOMES.put(name, o);
        return o;
    }

    /** Every line one JSON object (a parse failure or a second value on the line fails the test). */
    static List<JsonNode> readJsonLines(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        int n = 0;
        for (String line : Files.readAllLines(file)) {
            n++;
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (IOException e) {
                throw new AssertionError(file.getFileName() + " line " + n + " is not JSON: " + e.getMessage());
            }
            assertThat(node).as("%s line %d", file.getFileName(), n).isNotNull();
            assertThat(node.isObject()).as("%s line %d is an object", file.getFileName(), n).isTrue();
            out.add(node);
        }
        return out;
    }

    private static JsonNode comparable(JsonNode t) {
        ObjectNode c = t.deepCopy();
        c.remove("ts");
        c.remove("uid");
        return c;
    }

    /** Both ordinary sessions are logged, each exactly as in the control capture. */
    private static void ordinaryIntact(Outcome o) {
        Map<Integer, JsonNode> seen = new HashMap<>();
        for (JsonNode t : o.transactions()) {
            int port = t.get("client_port").asInt();
            if (port != HOSTILE_PORT) assertThat(seen.put(port, comparable(t))).as("one record for port %d", port).isNull();
        }
        assertThat(seen).isEqualTo(CONTROL);
    }

    // ------------------------------------------------------------------ 10 MB command line

    private static Outcome longCommandLine() throws Exception {
        return outcome("long-command", cap -> hostileSession(cap)
                .client("EHLO ").clientRepeat(new byte[] {'a'}, TEN_MB).client("\r\n")
                .server("500 5.5.2 line too long\r\n")
                .client("MAIL FROM:<after-long-line@example.org>\r\n").server("250 2.1.0 ok\r\n")
                .client("QUIT\r\n").server("221 bye\r\n").close());
    }

    @Test
    void tenMegabyteCommandLineIsTruncatedAndCounted() throws Exception {
        Outcome o = longCommandLine();
        assertThat(o.value("mailtap_smtp_lines_truncated_total")).isEqualTo(1);
        assertThat(o.hostile().get("mail_from").asText()).as("the next command is read as a command")
                .isEqualTo("<after-long-line@example.org>");
        ordinaryIntact(o);
    }

    // ------------------------------------------------------------------ 10 MB reply line

    private static Outcome longReplyLine() throws Exception {
        return outcome("long-reply", cap -> hostileSession(cap)
                .client("EHLO hostile.example\r\n")
                .server("250-").serverRepeat(new byte[] {'r'}, TEN_MB).server("\r\n250 SIZE 1000\r\n")
                .client("MAIL FROM:<after-long-reply@example.org>\r\n").server("250 2.1.0 ok\r\n")
                .client("QUIT\r\n").server("221 bye\r\n").close());
    }

    @Test
    void tenMegabyteReplyLineIsTruncatedAndCounted() throws Exception {
        Outcome o = longReplyLine();
        assertThat(o.value("mailtap_smtp_lines_truncated_total")).isEqualTo(1);
        JsonNode h = o.hostile();
        assertThat(h.get("helo").asText()).isEqualTo("hostile.example");
        assertThat(h.get("mail_from").asText()).isEqualTo("<after-long-reply@example.org>");
        assertThat(h.get("last_reply").asText()).as("replies stay paired after the long one").startsWith("221");
        ordinaryIntact(o);
    }

    // ------------------------------------------------------------------ 100 k pipelined commands

    static final int PIPELINED = 100_000;

    private static Outcome pipelined() throws Exception {
        return outcome("pipelined", cap -> hostileSession(cap)
                .client("EHLO hostile.example\r\n").server("250 PIPELINING\r\n")
                .clientRepeat(StreamingCapture.ascii("NOOP\r\n"), PIPELINED)
                .serverRepeat(StreamingCapture.ascii("250 2.0.0 ok\r\n"), PIPELINED)
                .client("MAIL FROM:<after-pipeline@example.org>\r\n").server("250 2.1.0 ok\r\n")
                .client("QUIT\r\n").server("221 bye\r\n").close());
    }

    @Test
    void hundredThousandPipelinedCommandsStayBoundedAndOrdinarySessionsIntact() throws Exception {
        Outcome o = pipelined();
        assertThat(o.hostile().get("mail_from").asText()).isEqualTo("<after-pipeline@example.org>");
        ordinaryIntact(o);
    }

    /**
     * The session gives up on commands beyond smtp.max_pending_commands (256) and counts it
     * (SmtpStats.pipelineOverflow, anomaly pipeline_overflow) — but on today's code no metric exports
     * that counter, so the operator cannot see it. wt-anomalies registers every stage counter by
     * iteration (issue 8 item 12); this checks, by name, that some series now carries it.
     */
    @Test
    void pipelineOverflowIsExported() throws Exception {
        assertThat(pipelined().seriesMentioning("pipeline_overflow")).isPositive();
    }

    // ------------------------------------------------------------------ 1 M RCPT TO in one transaction

    private static Outcome millionRcpt() throws Exception {
        // In groups of 200 (under max_pending_commands), as a PIPELINING client sends them.
        return outcome("million-rcpt", cap -> {
            StreamingCapture.Conversation c = hostileSession(cap)
                    .client("EHLO hostile.example\r\n").server("250 PIPELINING\r\n")
                    .client("MAIL FROM:<spammer@example.org>\r\n").server("250 2.1.0 ok\r\n");
            byte[] rcpt = StreamingCapture.ascii("RCPT TO:<victim@example.net>\r\n");
            byte[] ok = StreamingCapture.ascii("250 2.1.5 ok\r\n");
            for (long sent = 0; sent < RCPTS; sent += 200) {
                c.clientRepeat(rcpt, 200).serverRepeat(ok, 200);
            }
            c.client("DATA\r\n").server("354 go ahead\r\n").client("Subject: spam\r\n\r\nbuy\r\n.\r\n")
                    .server("250 2.0.0 queued\r\n").client("QUIT\r\n").server("221 bye\r\n").close();
        });
    }

    @Test
    void millionRecipientsAreCountedButListedOnlyUpToTheCap() throws Exception {
        Outcome o = millionRcpt();
        JsonNode h = o.hostile();
        assertThat(h.get("rcpt_accepted").asLong()).isEqualTo(RCPTS);
        assertThat(h.get("rcpt_to").size()).isEqualTo(100); // smtp.max_rcpt_per_transaction
        assertThat(h.get("rcpt_not_listed").asLong()).isEqualTo(RCPTS - 100);
        assertThat(h.get("message_status").asText()).isEqualTo("accepted");
        assertThat(o.value("mailtap_smtp_rcpt_total{result=\"accepted\"}")).isEqualTo(RCPTS + 2);
        ordinaryIntact(o);
    }

    // ------------------------------------------------------------------ 50 MB DATA without the final dot, then FIN

    private static Outcome endlessBody() throws Exception {
        byte[] line = StreamingCapture.ascii("x".repeat(78) + "\r\n");
        return outcome("endless-body", cap -> hostileSession(cap)
                .client("EHLO hostile.example\r\n").server("250 ok\r\n")
                .client("MAIL FROM:<endless@example.org>\r\n").server("250 2.1.0 ok\r\n")
                .client("RCPT TO:<victim@example.net>\r\n").server("250 2.1.5 ok\r\n")
                .client("DATA\r\n").server("354 go ahead\r\n")
                .clientRepeat(line, BODY_LINES)
                .close());
    }

    @Test
    void fiftyMegabyteBodyWithoutTheDotEndsAtFinWithEveryByteCounted() throws Exception {
        Outcome o = endlessBody();
        JsonNode h = o.hostile();
        assertThat(h.get("mail_from").asText()).isEqualTo("<endless@example.org>");
        assertThat(h.get("message_status").asText()).as("no final dot, no reply: not accepted").isNotEqualTo("accepted");
        assertThat(h.get("message_bytes").asLong()).as("every body byte on the wire").isEqualTo(BODY_LINES * 80);
        ordinaryIntact(o);
    }

    // ------------------------------------------------------------------ BDAT 9223372036854775807

    static final int BDAT_SEEN = 5000;

    private static Outcome hugeBdat() throws Exception {
        return outcome("huge-bdat", cap -> hostileSession(cap)
                .client("EHLO hostile.example\r\n").server("250 CHUNKING\r\n")
                .client("MAIL FROM:<bdat@example.org>\r\n").server("250 2.1.0 ok\r\n")
                .client("RCPT TO:<victim@example.net>\r\n").server("250 2.1.5 ok\r\n")
                .client("BDAT 9223372036854775807 LAST\r\n")
                .clientRepeat(StreamingCapture.ascii("y"), BDAT_SEEN)
                .close());
    }

    @Test
    void bdatOfLongMaxDoesNotBlindTheSensor() throws Exception {
        Outcome o = hugeBdat();
        assertThat(o.hostile().get("mail_from").asText()).isEqualTo("<bdat@example.org>");
        assertThat(o.hostile().get("message_status").asText()).isNotEqualTo("accepted");
        ordinaryIntact(o);
    }

    /** Issue 9 item 11: the record says the bytes seen, not the size the client claimed. */
    @Test
    void bdatOfLongMaxReportsTheBytesSeen() throws Exception {
        assertThat(hugeBdat().hostile().get("message_bytes").asLong()).isEqualTo(BDAT_SEEN);
    }
}
