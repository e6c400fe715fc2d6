package io.mailtap.smtp;

import io.mailtap.smtp.SmtpEvent.AuthResult;

/**
 * Counters of the SMTP stage, one slot per {@link SmtpCounter} (an array store on the packet path,
 * no lookup). One instance per worker: only the worker thread that owns the sessions writes, so
 * the slots are plain (no atomics on the packet path); a metrics reader on another thread may see
 * values a little stale, which is fine for monotonic counters. Per-class counters are arrays
 * indexed by fixed enums, never maps, so label sets stay bounded.
 */
public final class SmtpStats {
    private static final int N = SmtpCounter.values().length;
    private final long[] counts = new long[N];
    private final long[] commands = new long[SmtpVerb.values().length];
    private final long[] anomalyKinds = new long[Anomaly.values().length];
    private final long[] replies = new long[6];
    private final long[][] auth = new long[AuthMechanism.values().length][AuthResult.values().length];

    public void inc(SmtpCounter c) { counts[c.ordinal()]++; }

    public void add(SmtpCounter c, long n) { counts[c.ordinal()] += n; }

    public long get(SmtpCounter c) { return counts[c.ordinal()]; }

    public long commands(SmtpVerb verb) { return commands[verb.ordinal()]; }

    /** Complete replies whose code starts with {@code firstDigit} (2..5); 0 for anything else. */
    public long replies(int firstDigit) {
        return firstDigit >= 2 && firstDigit <= 5 ? replies[firstDigit] : 0;
    }

    /** Finished AUTH exchanges by mechanism class and result. */
    public long auth(AuthMechanism mech, AuthResult result) { return auth[mech.ordinal()][result.ordinal()]; }

    /** Anomaly events reported of this kind ({@code anomalies.jsonl} lines). */
    public long anomalies(Anomaly kind) { return anomalyKinds[kind.ordinal()]; }

    /** Anomaly events reported, all kinds. */
    public long anomaliesTotal() {
        long t = 0;
        for (long a : anomalyKinds) t += a;
        return t;
    }

    /** Counts one reported anomaly (the session's, or one a sensor stage raises about a connection). */
    public void anomaly(Anomaly kind) { anomalyKinds[kind.ordinal()]++; }

    void countCommand(SmtpVerb verb) { commands[verb.ordinal()]++; }

    void countReply(int code) {
        int d = code / 100;
        if (d >= 2 && d <= 5) replies[d]++;
    }

    void countAuth(AuthMechanism mech, AuthResult result) { auth[mech.ordinal()][result.ordinal()]++; }

    /** Adds this stage's counters into {@code sum} (the metrics scrape sums the workers' stats). */
    public void addTo(SmtpStats sum) {
        for (int i = 0; i < N; i++) sum.counts[i] += counts[i];
        for (int i = 0; i < commands.length; i++) sum.commands[i] += commands[i];
        for (int i = 0; i < anomalyKinds.length; i++) sum.anomalyKinds[i] += anomalyKinds[i];
        for (int i = 0; i < replies.length; i++) sum.replies[i] += replies[i];
        for (int i = 0; i < auth.length; i++) {
            for (int j = 0; j < auth[i].length; j++) sum.auth[i][j] += auth[i][j];
        }
    }
}
