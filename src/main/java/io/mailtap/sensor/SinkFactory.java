package io.mailtap.sensor;

import io.mailtap.alert.AlertSink;
import io.mailtap.config.MailtapConfig;

import java.util.List;

/**
 * Builds the live alert sinks besides the JSON alert log (Alertmanager, webhook), none when not
 * configured. The live sensor calls it at start and on every reload that changes the alert
 * settings; the caller owns (closes) what it returns.
 */
@FunctionalInterface
public interface SinkFactory {
    List<AlertSink> create(MailtapConfig cfg);

    /** Alertmanager and webhook as configured (see {@link StandardSinks}). */
    static SinkFactory standard() {
        return StandardSinks::create;
    }

    /** No sinks besides the alert log. */
    static SinkFactory none() {
        return cfg -> List.of();
    }
}
