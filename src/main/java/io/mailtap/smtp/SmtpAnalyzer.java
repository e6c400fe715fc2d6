package io.mailtap.smtp;

import io.mailtap.flow.Flow;
import io.mailtap.flow.FlowListener;
import io.mailtap.smtp.SmtpEvent.ConnectionAttempt;
import io.mailtap.smtp.SmtpEvent.ConnectionEnd;
import io.mailtap.smtp.SmtpEvent.ConnectionEstablished;
import io.mailtap.flow.EndReason;

/**
 * Glue between the flow table and the per-connection {@link SmtpSession}s: one session per flow,
 * created when the connection first carries more than SYNs and kept in the flow's attachment slot.
 * Connections that never get that far (SYN only, refused) still produce ConnectionAttempt and
 * ConnectionEnd, which is what an egress policy needs, but no transaction record.
 */
public final class SmtpAnalyzer implements FlowListener {
    private final SmtpSettings settings;
    private final SmtpStats stats;
    private final SmtpEventListener out;

    public SmtpAnalyzer(SmtpSettings settings, SmtpStats stats, SmtpEventListener out) {
        this.settings = settings;
        this.stats = stats;
        this.out = out;
    }

    @Override
    public void onFlowStart(Flow flow, long tsMicros) {
        if (flow.synSeen()) out.onEvent(new ConnectionAttempt(flow.connection(), tsMicros));
    }

    @Override
    public void onEstablished(Flow flow, long tsMicros) {
        out.onEvent(new ConnectionEstablished(flow.connection(), tsMicros, flow.handshakeSeen()));
        session(flow);
    }

    @Override
    public void onData(Flow flow, boolean fromClient, byte[] data, int offset, int length, long tsMicros) {
        SmtpSession s = session(flow);
        if (fromClient) s.onClientData(data, offset, length, tsMicros);
        else s.onServerData(data, offset, length, tsMicros);
    }

    @Override
    public void onGap(Flow flow, boolean fromClient, long bytes, long tsMicros) {
        session(flow).onGap(fromClient, bytes, tsMicros);
    }

    @Override
    public void onFlowEnd(Flow flow, EndReason reason, long tsMicros) {
        Object a = flow.attachment();
        if (a instanceof SmtpSession) {
            ((SmtpSession) a).onEnd(flow.state(), reason, tsMicros);
            flow.attach(null);
        } else {
            out.onEvent(new ConnectionEnd(flow.connection(), tsMicros, flow.state(), reason, false, false, false));
        }
    }

    private SmtpSession session(Flow flow) {
        Object a = flow.attachment();
        if (a instanceof SmtpSession) return (SmtpSession) a;
        SmtpSession s = new SmtpSession(flow.connection(), settings, stats, out);
        flow.attach(s);
        return s;
    }
}
