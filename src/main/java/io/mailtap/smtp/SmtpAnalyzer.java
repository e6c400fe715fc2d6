package io.mailtap.smtp;

import io.mailtap.flow.ClientBy;
import io.mailtap.flow.Connection;
import io.mailtap.flow.EndReason;
import io.mailtap.flow.Flow;
import io.mailtap.flow.FlowListener;
import io.mailtap.smtp.SmtpEvent.ConnectionAttempt;
import io.mailtap.smtp.SmtpEvent.ConnectionEnd;
import io.mailtap.smtp.SmtpEvent.ConnectionEstablished;

import java.util.function.IntPredicate;

/**
 * Glue between the flow table and the per-connection {@link SmtpSession}s: one session per flow,
 * kept in the flow's attachment slot.
 *
 * <p><b>Configured SMTP ports</b> (server port accepted by {@code isSmtpPort}): the session is
 * created when the connection first carries more than SYNs. Connections that never get that far
 * (SYN only, refused) still produce ConnectionAttempt and ConnectionEnd, which is what an egress
 * policy needs, but no transaction record.
 *
 * <p><b>Any other port</b> (only seen when the flow table tracks all TCP,
 * {@code smtp.detect_on_any_port}): nothing at all is reported until the flow's first bytes prove
 * it is SMTP ({@link ContentProbe}). Then the flow is reported as if it had been SMTP from its
 * first packet: ConnectionAttempt (if a SYN opened it) and ConnectionEstablished with their
 * original packet times, then every held byte fed to a new session in the order and with the
 * packet times it arrived. A flow that is not SMTP, whose first bytes fall in a gap, or that
 * carries no payload, is dropped without a single event (counted in {@link SmtpStats#dpdRejected}
 * and {@link SmtpStats#dpdGaveUp}).
 *
 * <p>Memory on other ports: a flow that never completes its handshake costs nothing; an
 * established one without payload a 24-byte note of when it was established (reported later with
 * its original time); the probe itself only exists once payload arrives, and its buffers (at most
 * 1 KiB per direction) only while that payload has not decided. After the verdict it is gone.
 */
public final class SmtpAnalyzer implements FlowListener {
    /** Flow on another port, no payload yet; a SYN opened it (or not). */
    private static final Object AWAIT_SYN = new Object(), AWAIT_NO_SYN = new Object();
    /** Flow on another port that is not SMTP (or could not be told): ignored until it ends. */
    private static final Object IGNORED = new Object();

    /** Flow on another port, established, no payload yet: what its report will need (24 bytes). */
    private record Opened(boolean synStart, long establishedTs, boolean handshakeSeen) {}

    private final SmtpSettings settings;
    private final SmtpStats stats;
    private final SmtpEventListener out;
    private final IntPredicate isSmtpPort;
    /** Working objects the sessions borrow while their bytes are processed (this analyzer runs on one thread). */
    private final SessionResources resources;

    /**
     * @param isSmtpPort the configured SMTP ports (flow settings' {@code isSmtpPort}): flows to
     *                   other server ports are reported only once their content proves SMTP
     */
    public SmtpAnalyzer(SmtpSettings settings, SmtpStats stats, SmtpEventListener out, IntPredicate isSmtpPort) {
        this.settings = settings;
        this.stats = stats;
        this.out = out;
        this.isSmtpPort = isSmtpPort;
        this.resources = new SessionResources(settings, stats, out);
    }

    @Override
    public void onFlowStart(Flow flow, long tsMicros) {
        if (!isSmtpPort.test(flow.connection().serverPort())) {
            flow.attach(flow.synSeen() ? AWAIT_SYN : AWAIT_NO_SYN);
            return;
        }
        if (flow.synSeen()) out.onEvent(new ConnectionAttempt(flow.connection(), tsMicros));
    }

    @Override
    public void onEstablished(Flow flow, long tsMicros) {
        Object a = flow.attachment();
        if (a == IGNORED || a instanceof Opened) return;
        if (a == AWAIT_SYN || a == AWAIT_NO_SYN) {
            flow.attach(new Opened(a == AWAIT_SYN, tsMicros, flow.handshakeSeen()));
            return;
        }
        if (a instanceof ContentProbe) { // payload came first (data on the SYN)
            ((ContentProbe) a).established(tsMicros, flow.handshakeSeen());
            return;
        }
        out.onEvent(new ConnectionEstablished(flow.connection(), tsMicros, flow.handshakeSeen()));
        session(flow);
    }

    @Override
    public void onData(Flow flow, boolean fromClient, byte[] data, int offset, int length, long tsMicros) {
        Object a = flow.attachment();
        if (a == IGNORED) return;
        SmtpSession s;
        if (a == null || a instanceof SmtpSession) {
            s = session(flow);
        } else {
            ContentProbe p = probe(flow, a);
            ContentProbe.Verdict v;
            try {
                v = p.onData(fromClient, data, offset, length, tsMicros);
            } catch (RuntimeException e) {
                stats.inc(SmtpCounter.INTERNAL_ERRORS); // a bug in the probe must not take the flow table down
                v = ContentProbe.Verdict.NOT_SMTP;
            }
            if (v == ContentProbe.Verdict.UNDECIDED) return;
            if (v == ContentProbe.Verdict.NOT_SMTP) {
                reject(flow, p);
                return;
            }
            s = confirm(flow, p);
        }
        if (fromClient) s.onClientData(data, offset, length, tsMicros);
        else s.onServerData(data, offset, length, tsMicros);
    }

    /**
     * Delivered bytes the receiver did not take were replaced by the copy it did (TCP insertion):
     * what was made of them cannot be taken back, so resynchronise as after a hole of that size,
     * which also marks the transaction's {@code gaps}. {@link Flow#overlapConflicts()} says why.
     */
    @Override
    public void onReplaced(Flow flow, boolean fromClient, long bytes, long tsMicros) {
        Object a = flow.attachment();
        if (a instanceof SmtpSession) ((SmtpSession) a).onReplaced(fromClient, bytes, tsMicros);
        else onGap(flow, fromClient, bytes, tsMicros);
    }

    @Override
    public void onGap(Flow flow, boolean fromClient, long bytes, long tsMicros) {
        Object a = flow.attachment();
        if (a == IGNORED) return;
        if (a == null || a instanceof SmtpSession) {
            session(flow).onGap(fromClient, bytes, tsMicros);
            return;
        }
        // The first bytes, which would have told what this is, are (partly) lost.
        if (a instanceof ContentProbe) ((ContentProbe) a).release();
        stats.inc(SmtpCounter.DPD_GAVE_UP);
        flow.attach(IGNORED);
    }

    @Override
    public void onFlowEnd(Flow flow, EndReason reason, long tsMicros) {
        Object a = flow.attachment();
        if (a instanceof ContentProbe) {
            ContentProbe p = (ContentProbe) a;
            if (!p.sawPayload()) {
                a = IGNORED; // established, but never a byte: nothing to tell, nothing to count
            } else if (p.atEnd() == ContentProbe.Verdict.SMTP) {
                a = confirm(flow, p);
            } else {
                reject(flow, p);
                a = IGNORED;
            }
        }
        if (a instanceof SmtpSession) {
            ((SmtpSession) a).onEnd(flow.state(), reason, tsMicros, flow.synAckSeen() || flow.finFromServer());
        } else if (a == null) {
            out.onEvent(new ConnectionEnd(flow.connection(), tsMicros, flow.state(), reason, false, false, false, null));
        }
        // Flows on other ports without payload, or not SMTP, end without a word.
        flow.attach(null);
    }

    private SmtpSession session(Flow flow) {
        Object a = flow.attachment();
        if (a instanceof SmtpSession) return (SmtpSession) a;
        SmtpSession s = new SmtpSession(flow.connection(), resources);
        flow.attach(s);
        return s;
    }

    /** The flow's probe, created with its first payload. */
    private static ContentProbe probe(Flow flow, Object a) {
        if (a instanceof ContentProbe) return (ContentProbe) a;
        boolean synStart = a instanceof Opened ? ((Opened) a).synStart() : a == AWAIT_SYN;
        // Tunnel set-ups are only recognised where the flow's start was seen.
        ContentProbe p = new ContentProbe(synStart, flow.connection().clientBy() == ClientBy.SYN);
        if (a instanceof Opened) p.established(((Opened) a).establishedTs(), ((Opened) a).handshakeSeen());
        flow.attach(p);
        return p;
    }

    /** The content is SMTP: report the flow from its start and replay what the probe held. */
    private SmtpSession confirm(Flow flow, ContentProbe p) {
        stats.inc(SmtpCounter.DPD_CONFIRMED);
        Connection c = flow.connection();
        if (p.synStart) out.onEvent(new ConnectionAttempt(c, flow.firstMicros()));
        if (p.isEstablished()) out.onEvent(new ConnectionEstablished(c, p.establishedTs(), p.handshakeSeen()));
        SmtpSession s = new SmtpSession(c, resources);
        flow.attach(s);
        p.replay(s);
        return s;
    }

    private void reject(Flow flow, ContentProbe p) {
        p.release();
        stats.inc(SmtpCounter.DPD_REJECTED);
        flow.attach(IGNORED);
    }
}
