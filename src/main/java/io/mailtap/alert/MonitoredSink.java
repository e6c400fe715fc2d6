package io.mailtap.alert;

/** A sink that reports delivery counters (the live sinks: Alertmanager, webhook). */
public interface MonitoredSink extends AlertSink {
    /** Stable, bounded metric label: "alertmanager", "webhook", "log". */
    String name();

    SinkStats stats();
}
