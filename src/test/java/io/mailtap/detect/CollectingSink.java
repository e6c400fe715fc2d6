package io.mailtap.detect;

import io.mailtap.alert.Alert;
import io.mailtap.alert.AlertSink;
import io.mailtap.alert.AlertStatus;

import java.util.ArrayList;
import java.util.List;

/** Keeps every notification, for assertions. */
public final class CollectingSink implements AlertSink {
    public final List<Alert> alerts = new ArrayList<>();
    public boolean closed;

    @Override
    public void publish(Alert alert) { alerts.add(alert); }

    @Override
    public void close() { closed = true; }

    public List<Alert> of(RuleId rule) {
        return alerts.stream().filter(a -> a.rule() == rule).toList();
    }

    public List<Alert> of(RuleId rule, AlertStatus status) {
        return alerts.stream().filter(a -> a.rule() == rule && a.status() == status).toList();
    }

    /** The most recent notification of {@code rule} with key {@code key}. */
    public Alert last(RuleId rule, String key) {
        Alert last = null;
        for (Alert a : alerts) if (a.rule() == rule && a.key().equals(key)) last = a;
        return last;
    }
}
