package io.mailtap.smtp;

import io.mailtap.text.WireText;
import io.mailtap.util.Ascii;

/**
 * What a client line does once it is read as a command: it is parsed, counted, turned into the
 * {@link PendingCommand} that waits for its reply, and DATA / BDAT switch the session's client
 * mode to message text or a chunk; the "." line ending the text is queued here too. A first
 * line that is not SMTP at all (HTTP, binary) makes the session give up. The effects of the
 * reply are {@link ReplyEffects}'; AUTH and its SASL lines are {@link AuthExchange}'s.
 *
 * <p>Stateless: it works on the session's own state.
 */
final class ClientCommands {
    private ClientCommands() {}

    /** The command line {@code b[0, len)}, read in wire order. */
    static void command(SmtpSession s, byte[] b, int len, long ts) {
        CommandParser p = s.res.parser;
        p.parse(b, len);
        SmtpVerb verb = p.verb;
        // A known verb makes the line SMTP whatever its argument holds: otherwise one control
        // byte in a HELO would make us give up on, and so hide, the whole session.
        if (!s.exchangeSeen && verb == SmtpVerb.UNKNOWN && notSmtpCommand(b, len)) {
            s.giveUp("client line is not an SMTP command", ts);
            return;
        }
        s.res.stats.countCommand(verb);
        if (verb != SmtpVerb.UNKNOWN) s.smtpSeen = true;
        // Read in wire order, before this command takes effect (AuthExchange.start does it for AUTH).
        if (s.oneWay == SmtpSession.CLIENT_ONLY && verb != SmtpVerb.AUTH) AuthExchange.infer(s, verb, ts);
        PendingCommand c = new PendingCommand(PendingCommand.Kind.COMMAND, verb, ts);
        switch (verb) {
            case HELO: case EHLO: case LHLO:
                c.argument = Ascii.text(b, p.argStart, p.argEnd - p.argStart);
                break;
            case MAIL: case RCPT:
                c.argument = Ascii.text(b, p.pathStart, p.pathEnd - p.pathStart);
                c.params = p.paramsEnd > p.paramsStart ? Ascii.text(b, p.paramsStart, p.paramsEnd - p.paramsStart) : null;
                c.nullSender = verb == SmtpVerb.MAIL && "<>".equals(c.argument);
                if (verb == SmtpVerb.MAIL) {
                    s.res.stats.inc(SmtpCounter.MAIL_FROM);
                    if (c.nullSender) s.res.stats.inc(SmtpCounter.NULL_SENDER);
                }
                break;
            case AUTH:
                AuthExchange.start(s, c, b, p, ts);
                return;
            case DATA:
                ReplyDispatch.enqueue(s, c, ts);
                s.startBody(c);
                return;
            case BDAT:
                c.bdatBadSize = p.bdatBadSize;
                if (p.bdatBadSize) {
                    // The server refuses it (501/521) and reads what follows as commands: so do we.
                    s.res.stats.inc(SmtpCounter.BDAT_BAD_SIZE);
                    SessionReports.anomaly(s, Anomaly.BDAT_BAD_SIZE, "BDAT " + WireText.cap(Ascii.text(b, p.argStart, p.argEnd - p.argStart), 40), ts);
                    break;
                }
                c.bdatLast = p.bdatLast;
                ReplyDispatch.enqueue(s, c, ts);
                if (p.bdatSize > 0) {
                    // c.bytes counts what arrives: a peer may announce 2^63-1 and send 10 octets
                    s.chunkRemaining = p.bdatSize;
                    s.chunkOf = c;
                    s.client = SmtpSession.Mode.CHUNK;
                }
                return;
            case STARTTLS:
                s.res.stats.inc(SmtpCounter.STARTTLS_ISSUED);
                break;
            default:
                break;
        }
        ReplyDispatch.enqueue(s, c, ts);
    }

    /** Before any exchange: HTTP requests and binary bytes mean this is not an SMTP client. */
    private static boolean notSmtpCommand(byte[] b, int len) {
        for (int i = 0; i < len; i++) if (Ascii.isBinary(b[i])) return true;
        return Ascii.startsWithIgnoreCase(b, 0, len, "GET ") || Ascii.startsWithIgnoreCase(b, 0, len, "POST ")
                || Ascii.startsWithIgnoreCase(b, 0, len, "CONNECT ") || Ascii.startsWithIgnoreCase(b, 0, len, "HEAD ")
                || Ascii.startsWithIgnoreCase(b, 0, len, "PUT ") || Ascii.startsWithIgnoreCase(b, 0, len, "OPTIONS ");
    }


    /** The "." line ended the DATA text: it waits for the message's verdict like a command. */
    static void endOfData(SmtpSession s, long ts) {
        BodyScanner body = s.body;
        PendingCommand eod = new PendingCommand(PendingCommand.Kind.END_OF_DATA, SmtpVerb.DATA, ts);
        eod.bytes = body.bytes();
        eod.lines = body.lines();
        eod.dataCommand = s.bodyData;
        eod.gap = s.bodyGap;
        s.res.stats.add(SmtpCounter.MESSAGE_BYTES, body.bytes());
        s.bodyData = null;
        s.client = SmtpSession.Mode.LINES;
        OneWayCapture.clientWentOn(s, ts); // the text proves the 354
        ReplyDispatch.enqueue(s, eod, ts);
    }
}
