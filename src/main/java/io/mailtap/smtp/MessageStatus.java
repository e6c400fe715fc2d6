package io.mailtap.smtp;

/** What became of the message of a transaction. */
public enum MessageStatus {
    /** The server answered 2xx after the end of data (or to BDAT LAST). */
    ACCEPTED("accepted"),
    /** The server answered 4xx/5xx to DATA/BDAT or after the end of data. */
    REJECTED("rejected"),
    /** MAIL FROM was sent but the transaction ended (RSET, HELO, QUIT, close, a rejected MAIL) before a message was accepted or refused. */
    ABORTED("aborted"),
    /** The message was sent to its end but the server's verdict was not seen (one-way capture: client bytes only). */
    UNKNOWN("unknown"),
    /** No message was attempted: the connection never reached MAIL FROM. */
    NONE("none");

    private final String label;

    MessageStatus(String label) { this.label = label; }

    public String label() { return label; }
}
