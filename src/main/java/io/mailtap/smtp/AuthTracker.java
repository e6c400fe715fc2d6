package io.mailtap.smtp;

import io.mailtap.smtp.SmtpEvent.AuthResult;

/**
 * State of the AUTH exchange of one session (RFC 4954) and what earlier exchanges established.
 * Decides which client lines are SASL responses and which of them name the user; responses that
 * carry a password (LOGIN's second line, everything after PLAIN's second NUL, XOAUTH2 tokens) are
 * never decoded.
 *
 * <p>Which lines are responses: the wire order decides, as for a server. After a 334 the next
 * client line is a response. A client that pipelines blindly (AUTH, then the user and the
 * password lines before any 334) is also handled: right after AUTH the lines the mechanism must send next are taken as
 * responses ({@link #owed}), so a base64 password never gets parsed as a command.
 */
final class AuthTracker {
    enum Response { USER_DECODED, UNDECODABLE, NOT_DECODED, CANCELLED }

    /** Shared by the analyzer's sessions: it keeps nothing between calls (its scratch is wiped). */
    private final AuthDecoder decoder;

    /** An exchange is in progress (AUTH sent, no final reply yet). */
    boolean active;
    String mech;
    AuthMechanism mechClass = AuthMechanism.OTHER;
    String user, authzid;
    /** Client lines still expected before the client has to wait for the server. */
    int owed;
    private int responses;
    /** What the last LOGIN prompt asked for (AuthDecoder.PROMPT_*). */
    private int prompt;
    boolean cancelled;

    /** The last finished exchange, for the transaction log. */
    String lastMech, lastUser, lastAuthzid;
    AuthResult lastResult;
    /** User of the last successful exchange: the session's identity for later events. */
    String authenticatedUser;

    AuthTracker(AuthDecoder decoder) {
        this.decoder = decoder;
    }

    void start(String mechanism) {
        active = true;
        mech = mechanism;
        mechClass = AuthMechanism.of(mechanism);
        user = authzid = null;
        responses = 0;
        prompt = AuthDecoder.PROMPT_UNKNOWN;
        cancelled = false;
        // Lines a client pipelining blindly sends before the first 334 (user, then password, for LOGIN).
        owed = mechClass == AuthMechanism.LOGIN ? 2 : 1;
    }

    /** AUTH carried an initial response; afterwards the client owes what the mechanism still needs. */
    Response initialResponse(byte[] b, int off, int end) {
        Response r = response(b, off, end);
        owed = mechClass == AuthMechanism.LOGIN && !cancelled ? 1 : 0;
        return r;
    }

    /** One client response line ({@code b[off, end)}, already without CRLF). */
    Response response(byte[] b, int off, int end) {
        int index = responses++;
        if (owed > 0) owed--;
        if (end - off == 1 && b[off] == '*') {
            cancelled = true;
            owed = 0;
            return Response.CANCELLED;
        }
        if (end - off == 1 && b[off] == '=') return Response.NOT_DECODED; // empty initial response
        switch (mechClass) {
            case PLAIN:
                if (index != 0 || user != null) return Response.NOT_DECODED;
                if (!decoder.plain(b, off, end)) return Response.UNDECODABLE;
                user = decoder.user;
                authzid = decoder.authzid;
                return Response.USER_DECODED;
            case LOGIN:
                // Servers prompt "Username:" then "Password:"; the prompt wins over the position,
                // and an unclear prompt never turns a later line (the password) into a user name.
                boolean isUser = prompt == AuthDecoder.PROMPT_USER
                        || (prompt == AuthDecoder.PROMPT_UNKNOWN && index == 0);
                prompt = AuthDecoder.PROMPT_UNKNOWN;
                if (!isUser || user != null) return Response.NOT_DECODED; // the password: skipped unread
                user = decoder.login(b, off, end);
                return user == null ? Response.UNDECODABLE : Response.USER_DECODED;
            case CRAM_MD5:
                if (index != 0) return Response.NOT_DECODED;
                user = decoder.cramMd5(b, off, end);
                return user == null ? Response.UNDECODABLE : Response.USER_DECODED;
            default:
                if (index == 0 && "XOAUTH2".equals(mech) && end > off) {
                    user = decoder.xoauth2(b, off, end);
                    return user == null ? Response.UNDECODABLE : Response.USER_DECODED;
                }
                return Response.NOT_DECODED;
        }
    }

    /**
     * The server sent a 334 challenge. {@code clientAlreadyAnswered}: the next pending client line is
     * a response already (blind pipelining), so nothing more is owed.
     */
    void challenge(byte[] text, int len, boolean clientAlreadyAnswered) {
        if (owed == 0 && !clientAlreadyAnswered) owed = 1;
        if (mechClass == AuthMechanism.LOGIN && !clientAlreadyAnswered) {
            prompt = len > 0 ? decoder.promptKind(text, 0, len) : AuthDecoder.PROMPT_UNKNOWN;
        }
    }

    void finish(AuthResult result) {
        lastMech = mech;
        lastUser = user;
        lastAuthzid = authzid;
        lastResult = result;
        if (result == AuthResult.SUCCESS) authenticatedUser = user;
        active = false;
        owed = 0;
    }
}
