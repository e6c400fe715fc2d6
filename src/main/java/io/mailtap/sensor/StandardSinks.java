package io.mailtap.sensor;

import io.mailtap.alert.AlertSink;
import io.mailtap.alert.AlertmanagerSink;
import io.mailtap.alert.WebhookSink;
import io.mailtap.config.MailtapConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * Alertmanager and webhook sinks from their config sections, none when not configured. The mapping
 * from config to sink lives here, not in {@code alert}: data flows one way and {@code alert} does
 * not know the configuration.
 */
final class StandardSinks {
    private StandardSinks() {}

    static List<AlertSink> create(MailtapConfig cfg) {
        List<AlertSink> sinks = new ArrayList<>(2);
        String sensor = cfg.sensor().name();
        MailtapConfig.Alertmanager am = cfg.alerts().alertmanager();
        if (!am.urls().isEmpty()) {
            sinks.add(new AlertmanagerSink(am.urls(), sensor, am.resendInterval(), am.timeout(), am.queueSize(), am.maxRetries(),
                    cfg.spoolDir(), cfg.spool().maxBytes()));
        }
        MailtapConfig.Webhook wh = cfg.alerts().webhook();
        if (wh.url() != null) {
            try {
                sinks.add(new WebhookSink(wh.url(), wh.bearerToken(), sensor, wh.timeout(), wh.queueSize(), wh.maxRetries(),
                        cfg.spoolDir(), cfg.spool().maxBytes()));
            } catch (RuntimeException e) {
                for (AlertSink s : sinks) s.close();
                throw e;
            }
        }
        return sinks;
    }
}
