package io.mailtap.smtp;

/** A client line that awaits its reply, in wire order. */
final class PendingCommand {
    enum Kind {
        COMMAND,
        /** The "." that ends DATA text: the server answers it with the message's fate. */
        END_OF_DATA,
        /** A SASL response line during AUTH; not a command. */
        AUTH_RESPONSE
    }

    final Kind kind;
    final SmtpVerb verb;
    final long tsMicros;
    /** HELO/EHLO/LHLO argument, MAIL/RCPT path, AUTH mechanism. */
    String argument;
    String params;
    boolean nullSender;
    /** BDAT: the chunk's octets seen so far (not the announced size); END_OF_DATA: the message bytes it closes. */
    long bytes;
    /** END_OF_DATA: text lines the server would read as commands if it rejected the DATA. */
    long lines;
    boolean bdatLast;
    boolean bdatBadSize;
    /** The DATA command an END_OF_DATA belongs to (null when the server started data by itself). */
    PendingCommand dataCommand;
    /** A gap hit the connection while this waited, or its reply came right after a hole in the server's stream. */
    boolean gap;
    /** Paired after a hole in the server's stream that may have held replies: its reply is a best guess. */
    boolean uncertain;

    PendingCommand(Kind kind, SmtpVerb verb, long tsMicros) {
        this.kind = kind;
        this.verb = verb;
        this.tsMicros = tsMicros;
    }

    /** Commands after which a client waits for the reply before sending more (RFC 2920 §3.1, RFC 4954). */
    boolean mustAwaitReply() {
        if (kind != Kind.COMMAND) return true; // a SASL response, the end of a message
        switch (verb) {
            case HELO: case EHLO: case LHLO: case AUTH: case DATA: case STARTTLS: case NOOP: case QUIT:
            case VRFY: case EXPN:
                return true;
            case BDAT:
                return bdatLast;
            default:
                return false;
        }
    }

    /** The name a Rejection reports for this line. */
    String rejectionName() {
        switch (kind) {
            case END_OF_DATA: return "MESSAGE";
            case AUTH_RESPONSE: return "AUTH";
            default: return verb.name();
        }
    }
}
