package io.mailtap.smtp;

import io.mailtap.flow.ConnState;
import io.mailtap.flow.Connection;
import io.mailtap.flow.EndReason;
import io.mailtap.stream.ClientWords;
import io.mailtap.stream.Conversation;
import io.mailtap.stream.Conversations;
import io.mailtap.smtp.SmtpEvent.ConnectionAttempt;
import io.mailtap.smtp.SmtpEvent.ConnectionEnd;
import io.mailtap.smtp.SmtpEvent.ConnectionEstablished;

/**
 * SMTP as the protocol on top of {@code stream/ConnectionRouter}: one {@link SmtpSession} per
 * connection that carries SMTP, sharing this stage's working objects ({@link SessionResources});
 * the connection facts the router reports become the connection events, and its content-detection
 * outcomes SMTP's counters.
 */
public final class SmtpConversations implements Conversations {
    private final SmtpStats stats;
    private final SmtpEventListener out;
    /** Working objects the sessions borrow while their bytes are processed (the router runs on one thread). */
    private final SessionResources resources;

    public SmtpConversations(SmtpSettings settings, SmtpStats stats, SmtpEventListener out) {
        this.stats = stats;
        this.out = out;
        this.resources = new SessionResources(settings, stats, out);
    }

    @Override
    public ClientWords words() { return SmtpWords.INSTANCE; }

    @Override
    public Conversation open(Connection c) { return new SmtpSession(c, resources); }

    @Override
    public void attempted(Connection c, long tsMicros) { out.onEvent(new ConnectionAttempt(c, tsMicros)); }

    @Override
    public void established(Connection c, long tsMicros, boolean handshakeSeen) {
        out.onEvent(new ConnectionEstablished(c, tsMicros, handshakeSeen));
    }

    @Override
    public void endedSilent(Connection c, long tsMicros, ConnState state, EndReason reason) {
        out.onEvent(new ConnectionEnd(c, tsMicros, state, reason, false, false, false, null));
    }

    @Override
    public void probed(ProbeOutcome outcome) {
        switch (outcome) {
            case CONFIRMED: stats.inc(SmtpCounter.DPD_CONFIRMED); break;
            case REJECTED: stats.inc(SmtpCounter.DPD_REJECTED); break;
            default: stats.inc(SmtpCounter.DPD_GAVE_UP); break;
        }
    }

    @Override
    public void probeFailed(RuntimeException e) { stats.inc(SmtpCounter.INTERNAL_ERRORS); }
}
