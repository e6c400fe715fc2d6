package io.mailtap.flow;

/**
 * What the flow layer tells the layer above it (the SMTP analyzer). Called on the thread that owns
 * the flow table, in packet order. Byte arrays passed to {@link #onData} are only valid during the
 * call. Each flow has one attachment slot ({@link Flow#attachment()}) for the listener's state.
 */
public interface FlowListener {
    /** First packet of a new connection (normally the client's SYN). */
    void onFlowStart(Flow flow, long tsMicros);

    /** Handshake completed, or the connection was picked up mid-stream with data. Called at most once. */
    void onEstablished(Flow flow, long tsMicros);

    /** In-order payload bytes for one direction. Never overlaps or repeats bytes already delivered. */
    void onData(Flow flow, boolean fromClient, byte[] data, int offset, int length, long tsMicros);

    /**
     * Bytes of one direction that crossed the wire but will never be delivered (capture loss,
     * snaplen truncation, buffer cap). Delivery resumes after the hole.
     */
    void onGap(Flow flow, boolean fromClient, long bytes, long tsMicros);

    /**
     * The last {@code bytes} delivered for this direction were not what the receiver took: a
     * conflicting copy of them arrived that the receiver's ACKs show it used (TCP insertion).
     * Delivery continues with that copy, from the first differing byte. The listener must drop
     * what it made of the replaced bytes as far as it can and resynchronise (as after a gap).
     * {@link Flow#overlapConflicts()} counts conflicting copies of the connection. The default
     * ignores it: the replacing bytes then simply follow.
     */
    default void onReplaced(Flow flow, boolean fromClient, long bytes, long tsMicros) {}

    /** The flow is gone from the table; no further calls for it. Called exactly once per flow. */
    void onFlowEnd(Flow flow, EndReason reason, long tsMicros);
}
