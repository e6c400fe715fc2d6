package io.mailtap.smtp;

import io.mailtap.flow.ClientBy;
import io.mailtap.flow.ConnState;
import io.mailtap.flow.Connection;
import io.mailtap.flow.EndReason;
import io.mailtap.testutil.TestConnections;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Drives one {@link SmtpSession} from a script of client/server byte strings and records what it
 * emits. A script can be replayed whole, one byte at a time, or split at random points, with the
 * same packet times, so the three runs must give identical events.
 */
final class Harness {
    static final long START = TestConnections.T0;

    record Step(char kind, byte[] bytes, long gapBytes, long ts) {}

    final List<Step> steps = new ArrayList<>();
    final SmtpSettings settings;
    final Connection conn;
    private long ts = START;

    Harness() {
        this(SmtpSettings.defaults(), ClientBy.SYN);
    }

    Harness(SmtpSettings settings, ClientBy by) {
        this.settings = settings;
        this.conn = connection(by);
    }

    static Connection connection(ClientBy by) {
        return TestConnections.of("CtestUid1", START, "192.0.2.10", 40000, "198.51.100.25", 25, by);
    }

    /** Client bytes (one segment). */
    Harness c(String s) { return c(s.getBytes(StandardCharsets.ISO_8859_1)); }

    Harness c(byte[] b) { steps.add(new Step('C', b, 0, ts += 1000)); return this; }

    /** Server bytes (one segment). */
    Harness s(String s) { return s(s.getBytes(StandardCharsets.ISO_8859_1)); }

    Harness s(byte[] b) { steps.add(new Step('S', b, 0, ts += 1000)); return this; }

    Harness clientGap(long n) { steps.add(new Step('g', null, n, ts += 1000)); return this; }

    Harness serverGap(long n) { steps.add(new Step('G', null, n, ts += 1000)); return this; }

    /** Appends a transcript from {@link CorpusTranscripts}. */
    Harness transcript(String[][] segments) {
        HexFormat hex = HexFormat.of();
        for (String[] seg : segments) {
            byte[] b = hex.parseHex(seg[1]);
            if (seg[0].equals("C")) c(b); else s(b);
        }
        return this;
    }

    long lastTs() { return ts; }

    /** Result of running the script. */
    static final class Run {
        final List<SmtpEvent> events = new ArrayList<>();
        final SmtpStats stats = new SmtpStats();

        <T extends SmtpEvent> List<T> all(Class<T> type) {
            return events.stream().filter(type::isInstance).map(type::cast).collect(Collectors.toList());
        }

        <T extends SmtpEvent> T one(Class<T> type) {
            List<T> l = all(type);
            if (l.size() != 1) throw new AssertionError("expected one " + type.getSimpleName() + " but got " + l + "\nall: " + events);
            return l.get(0);
        }

        List<TransactionRecord> records() {
            return all(SmtpEvent.Transaction.class).stream().map(SmtpEvent.Transaction::record).collect(Collectors.toList());
        }

        TransactionRecord record() {
            return one(SmtpEvent.Transaction.class).record();
        }

        List<String> anomalyKinds() {
            return all(SmtpEvent.Anomaly.class).stream().map(a -> a.kind().id()).collect(Collectors.toList());
        }

        List<String> rejections() {
            return all(SmtpEvent.Rejection.class).stream().map(r -> r.command() + " " + r.code()).collect(Collectors.toList());
        }

        /** Every event as text: what a log writer or alert could ever contain. */
        String dump() {
            return events.stream().map(Object::toString).collect(Collectors.joining("\n"));
        }
    }

    /** Feeds each step whole, then ends the connection. */
    Run run() { return run(Integer.MAX_VALUE, null); }

    /** Feeds every step one byte per call. */
    Run runByteAtATime() { return run(1, null); }

    /** Feeds every step cut at random points. */
    Run runRandomSplits(java.util.Random rnd) { return run(0, rnd); }

    private Run run(int pieceSize, java.util.Random rnd) {
        Run r = new Run();
        SmtpSession session = new SmtpSession(conn, settings, r.stats, r.events::add);
        for (Step st : steps) {
            switch (st.kind) {
                case 'g': session.onGap(true, st.gapBytes, st.ts); break;
                case 'G': session.onGap(false, st.gapBytes, st.ts); break;
                default: {
                    // Copy into a bigger array at an offset, so offset/length handling is exercised.
                    byte[] padded = new byte[st.bytes.length + 7];
                    System.arraycopy(st.bytes, 0, padded, 3, st.bytes.length);
                    int i = 0;
                    while (i < st.bytes.length) {
                        int n = rnd != null ? 1 + rnd.nextInt(Math.max(1, Math.min(64, st.bytes.length - i))) : Math.min(pieceSize, st.bytes.length - i);
                        if (st.kind == 'C') session.onClientData(padded, 3 + i, n, st.ts);
                        else session.onServerData(padded, 3 + i, n, st.ts);
                        i += n;
                    }
                }
            }
        }
        session.onEnd(ConnState.CLOSED, EndReason.FIN, ts + 1000);
        return r;
    }
}
