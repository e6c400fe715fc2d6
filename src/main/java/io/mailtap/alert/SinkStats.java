package io.mailtap.alert;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Delivery counters of one alert sink. The sink's own delivery thread writes them and the
 * publishing thread counts drops, so they are atomic; metrics read them at scrape time.
 */
public final class SinkStats {
    /** Notifications accepted onto the sink's queue. */
    public final AtomicLong enqueued = new AtomicLong();
    /** Notifications delivered (for Alertmanager: accepted by at least one of the URLs). */
    public final AtomicLong delivered = new AtomicLong();
    /** Failed delivery attempts (each retry counts). */
    public final AtomicLong failedAttempts = new AtomicLong();
    /** Notifications given up on after the last retry. */
    public final AtomicLong gaveUp = new AtomicLong();
    /** Notifications dropped because the queue was full (the sink could not keep up). */
    public final AtomicLong droppedQueueFull = new AtomicLong();
    /** Notifications that went to the on-disk spool (the receiver failed or was down). */
    public final AtomicLong spooled = new AtomicLong();
    /** Notifications dropped because the spool was full (alerts.spool.max_bytes). */
    public final AtomicLong droppedSpoolFull = new AtomicLong();
    /** Notifications waiting in the spool now. */
    public final AtomicLong spoolDepth = new AtomicLong();
    /** Notifications waiting in the queue now. */
    public final AtomicLong queueDepth = new AtomicLong();
}
