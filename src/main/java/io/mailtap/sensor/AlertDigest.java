package io.mailtap.sensor;

import io.mailtap.alert.Alert;
import io.mailtap.alert.AlertSink;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps the latest notification of each alert (rule + key) for the replay's table of findings.
 * Bounded by the tracker's own open-alert cap, since it only ever sees alerts the tracker let through.
 */
public final class AlertDigest implements AlertSink {
    private final Map<String, Alert> latest = new LinkedHashMap<>();
    private long notifications;

    @Override
    public void publish(Alert alert) {
        notifications++;
        latest.put(alert.rule().id() + "\u0000" + alert.key(), alert);
    }

    /**
     * Overlays the tracker's end-of-input view: notifications only go out at open, escalation,
     * re-notify and resolve, so the last one can show a count lower than the alert reached.
     */
    public void updateFrom(List<Alert> openAlerts) {
        for (Alert a : openAlerts) latest.replace(a.rule().id() + "\u0000" + a.key(), a);
    }

    /** One entry per alert, in the order the alerts first fired. */
    public List<Alert> alerts() { return new ArrayList<>(latest.values()); }

    public long notifications() { return notifications; }

    @Override
    public void close() { }
}
