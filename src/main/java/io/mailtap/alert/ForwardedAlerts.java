package io.mailtap.alert;

import io.mailtap.txlog.Forwarded;
import io.mailtap.txlog.LineTap;

import java.nio.charset.StandardCharsets;

/**
 * Hands every notification, as its alerts.jsonl object, to the stdout/syslog forwarders (whether or
 * not the alert log is on). Syslog severity from the alert's: critical 2 (crit), warning 4, info 6.
 * The forwarders belong to the sensor run, not to this sink: a reload that rebuilds the sinks
 * closes this adapter, never them.
 */
public final class ForwardedAlerts implements AlertSink {
    private final LineTap tap;

    public ForwardedAlerts(LineTap tap) {
        this.tap = tap;
    }

    @Override
    public void publish(Alert a) {
        byte[] line = (JsonAlertLog.toJson(a) + "\n").getBytes(StandardCharsets.UTF_8);
        tap.offer(Forwarded.ALERTS, severity(a), line, 0, line.length);
    }

    static int severity(Alert a) {
        return switch (a.severity()) {
            case CRITICAL -> 2;
            case WARNING -> 4;
            case INFO -> 6;
        };
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
}
