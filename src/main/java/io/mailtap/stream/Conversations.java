package io.mailtap.stream;

import io.mailtap.flow.ConnState;
import io.mailtap.flow.Connection;
import io.mailtap.flow.EndReason;

/**
 * The protocol above the {@link ConnectionRouter}: it opens a {@link Conversation} for each flow
 * that carries the protocol, and hears about the connections themselves (attempt, established,
 * an end without any conversation), which it reports in its own vocabulary. Owned here, as
 * {@code flow/FlowListener} is owned by the flow layer, so nothing points upstream.
 */
public interface Conversations {
    /** The protocol's vocabulary for content detection on other ports. */
    ClientWords words();

    /** The conversation of a flow that carries the protocol, from its first byte. */
    Conversation open(Connection c);

    /** A connection to the protocol's port (or later proven to be the protocol) began with a SYN. */
    void attempted(Connection c, long tsMicros);

    /** Its handshake completed (or it was picked up with data). */
    void established(Connection c, long tsMicros, boolean handshakeSeen);

    /** A connection to a configured port ended before any byte of a conversation (SYN only, refused, silent). */
    void endedSilent(Connection c, long tsMicros, ConnState state, EndReason reason);

    /** How content detection on another port ended; counted by the protocol's stage. */
    void probed(ProbeOutcome outcome);

    /** A bug in content detection, caught at the router (the flow is then ignored). */
    void probeFailed(RuntimeException e);

    enum ProbeOutcome {
        /** The content is the protocol: the flow is reported from its start. */
        CONFIRMED,
        /** It is not. */
        REJECTED,
        /** Its first bytes fell in a hole, so it cannot be told. */
        GAVE_UP
    }
}
