package io.mailtap.smtp;

import io.mailtap.util.Ascii;

import java.util.ArrayDeque;

/**
 * The commands of one session that await their replies, and the rules that pair a reply with one
 * of them: which command a reply code can answer, which replies are owed to lines that were not
 * queued (absorbed), which commands a reply shows to have got none (skipped), and what a reply
 * line looks like when the line framing has to be found again after a hole in the server's stream.
 * The session applies each pairing's effects; this class only keeps the queue.
 *
 * <p>Replies are paired with commands by position (RFC 2920). The code class only decides when
 * position cannot be trusted: some codes answer one command only (334 and 235 AUTH, 354 DATA, 220
 * STARTTLS, 221 QUIT; RFC 5321 4.3.2, RFC 4954, RFC 3207), and a success code never answers a
 * command whose success has another code (DATA never gets 250, QUIT never 250). A refusal (4xx,
 * 5xx) can answer anything.
 *
 * <p>Memory: a session borrows its pairing from {@link SessionResources} while it holds anything
 * (a command waiting, a reply owed, a guess in progress) and gives it back once {@link #idle()};
 * most idle connections hold none.
 */
final class ReplyPairing {
    /** The shortest reply line, "250" and LF: a hole of fewer bytes cannot have held a whole reply. */
    static final int MIN_REPLY_LINE = 4;

    /** Commands awaiting their reply, oldest first. Small: most clients wait for each reply; a pipelining client grows it while it holds it. */
    private final ArrayDeque<PendingCommand> queue = new ArrayDeque<>(4);
    /** Replies owed to lines that were not queued as commands; they are not paired. */
    private long absorb;
    /**
     * A hole in the server's stream may have held replies: pairing is by position and code class
     * ({@link #answeredIndex}), and every command queued meanwhile is marked uncertain, until the
     * queue drains ({@link #settled()}).
     */
    private boolean uncertain;

    // ------------------------------------------------------------------ the queue

    int size() { return queue.size(); }

    PendingCommand peek() { return queue.peek(); }

    PendingCommand poll() { return queue.poll(); }

    /**
     * Room for one more command: when {@code max} already wait, the oldest is taken out and
     * returned (the session reports it unanswered) and its reply, when it comes, is absorbed.
     * Null when there was room.
     */
    PendingCommand overflow(int max) {
        if (queue.size() < Math.max(1, max)) return null;
        absorb++;
        return queue.poll();
    }

    /** Queues a command; one queued while replies may have been lost is a guess too. */
    void add(PendingCommand c) {
        if (uncertain) c.uncertain = true; // a reply lost before it shifts its pairing too
        queue.add(c);
    }

    /** A gap hit the connection: every waiting command is marked with it. */
    void markGap() {
        for (PendingCommand c : queue) c.gap = true;
    }

    // ------------------------------------------------------------------ replies

    /** {@code n} replies will come for lines the server read as commands but we did not queue. */
    void owe(long n) { absorb += n; }

    /** True (and one fewer owed) when the next reply is owed to such a line and pairs with nothing. */
    boolean absorbs() {
        if (absorb == 0) return false;
        absorb--;
        return true;
    }

    /**
     * Where in the queue the command this reply answers is: 0 the oldest (also when nothing
     * waits), {@code k > 0} when the {@code k} before it never got a reply of their own, -1 when no
     * waiting command can take the reply (after a hole: it answers a command lost to us).
     *
     * <p>334 only ever answers AUTH and 354 only DATA. When such a reply would pair with another
     * command, the commands queued before the one it must answer never got a reply (a reply
     * swallowed by an unterminated line, as in suricata-verify smtp-bug-6053): they are reported
     * unanswered rather than shifting every later pairing by one. After a hole that may have held
     * replies every code class is used this way.
     */
    int answeredIndex(int code) {
        if (!uncertain && !namesItsCommand(code)) return 0;
        int k = 0;
        for (PendingCommand c : queue) {
            if (canAnswer(code, c.kind, c.verb)) return k;
            k++;
        }
        return k > 0 && uncertain ? -1 : 0;
    }

    /**
     * A hole in the server's stream that may have held replies: what was owed is forgotten (the
     * owed replies may be in the hole), and the commands waiting now are paired by guess.
     */
    void holeInReplies() {
        absorb = 0;
        uncertain();
    }

    /** Replies may have been lost: the commands waiting now, and those queued until the queue drains, are a guess. */
    void uncertain() {
        if (queue.isEmpty()) return; // no reply was owed: the hole held none we would pair
        uncertain = true;
        for (PendingCommand c : queue) c.uncertain = true;
    }

    /** Every command that could have lost its reply is paired (or given up on): pairing is certain again. */
    void settled() { uncertain = false; }

    /** Holds nothing the connection still needs: it can go back to the spares. */
    boolean idle() { return queue.isEmpty() && absorb == 0 && !uncertain; }

    /** Forgets everything (the connection is over, or the object goes back to the spares). */
    void clear() {
        queue.clear();
        absorb = 0;
        uncertain = false;
    }

    // ------------------------------------------------------------------ the rules

    /** {@code code} could be the reply to this command line. */
    static boolean canAnswer(int code, PendingCommand.Kind kind, SmtpVerb verb) {
        if (code >= 400) return true;
        switch (code) {
            case 334: case 235: return verb == SmtpVerb.AUTH; // the AUTH command or a SASL response
            case 354: return kind == PendingCommand.Kind.COMMAND && verb == SmtpVerb.DATA;
            case 220: return kind == PendingCommand.Kind.COMMAND && verb == SmtpVerb.STARTTLS;
            case 221: return kind == PendingCommand.Kind.COMMAND && verb == SmtpVerb.QUIT;
            default: break;
        }
        if (code / 100 != 2) return false; // 1xx and other 3xx answer nothing we track
        if (kind != PendingCommand.Kind.COMMAND) return kind == PendingCommand.Kind.END_OF_DATA;
        switch (verb) {
            case DATA: case AUTH: case STARTTLS: case QUIT: return false;
            default: return true;
        }
    }

    /**
     * The codes that name their command whatever the position: when such a reply meets another
     * command first, the commands before its own got no reply (a reply swallowed by an
     * unterminated line, as in suricata-verify smtp-bug-6053).
     */
    static boolean namesItsCommand(int code) {
        return code == 334 || code == 354;
    }

    /** A complete server line that is a reply line: a code 2xx-5xx, then nothing, a space or a dash. */
    static boolean isReplyLine(byte[] b, int len) {
        return len >= 3 && codeAt(b) && (len == 3 || b[3] == ' ' || b[3] == '-');
    }

    /** The start of a reply line long enough to say whether it ends its reply ("250 " or "250-"). */
    static boolean isReplyLineHead(byte[] b, int len) {
        return len >= 4 && codeAt(b) && (b[3] == ' ' || b[3] == '-');
    }

    private static boolean codeAt(byte[] b) {
        return b[0] >= '2' && b[0] <= '5' && Ascii.isDigit(b[1]) && Ascii.isDigit(b[2]);
    }
}
