package io.mailtap.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailtap.config.ConfigLoader;
import io.mailtap.testutil.CorpusDir;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The record equals the wire: replays every capture of both corpora through the real replay path
 * ({@link LogReplay}, as {@code mailtap replay} does) and compares the {@code smtp.jsonl} it writes,
 * connection by connection (joined on client and server address and port), with the lines the
 * truth implies ({@link TruthLines}): HELO, MAIL FROM argument per line, null sender, RCPT lists
 * and rcpt_accepted / rcpt_rejected / rcpt_not_listed from the reply codes, AUTH mechanism, user and
 * result, tls.
 *
 * <p>Where tshark is wrong, {@link LogDeviations} gives the wire value, and the log must equal it.
 * Where today's log differs from the wire because of an open defect of issue 8, the expectation is
 * still the wire value; the session passes only with the wire value (the fix landed: reported as
 * fixed, delete the tag) or with exactly today's recorded value (reported as pending, item by item),
 * and fails on anything else. A connection without SMTP on the wire must log nothing SMTP, and a
 * line for a connection the truth does not know fails the test.
 */
class TransactionLogCorpusTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_RCPT = ConfigLoader.defaults().smtpSettings().maxRcptPerTransaction();

    enum Outcome {
        /** the log equals the lines the truth implies */
        AGREE("log equals the truth"),
        /** tshark is wrong or blind; the log equals the wire value */
        TSHARK_WRONG("tshark wrong, log equals the wire"),
        /** the log differs from the wire by exactly what an open issue-8 item explains */
        PENDING("log differs from the wire: pending issue-8 fix"),
        /** a pending issue-8 item whose fix has landed: the log equals the wire, the tag is to go */
        FIXED("pending tag fixed (log equals the wire): delete the tag"),
        /** no SMTP on the wire (tshark decoded nothing, no deviation says otherwise), nothing SMTP logged */
        NO_SMTP("no SMTP on the wire, none logged");

        final String title;

        Outcome(String title) { this.title = title; }
    }

    record Result(CorpusDir.Corpus corpus, boolean tsharkDecoded, String session, Outcome outcome, String detail) {}

    private static final Map<String, Result> RESULTS = new ConcurrentHashMap<>();
    /** item → "session: wire value — reason", for the explicit pending list */
    private static final Map<String, Set<String>> PENDING_BY_ITEM = new ConcurrentHashMap<>();
    /** "session: issue X: wire value" of pending tags the log no longer needs (their fix landed) */
    private static final Set<String> FIXED_TAGS = ConcurrentHashMap.newKeySet();
    private static final Set<String> USED = ConcurrentHashMap.newKeySet();
    private static final Set<String> CAPTURES_RUN = ConcurrentHashMap.newKeySet();

    @TempDir
    static Path out;

    @TestFactory
    Stream<DynamicTest> everySmtpJsonlLineEqualsTheWire() throws IOException {
        return Corpus.captures().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    private void check(Corpus.Capture c) throws IOException {
        String file = c.name();
        JsonNode truth = JSON.readTree(c.truth().toFile());
        List<JsonNode> log = LogReplay.run(c.file(), truth, out.resolve(file));
        CAPTURES_RUN.add(file);

        Map<String, List<LogLine>> byTuple = new LinkedHashMap<>();
        for (JsonNode l : log) {
            String key = Observed.tuple(l.get("client_ip").asText(), l.get("client_port").asInt(),
                    l.get("server_ip").asText(), l.get("server_port").asInt());
            byTuple.computeIfAbsent(key, k -> new ArrayList<>()).add(LogLine.of(l));
        }

        List<String> failures = new ArrayList<>();
        List<String> ports = new ArrayList<>();
        for (JsonNode s : truth.get("sessions")) {
            String ip = s.get("client_ip").asText();
            int port = s.get("client_port").asInt();
            ports.add(String.valueOf(port));
            String key = Observed.tuple(ip, port, s.get("server_ip").asText(), s.get("server_port").asInt());
            String label = file + " client " + ip + ":" + port + " → " + s.get("server_ip").asText() + ":"
                    + s.get("server_port").asInt();
            boolean decoded = s.get("smtp_decoded_by_tshark").asBoolean();
            LogLine.Lines logged = new LogLine.Lines(byTuple.getOrDefault(key, List.of()));
            byTuple.remove(key);

            LogLine.Lines wire = TruthLines.of(s, MAX_RCPT);
            LogDeviations.Wire w = LogDeviations.wire(file, port);
            if (w != null) {
                w.toWire().accept(wire);
                USED.add(file + " wire " + port);
            }
            LogDeviations.Fact fact = LogDeviations.fact(file, port);
            if (fact != null) {
                fact.toWire().accept(wire);
                USED.add(file + " fact " + port);
            }
            LogLine.Lines got = logged.comparableWith(wire);
            List<LogDeviations.Pending> pending = LogDeviations.pending(file, port);
            pending.forEach(p -> USED.add(file + " pending " + p.item() + " " + port));

            if (!decoded && w == null && pending.isEmpty()) {
                if (got.list.isEmpty() || got.equals(wire)) record(c, decoded, label, Outcome.NO_SMTP, "");
                else failures.add(label + ": no SMTP on the wire, but the log says:" + wire.diff(got));
                continue;
            }
            if (got.equals(wire)) {
                if (!pending.isEmpty()) {
                    pending.forEach(p -> FIXED_TAGS.add(label + ": issue " + p.item() + ": " + p.wireValue()));
                    record(c, decoded, label, Outcome.FIXED, pending.stream().map(p -> "issue " + p.item() + ": " + p.wireValue())
                            .collect(Collectors.joining("; ")));
                } else {
                    record(c, decoded, label, w == null ? Outcome.AGREE : Outcome.TSHARK_WRONG, w == null ? "" : w.reason());
                }
                continue;
            }
            List<LogDeviations.Pending> open = explainedBy(pending, wire, got);
            if (open != null) {
                pending.stream().filter(p -> !open.contains(p))
                        .forEach(p -> FIXED_TAGS.add(label + ": issue " + p.item() + ": " + p.wireValue()));
                open.forEach(p -> PENDING_BY_ITEM.computeIfAbsent(p.item(), k -> ConcurrentHashMap.newKeySet())
                        .add(label + ": wire " + p.wireValue() + " — " + p.reason()));
                record(c, decoded, label, Outcome.PENDING, open.stream()
                        .map(p -> "issue " + p.item() + ": wire " + p.wireValue() + " — " + p.reason())
                        .collect(Collectors.joining("; ")));
            } else {
                failures.add(label + ": smtp.jsonl differs from the wire (wire → log):" + wire.diff(got)
                        + (pending.isEmpty() ? "" : "\n    and from today's value recorded for pending item(s) "
                        + pending.stream().map(LogDeviations.Pending::item).toList()));
            }
        }
        byTuple.forEach((k, v) -> failures.add(file + ": " + v.size()
                + " smtp.jsonl line(s) for a connection the truth does not report: " + k));
        for (String dev : LogDeviations.keys(file)) {
            assertThat(ports).as("%s: deviation '%s' names a client port of the truth", file, dev)
                    .contains(dev.substring(dev.lastIndexOf(' ') + 1));
        }
        assertThat(failures).as("sessions of %s", file).isEmpty();
    }

    /**
     * The smallest non-empty set of pending items whose recorded differences, applied to the wire
     * value, give exactly today's log; null when none does (then the log is simply wrong).
     */
    private static List<LogDeviations.Pending> explainedBy(List<LogDeviations.Pending> pending,
                                                           LogLine.Lines wire, LogLine.Lines got) {
        int n = pending.size();
        List<List<LogDeviations.Pending>> subsets = new ArrayList<>();
        for (int mask = 1; mask < (1 << n); mask++) {
            List<LogDeviations.Pending> subset = new ArrayList<>();
            for (int i = 0; i < n; i++) if ((mask & (1 << i)) != 0) subset.add(pending.get(i));
            subsets.add(subset);
        }
        subsets.sort((a, b) -> Integer.compare(a.size(), b.size()));
        for (List<LogDeviations.Pending> subset : subsets) {
            LogLine.Lines today = wire.copy();
            subset.forEach(p -> p.wireToToday().accept(today));
            if (today.equals(got)) return subset;
        }
        return null;
    }

    private static void record(Corpus.Capture c, boolean decoded, String label, Outcome o, String detail) {
        RESULTS.put(label, new Result(c.corpus(), decoded, label, o, detail));
    }

    @AfterAll
    static void report() throws IOException {
        if (RESULTS.isEmpty()) return;
        List<String> lines = new ArrayList<>();
        lines.add("## smtp.jsonl against the wire (TransactionLogCorpusTest)");
        lines.add("");
        lines.add("Each connection of the truth files, its `smtp.jsonl` lines compared with the wire: helo, "
                + "mail_from (one per line), null_sender, rcpt_to, rcpt_accepted, rcpt_rejected, rcpt_not_listed, "
                + "auth_mech, auth_user, auth_result, tls.");
        lines.add("");
        StringBuilder head = new StringBuilder("| corpus | connections | with SMTP on the wire | log equals the wire |");
        StringBuilder rule = new StringBuilder("|---|---:|---:|---:|");
        for (Outcome o : Outcome.values()) {
            head.append(' ').append(o.title).append(" |");
            rule.append("---:|");
        }
        lines.add(head.toString());
        lines.add(rule.toString());
        for (CorpusDir.Corpus corpus : CorpusDir.Corpus.values()) {
            List<Result> rs = RESULTS.values().stream().filter(r -> r.corpus() == corpus).toList();
            if (rs.isEmpty()) continue;
            Map<Outcome, Long> n = new TreeMap<>();
            for (Outcome o : Outcome.values()) n.put(o, rs.stream().filter(r -> r.outcome() == o).count());
            long smtp = rs.size() - n.get(Outcome.NO_SMTP);
            long right = n.get(Outcome.AGREE) + n.get(Outcome.TSHARK_WRONG) + n.get(Outcome.FIXED);
            StringBuilder row = new StringBuilder("| " + corpus.folder + " | " + rs.size() + " | " + smtp + " | " + right + " |");
            for (Outcome o : Outcome.values()) row.append(' ').append(n.get(o)).append(" |");
            lines.add(row.toString());
        }
        lines.add("");
        for (CorpusDir.Corpus corpus : CorpusDir.Corpus.values()) {
            List<Result> decoded = RESULTS.values().stream().filter(r -> r.corpus() == corpus && r.tsharkDecoded()).toList();
            if (decoded.isEmpty()) continue;
            long right = decoded.stream().filter(r -> r.outcome() != Outcome.PENDING).count();
            lines.add("- " + corpus.folder + ": of the " + decoded.size() + " connections where tshark decoded SMTP, "
                    + right + " have smtp.jsonl lines equal to the wire, " + (decoded.size() - right) + " differ.");
        }
        lines.add("");
        lines.add("### Pending issue-8 fixes (the wire value is the expectation; today's log differs)");
        lines.add("");
        Map<String, Set<String>> byItem = new TreeMap<>(PENDING_BY_ITEM);
        if (byItem.isEmpty()) lines.add("(none)");
        byItem.forEach((item, sessions) -> {
            lines.add("- **issue " + item + "** (" + sessions.size() + " session" + (sessions.size() == 1 ? "" : "s") + ")");
            sessions.stream().sorted().forEach(x -> lines.add("  - " + x));
        });
        if (!FIXED_TAGS.isEmpty()) {
            lines.add("");
            lines.add("### Pending tags whose fix has landed (delete them in LogDeviations)");
            lines.add("");
            FIXED_TAGS.stream().sorted().forEach(x -> lines.add("- " + x));
        }
        lines.add("");
        lines.add("### tshark wrong or blind (the log is checked against the wire value)");
        lines.add("");
        RESULTS.values().stream().filter(r -> r.outcome() == Outcome.TSHARK_WRONG)
                .sorted((a, b) -> a.session().compareTo(b.session()))
                .forEach(r -> lines.add("- " + r.session() + ": " + r.detail()));
        CorpusReport.section("2-transaction-log", lines);
        lines.forEach(System.out::println);

        // Every deviation must still name a session, or the table rots; checkable only on a full run.
        long all = Corpus.captures().size();
        if (CAPTURES_RUN.size() == all) {
            List<String> unused = new ArrayList<>();
            for (Corpus.Capture c : Corpus.captures()) {
                for (String k : LogDeviations.keys(c.name())) if (!USED.contains(c.name() + " " + k)) unused.add(c.name() + " " + k);
            }
            assertThat(unused).as("deviations that match no session").isEmpty();
        }
    }
}
