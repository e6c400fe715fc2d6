package io.mailtap.sensor;

import io.mailtap.log.AnomalyLogWriter;
import io.mailtap.log.TransactionLogWriter;
import io.mailtap.smtp.SmtpEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The event thread: takes the workers' SMTP events off one bounded queue, writes each transaction
 * to smtp.jsonl (flushed per line) and runs detection → alert tracking → sinks. It is off the
 * packet path: when it falls behind, the queue fills and the workers wait (see {@link Worker}).
 *
 * <p>When no event arrives for a heartbeat it advances detection's packet time to the slowest
 * worker's packet time, so windows slide and quiet alerts resolve on an idle wire; using the
 * slowest worker keeps detection from running ahead of events still to come.
 *
 * <p>A reload hands it a new detection stage ({@link #swap}); it switches between two events.
 * It ends once every worker is done and the queue is empty, then closes the log and the detection
 * stage (the sinks drain their queues within their own timeouts).
 */
final class EventLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(EventLoop.class);
    private static final int BATCH = 1024;

    private final BlockingQueue<SmtpEvent> queue;
    private final TransactionLogWriter log;
    private final AnomalyLogWriter anomalies;
    private final DetectionSlot detection;
    private final long heartbeatNanos;
    private final long pollMillis;
    private volatile Worker[] workers = new Worker[0];

    private final Object swapLock = new Object();
    private DetectionSlot.Generation pendingNext;               // guarded by swapLock
    private CompletableFuture<DetectionSlot.Generation> pendingDone; // guarded by swapLock
    private boolean finished;                                   // guarded by swapLock

    private volatile boolean alive = true;
    private volatile long packetTimeMicros = Long.MIN_VALUE;
    private long lastHeartbeatNanos;
    private long logErrors;
    private long eventErrors;
    /** One-way connections seen, and when the next line about them may be logged (at most one a minute). */
    private long oneWay, oneWayLogged;
    private long nextOneWayLogNanos = Long.MIN_VALUE;
    private static final long ONE_WAY_LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    EventLoop(BlockingQueue<SmtpEvent> queue, TransactionLogWriter log, AnomalyLogWriter anomalies,
              DetectionSlot detection, long heartbeatNanos) {
        this.queue = queue;
        this.log = log;
        this.anomalies = anomalies;
        this.detection = detection;
        this.heartbeatNanos = heartbeatNanos;
        this.pollMillis = Math.max(1, Math.min(100, TimeUnit.NANOSECONDS.toMillis(heartbeatNanos) / 2));
    }

    void setWorkers(Worker[] workers) { this.workers = workers.clone(); }

    @Override
    public void run() {
        try {
            lastHeartbeatNanos = System.nanoTime();
            while (true) {
                applyPendingSwap();
                boolean workersDone = allWorkersDone(); // read before draining: their last events are queued by then
                SmtpEvent e = queue.poll(pollMillis, TimeUnit.MILLISECONDS);
                if (e != null) {
                    handle(e);
                    for (int i = 0; i < BATCH && (e = queue.poll()) != null; i++) handle(e);
                }
                heartbeat();
                reopenIfRequested();
                if (workersDone && queue.isEmpty()) break;
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            LOG.warn("event thread interrupted; {} events left unprocessed", queue.size());
        } catch (RuntimeException | Error t) {
            LOG.error("event thread failed; SMTP events are no longer logged or checked", t);
        } finally {
            alive = false;
            finish();
        }
    }

    private void handle(SmtpEvent e) {
        if (e instanceof SmtpEvent.ConnectionEnd end && end.oneWay() != null) logOneWay(end);
        if (e instanceof SmtpEvent.Transaction t) {
            try {
                log.write(t.conn(), t.record());
            } catch (RuntimeException ex) { // UncheckedIOException: disk full, file gone
                if (logErrors++ % 10_000 == 0) {
                    LOG.error("cannot write smtp.jsonl ({} lines lost so far)", logErrors, ex);
                }
            }
        } else if (e instanceof SmtpEvent.Anomaly a) {
            try {
                anomalies.write(a);
            } catch (RuntimeException ex) { // counted with the transaction log's losses
                if (logErrors++ % 10_000 == 0) {
                    LOG.error("cannot write anomalies.jsonl ({} lines lost so far)", logErrors, ex);
                }
            }
        }
        try {
            detection.current().detection.engine().onEvent(e);
        } catch (RuntimeException ex) {
            if (eventErrors++ < 10) LOG.error("detection failed on {}", e.getClass().getSimpleName(), ex);
        }
        if (e.tsMicros() > packetTimeMicros) packetTimeMicros = e.tsMicros();
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
        log.reopenIfRequested();
        anomalies.reopenIfRequested();
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
        long t = slowestWorkerTime();
        if (t == Long.MIN_VALUE) return;
        try {
            detection.current().detection.advanceTime(t);
        } catch (RuntimeException ex) {
            if (eventErrors++ < 10) LOG.error("detection failed to advance time", ex);
        }
        if (t > packetTimeMicros) packetTimeMicros = t;
    }

    /** The smallest packet time among workers that have one; MIN_VALUE if none has. */
    long slowestWorkerTime() {
        long min = Long.MAX_VALUE;
        for (Worker w : workers) {
            long t = w.packetTimeMicros();
            if (t != Long.MIN_VALUE && t < min) min = t;
        }
        return min == Long.MAX_VALUE ? Long.MIN_VALUE : min;
    }

    private boolean allWorkersDone() {
        for (Worker w : workers) if (!w.done()) return false;
        return true;
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
            log.close();
        } catch (Exception e) {
            LOG.error("cannot close smtp.jsonl", e);
        }
        try {
            anomalies.close();
        } catch (Exception e) {
            LOG.error("cannot close anomalies.jsonl", e);
        }
        DetectionSlot.Generation g = detection.current();
        try {
            g.detection.close(); // flushes and closes every sink (each within its own timeout)
        } catch (RuntimeException e) {
            LOG.error("closing the alert sinks failed", e);
        }
    }

    boolean isAlive() { return alive; }

    long packetTimeMicros() { return packetTimeMicros; }

    long logErrors() { return logErrors; }
}
