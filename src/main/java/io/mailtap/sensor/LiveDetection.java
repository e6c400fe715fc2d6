package io.mailtap.sensor;

import io.mailtap.smtp.SmtpEvent;
import io.mailtap.smtp.SmtpEventListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The live runtime around the {@link EventAgent}: detection through the {@link DetectionSlot}
 * (a reload hands it a new generation, {@link #swap}, switched between two batches), detection's
 * heartbeat, log rotation, the one-way-capture notice, and closing the outputs at the end.
 *
 * <p>When no event arrives for a heartbeat it advances detection's packet time to the slowest
 * worker's packet time ({@link PacketClock#slowest()}), so windows slide and quiet alerts resolve on
 * an idle wire; using the slowest worker keeps detection from running ahead of events still to come.
 */
final class LiveDetection implements SmtpEventListener, EventAgent.Between {
    private static final Logger LOG = LoggerFactory.getLogger(LiveDetection.class);

    private EventConsumers consumers; // set once by attach(), before the event agent starts
    private DetectionSlot detection; // set once by bind(), before the event agent starts
    private final PacketClock clock;
    private final long heartbeatNanos;

    private final Object swapLock = new Object();
    private DetectionSlot.Generation pendingNext;               // guarded by swapLock
    private CompletableFuture<DetectionSlot.Generation> pendingDone; // guarded by swapLock
    private boolean finished;                                   // guarded by swapLock

    private volatile long packetTimeMicros = Long.MIN_VALUE;
    private long lastHeartbeatNanos = System.nanoTime();
    private long eventErrors;
    /** One-way connections seen, and when the next line about them may be logged (at most one a minute). */
    private long oneWay, oneWayLogged;
    private long nextOneWayLogNanos = Long.MIN_VALUE;
    private static final long ONE_WAY_LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    LiveDetection(PacketClock clock, long heartbeatNanos) {
        this.clock = clock;
        this.heartbeatNanos = heartbeatNanos;
    }

    /** The assembly's consumers, this one among them: their files rotate and close with the event thread. */
    void attach(EventConsumers consumers) {
        this.consumers = consumers;
    }

    /** The running detection, swapped by reloads. */
    void bind(DetectionSlot detection) {
        this.detection = detection;
    }

    /** Poll interval of the event agent: half a heartbeat, 1..100 ms. */
    long pollNanos() {
        return TimeUnit.MILLISECONDS.toNanos(Math.max(1, Math.min(100, TimeUnit.NANOSECONDS.toMillis(heartbeatNanos) / 2)));
    }

    @Override
    public void onEvent(SmtpEvent e) {
        if (e instanceof SmtpEvent.ConnectionEnd end && end.oneWay() != null) logOneWay(end);
        detection.current().detection.engine().onEvent(e); // a failure is counted by EventConsumers
        if (e.tsMicros() > packetTimeMicros) packetTimeMicros = e.tsMicros();
    }

    @Override
    public void beforeBatch() {
        applyPendingSwap();
    }

    @Override
    public void afterBatch() {
        heartbeat();
        reopenIfRequested();
    }

    @Override
    public void onEnd() {
        finish();
    }

    /**
     * A mirror that carries one direction only blinds part of detection (AUTH results become
     * inferences, message fates unknown): the operator must hear it, once a minute at most.
     */
    private void logOneWay(SmtpEvent.ConnectionEnd end) {
        oneWay++;
        long now = System.nanoTime();
        if (nextOneWayLogNanos != Long.MIN_VALUE && now - nextOneWayLogNanos < 0) return;
        nextOneWayLogNanos = now + ONE_WAY_LOG_INTERVAL_NANOS;
        LOG.warn("one-way capture: connection {} {}:{} -> {}:{} carried {} bytes only ({} one-way connection(s) so far, {} since "
                        + "the last line); check the mirror/SPAN port: {}", end.conn().uid(), end.conn().clientIpText(),
                end.conn().clientPort(), end.conn().serverIpText(), end.conn().serverPort(),
                "client_only".equals(end.oneWay()) ? "client->server" : "server->client", oneWay, oneWay - oneWayLogged,
                "client_only".equals(end.oneWay()) ? "replies are not seen, AUTH results are inferred from the client's next commands"
                        : "only reply codes are seen, no command or argument");
        oneWayLogged = oneWay;
    }

    /** Log rotation: the writers reopen their files here, between two batches, on the thread that writes them. */
    private void reopenIfRequested() {
        consumers.reopenIfRequested();
        try {
            detection.current().detection.reopenIfRequested();
        } catch (RuntimeException ex) {
            if (eventErrors++ < 10) LOG.error("reopening the alert log failed", ex);
        }
    }

    private void heartbeat() {
        long now = System.nanoTime();
        if (now - lastHeartbeatNanos < heartbeatNanos) return;
        lastHeartbeatNanos = now;
        long t = clock.slowest();
        if (t == PacketClock.NONE) return;
        try {
            detection.current().detection.advanceTime(t);
        } catch (RuntimeException ex) {
            if (eventErrors++ < 10) LOG.error("detection failed to advance time", ex);
        }
        if (t > packetTimeMicros) packetTimeMicros = t;
    }

    /**
     * Asks the event thread to switch to {@code next}. The future completes with the generation it
     * replaced (the caller closes it), or exceptionally if the loop has ended or a swap is pending.
     */
    CompletableFuture<DetectionSlot.Generation> swap(DetectionSlot.Generation next) {
        synchronized (swapLock) {
            CompletableFuture<DetectionSlot.Generation> f = new CompletableFuture<>();
            if (finished) {
                f.completeExceptionally(new IllegalStateException("the sensor is stopping"));
            } else if (pendingNext != null) {
                f.completeExceptionally(new IllegalStateException("another reload is in progress"));
            } else {
                pendingNext = next;
                pendingDone = f;
            }
            return f;
        }
    }

    /** Takes back a swap the event thread has not applied yet; false if it already has (or failed it). */
    boolean withdraw(CompletableFuture<DetectionSlot.Generation> swap) {
        synchronized (swapLock) {
            if (pendingDone != swap) return false;
            pendingNext = null;
            pendingDone = null;
            return true;
        }
    }

    private void applyPendingSwap() {
        DetectionSlot.Generation next;
        CompletableFuture<DetectionSlot.Generation> done;
        synchronized (swapLock) {
            next = pendingNext;
            done = pendingDone;
            pendingNext = null;
            pendingDone = null;
        }
        if (next == null) return;
        DetectionSlot.Generation old = detection.replace(next);
        if (packetTimeMicros != Long.MIN_VALUE) next.detection.advanceTime(packetTimeMicros);
        done.complete(old);
    }

    private void finish() {
        synchronized (swapLock) {
            finished = true;
            if (pendingDone != null) pendingDone.completeExceptionally(new IllegalStateException("the sensor is stopping"));
            pendingNext = null;
            pendingDone = null;
        }
        try {
            consumers.close();
        } catch (Exception e) {
            LOG.error("cannot close smtp.jsonl or anomalies.jsonl", e);
        }
        DetectionSlot.Generation g = detection.current();
        try {
            g.detection.close(); // flushes and closes every sink (each within its own timeout)
        } catch (RuntimeException e) {
            LOG.error("closing the alert sinks failed", e);
        }
    }

    long packetTimeMicros() { return packetTimeMicros; }

    long logErrors() { return consumers.logErrors(); }
}
