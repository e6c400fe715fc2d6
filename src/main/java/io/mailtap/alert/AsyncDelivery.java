package io.mailtap.alert;

import io.mailtap.util.Redactor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The delivery machinery of the network sinks: a bounded queue filled by the publishing thread
 * without blocking, and one daemon thread that takes what is queued in batches, hands each batch to
 * a {@link Transport}, and retries a failed batch with exponential backoff.
 *
 * <ul>
 *   <li>{@link #offer}: never waits. A full queue drops the notification, counts
 *       {@link SinkStats#droppedQueueFull} and logs at most once per {@link #LOG_INTERVAL}.</li>
 *   <li>A batch that fails is retried {@code maxRetries} times (so {@code 1 + maxRetries} attempts)
 *       after {@code initial · 2^n} (capped) — unless the failure is permanent (e.g. HTTP 400):
 *       then, and after the last retry, it is given up ({@link SinkStats#gaveUp}, logged, rate
 *       limited). While a batch is retried, new notifications queue up behind it (and are dropped
 *       when the queue fills): the queue, not the publisher, absorbs an outage.</li>
 *   <li>An optional periodic task ({@code onTick}) runs on the same thread between batches (the
 *       Alertmanager sink re-sends its firing alerts with it).</li>
 *   <li>{@link #close}: stops accepting, keeps delivering what is queued until the budget is
 *       spent (no backoff wait that would end past it), then interrupts the thread; whatever is
 *       left is counted as given up.</li>
 * </ul>
 *
 * @param <T> what is queued (one per notification)
 */
final class AsyncDelivery<T> {
    private static final Logger LOG = LoggerFactory.getLogger(AsyncDelivery.class);
    /** Rate limit of the queue-full and gave-up log lines. */
    static final Duration LOG_INTERVAL = Duration.ofSeconds(30);
    /** How often an idle delivery thread looks whether it was closed. */
    private static final long IDLE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** Sends one batch, once. Runs on the delivery thread. */
    interface Transport<T> {
        Attempt send(List<T> batch) throws InterruptedException;
    }

    /**
     * Outcome of one attempt at one batch.
     *
     * @param delivered true when the batch was accepted (Alertmanager: by at least one URL)
     * @param retryable when not delivered: whether trying again may help (network error, 5xx, 429)
     * @param failures  failed requests in this attempt (one per URL that failed), added to
     *                  {@link SinkStats#failedAttempts}
     * @param problem   what went wrong, for the log (no secrets), or null
     */
    record Attempt(boolean delivered, boolean retryable, int failures, String problem) {}

    /** Wait before retry {@code n} (0-based): {@code initial · 2^n}, at most {@code max}. */
    record Backoff(Duration initial, Duration max) {
        static final Backoff DEFAULT = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));

        long delayNanos(int retry) {
            long cap = max.toNanos();
            long d = initial.toNanos();
            for (int i = 0; i < retry && d < cap; i++) d *= 2;
            return Math.min(d, cap);
        }
    }

    private final String name;
    private final ArrayBlockingQueue<T> queue;
    private final int batchSize;
    private final int maxRetries;
    private final Backoff backoff;
    private final Transport<T> transport;
    private final long tickNanos;
    private final Runnable onTick;
    private final SinkStats stats;
    private final Redactor redactor;
    private final Thread thread;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final LogLimiter queueFullLog = new LogLimiter(LOG_INTERVAL);
    private final LogLimiter gaveUpLog = new LogLimiter(LOG_INTERVAL);
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile long deadlineNanos;
    /** The batch being delivered (delivery thread only), for the count of what a forced stop loses. */
    private List<T> inFlight = List.of();

    /**
     * Starts the delivery thread.
     *
     * @param name      the sink's name (thread name, log lines)
     * @param tick      period of {@code onTick}, or null for none
     */
    AsyncDelivery(String name, int queueSize, int batchSize, int maxRetries, Backoff backoff, Transport<T> transport,
                  Duration tick, Runnable onTick, SinkStats stats) {
        this(name, queueSize, batchSize, maxRetries, backoff, transport, tick, onTick, stats, Redactor.none());
    }

    /** @param redactor cuts the sink's secrets out of every problem this class logs */
    AsyncDelivery(String name, int queueSize, int batchSize, int maxRetries, Backoff backoff, Transport<T> transport,
                  Duration tick, Runnable onTick, SinkStats stats, Redactor redactor) {
        if (queueSize < 1) throw new IllegalArgumentException("queueSize must be >= 1");
        if (batchSize < 1) throw new IllegalArgumentException("batchSize must be >= 1");
        if (maxRetries < 0) throw new IllegalArgumentException("maxRetries must be >= 0");
        this.name = name;
        this.queue = new ArrayBlockingQueue<>(queueSize);
        this.batchSize = batchSize;
        this.maxRetries = maxRetries;
        this.backoff = backoff;
        this.transport = transport;
        this.tickNanos = tick == null ? 0 : Math.max(1, tick.toNanos());
        this.onTick = onTick;
        this.stats = stats;
        this.redactor = redactor;
        this.thread = new Thread(this::run, "mailtap-sink-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues {@code item} without waiting; false (counted, logged rate-limited) when full or closed. */
    boolean offer(T item) {
        if (closed.get()) return false;
        stats.queueDepth.incrementAndGet();
        if (queue.offer(item)) {
            stats.enqueued.incrementAndGet();
            return true;
        }
        stats.queueDepth.decrementAndGet();
        stats.droppedQueueFull.incrementAndGet();
        long skipped = queueFullLog.acquire();
        if (skipped >= 0) {
            LOG.warn("{}: alert queue full ({} queued), notification dropped; the sink cannot keep up{}", name,
                    queue.size(), LogLimiter.suppressedNote(skipped));
        }
        return false;
    }

    boolean isClosed() { return closed.get(); }

    private boolean stopping() { return stopRequested.getCount() == 0; }

    private void run() {
        List<T> batch = new ArrayList<>(batchSize);
        long nextTick = tickNanos > 0 ? System.nanoTime() + tickNanos : 0;
        try {
            while (true) {
                T first;
                if (stopping()) {
                    if (System.nanoTime() - deadlineNanos >= 0) {
                        abandon("the shutdown budget is spent");
                        return;
                    }
                    first = queue.poll();
                    if (first == null) return;
                } else {
                    long wait = IDLE_POLL_NANOS;
                    if (tickNanos > 0) wait = Math.min(wait, nextTick - System.nanoTime());
                    first = wait > 0 ? queue.poll(wait, TimeUnit.NANOSECONDS) : queue.poll();
                    if (tickNanos > 0 && !stopping() && System.nanoTime() - nextTick >= 0) {
                        tick();
                        nextTick = System.nanoTime() + tickNanos;
                    }
                    if (first == null) continue;
                }
                batch.add(first);
                queue.drainTo(batch, batchSize - 1);
                stats.queueDepth.addAndGet(-batch.size());
                inFlight = batch;
                deliver(batch);
                inFlight = List.of();
                batch.clear();
            }
        } catch (InterruptedException e) {
            abandon("interrupted while delivering");
        }
    }

    /** Shutting down out of time: what is in flight or queued is lost, and counted as given up. */
    private void abandon(String why) {
        int lost = inFlight.size();
        inFlight = List.of();
        List<T> rest = new ArrayList<>();
        queue.drainTo(rest);
        stats.queueDepth.addAndGet(-rest.size());
        lost += rest.size();
        if (lost > 0) {
            stats.gaveUp.addAndGet(lost);
            LOG.warn("{}: shutting down, {} notification(s) not delivered ({})", name, lost, why);
        }
    }

    private void tick() throws InterruptedException {
        try {
            onTick.run();
        } catch (RuntimeException e) {
            LOG.warn("{}: periodic task failed: {}", name, redactor.scrub(e.toString()));
        }
        if (Thread.interrupted()) throw new InterruptedException();
    }

    private void deliver(List<T> batch) throws InterruptedException {
        int attempts = 0;
        for (int retry = 0; ; retry++) {
            Attempt a;
            try {
                a = transport.send(batch);
            } catch (RuntimeException e) {
                a = new Attempt(false, false, 1, e.toString()); // scrubbed when logged: it may quote a header
            }
            attempts++;
            stats.failedAttempts.addAndGet(a.failures());
            if (a.delivered()) {
                stats.delivered.addAndGet(batch.size());
                return;
            }
            String why = null;
            if (!a.retryable()) why = "permanent failure";
            else if (retry >= maxRetries) why = "no retries left";
            long delay = backoff.delayNanos(retry);
            if (why == null && stopping() && System.nanoTime() + delay - deadlineNanos > 0) why = "shutting down";
            if (why == null) {
                if (stopping()) {
                    TimeUnit.NANOSECONDS.sleep(delay); // fits in the shutdown budget (checked above)
                    continue;
                }
                if (!stopRequested.await(delay, TimeUnit.NANOSECONDS)) continue;
                // close() cut the wait short: one more attempt at once if the budget allows.
                if (System.nanoTime() - deadlineNanos < 0) continue;
                why = "shutting down";
            }
            stats.gaveUp.addAndGet(batch.size());
            long skipped = gaveUpLog.acquire();
            if (skipped >= 0) {
                LOG.warn("{}: gave up on {} notification(s) after {} attempt(s) ({}): {}{}", name, batch.size(), attempts,
                        why, redactor.scrub(a.problem()), LogLimiter.suppressedNote(skipped));
            }
            return;
        }
    }

    /**
     * Stops accepting, delivers what is queued within {@code budget}, then stops the thread (waiting
     * at most {@code budget} plus one second for it).
     */
    void close(Duration budget) {
        if (!closed.compareAndSet(false, true)) return;
        deadlineNanos = System.nanoTime() + budget.toNanos();
        stopRequested.countDown();
        try {
            thread.join(Math.max(1, budget.toMillis()));
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(1000);
            }
        } catch (InterruptedException e) {
            thread.interrupt();
            Thread.currentThread().interrupt();
        }
    }
}
