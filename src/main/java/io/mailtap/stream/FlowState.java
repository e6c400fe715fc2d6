package io.mailtap.stream;

/**
 * What the {@link ConnectionRouter} keeps in a flow's attachment slot, one of a closed set: the
 * router switches over it instead of testing sentinel objects.
 */
sealed interface FlowState permits FlowState.Awaiting, FlowState.Opened, FlowState.Ignored, ContentProbe, Conversation {
    /** No payload yet. */
    enum Awaiting implements FlowState {
        /** A configured port: the conversation starts with the flow's first bytes (or its handshake). */
        PORT,
        /** Another port, opened by a SYN: reported only once its content proves the protocol. */
        SYN,
        /** Another port, picked up without a SYN. */
        NO_SYN
    }

    /** Another port, established, no payload yet: what its report will need (24 bytes). */
    record Opened(boolean synStart, long establishedTs, boolean handshakeSeen) implements FlowState {}

    /** Another port, not the protocol (or it could not be told): ignored until it ends. */
    enum Ignored implements FlowState { FLOW }
}
