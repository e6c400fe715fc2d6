package io.mailtap.smtp;

/** What became of the message of a transaction. */
public enum MessageStatus {
    /** The server answered 2xx after the end of data (or to BDAT LAST). */
    ACCEPTED("accepted"),
    /**
     * The server answered 4xx/5xx after the end of data or to BDAT, or refused DATA and the
     * transaction ended without another attempt (a refused DATA alone does not end it, RFC 5321 4.1.1.4).
     */
    REJECTED("rejected"),
    /**
     * MAIL FROM was sent but the transaction ended (RSET, HELO, QUIT, close) before a message was
     * accepted or refused; also the line of a refused MAIL, which lists the RCPTs pipelined behind it.
     */
    ABORTED("aborted"),
    /** The message was sent to its end but the server's verdict was not seen (one-way capture: client bytes only). */
    UNKNOWN("unknown"),
    /** No message was attempted: the connection never reached MAIL FROM. */
    NONE("none");

    private final String label;

    MessageStatus(String label) { this.label = label; }

    public String label() { return label; }
}
