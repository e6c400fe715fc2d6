package io.mailtap.stream;

import io.mailtap.flow.ClientBy;
import io.mailtap.flow.Connection;
import io.mailtap.flow.EndReason;
import io.mailtap.flow.Flow;
import io.mailtap.flow.FlowListener;
import io.mailtap.stream.Conversations.ProbeOutcome;
import io.mailtap.stream.FlowState.Awaiting;
import io.mailtap.stream.FlowState.Ignored;
import io.mailtap.stream.FlowState.Opened;

import java.util.function.IntPredicate;

/**
 * Glue between the flow table and the protocol: decides which flows carry it and gives each one a
 * {@link Conversation}, kept in the flow's attachment slot as a {@link FlowState}.
 *
 * <p><b>Configured ports</b> (server port accepted by {@code isProtocolPort}): the conversation is
 * created when the connection first carries more than SYNs. Connections that never get that far
 * (SYN only, refused) are still reported as attempted and ended, which is what an egress policy
 * needs, but have no conversation.
 *
 * <p><b>Any other port</b> (only seen when the flow table tracks all TCP,
 * {@code smtp.detect_on_any_port}): nothing at all is reported until the flow's first bytes prove
 * it is the protocol ({@link ContentProbe}). Then the flow is reported as if it had been from its
 * first packet: attempted (if a SYN opened it) and established with their original packet times,
 * then every held byte fed to a new conversation in the order and with the packet times it
 * arrived. A flow that is not the protocol, whose first bytes fall in a gap, or that carries no
 * payload, is dropped without a single event (counted as {@link ProbeOutcome#REJECTED} and
 * {@link ProbeOutcome#GAVE_UP}).
 *
 * <p>Memory on other ports: a flow that never completes its handshake costs nothing; an
 * established one without payload a 24-byte note of when it was established (reported later with
 * its original time); the probe itself only exists once payload arrives, and its buffers (at most
 * 1 KiB per direction) only while that payload has not decided. After the verdict it is gone.
 */
public final class ConnectionRouter implements FlowListener {
    private final Conversations protocol;
    private final IntPredicate isProtocolPort;

    /**
     * @param isProtocolPort the configured ports (flow settings' {@code isSmtpPort}): flows to
     *                       other server ports are reported only once their content proves the protocol
     */
    public ConnectionRouter(Conversations protocol, IntPredicate isProtocolPort) {
        this.protocol = protocol;
        this.isProtocolPort = isProtocolPort;
    }

    @Override
    public void onFlowStart(Flow flow, long tsMicros) {
        if (!isProtocolPort.test(flow.connection().serverPort())) {
            flow.attach(flow.synSeen() ? Awaiting.SYN : Awaiting.NO_SYN);
            return;
        }
        flow.attach(Awaiting.PORT);
        if (flow.synSeen()) protocol.attempted(flow.connection(), tsMicros);
    }

    @Override
    public void onEstablished(Flow flow, long tsMicros) {
        FlowState s = state(flow);
        if (s instanceof Conversation || s == Awaiting.PORT) {
            protocol.established(flow.connection(), tsMicros, flow.handshakeSeen());
            if (s == Awaiting.PORT) conversation(flow);
        } else if (s instanceof Awaiting a) {
            flow.attach(new Opened(a == Awaiting.SYN, tsMicros, flow.handshakeSeen()));
        } else if (s instanceof ContentProbe p) {
            p.established(tsMicros, flow.handshakeSeen()); // payload came first (data on the SYN)
        }
        // Opened (already noted) and Ignored: nothing to do
    }

    @Override
    public void onData(Flow flow, boolean fromClient, byte[] data, int offset, int length, long tsMicros) {
        FlowState s = state(flow);
        Conversation c;
        if (s instanceof Conversation conv) {
            c = conv;
        } else if (s == Awaiting.PORT) {
            c = conversation(flow);
        } else if (s == Ignored.FLOW) {
            return;
        } else {
            c = probed(flow, s, fromClient, data, offset, length, tsMicros);
            if (c == null) return;
        }
        if (fromClient) c.onClientData(data, offset, length, tsMicros);
        else c.onServerData(data, offset, length, tsMicros);
    }

    /**
     * Delivered bytes the receiver did not take were replaced by the copy it did (TCP insertion):
     * what was made of them cannot be taken back, so resynchronise as after a hole of that size,
     * which also marks the transaction's {@code gaps}. {@link Flow#overlapConflicts()} says why.
     */
    @Override
    public void onReplaced(Flow flow, boolean fromClient, long bytes, long tsMicros) {
        if (state(flow) instanceof Conversation c) c.onReplaced(fromClient, bytes, tsMicros);
        else onGap(flow, fromClient, bytes, tsMicros);
    }

    @Override
    public void onGap(Flow flow, boolean fromClient, long bytes, long tsMicros) {
        FlowState s = state(flow);
        if (s instanceof Conversation c) {
            c.onGap(fromClient, bytes, tsMicros);
        } else if (s == Awaiting.PORT) {
            conversation(flow).onGap(fromClient, bytes, tsMicros);
        } else if (s != Ignored.FLOW) {
            // The first bytes, which would have told what this is, are (partly) lost.
            if (s instanceof ContentProbe p) p.release();
            protocol.probed(ProbeOutcome.GAVE_UP);
            flow.attach(Ignored.FLOW);
        }
    }

    @Override
    public void onFlowEnd(Flow flow, EndReason reason, long tsMicros) {
        FlowState s = state(flow);
        if (s instanceof ContentProbe p) {
            if (!p.sawPayload()) {
                s = Ignored.FLOW; // established, but never a byte: nothing to tell, nothing to count
            } else if (p.atEnd() == ContentProbe.Verdict.SMTP) {
                s = confirm(flow, p);
            } else {
                reject(flow, p);
                s = Ignored.FLOW;
            }
        }
        if (s instanceof Conversation c) {
            c.onEnd(flow.state(), reason, tsMicros, flow.synAckSeen() || flow.finFromServer());
        } else if (s == Awaiting.PORT) {
            protocol.endedSilent(flow.connection(), tsMicros, flow.state(), reason);
        }
        // Flows on other ports without payload, or not the protocol, end without a word.
        flow.attach(null);
    }

    private static FlowState state(Flow flow) {
        return (FlowState) flow.attachment();
    }

    private Conversation conversation(Flow flow) {
        Conversation c = protocol.open(flow.connection());
        flow.attach(c);
        return c;
    }

    /** Another port: its payload goes to the probe; returns the conversation once it is proven, else null. */
    private Conversation probed(Flow flow, FlowState s, boolean fromClient, byte[] data, int offset, int length, long ts) {
        ContentProbe p = probe(flow, s);
        ContentProbe.Verdict v;
        try {
            v = p.onData(fromClient, data, offset, length, ts);
        } catch (RuntimeException e) {
            protocol.probeFailed(e); // a bug in the probe must not take the flow table down
            v = ContentProbe.Verdict.NOT_SMTP;
        }
        if (v == ContentProbe.Verdict.UNDECIDED) return null;
        if (v == ContentProbe.Verdict.NOT_SMTP) {
            reject(flow, p);
            return null;
        }
        return confirm(flow, p);
    }

    /** The flow's probe, created with its first payload. */
    private ContentProbe probe(Flow flow, FlowState s) {
        if (s instanceof ContentProbe p) return p;
        boolean synStart = s instanceof Opened o ? o.synStart() : s == Awaiting.SYN;
        // Tunnel set-ups are only recognised where the flow's start was seen.
        ContentProbe p = new ContentProbe(synStart, flow.connection().clientBy() == ClientBy.SYN, protocol.words());
        if (s instanceof Opened o) p.established(o.establishedTs(), o.handshakeSeen());
        flow.attach(p);
        return p;
    }

    /** The content is the protocol: report the flow from its start and replay what the probe held. */
    private Conversation confirm(Flow flow, ContentProbe p) {
        protocol.probed(ProbeOutcome.CONFIRMED);
        Connection c = flow.connection();
        if (p.synStart) protocol.attempted(c, flow.firstMicros());
        if (p.isEstablished()) protocol.established(c, p.establishedTs(), p.handshakeSeen());
        Conversation conv = protocol.open(c);
        flow.attach(conv);
        p.replay(conv);
        return conv;
    }

    private void reject(Flow flow, ContentProbe p) {
        p.release();
        protocol.probed(ProbeOutcome.REJECTED);
        flow.attach(Ignored.FLOW);
    }
}
