package io.mailtap.sensor;

import io.mailtap.alert.AlertSink;
import io.mailtap.alert.SinkSpec;
import io.mailtap.alert.Sinks;
import io.mailtap.config.MailtapConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds the live alert sinks besides the JSON alert log, none when not configured. The live
 * sensor calls it at start and on every reload that changes the alert settings; the caller owns
 * (closes) what it returns.
 */
@FunctionalInterface
public interface SinkFactory {
    List<AlertSink> create(MailtapConfig cfg);

    /** Every sink of {@link Sinks#ALL} its config section enables, in that order. */
    static SinkFactory standard() {
        return cfg -> {
            SinkSpec.Context ctx = new SinkSpec.Context(cfg.sensor().name(), cfg.spoolDir(), cfg.spool().maxBytes());
            List<AlertSink> sinks = new ArrayList<>(Sinks.ALL.size());
            try {
                for (SinkSpec spec : Sinks.ALL) {
                    AlertSink s = spec.create(cfg.view(), ctx);
                    if (s != null) sinks.add(s);
                }
            } catch (RuntimeException e) {
                for (AlertSink s : sinks) s.close();
                throw e;
            }
            return sinks;
        };
    }

    /** No sinks besides the alert log. */
    static SinkFactory none() {
        return cfg -> List.of();
    }
}
