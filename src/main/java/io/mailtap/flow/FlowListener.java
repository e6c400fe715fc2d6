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

    /** The flow is gone from the table; no further calls for it. Called exactly once per flow. */
    void onFlowEnd(Flow flow, EndReason reason, long tsMicros);
}
