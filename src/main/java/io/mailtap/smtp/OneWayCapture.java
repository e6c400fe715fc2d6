package io.mailtap.smtp;

/**
 * A mirror that carries one direction only: when the client has shown it got replies we never
 * saw (client-only), or the server answered while no client byte was seen (server-only), the
 * session says so in every record from then on, applies client commands without replies, and
 * infers the outcomes it cannot see. The session's {@code oneWay} field holds the finding:
 * client-only once the client went on past a command it must wait for while no server byte was
 * seen (from then on every client line is applied at once, and what the unseen replies were is
 * inferred from the client's next commands); server-only once the server answered with no client
 * byte seen.
 *
 * <p>Stateless: it works on the session's own state.
 */
final class OneWayCapture {
    private OneWayCapture() {}

    /**
     * A client line (or the end of a message) at {@code ts}: did the client go past a reply we never
     * saw? {@code awaitedUnseen}: a command the client must wait for (RFC 2920 §3.1) was sent, at
     * {@code awaitedTs}, while the server had said nothing; {@code awaitedPassed} counts such
     * commands the client went past in a later packet. Two of them make a one-way capture certain:
     * an early talker pipelining blindly sends its lines in one burst and stops at the first it
     * must wait for.
     */
    static void clientWentOn(SmtpSession s, long ts) {
        if (!s.awaitedUnseen || s.oneWay != null || s.serverHeard() || ts <= s.awaitedTs) return;
        s.awaitedUnseen = false;
        if (++s.awaitedPassed >= 2) clientOnly(s, ts);
    }

    /**
     * Only the client's bytes are on this capture: what is waiting is applied now without a reply
     * (counted as such), and so is every later line.
     */
    static void clientOnly(SmtpSession s, long ts) {
        s.oneWay = SmtpSession.CLIENT_ONLY;
        s.exchangeSeen = true; // the client's progress proves the server answered
        s.res.stats.inc(SmtpCounter.ONE_WAY_CLIENT_ONLY);
        SessionReports.anomaly(s, Anomaly.ONE_WAY, "client to server bytes only: no reply is seen, AUTH results are inferred", ts);
        ReplyDispatch.flush(s, ts);
    }

    /** Only the server's bytes are on this capture: replies are counted, commands and their arguments are unknown. */
    static void serverOnly(SmtpSession s, long ts) {
        s.oneWay = SmtpSession.SERVER_ONLY;
        s.res.stats.inc(SmtpCounter.ONE_WAY_SERVER_ONLY);
        SessionReports.anomaly(s, Anomaly.ONE_WAY, "server to client bytes only: reply codes are seen, no command or argument", ts);
    }

    /** A message whose verdict was not seen: unknown on a client-only capture, else the connection ended first. */
    static MessageStatus unanswered(SmtpSession s) {
        return s.oneWay == SmtpSession.CLIENT_ONLY ? MessageStatus.UNKNOWN : MessageStatus.ABORTED;
    }
}
