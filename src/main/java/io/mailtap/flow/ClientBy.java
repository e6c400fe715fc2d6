package io.mailtap.flow;

/** How the originator (client) of a connection was decided. */
public enum ClientBy {
    /** The handshake told us: the sender of the SYN (or the receiver of the SYN/ACK). */
    SYN("syn"),
    /** Picked up mid-stream: the side on a configured SMTP port is taken as the server. */
    PORT("port");

    private final String label;

    ClientBy(String label) { this.label = label; }

    public String label() { return label; }
}
