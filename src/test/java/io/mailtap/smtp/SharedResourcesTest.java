package io.mailtap.smtp;

import io.mailtap.flow.ClientBy;
import io.mailtap.flow.ConnState;
import io.mailtap.flow.Connection;
import io.mailtap.flow.EndReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.Arguments;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import static io.mailtap.smtp.Auths.b64;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sessions of one analyzer borrow line buffers, reply assemblers, command queues and transaction
 * builders from shared spares ({@link SessionResources}). Whatever one session leaves in a spare
 * must never show in another: many sessions fed interleaved, through one set of spares, in random
 * pieces, must each emit exactly the events it emits alone.
 */
class SharedResourcesTest {
    private static final SmtpSettings SETTINGS = SmtpSettings.defaults();

    /** Every transcript and hand-written session the split tests use, plus seeded random ones. */
    private static List<Harness> scripts() throws Exception {
        List<Harness> l = new ArrayList<>();
        for (Arguments a : SplitInvarianceTest.sessions().collect(Collectors.toList())) {
            Harness h = (Harness) a.get()[1];
            if (h.settings.equals(SETTINGS)) l.add(h);
        }
        for (Arguments a : AuthScenarioTest.scenarios().collect(Collectors.toList())) {
            l.add(((AuthScenarioTest.Scenario) a.get()[0]).harness());
        }
        Random rnd = new Random(20261124L);
        for (int i = 0; i < 300; i++) {
            Harness h = new Harness(SETTINGS, rnd.nextBoolean() ? ClientBy.SYN : ClientBy.PORT);
            int steps = rnd.nextInt(30);
            for (int k = 0; k < steps; k++) {
                int what = rnd.nextInt(10);
                if (what < 5) h.c(pick(rnd, FuzzTest.CLIENT));
                else if (what < 9) h.s(pick(rnd, FuzzTest.SERVER));
                else if (rnd.nextBoolean()) h.clientGap(1 + rnd.nextInt(50));
                else h.serverGap(1 + rnd.nextInt(50));
            }
            l.add(h);
        }
        return l;
    }

    private static String pick(Random rnd, String[] parts) {
        StringBuilder sb = new StringBuilder();
        int n = 1 + rnd.nextInt(4);
        for (int i = 0; i < n; i++) sb.append(parts[rnd.nextInt(parts.length)]);
        return sb.toString();
    }

    @Test
    void interleavedSessionsEmitWhatEachEmitsAlone() throws Exception {
        List<Harness> scripts = scripts();
        int n = scripts.size();
        List<Connection> conns = new ArrayList<>();
        for (int i = 0; i < n; i++) conns.add(connection(i, scripts.get(i).conn.clientBy()));

        List<String> alone = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<SmtpEvent> events = new ArrayList<>();
            SmtpStats stats = new SmtpStats();
            SmtpSession s = new SmtpSession(conns.get(i), SETTINGS, stats, events::add);
            for (Harness.Step st : scripts.get(i).steps) feed(s, st, st.bytes() == null ? 0 : st.bytes().length, null);
            s.onEnd(ConnState.CLOSED, EndReason.FIN, Harness.START + 1_000_000_000L);
            assertThat(stats.get(SmtpCounter.INTERNAL_ERRORS)).isZero();
            alone.add(dump(events));
        }

        Map<Connection, List<SmtpEvent>> byConn = new HashMap<>();
        SmtpStats stats = new SmtpStats();
        SessionResources shared = new SessionResources(SETTINGS, stats,
                e -> byConn.computeIfAbsent(e.conn(), k -> new ArrayList<>()).add(e));
        List<SmtpSession> sessions = new ArrayList<>();
        int[] next = new int[n];
        for (int i = 0; i < n; i++) sessions.add(new SmtpSession(conns.get(i), shared));
        Random rnd = new Random(99);
        List<Integer> live = new ArrayList<>();
        for (int i = 0; i < n; i++) live.add(i);
        while (!live.isEmpty()) {
            int pos = rnd.nextInt(live.size());
            int i = live.get(pos);
            List<Harness.Step> steps = scripts.get(i).steps;
            if (next[i] == steps.size()) {
                sessions.get(i).onEnd(ConnState.CLOSED, EndReason.FIN, Harness.START + 1_000_000_000L);
                live.remove(pos);
                continue;
            }
            Harness.Step st = steps.get(next[i]++);
            feed(sessions.get(i), st, 1 + rnd.nextInt(16), rnd);
        }
        assertThat(stats.get(SmtpCounter.INTERNAL_ERRORS)).isZero();
        for (int i = 0; i < n; i++) {
            assertThat(dump(byConn.getOrDefault(conns.get(i), List.of()))).as("session %d", i).isEqualTo(alone.get(i));
        }
    }

    @Test
    void anIdleSessionGivesEverythingBack() {
        SmtpStats stats = new SmtpStats();
        SessionResources res = new SessionResources(SETTINGS, stats, e -> { });
        SmtpSession s = new SmtpSession(connection(1, ClientBy.SYN), res);
        feed(s, 'S', "220 mx ESMTP\r\n");
        feed(s, 'C', "EHLO client.example\r\n");
        feed(s, 'S', "250-mx\r\n250-PIPELINING\r\n");
        assertThat(res.replies.spare()).as("a multi-line reply in progress is kept").isZero();
        feed(s, 'S', "250 SMTPUTF8\r\n");
        feed(s, 'C', "MAIL FROM:<a@example.org>\r\n");
        feed(s, 'S', "250 ok\r\n");
        assertThat(res.transactions.spare()).as("the open transaction is kept").isZero();
        feed(s, 'C', "RSET\r\nNOOP\r\n");
        feed(s, 'S', "250 ok\r\n");
        assertThat(res.queues.spare()).as("a command awaiting its reply is kept").isZero();
        feed(s, 'C', "NO");
        assertThat(res.clientFramers.spare()).as("a partial line is kept").isZero();
        feed(s, 'S', "250 ok\r\n");
        feed(s, 'C', "OP\r\n");
        feed(s, 'S', "250 ok\r\n");
        assertThat(res.clientFramers.spare()).isEqualTo(1);
        assertThat(res.serverFramers.spare()).isEqualTo(1);
        assertThat(res.replies.spare()).isEqualTo(1);
        assertThat(res.queues.spare()).isEqualTo(1);
        assertThat(res.transactions.spare()).isEqualTo(1);
        assertThat(stats.get(SmtpCounter.INTERNAL_ERRORS)).isZero();
    }

    @Test
    void aSessionThatFailsInsideACallLeavesTheSparesClean() {
        Connection bad = connection(1, ClientBy.SYN), good = connection(2, ClientBy.SYN);
        List<SmtpEvent> goodAlone = new ArrayList<>();
        SmtpSession alone = new SmtpSession(good, SETTINGS, new SmtpStats(), goodAlone::add);
        List<SmtpEvent> goodShared = new ArrayList<>();
        SmtpStats stats = new SmtpStats();
        SessionResources res = new SessionResources(SETTINGS, stats, e -> {
            if (e.conn() == bad && e instanceof SmtpEvent.Helo) throw new IllegalStateException("listener bug");
            if (e.conn() == good) goodShared.add(e);
        });
        SmtpSession a = new SmtpSession(bad, res), b = new SmtpSession(good, res);
        String[][] script = {
            {"S", "220 mx\r\n"}, {"C", "EHLO a\r\nMAIL FROM:<x@y>\r\nRCPT TO:<z@y>\r\nDA"},
            {"S", "250-mx\r\n250 PIPELINING\r\n250 ok\r\n"}, {"S", "250 ok\r\n"}, {"C", "TA\r\nhello\r\n.\r\n"},
            {"S", "354 go\r\n250-queued\r\n"}, {"S", "250 as 1\r\n"}, {"C", "QUIT\r\n"}, {"S", "221 bye\r\n"},
        };
        for (String[] st : script) {
            feed(a, st[0].charAt(0), st[1]); // fails in the EHLO reply, then is opaque
            feed(b, st[0].charAt(0), st[1]);
            feed(alone, st[0].charAt(0), st[1]);
        }
        a.onEnd(ConnState.CLOSED, EndReason.FIN, Harness.START + 1);
        b.onEnd(ConnState.CLOSED, EndReason.FIN, Harness.START + 1);
        alone.onEnd(ConnState.CLOSED, EndReason.FIN, Harness.START + 1);
        assertThat(stats.get(SmtpCounter.INTERNAL_ERRORS)).isEqualTo(1);
        assertThat(dump(goodShared)).isEqualTo(dump(goodAlone));
        assertThat(goodShared).anyMatch(e -> e instanceof SmtpEvent.Transaction);
    }

    @Test
    void saslResponsesAreWipedBeforeTheBufferIsShared() {
        String plain = b64("\0alice\0" + AuthScenarioTest.PW);
        String user = b64("bob"), pw = b64(AuthScenarioTest.PW);
        SessionResources res = new SessionResources(SETTINGS, new SmtpStats(), e -> { });
        SmtpSession a = new SmtpSession(connection(1, ClientBy.SYN), res);
        feed(a, 'S', "220 mx\r\n");
        feed(a, 'C', "AUTH PLAIN " + plain + "\r\n");
        assertThat(spareClientBuffer(res)).doesNotContain(plain.substring(0, 8));
        SmtpSession b = new SmtpSession(connection(2, ClientBy.SYN), res);
        feed(b, 'S', "220 mx\r\n");
        feed(b, 'C', "AUTH LOGIN\r\n");
        feed(b, 'S', "334 VXNlcm5hbWU6\r\n");
        feed(b, 'C', user + "\r\n");
        feed(b, 'S', "334 UGFzc3dvcmQ6\r\n");
        feed(b, 'C', pw.substring(0, 10)); // the password line, cut off by the end of the connection
        b.onEnd(ConnState.CLOSED, EndReason.RST, Harness.START + 10_000);
        assertThat(spareClientBuffer(res)).doesNotContain(pw.substring(0, 8));
    }

    /** The text of the spare client line buffer (the framer goes back to the spares afterwards). */
    private static String spareClientBuffer(SessionResources res) {
        LineFramer f = res.clientFramers.take();
        String s = f.buffer() == null ? "" : new String(f.buffer(), StandardCharsets.ISO_8859_1);
        res.clientFramers.give(f);
        return s;
    }

    private static void feed(SmtpSession s, char kind, String text) {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        if (kind == 'C') s.onClientData(b, 0, b.length, Harness.START);
        else s.onServerData(b, 0, b.length, Harness.START);
    }

    private static void feed(SmtpSession s, Harness.Step st, int piece, Random rnd) {
        switch (st.kind()) {
            case 'g': s.onGap(true, st.gapBytes(), st.ts()); return;
            case 'G': s.onGap(false, st.gapBytes(), st.ts()); return;
            default:
                byte[] b = st.bytes();
                for (int i = 0; i < b.length; ) {
                    int n = Math.min(b.length - i, Math.max(1, piece));
                    if (st.kind() == 'C') s.onClientData(b, i, n, st.ts());
                    else s.onServerData(b, i, n, st.ts());
                    i += n;
                    if (rnd != null) piece = 1 + rnd.nextInt(16);
                }
        }
    }

    private static String dump(List<SmtpEvent> events) {
        return events.stream().map(Object::toString).collect(Collectors.joining("\n"));
    }

    private static Connection connection(int i, ClientBy by) {
        try {
            return new Connection("Cshared" + i, Harness.START, InetAddress.getByName("192.0.2.10"), "192.0.2.10",
                    20000 + i, InetAddress.getByName("198.51.100.25"), "198.51.100.25", 25, 0, 0, 4, by);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
