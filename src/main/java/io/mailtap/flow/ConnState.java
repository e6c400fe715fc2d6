package io.mailtap.flow;

/** Life of a TCP connection as the sensor saw it. */
public enum ConnState {
    /** Only SYNs from the client (possibly retransmitted): nobody answered, or we missed it. */
    ATTEMPTED,
    /** The server answered with SYN/ACK but the handshake's final ACK/data was not seen yet. */
    SYN_ACKED,
    /** Handshake completed, or data seen in both directions / mid-stream pick-up. */
    ESTABLISHED,
    /** A side sent RST, or both sides sent FIN. */
    CLOSED,
    /** The connection was refused: SYN answered by RST. */
    REJECTED
}
