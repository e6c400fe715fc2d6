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

    /** A queued item as one spool line (no line break inside) and back. */
    interface Codec<T> {
        byte[] encode(T item);

        T decode(byte[] line);
    }

    /** Spool mode: how often the delivery thread looks for spool files a replaced sink left behind. */
    private static final long ADOPT_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

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
    private final Spool spool;
    private final Codec<T> codec;
    private final LogLimiter downLog = new LogLimiter(LOG_INTERVAL);
    /** Spool mode: no attempt before this (System.nanoTime), unless 0 (the receiver is up). */
    private long downUntilNanos;
    private int downFailures;
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
        this(name, queueSize, batchSize, maxRetries, backoff, transport, tick, onTick, stats, redactor, null, null);
    }

    /**
     * @param spool null: a failed batch is retried in place ({@code maxRetries}, backoff), then given
     *              up. Otherwise a batch that fails for a reason that may pass (network, 5xx, 429,
     *              timeout) goes to the spool at once and the thread moves on: no head-of-line
     *              blocking, and while the receiver is down (backoff) new notifications join the
     *              spool behind the old ones, in order, without an attempt each. After the backoff
     *              the oldest spooled batch is tried; once it is accepted the spool drains.
     */
    AsyncDelivery(String name, int queueSize, int batchSize, int maxRetries, Backoff backoff, Transport<T> transport,
                  Duration tick, Runnable onTick, SinkStats stats, Redactor redactor, Spool spool, Codec<T> codec) {
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
        this.spool = spool;
        this.codec = codec;
        if (spool != null) stats.spoolDepth.set(spool.size());
        this.thread = new Thread(spool != null ? this::runSpooled : this::run, "mailtap-sink-" + name);
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

    private boolean down() { return downFailures > 0 && System.nanoTime() - downUntilNanos < 0; }

    private void runSpooled() {
        List<T> batch = new ArrayList<>(batchSize);
        long nextTick = tickNanos > 0 ? System.nanoTime() + tickNanos : 0;
        long nextAdopt = System.nanoTime() + ADOPT_EVERY_NANOS;
        try {
            while (true) {
                boolean stop = stopping();
                long now = System.nanoTime();
                if (stop && now - deadlineNanos >= 0) {
                    spoolQueued("the shutdown budget is spent");
                    return;
                }
                boolean work = !spool.isEmpty() && !down();
                long wait = work ? 0 : IDLE_POLL_NANOS;
                if (!work && downFailures > 0) wait = Math.min(wait, Math.max(0, downUntilNanos - now));
                if (tickNanos > 0) wait = Math.min(wait, nextTick - now);
                T first = stop || wait <= 0 ? queue.poll() : queue.poll(wait, TimeUnit.NANOSECONDS);
                if (tickNanos > 0 && !stop && System.nanoTime() - nextTick >= 0) {
                    tick();
                    nextTick = System.nanoTime() + tickNanos;
                }
                if (!stop && System.nanoTime() - nextAdopt >= 0) {
                    nextAdopt = System.nanoTime() + ADOPT_EVERY_NANOS;
                    stats.droppedSpoolFull.addAndGet(spool.adoptOrphans());
                    stats.spoolDepth.set(spool.size());
                }
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, batchSize - 1);
                    stats.queueDepth.addAndGet(-batch.size());
                    if (!spool.isEmpty() || down()) {
                        toSpool(batch); // behind what waits already: order is kept
                    } else {
                        inFlight = batch;
                        Attempt a = attempt(batch);
                        inFlight = List.of();
                        if (a.delivered()) {
                            stats.delivered.addAndGet(batch.size());
                            up();
                        } else if (a.retryable()) {
                            toSpool(batch);
                            markDown(a);
                        } else {
                            gaveUp(batch.size(), 1, "permanent failure", a);
                        }
                    }
                    batch.clear();
                } else if (!spool.isEmpty() && !down()) {
                    sendSpooled();
                } else if (stop && queue.isEmpty()) {
                    if (!spool.isEmpty()) {
                        LOG.warn("{}: shutting down with {} notification(s) spooled in {}; they are sent after the next start",
                                name, spool.size(), "the spool directory");
                    }
                    return;
                }
            }
        } catch (InterruptedException e) {
            spoolQueued("interrupted while delivering");
        } finally {
            spool.close();
        }
    }

    /** The oldest spooled batch, once; removed from the spool when accepted or refused for good. */
    private void sendSpooled() throws InterruptedException {
        List<byte[]> lines = spool.head(batchSize);
        List<T> items = new ArrayList<>(lines.size());
        for (byte[] l : lines) {
            try {
                items.add(codec.decode(l));
            } catch (RuntimeException e) {
                stats.gaveUp.incrementAndGet(); // a damaged line (of an older version, or a torn disk write)
            }
        }
        if (items.isEmpty()) {
            spool.remove(lines.size());
            stats.spoolDepth.set(spool.size());
            return;
        }
        Attempt a = attempt(items);
        if (a.delivered()) {
            spool.remove(lines.size());
            stats.delivered.addAndGet(items.size());
            up();
        } else if (a.retryable()) {
            markDown(a);
        } else {
            spool.remove(lines.size());
            gaveUp(items.size(), 1, "permanent failure", a);
        }
        stats.spoolDepth.set(spool.size());
    }

    private Attempt attempt(List<T> batch) throws InterruptedException {
        Attempt a;
        try {
            a = transport.send(batch);
        } catch (RuntimeException e) {
            a = new Attempt(false, false, 1, e.toString()); // scrubbed when logged: it may quote a header
        }
        stats.failedAttempts.addAndGet(a.failures());
        return a;
    }

    private void toSpool(List<T> batch) {
        for (T item : batch) {
            if (spool.add(codec.encode(item))) {
                stats.spooled.incrementAndGet();
            } else {
                stats.droppedSpoolFull.incrementAndGet();
                long skipped = queueFullLog.acquire();
                if (skipped >= 0) {
                    LOG.warn("{}: spool full ({} notifications, {} bytes): notification dropped{}", name, spool.size(),
                            spool.bytes(), LogLimiter.suppressedNote(skipped));
                }
            }
        }
        stats.spoolDepth.set(spool.size());
    }

    private void markDown(Attempt a) {
        long delay = backoff.delayNanos(downFailures);
        downFailures++;
        downUntilNanos = System.nanoTime() + delay;
        long skipped = downLog.acquire();
        if (skipped >= 0) {
            LOG.warn("{}: delivery failed ({}); {} notification(s) spooled, next attempt in {} ms{}", name,
                    redactor.scrub(a.problem()), spool.size(), TimeUnit.NANOSECONDS.toMillis(delay),
                    LogLimiter.suppressedNote(skipped));
        }
    }

    private void up() {
        if (downFailures == 0) return;
        LOG.info("{}: delivering again after {} failed attempt(s); {} notification(s) still spooled", name, downFailures,
                spool.size());
        downFailures = 0;
        downUntilNanos = 0;
    }

    /** Shutting down: what is queued or in flight joins the spool (sent after the next start), nothing is dropped. */
    private void spoolQueued(String why) {
        List<T> rest = new ArrayList<>(inFlight);
        inFlight = List.of();
        List<T> queued = new ArrayList<>();
        queue.drainTo(queued);
        stats.queueDepth.addAndGet(-queued.size());
        rest.addAll(queued);
        if (!rest.isEmpty()) toSpool(rest);
        if (!spool.isEmpty()) LOG.warn("{}: shutting down ({}), {} notification(s) spooled for the next start", name, why, spool.size());
    }

    private void gaveUp(int n, int attempts, String why, Attempt a) {
        long skipped = gaveUpLog.acquire();
        if (skipped >= 0) {
            LOG.warn("{}: gave up on {} notification(s) after {} attempt(s) ({}): {}{}", name, n, attempts,
                    why, redactor.scrub(a.problem()), LogLimiter.suppressedNote(skipped));
        }
        stats.gaveUp.addAndGet(n);
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
            long skipped = gaveUpLog.acquire();
            if (skipped >= 0) {
                LOG.warn("{}: gave up on {} notification(s) after {} attempt(s) ({}): {}{}", name, batch.size(), attempts,
                        why, redactor.scrub(a.problem()), LogLimiter.suppressedNote(skipped));
            }
            stats.gaveUp.addAndGet(batch.size()); // after the log line: a reader that sees the count sees the line
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
