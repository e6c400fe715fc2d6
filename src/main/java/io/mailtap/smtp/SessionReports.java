package io.mailtap.smtp;

import io.mailtap.text.WireText;

/**
 * What a session tells besides its records: anomalies (each marked for the next record, the
 * once-per-connection kinds reported once), rejections, and the reply text and "code text" line
 * the events and records quote; and what the stream layer tells it (a conflicting copy, a proxy
 * tunnel, plaintext after STARTTLS), turned into anomalies and record fields.
 *
 * <p>Stateless: it works on the session's own state.
 */
final class SessionReports {
    private static final int DETAIL_MAX = 200;

    private SessionReports() {}

    /**
     * Marks {@code kind} for the next record and tells whether it would be reported: false for a
     * kind {@link Anomaly#oncePerConnection() reported once per connection} that was. Callers of
     * such kinds ask first, so a repeated flood builds no detail strings.
     */
    static boolean reportable(SmtpSession s, Anomaly kind) {
        s.anomaliesForRecord |= kind.bit();
        return !kind.oncePerConnection() || (s.reportedOnce & kind.bit()) == 0;
    }

    static void anomaly(SmtpSession s, Anomaly kind, String detail, long ts) {
        if (!reportable(s, kind)) return;
        if (kind.oncePerConnection()) s.reportedOnce |= kind.bit();
        s.res.stats.anomaly(kind);
        s.res.out.onEvent(new SmtpEvent.Anomaly(s.conn(), ts, kind, WireText.cap(detail, DETAIL_MAX)));
    }

    static void lineTooLong(SmtpSession s, boolean fromClient, long ts) {
        s.res.stats.inc(SmtpCounter.LINES_TRUNCATED);
        int max = fromClient ? s.res.settings.maxCommandLineBytes() : s.res.settings.maxReplyLineBytes();
        anomaly(s, Anomaly.LINE_TOO_LONG, (fromClient ? "client" : "server") + " line longer than " + max + " bytes, truncated", ts);
    }

    /** The reply being handled refused {@code command}. */
    static void rejection(SmtpSession s, String command, int code, long ts) {
        s.res.out.onEvent(new SmtpEvent.Rejection(s.conn(), ts, command, code, s.replies.text()));
    }

    /** The text of the reply being handled, or null for a command that got none (code 0). */
    static String replyText(SmtpSession s, int code) {
        return code > 0 ? s.replies.text() : null;
    }

    /** "code text" of the reply being handled, capped; looked up (or built) once per reply. */
    static String replyLine(SmtpSession s) {
        if (s.res.replyLine == null) s.res.replyLine = s.res.replyLines.line(s.replies);
        return s.res.replyLine;
    }

    static void replaced(SmtpSession s, boolean fromClient, long bytes, long ts) {
        anomaly(s, Anomaly.TCP_OVERLAP_REPLACED, (fromClient ? "client" : "server") + " bytes replaced by a conflicting copy: " + bytes, ts);
    }

    static void tunnelled(SmtpSession s, String description, long ts) {
        s.res.stats.inc(SmtpCounter.PROXY_TUNNELS);
        s.proxyTunnel = description;
        anomaly(s, Anomaly.PROXY_TUNNEL, description, ts);
    }

    static void plaintextAfterTls(SmtpSession s, long ts) {
        if (s.oneWay == SmtpSession.CLIENT_ONLY) {
            // Client-only, the 220 was not seen: plaintext then means the server refused STARTTLS.
            s.tls = false;
        } else {
            s.plaintextAfterStarttls = true; // tls stays true: the server accepted STARTTLS, and we still read the session
            anomaly(s, Anomaly.STARTTLS_NOT_TLS, "plaintext SMTP continues after STARTTLS was accepted", ts);
        }
    }
}
