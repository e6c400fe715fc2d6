package io.mailtap.smtp;

/**
 * What the sessions of one analyzer share: settings, counters, the listener, and the working
 * objects a session only needs while bytes are being processed. An analyzer runs on one thread and
 * feeds one session at a time, so a session borrows line buffers, the reply assembler and the
 * command queue when bytes arrive and gives each back at the end of the call once it holds nothing
 * the connection still needs (no partial line, no reply in progress, no command awaiting a reply).
 * The parser, the SASL decoder and the "code text" cache keep no state between calls at all and
 * are simply shared.
 *
 * <p>Why: a million idle established connections are a normal day for a sensor in front of busy
 * MXs, and per-session buffers and helpers (two 128-byte line buffers, the reply text, the queue's
 * 16-slot array, parser, SASL tracker, transaction builder) made the SMTP side of a connection cost
 * over a kilobyte. Idle sessions now hold only their own state (see {@link SmtpSession} for the
 * byte count, and {@code io.mailtap.flow.FlowTable} for the whole connection).
 */
final class SessionResources {
    /**
     * Spare objects kept per kind. A session holds its queue from a command until the reply, so on
     * a link with many round trips in flight the number of holders swings by more than a burst;
     * the spares absorb the swing (a 3 M-packet mix replay missed 80 times in 665,000 takes with
     * 64). Bounded: even if every spare had grown to its caps (4 KiB lines and reply text) they pin
     * about 4 MB per analyzer; typically about 150 KB.
     */
    static final int SPARE = 256;

    final SmtpSettings settings;
    final SmtpStats stats;
    final SmtpEventListener out;
    /** Holds only the offsets of the line being parsed. */
    final CommandParser parser = new CommandParser();
    /** Its scratch buffer is wiped after every use. */
    final AuthDecoder authDecoder = new AuthDecoder();
    final ReplyLines replyLines;
    /** "code text" of the reply being handled (reset for every reply), built at most once per reply. */
    String replyLine;

    final FreeList<LineFramer> clientFramers;
    final FreeList<LineFramer> serverFramers;
    final FreeList<ReplyAssembler> replies;
    /** Command queues with their pairing state ({@link ReplyPairing}). */
    final FreeList<ReplyPairing> queues;
    final FreeList<TransactionState> transactions;

    SessionResources(SmtpSettings settings, SmtpStats stats, SmtpEventListener out) {
        this.settings = settings;
        this.stats = stats;
        this.out = out;
        this.replyLines = new ReplyLines(settings.maxReplyLineBytes());
        this.clientFramers = new FreeList<>(SPARE, () -> new LineFramer(settings.maxCommandLineBytes()));
        this.serverFramers = new FreeList<>(SPARE, () -> new LineFramer(settings.maxReplyLineBytes()));
        this.replies = new FreeList<>(SPARE, () -> new ReplyAssembler(settings.maxReplyLineBytes(), settings.maxReplyLinesKept()));
        this.queues = new FreeList<>(SPARE, ReplyPairing::new);
        this.transactions = new FreeList<>(SPARE, () -> new TransactionState(settings.maxRcptPerTransaction()));
    }

    /**
     * End of a call: what holds nothing the connection still needs goes back to the spares. A
     * framer is kept while it holds part of a line (or is skipping to a line end), the assembler
     * while a multi-line reply is unfinished, the queue while commands await replies, the builder
     * while a transaction is open (or, before any MAIL, holds recipients for the record). Opaque
     * directions never read lines again.
     */
    void park(SmtpSession s, boolean clientOpaque, boolean serverOpaque) {
        if (s.clientLines != null && (s.clientLines.idle() || clientOpaque)) {
            parkClientLines(s, s.auth != null && s.auth.active); // a SASL response may have been cut off in it
        }
        if (s.serverLines != null && (s.serverLines.idle() || serverOpaque)) {
            s.serverLines.reset();
            serverFramers.give(s.serverLines);
            s.serverLines = null;
        }
        if (s.replies != null && (!s.replies.inProgress() || serverOpaque)) {
            s.replies.reset();
            replies.give(s.replies);
            s.replies = null;
        }
        if (s.pending != null && s.pending.idle()) {
            queues.give(s.pending);
            s.pending = null;
        }
        if (s.tx != null && !s.tx.open && s.transactions > 0) {
            s.tx.reset();
            transactions.give(s.tx);
            s.tx = null;
        }
    }

    /** The connection is over: everything goes back, a finished session keeps nothing beyond its object. */
    void release(SmtpSession s, boolean clientOpaque, boolean serverOpaque) {
        s.body = null;
        s.chunkOf = null;
        s.chunkAfterReply = false;
        if (s.pending != null) s.pending.clear();
        if (s.tx != null) {
            s.tx.reset();
            transactions.give(s.tx);
            s.tx = null;
        }
        // A connection cut inside a SASL response left part of it in the framer.
        if (s.clientLines != null) parkClientLines(s, s.auth != null);
        park(s, clientOpaque, serverOpaque);
    }

    private void parkClientLines(SmtpSession s, boolean wipe) {
        LineFramer f = s.clientLines;
        s.clientLines = null;
        if (wipe) f.wipe();
        f.reset();
        clientFramers.give(f);
    }
}
