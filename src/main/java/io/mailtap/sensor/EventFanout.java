package io.mailtap.sensor;

import io.mailtap.smtp.SmtpEvent;
import io.mailtap.smtp.SmtpEventListener;

import java.util.List;

/** Hands every SMTP event to each consumer in a fixed order (logs first, then detection, then summaries). */
public final class EventFanout implements SmtpEventListener {
    private final SmtpEventListener[] targets;

    public EventFanout(List<SmtpEventListener> targets) {
        this.targets = targets.toArray(new SmtpEventListener[0]);
    }

    @Override
    public void onEvent(SmtpEvent event) {
        for (SmtpEventListener t : targets) t.onEvent(event);
    }
}
