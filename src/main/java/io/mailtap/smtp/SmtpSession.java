package io.mailtap.smtp;

import io.mailtap.flow.ConnState;
import io.mailtap.flow.Connection;
import io.mailtap.flow.EndReason;
import io.mailtap.stream.Conversation;

/**
 * The SMTP state machine of one connection, fed the two byte streams in packet order. Bytes may
 * arrive split anywhere; every decision is taken on bytes already seen, so feeding one byte at a
 * time gives the same events as feeding whole segments.
 *
 * <p>DATA, the hard part: the client side has to know whether a line is message text before the
 * server's 354 may have arrived (clients put DATA and the message in one segment). Like Zeek, the
 * text starts right after the DATA line, and ends at a "." line, after which lines are commands
 * again (commands pipelined after the dot are parsed). If the server then refuses the DATA, it
 * read those lines as commands and answers each one: the answers are absorbed instead of being
 * paired with later commands. A client that waits for the 354 (most do) is never affected.
 *
 * <p>The bytes come through {@link Conversation}, which already told TLS, proxy handshakes and
 * bytes it cannot read apart: this class sees plain SMTP only, and hears of the rest through the
 * hooks (encrypted, tunnelled, not a conversation), which it turns into fields and anomalies of
 * its records. Nothing thrown inside escapes: a bug is counted ({@link SmtpStats#internalErrors}),
 * reported as an Anomaly, and the session stops parsing the connection.
 *
 * <p><b>Memory.</b> A sensor holds a session for every open connection, a million of them on a
 * busy link, most of them idle between commands. So a session keeps only what the connection
 * still needs: working objects (line buffers, the reply assembler, the command queue, the
 * transaction being built) are borrowed from the analyzer's {@link SessionResources} when bytes
 * arrive and given back at the end of the call once they hold nothing ({@link #idle()}); the
 * SASL tracker only exists once the client sent AUTH; the last reply is a String shared with
 * every other session that got the same reply ({@link ReplyLines}). An idle session after
 * greeting and EHLO is this object (144 bytes with compressed oops, its base class included), its HELO argument and
 * nothing else of its own.
 *
 * <p><b>Where the rest is.</b> This class holds the session's state and reads the bytes: the
 * client's LINES / BODY / CHUNK modes and the server's reply lines. What a command or a reply then
 * does is in stateless classes beside it, which work on this state (hence its package-private
 * fields), so the split costs an idle session no byte and a command no allocation:
 * {@link ClientCommands} (a client line read as a command, DATA / BDAT set-up),
 * {@link ReplyDispatch} (which waiting command a reply answers: how the two directions are kept
 * in step), {@link ReplyEffects} (what the reply does to the session, per verb),
 * {@link AuthExchange}, {@link Transactions} (when records are written), {@link OneWayCapture},
 * {@link GapsAndEnd} (holes and the end of the connection) and {@link SessionReports}
 * (anomalies, rejections, the reply line quoted). {@link SessionResources} lends and takes back
 * the working objects.
 */
public final class SmtpSession extends Conversation {
    /** What the client's plain bytes are (the server's are always lines); LINES whenever the wire is not plain. */
    enum Mode {
        LINES,
        /** DATA message text, scanned for the "." line and not kept. */
        BODY,
        /** A BDAT chunk, exactly chunkRemaining octets. */
        CHUNK
    }

    /** Values of {@link #oneWay}, as smtp.jsonl's {@code one_way} field. */
    static final String CLIENT_ONLY = "client_only", SERVER_ONLY = "server_only";
    /** serverResync: no hole; the head of the cut line was used (what follows is its tail); the cut line is lost. */
    static final byte RESYNC_NONE = 0, RESYNC_TAIL = 1, RESYNC_LOST = 2;

    /** Settings, counters, listener and the spare working objects of this analyzer's sessions. */
    final SessionResources res;
    Mode client = Mode.LINES;

    // Borrowed from res while they hold something (null otherwise): see SessionResources.park.
    LineFramer clientLines;
    LineFramer serverLines;
    ReplyAssembler replies;
    /** Commands awaiting their reply, replies owed to lines not queued, and whether pairing is a guess. */
    ReplyPairing pending;
    /** The open transaction (or, before any MAIL, recipients for the connection's record). */
    TransactionState tx;

    BodyScanner body;
    /** Created by the first AUTH; then it remembers the outcome for the records. */
    AuthTracker auth;

    /** The DATA whose text the client is sending (null if the server started data on its own). */
    PendingCommand bodyData;
    boolean bodyGap;
    /** The server already answered the message while the client was still sending it. */
    boolean bodyVerdictGiven;
    long chunkRemaining;
    /** The BDAT whose chunk the client is sending: it counts the octets actually seen. */
    PendingCommand chunkOf;
    /** That BDAT was answered before its chunk ended: the rest of the chunk goes to the open transaction. */
    boolean chunkAfterReply;

    boolean greetingSeen;
    boolean smtpSeen;
    /** A client command was answered: after this, odd client bytes are no longer "not SMTP". */
    boolean exchangeSeen;
    private byte badServerLines;
    /** Anomaly kinds flagged once per connection that were reported ({@link Anomaly#bit()}). */
    int reportedOnce;
    /** Anomaly kinds raised since the last record was written: the next record lists them. */
    int anomaliesForRecord;
    /** The proxy tunnel the connection went through (its description, never a password), or null. */
    String proxyTunnel;
    boolean tls;
    /** After the accepted STARTTLS the client went on in plaintext (decrypted capture, or no TLS at all). */
    boolean plaintextAfterStarttls;
    boolean gaps;
    /** The next reply follows a hole in the server's stream: its command is marked with the gap. */
    boolean replyAfterHole;
    /** Some command was paired by guess: for the record of a connection without MAIL. */
    boolean pairedUncertain;
    /** What to do with the first server line after a hole: see GapsAndEnd.serverHole. */
    byte serverResync;

    /** {@link #CLIENT_ONLY}, {@link #SERVER_ONLY} or null, in every record and the ConnectionEnd: see {@link OneWayCapture}. */
    String oneWay;
    /** A command the client must wait for was sent at awaitedTs, unanswered; awaitedPassed: see OneWayCapture.clientWentOn. */
    boolean awaitedUnseen;
    byte awaitedPassed;
    long awaitedTs;

    String helo;
    /** Last reply, "code text", while no transaction was logged: for the record of a connection without MAIL. */
    String lastReply;
    int transactions;

    /** A session with working objects of its own (tests, tools); the analyzer shares them between sessions. */
    public SmtpSession(Connection conn, SmtpSettings s, SmtpStats stats, SmtpEventListener out) {
        this(conn, new SessionResources(s, stats, out));
    }

    SmtpSession(Connection conn, SessionResources res) {
        super(conn);
        this.res = res;
        res.stats.inc(SmtpCounter.SESSIONS);
    }

    // ------------------------------------------------------------------ what the stream layer tells

    @Override
    protected void replaced(boolean fromClient, long bytes, long ts) { SessionReports.replaced(this, fromClient, bytes, ts); }

    @Override
    protected void opaqueBytes(long n) { res.stats.add(SmtpCounter.OPAQUE_BYTES, n); }

    @Override
    protected void implicitTls() { res.stats.inc(SmtpCounter.IMPLICIT_TLS); }

    @Override
    protected void plaintextAfterTls(long ts) { SessionReports.plaintextAfterTls(this, ts); }

    @Override
    protected void tunnelled(String description, long ts) { SessionReports.tunnelled(this, description, ts); }

    @Override
    protected void notConversation(String why, long ts) { giveUp(why, ts); }

    /** The connection is gone (after {@link #ending}): its ConnectionEnd, and the working objects go back. */
    @Override
    protected void closed(ConnState finalState, EndReason reason, long ts) {
        GapsAndEnd.closed(this, finalState, reason, ts);
        res.release(this, isOpaque(true), isOpaque(false));
    }

    // ------------------------------------------------------------------ client side

    @Override
    protected int clientPlain(byte[] b, int i, int end, long ts) {
        switch (client) {
            case LINES:
                if (awaitedUnseen && (clientLines == null || !clientLines.hasPartial())) {
                    // A new line in a later packet: the client went on (e.g. TLS after STARTTLS).
                    OneWayCapture.clientWentOn(this, ts);
                    if (!isPlain(true) || client != Mode.LINES) return i;
                }
                i = clientLines().feed(b, i, end);
                if (clientLines.ready()) clientLine(ts);
                return i;
            case BODY:
                return bodyText(b, i, end, ts);
            default: {
                long n = Math.min(chunkRemaining, end - i);
                chunkRemaining -= n;
                res.stats.add(SmtpCounter.MESSAGE_BYTES, n);
                chunkOctets(n);
                if (chunkRemaining == 0) endChunk();
                return i + (int) n;
            }
        }
    }

    private void clientLine(long ts) {
        LineFramer f = clientLines;
        byte[] b = f.buffer();
        int len = f.length();
        try {
            if (f.truncated()) SessionReports.lineTooLong(this, true, ts);
            OneWayCapture.clientWentOn(this, ts);
            if (auth != null && (auth.owed > 0 || AuthExchange.saslLineUnanswered(this, b, len))) {
                AuthExchange.response(this, b, 0, len, ts);
                f.wipe();
                return;
            }
            ClientCommands.command(this, b, len, ts);
            // An initial response (AUTH PLAIN <base64>) carries the password, and the buffer goes
            // on to other sessions.
            if (res.parser.verb == SmtpVerb.AUTH) f.wipe();
        } finally {
            f.next();
        }
    }

    void chunkOctets(long n) {
        if (chunkOf != null) chunkOf.bytes += n;
        else if (chunkAfterReply && txOpen()) tx.messageBytes += n;
    }

    void endChunk() {
        client = Mode.LINES;
        chunkOf = null;
        chunkAfterReply = false;
    }

    void startBody(PendingCommand data) {
        bodyData = data;
        bodyGap = false;
        bodyVerdictGiven = false;
        body().reset();
        client = Mode.BODY;
    }

    private int bodyText(byte[] b, int i, int end, long ts) {
        int next = body.feed(b, i, end);
        if (body.ended() && bodyVerdictGiven) {
            res.stats.add(SmtpCounter.MESSAGE_BYTES, body.bytes());
            client = Mode.LINES; // the server will not answer this "." again
        } else if (body.ended()) {
            ClientCommands.endOfData(this, ts);
        }
        return next;
    }

    // ------------------------------------------------------------------ server side

    @Override
    protected int serverPlain(byte[] b, int i, int end, long ts) {
        i = serverLines().feed(b, i, end);
        if (serverLines.ready()) serverLine(ts);
        return i;
    }

    void serverLine(long ts) {
        LineFramer f = serverLines;
        try {
            if (serverResync != RESYNC_NONE && GapsAndEnd.resyncDrops(this, f)) return;
            if (f.truncated()) SessionReports.lineTooLong(this, false, ts);
            ReplyAssembler r = replies();
            ReplyAssembler.Result res = r.onLine(f.buffer(), f.length());
            while (res == ReplyAssembler.Result.COMPLETE_AND_REFEED) {
                SessionReports.anomaly(this, Anomaly.REPLY_CODE_CHANGED, "multi-line reply " + r.code() + " ended by a line with another code", ts);
                ReplyDispatch.reply(this, ts);
                r.reset();
                if (!isPlain(false)) return;
                res = r.onLine(f.buffer(), f.length());
            }
            if (res == ReplyAssembler.Result.COMPLETE) {
                ReplyDispatch.reply(this, ts);
                r.reset();
            } else if (res == ReplyAssembler.Result.MALFORMED) {
                badReplyLine(ts);
            }
        } finally {
            f.next();
        }
    }

    private void badReplyLine(long ts) {
        // A mid-stream pick-up may start inside a line: one bad first line is forgiven.
        if (!greetingSeen && (!midStream || ++badServerLines > 1)) {
            giveUp("server line is not an SMTP reply", ts);
            return;
        }
        res.stats.inc(SmtpCounter.BAD_REPLY_LINES);
        if (SessionReports.reportable(this, Anomaly.BAD_REPLY_LINE)) SessionReports.anomaly(this, Anomaly.BAD_REPLY_LINE, "server line without a reply code", ts);
    }

    // ------------------------------------------------------------------ pairing

    PendingCommand peekPending() { return pending == null ? null : pending.peek(); }

    PendingCommand pollPending() { return pending == null ? null : pending.poll(); }

    int pendingCount() { return pending == null ? 0 : pending.size(); }

    /**
     * Client-only STARTTLS: the 220 is not seen, so the client's next bytes decide. A TLS record
     * means it was accepted (the rest is opaque, {@code tls} true); plaintext, that it was refused.
     */
    void tlsFollowsOrNot() {
        client = Mode.LINES;
        expectTlsFromClient();
    }

    /**
     * The server accepted STARTTLS. Normally a TLS handshake follows and both directions turn
     * opaque. But a capture that was decrypted, or a client that ignores the 220, goes on in
     * plaintext, and that is worth reading rather than going blind: sniff both directions again.
     */
    void tlsAccepted() {
        tls = true;
        client = Mode.LINES;
        expectTls();
        if (clientLines != null) clientLines.next();
        if (serverLines != null) serverLines.next();
    }

    // ------------------------------------------------------------------ transactions

    boolean txOpen() { return tx != null && tx.open; }

    TransactionState tx() {
        if (tx == null) tx = res.transactions.take();
        return tx;
    }

    String authenticatedUser() { return auth == null ? null : auth.authenticatedUser; }

    // ------------------------------------------------------------------ gaps, end, give-up

    @Override
    protected void holeIn(boolean fromClient, long ts) { GapsAndEnd.hole(this, fromClient); }

    @Override
    protected void plainGap(boolean fromClient, long bytes, long ts) { GapsAndEnd.plainGap(this, fromClient, bytes, ts); }

    @Override
    protected void ending(long ts, boolean serverPacketsSeen) { GapsAndEnd.ending(this, ts, serverPacketsSeen); }

    void giveUp(String why, long ts) {
        res.stats.inc(SmtpCounter.NOT_SMTP);
        SessionReports.anomaly(this, Anomaly.NOT_SMTP, why, ts);
        ReplyDispatch.flush(this, ts);
        Transactions.end(this, MessageStatus.ABORTED, ts);
        goOpaque(false);
    }

    @Override
    protected void wentOpaque(boolean encrypted) {
        if (encrypted) tls = true;
        client = Mode.LINES;
        if (clientLines != null) clientLines.next();
        if (serverLines != null) serverLines.next();
    }

    @Override
    protected void internalError(RuntimeException e, long ts) {
        res.stats.inc(SmtpCounter.INTERNAL_ERRORS);
        goOpaque(false);
        try {
            SessionReports.anomaly(this, Anomaly.INTERNAL_ERROR, e.getClass().getSimpleName(), ts);
        } catch (RuntimeException ignored) {
            // the listener failed too; the counter still tells
        }
    }

    /** End of a call: what holds nothing the connection still needs goes back ({@link SessionResources#park}). */
    @Override
    protected void idle() { res.park(this, isOpaque(true), isOpaque(false)); }

    // ------------------------------------------------------------------ helpers

    /** The connection, for the classes beside this one that emit its events. */
    Connection conn() { return conn; }

    // What the stream layer knows, for the classes beside this one (protected there).
    boolean serverHeard() { return serverSpoke(); }

    boolean clientHeard() { return clientSpoke(); }

    boolean plain(boolean fromClient) { return isPlain(fromClient); }

    boolean pickedUpMidStream() { return midStream; }

    LineFramer clientLines() {
        if (clientLines == null) clientLines = res.clientFramers.take();
        return clientLines;
    }

    private LineFramer serverLines() {
        if (serverLines == null) serverLines = res.serverFramers.take();
        return serverLines;
    }

    private ReplyAssembler replies() {
        if (replies == null) replies = res.replies.take();
        return replies;
    }

    private BodyScanner body() {
        if (body == null) body = new BodyScanner();
        return body;
    }
}
