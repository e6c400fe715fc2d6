package io.mailtap.flow;

/**
 * Why bytes of a stream were skipped ({@link FlowListener#onGap}). The listener is not told the
 * cause, since it must resynchronise the same way whatever it was; operators see it in
 * {@link FlowStats} to tell a lossy mirror port from a too-small buffer.
 */
public enum GapCause {
    /**
     * The peer acknowledged bytes we never captured: they crossed the wire, so the mirror port or
     * capture dropped them (Zeek's "ack above hole", the basis of its capture-loss estimate).
     */
    CAPTURE_LOSS("capture_loss"),
    /** Out-of-order data had to be released because a buffer cap was reached. */
    BUFFER_CAP("buffer_cap"),
    /** The frame was cut by the snaplen: the segment's tail was on the wire but not captured. */
    TRUNCATION("truncation"),
    /** The flow ended with holes still open (buffered data behind them, or missing data before a FIN). */
    FLOW_END("flow_end");

    private final String label;

    GapCause(String label) { this.label = label; }

    public String label() { return label; }
}
