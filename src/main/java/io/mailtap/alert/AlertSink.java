package io.mailtap.alert;

/**
 * A destination for alert notifications (the JSON alert log, Alertmanager, a webhook).
 * {@link #publish} is called on the detection thread and must not block it: a network sink puts
 * the alert on a bounded queue served by its own thread, retries there, and drops (counting) when
 * the queue is full. Implementations must not throw from {@code publish}; the tracker catches and
 * counts anything that escapes so one broken sink cannot stop the others.
 */
public interface AlertSink extends AutoCloseable {
    void publish(Alert alert);

    /** Pushes buffered notifications out (end of replay, periodic). Default: nothing to do. */
    default void flush() {}

    /** Flushes and releases resources; an async sink drains its queue within its own timeout. */
    @Override
    void close();
}
