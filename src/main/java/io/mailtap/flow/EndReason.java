package io.mailtap.flow;

/** Why the flow table let go of a connection. */
public enum EndReason {
    FIN("fin"),
    RST("rst"),
    /** No packet for the configured idle timeout (packet time). */
    TIMEOUT("timeout"),
    /** Removed to make room: the table or the buffered-bytes budget was full. */
    EVICTED("evicted"),
    /** End of input (replay finished, sensor stopping). */
    SHUTDOWN("shutdown");

    private final String label;

    EndReason(String label) { this.label = label; }

    public String label() { return label; }
}
