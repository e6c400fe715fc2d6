package io.mailtap.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailtap.config.MailtapConfig;
import io.mailtap.sensor.FileReplayer;
import io.mailtap.sensor.PacketPipeline;
import io.mailtap.smtp.SmtpSettings;
import io.mailtap.testutil.CorpusDir;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replays every capture of the shared corpus and compares mailtap, session by session, with the
 * truth tshark extracted independently ({@code *.truth.json}): HELO arguments, MAIL FROM arguments
 * and null-sender count, RCPT TO arguments, AUTH mechanisms and usernames, STARTTLS.
 *
 * <p>Where the two differ, {@link Deviations} records why, with the value the wire really carries
 * (checked by hand with {@code tshark -z follow,tcp,ascii}), and the test asserts that value: a
 * deviation is never a skip. Two kinds: tshark is wrong or blind (mailtap is right), or mailtap has
 * a known limitation (the test pins what it does today, so a change either way is noticed).
 * Both corpora ({@code ../shared/pcaps} and {@code ../shared/pcaps2}). The tallies go to
 * {@code target/corpus-report.md}; the README quotes them. {@link TransactionLogCorpusTest} checks
 * the {@code smtp.jsonl} lines an operator reads; this test checks the events they are built from.
 */
class CorpusAgreementTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> OUTCOMES = new ConcurrentHashMap<>();

    @TestFactory
    Stream<DynamicTest> everyCaptureAgreesWithTheTruth() throws IOException {
        return Corpus.captures().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    private void check(Corpus.Capture c) throws IOException {
        String file = c.name();
        JsonNode truth = JSON.readTree(c.truth().toFile());
        Path capture = c.file();

        Observed observed = replay(capture, truth);

        JsonNode sessions = truth.get("sessions");
        int index = 0;
        for (JsonNode s : sessions) {
            index++;
            String ip = s.get("client_ip").asText();
            int port = s.get("client_port").asInt();
            String key = Observed.tuple(ip, port, s.get("server_ip").asText(), s.get("server_port").asInt());
            String label = file + " client " + ip + ":" + port;

            Expected expected = Expected.from(s);
            Deviations.Deviation dev = Deviations.find(file, port);
            if (dev != null) dev.adjust().accept(expected);

            Observed.Session got = observed.byTuple.get(key);
            assertThat(got)
                    .as("%s: mailtap must track this connection with the same client and server as tshark "
                            + "(connections seen: %s)", label, observed.byTuple.keySet())
                    .isNotNull();
            expected.assertMatches(label, got);
            OUTCOMES.put(label + " (session " + index + ")", dev == null ? "agree" : dev.kind().name());
        }
    }

    /** Replays with the default configuration plus the ports the truth needs ({@link LogReplay#ports}). */
    static Observed replay(Path capture, JsonNode truth) throws IOException {
        MailtapConfig cfg = LogReplay.config(truth);
        Observed observed = new Observed();
        PacketPipeline pipeline = new PacketPipeline(cfg.flowSettings(), cfg.smtpSettings(), observed);
        FileReplayer.replay(capture, null, pipeline);
        pipeline.finish();
        return observed;
    }

    @AfterAll
    static void writeReport() throws IOException {
        if (OUTCOMES.isEmpty()) return;
        List<String> lines = new ArrayList<>();
        lines.add("## Per-command events against tshark (CorpusAgreementTest)");
        lines.add("");
        lines.add("| corpus | sessions compared | agree with tshark | tshark wrong, mailtap matches the wire | mailtap limitation |");
        lines.add("|---|---:|---:|---:|---:|");
        for (CorpusDir.Corpus corpus : CorpusDir.Corpus.values()) {
            String prefix = corpus == CorpusDir.Corpus.PCAPS ? null : corpus.folder + "/";
            List<String> values = OUTCOMES.entrySet().stream()
                    .filter(e -> prefix == null ? !startsWithOther(e.getKey()) : e.getKey().startsWith(prefix))
                    .map(Map.Entry::getValue).toList();
            if (values.isEmpty()) continue;
            lines.add("| " + corpus.folder + " | " + values.size()
                    + " | " + values.stream().filter("agree"::equals).count()
                    + " | " + values.stream().filter(Deviations.Kind.TSHARK_WRONG.name()::equals).count()
                    + " | " + values.stream().filter(Deviations.Kind.MAILTAP_LIMITATION.name()::equals).count() + " |");
        }
        lines.add("");
        OUTCOMES.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .filter(e -> !e.getValue().equals("agree"))
                .forEach(e -> lines.add("- " + e.getValue() + ": " + e.getKey()));
        CorpusReport.section("1-events", lines);
    }

    /** A session label of a corpus other than the first (their capture names carry the corpus folder). */
    private static boolean startsWithOther(String label) {
        for (CorpusDir.Corpus c : CorpusDir.Corpus.values()) {
            if (c != CorpusDir.Corpus.PCAPS && label.startsWith(c.folder + "/")) return true;
        }
        return false;
    }

    /** The per-session facts compared, taken from the truth file and adjusted by a deviation. */
    static final class Expected {
        List<String> helos;
        List<String> mailFroms;
        int nullSenders;
        List<String> rcpts;
        List<String> authMechs;
        /** null entries: tshark could not decode a user (CRAM-MD5, NTLM); mailtap's value is not compared. */
        List<String> authUsers;
        boolean starttlsIssued;
        boolean starttlsAccepted;

        static Expected from(JsonNode s) {
            Expected e = new Expected();
            e.helos = texts(s.get("helo"), "argument");
            e.mailFroms = texts(s.get("mail_from"), "argument");
            e.nullSenders = s.get("null_sender_count").asInt();
            e.rcpts = texts(s.get("rcpt_to"), "argument");
            e.authMechs = new ArrayList<>();
            e.authUsers = new ArrayList<>();
            for (JsonNode a : s.get("auth")) {
                e.authMechs.add(a.get("mechanism").asText());
                e.authUsers.add(a.get("username").isNull() ? null : unescape(a.get("username").asText()));
            }
            e.starttlsIssued = s.get("starttls").get("issued").asBoolean();
            e.starttlsAccepted = s.get("starttls").get("accepted").asBoolean();
            return e;
        }

        private static List<String> texts(JsonNode list, String field) {
            List<String> out = new ArrayList<>();
            list.forEach(n -> out.add(unescape(n.get(field).asText())));
            return out;
        }

        /** tshark's text output writes non-printable bytes as {@code \xNN}; mailtap's events carry the byte. */
        static String unescape(String tshark) {
            return java.util.regex.Pattern.compile("\\\\x([0-9a-fA-F]{2})").matcher(tshark)
                    .replaceAll(m -> Character.toString((char) Integer.parseInt(m.group(1), 16)));
        }

        void assertMatches(String label, Observed.Session got) {
            assertThat(capped(got.helos)).as("%s: HELO/EHLO arguments", label).isEqualTo(capped(helos));
            assertThat(got.mailFroms).as("%s: MAIL FROM arguments", label).isEqualTo(mailFroms);
            assertThat(got.nullSenders).as("%s: null senders", label).isEqualTo(nullSenders);
            assertThat(got.rcpts).as("%s: RCPT TO arguments", label).isEqualTo(rcpts);
            assertThat(got.authMechs).as("%s: AUTH mechanisms", label).isEqualTo(authMechs);
            List<String> users = IntStream.range(0, Math.min(authUsers.size(), got.authUsers.size()))
                    .mapToObj(i -> authUsers.get(i) == null ? null : got.authUsers.get(i)).toList();
            assertThat(users).as("%s: AUTH usernames", label).isEqualTo(authUsers);
            assertThat(got.starttlsIssued).as("%s: STARTTLS issued", label).isEqualTo(starttlsIssued);
            assertThat(got.starttlsAccepted).as("%s: STARTTLS accepted", label).isEqualTo(starttlsAccepted);
        }

        /**
         * mailtap caps command lines (smtp.max_command_line_bytes, like Zeek and Suricata) and keeps
         * the head of an over-long line; tshark keeps it whole. Compare the part mailtap keeps.
         */
        private static List<String> capped(List<String> args) {
            int keep = SmtpSettings.defaults().maxCommandLineBytes() - "EHLO ".length();
            return args.stream().map(a -> a.length() > keep ? a.substring(0, keep) : a).toList();
        }
    }

    static List<String> repeat(String s, int n) {
        String[] a = new String[n];
        Arrays.fill(a, s);
        return List.of(a);
    }

    static Consumer<Expected> noop() { return e -> { }; }
}
