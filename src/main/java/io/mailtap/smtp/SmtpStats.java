package io.mailtap.smtp;

import io.mailtap.smtp.SmtpEvent.AuthResult;

/**
 * Counters of the SMTP stage. One instance per worker: only the worker thread that owns the
 * sessions writes, so the fields are plain (no atomics on the packet path); a metrics reader on
 * another thread may see values a little stale, which is fine for monotonic counters. Per-class
 * counters are arrays indexed by fixed enums, never maps, so label sets stay bounded.
 */
public final class SmtpStats {
    /** SMTP sessions created (one per established/data-carrying connection). */
    public long sessions;
    /** Mail transactions logged (including the one NONE record of connections without MAIL). */
    public long transactions;
    /** MAIL FROM commands seen (any reply). */
    public long mailFrom;
    /** MAIL FROM:&lt;&gt; commands seen. */
    public long nullSender;
    public long rcptAccepted;
    public long rcptRejected;
    /** RCPT TO arguments not listed because the per-transaction cap was reached. */
    public long rcptDropped;
    public long starttlsIssued;
    public long starttlsAccepted;
    /** Connections whose client opened with a TLS record (SMTPS, port 465 style). */
    public long implicitTls;
    /** Lines longer than the configured maximum (truncated, the rest discarded). */
    public long linesTruncated;
    /** Commands given up on because more than maxPendingCommands awaited a reply. */
    public long pipelineOverflow;
    /** Connections on which the analyzer gave up because the bytes were not SMTP. */
    public long notSmtp;
    /** onGap calls (holes in either direction). */
    public long gaps;
    /** Commands still awaiting a reply when a gap made pairing unreliable (reported with code 0). */
    public long gapUnpaired;
    /** BDAT commands whose size was missing, not a number, negative or too large. */
    public long bdatBadSize;
    /** Bytes not parsed: after STARTTLS, implicit TLS, or after giving up on a connection. */
    public long opaqueBytes;
    /** Message bytes skipped (DATA after unstuffing, BDAT chunks). */
    public long messageBytes;
    /** Complete replies no command could be paired with. */
    public long unpairedReplies;
    /** Server lines that are not "ddd[ -]text" replies. */
    public long badReplyLines;
    /** AUTH responses that should carry a user but were not valid base64 (or not the expected shape). */
    public long authUndecodable;
    /** Anomaly events emitted (all kinds). */
    public long anomalies;
    /** Proxy tunnels (HTTP CONNECT, SOCKS4/5) opened at the start of a connection and read through. */
    public long proxyTunnels;
    /**
     * Flows on ports not configured for SMTP whose first bytes proved SMTP (dynamic protocol
     * detection, smtp.detect_on_any_port); only these produce events.
     */
    public long dpdConfirmed;
    /**
     * Flows on other ports whose payload was not SMTP, or did not prove it within the probe's
     * bounds (1 KiB per direction, 64 chunks) or before the flow ended.
     */
    public long dpdRejected;
    /** Flows on other ports given up before a verdict because of a gap in their first bytes. */
    public long dpdGaveUp;
    /** Bugs caught at the session boundary; must stay 0 (the session then stops parsing the flow). */
    public long internalErrors;

    private final long[] commands = new long[SmtpVerb.values().length];
    private final long[] anomalyKinds = new long[Anomaly.values().length];
    private final long[] replies = new long[6];
    private final long[][] auth = new long[AuthMechanism.values().length][AuthResult.values().length];

    public long commands(SmtpVerb verb) { return commands[verb.ordinal()]; }

    /** Complete replies whose code starts with {@code firstDigit} (2..5); 0 for anything else. */
    public long replies(int firstDigit) {
        return firstDigit >= 2 && firstDigit <= 5 ? replies[firstDigit] : 0;
    }

    /** Finished AUTH exchanges by mechanism class and result. */
    public long auth(AuthMechanism mech, AuthResult result) { return auth[mech.ordinal()][result.ordinal()]; }

    void countCommand(SmtpVerb verb) { commands[verb.ordinal()]++; }

    void countReply(int code) {
        int d = code / 100;
        if (d >= 2 && d <= 5) replies[d]++;
    }

    /** Anomaly events reported of this kind ({@code anomalies.jsonl} lines). */
    public long anomalies(Anomaly kind) { return anomalyKinds[kind.ordinal()]; }

    void anomaly(Anomaly kind) {
        anomalies++;
        anomalyKinds[kind.ordinal()]++;
    }

    void countAuth(AuthMechanism mech, AuthResult result) { auth[mech.ordinal()][result.ordinal()]++; }
}
