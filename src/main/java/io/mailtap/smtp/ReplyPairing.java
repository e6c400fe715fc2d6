package io.mailtap.smtp;

import io.mailtap.util.Ascii;

/**
 * Which command a reply code can answer, and what a reply line looks like when the line framing
 * has to be found again after a hole in the server's stream.
 *
 * <p>Replies are paired with commands by position (RFC 2920). The code class only decides when
 * position cannot be trusted: some codes answer one command only (334 and 235 AUTH, 354 DATA, 220
 * STARTTLS, 221 QUIT; RFC 5321 4.3.2, RFC 4954, RFC 3207), and a success code never answers a
 * command whose success has another code (DATA never gets 250, QUIT never 250). A refusal (4xx,
 * 5xx) can answer anything.
 */
final class ReplyPairing {
    /** The shortest reply line, "250" and LF: a hole of fewer bytes cannot have held a whole reply. */
    static final int MIN_REPLY_LINE = 4;

    private ReplyPairing() {}

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
