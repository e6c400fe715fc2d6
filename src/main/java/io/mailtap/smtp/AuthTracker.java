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
 *
 * <p>Which response names the user: its position in the exchange, never what the server's
 * prompts say. A server that asks "Username:" again after a line it could not decode gets the
 * password next from most clients, so only the first response of LOGIN (or its initial response)
 * is ever decoded; a later one is skipped unread whatever the prompt.
 *
 * <p>On a one-way capture the final reply is never seen: the exchange then ends unanswered
 * ({@link #endUnanswered}) and the session proves its result from the client's next commands
 * ({@link #finish} with {@code inferred}).
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
    /**
     * A hole in the client's bytes fell inside this exchange: how many responses it swallowed is
     * unknown, so no later line's position (user or password?) is known and none is decoded.
     */
    private boolean positionLost;
    boolean cancelled;
    /** The exchange is over but its final reply was not seen: what the client does next decides. */
    boolean awaitingProof;

    /** The last finished exchange, for the transaction log. */
    String lastMech, lastUser, lastAuthzid;
    AuthResult lastResult;
    /** {@link #lastResult} was inferred from the client's later commands, not read from a reply. */
    boolean lastInferred;
    /** User of the last successful exchange: the session's identity for later events. */
    String authenticatedUser;

    AuthTracker(AuthDecoder decoder) {
        this.decoder = decoder;
    }

    /** {@code mechanism}: a known name or {@link AuthMechanism#UNKNOWN_NAME} (see {@link AuthMechanism#name}). */
    void start(String mechanism) {
        active = true;
        awaitingProof = false;
        mech = mechanism;
        mechClass = AuthMechanism.of(mechanism);
        user = authzid = null;
        responses = 0;
        positionLost = false;
        cancelled = false;
        // Lines a client pipelining blindly sends before the first 334 (user, then password, for
        // LOGIN). An unknown mechanism is refused (504): what follows is a command again.
        owed = mechClass == AuthMechanism.LOGIN ? 2 : AuthMechanism.UNKNOWN_NAME.equals(mechanism) ? 0 : 1;
    }

    /** Client bytes were lost while this exchange was open (see {@link #positionLost}). */
    void hole() {
        if (active) positionLost = true;
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
        if (positionLost) return Response.NOT_DECODED; // it may be the password: skipped unread
        switch (mechClass) {
            case PLAIN:
                if (index != 0 || user != null) return Response.NOT_DECODED;
                if (!decoder.plain(b, off, end)) return Response.UNDECODABLE;
                user = decoder.user;
                authzid = decoder.authzid;
                return Response.USER_DECODED;
            case LOGIN:
                // By position only: the first response is the user, every later one may be the password.
                if (index != 0) return Response.NOT_DECODED; // skipped unread
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
    void challenge(boolean clientAlreadyAnswered) {
        if (owed == 0 && !clientAlreadyAnswered) owed = 1;
    }

    /** The client went on to a command while no final reply was seen (one-way capture). */
    void endUnanswered() {
        active = false;
        owed = 0;
        awaitingProof = true;
    }

    void finish(AuthResult result, boolean inferred) {
        lastMech = mech;
        lastUser = user;
        lastAuthzid = authzid;
        lastResult = result;
        lastInferred = inferred;
        if (result == AuthResult.SUCCESS) authenticatedUser = user;
        active = false;
        awaitingProof = false;
        owed = 0;
    }
}
