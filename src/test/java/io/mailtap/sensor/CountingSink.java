package io.mailtap.sensor;

import io.mailtap.alert.Alert;
import io.mailtap.alert.MonitoredSink;
import io.mailtap.alert.SinkStats;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A monitored sink that "delivers" at once and keeps what it got. */
final class CountingSink implements MonitoredSink {
    private final String name;
    private final SinkStats stats = new SinkStats();
    final List<Alert> alerts = new CopyOnWriteArrayList<>();
    volatile boolean closed;

    CountingSink(String name) { this.name = name; }

    @Override public String name() { return name; }
    @Override public SinkStats stats() { return stats; }

    @Override
    public void publish(Alert alert) {
        stats.enqueued.incrementAndGet();
        alerts.add(alert);
        stats.delivered.incrementAndGet();
    }

    @Override public void close() { closed = true; }
}
