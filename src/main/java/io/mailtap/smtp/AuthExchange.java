package io.mailtap.smtp;

import io.mailtap.smtp.SmtpEvent.AuthResult;
import io.mailtap.util.Ascii;

/**
 * The session side of SMTP AUTH (RFC 4954): an AUTH command and its SASL responses read from the
 * client, the 334/235/5xx replies that carry the exchange on, and, on a client-only capture, the
 * outcome inferred from what the client does next. The mechanism parsing and the credential
 * handling are {@link AuthTracker}'s; this class connects them to the session's queue, events
 * and counters.
 *
 * <p>Stateless: it works on the session's own {@link AuthTracker}, created by the first AUTH.
 */
final class AuthExchange {
    private AuthExchange() {}

    static void start(SmtpSession s, PendingCommand c, byte[] b, CommandParser p, long ts) {
        if (s.auth == null) s.auth = new AuthTracker(s.res.authDecoder);
        if (s.oneWay == SmtpSession.CLIENT_ONLY) {
            infer(s, SmtpVerb.AUTH, ts); // a client only tries again after a failure
        } else if (s.auth.active) {
            finish(s, AuthResult.UNKNOWN, 0, false, ts); // a new AUTH replaces an unfinished one
        }
        // Only a known name is kept: "AUTH <base64>" puts a credential where the name belongs.
        String mech = AuthMechanism.name(b, p.mechStart, p.mechEnd);
        s.auth.start(mech);
        c.argument = mech;
        ReplyDispatch.enqueue(s, c, ts);
        if (p.hasInitialResponse()) {
            noteResponse(s, s.auth.initialResponse(b, p.irStart, p.irEnd), b, p.irStart, p.irEnd, ts);
        }
    }

    static void response(SmtpSession s, byte[] b, int off, int end, long ts) {
        PendingCommand c = new PendingCommand(PendingCommand.Kind.AUTH_RESPONSE, SmtpVerb.AUTH, ts);
        ReplyDispatch.enqueue(s, c, ts);
        noteResponse(s, s.auth.response(b, off, end), b, off, end, ts);
    }

    private static void noteResponse(SmtpSession s, AuthTracker.Response r, byte[] b, int off, int end, long ts) {
        if (r == AuthTracker.Response.CANCELLED && s.oneWay == SmtpSession.CLIENT_ONLY) {
            finish(s, AuthResult.FAILURE, 0, true, ts); // "*" ends the exchange unauthenticated (RFC 4954 §4)
        } else if (r == AuthTracker.Response.UNDECODABLE) {
            s.res.stats.inc(SmtpCounter.AUTH_UNDECODABLE);
            SessionReports.anomaly(s, Anomaly.AUTH_UNDECODABLE, s.auth.mech + " response is not valid base64 or lacks its fields", ts);
        } else if (r == AuthTracker.Response.USER_DECODED && SmtpVerb.of(b, off, end - off) != SmtpVerb.UNKNOWN) {
            // A client that answers the "Username:" prompt with e.g. QUIT: the server decodes it as
            // a user name (and prompts for the password), so we report what the server saw.
            SessionReports.anomaly(s, Anomaly.AUTH_RESPONSE_IS_COMMAND, "SMTP verb sent as AUTH " + s.auth.mech + " response", ts);
        }
    }

    static void reply(SmtpSession s, int code, long ts) {
        if (s.auth == null || !s.auth.active) return;
        // Client-only: no reply comes; the exchange lasts until the client sends a command (infer).
        if (code == 0 && s.oneWay == SmtpSession.CLIENT_ONLY) return;
        if (code == 334) {
            PendingCommand next = s.peekPending();
            boolean answered = next != null && next.kind == PendingCommand.Kind.AUTH_RESPONSE;
            s.auth.challenge(answered);
            return;
        }
        AuthResult result = code >= 200 && code < 300 ? AuthResult.SUCCESS
                : code >= 400 ? AuthResult.FAILURE : AuthResult.UNKNOWN;
        finish(s, result, code, false, ts);
    }

    static void finish(SmtpSession s, AuthResult result, int code, boolean inferred, long ts) {
        s.auth.finish(result, inferred);
        s.res.stats.countAuth(s.auth.mechClass, result);
        if (inferred) s.res.stats.inc(SmtpCounter.AUTH_INFERRED);
        s.res.out.onEvent(new SmtpEvent.Auth(s.conn(), ts, s.auth.mech, s.auth.user, s.auth.authzid, result, code, inferred));
    }

    /**
     * Client-only: the client's command {@code verb} tells how the AUTH exchange before it ended.
     * A client sends MAIL FROM after AUTH only once it is authenticated, and AUTH again (or "*")
     * only after a failure; anything else (EHLO, RSET, NOOP) leaves the question open, and a
     * connection that ends with it open reports the result unknown.
     */
    static void infer(SmtpSession s, SmtpVerb verb, long ts) {
        if (s.auth == null) return;
        if (s.auth.active) s.auth.endUnanswered();
        if (!s.auth.awaitingProof) return;
        if (verb == SmtpVerb.MAIL) finish(s, AuthResult.SUCCESS, 0, true, ts);
        else if (verb == SmtpVerb.AUTH) finish(s, AuthResult.FAILURE, 0, true, ts);
    }

    /**
     * Client-only, during an exchange: a line that is no SMTP command is the next SASL response
     * (multi-step mechanisms answer challenges we never see, so nothing is owed by count).
     */
    static boolean saslLineUnanswered(SmtpSession s, byte[] b, int len) {
        if (s.oneWay != SmtpSession.CLIENT_ONLY || !s.auth.active) return false;
        int word = 0;
        while (word < len && !Ascii.isBlank(b[word])) word++;
        return SmtpVerb.of(b, 0, word) == SmtpVerb.UNKNOWN;
    }
}
