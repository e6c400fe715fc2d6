package io.mailtap.txlog;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One forwarding sink (stdout, syslog, kafka): the same contract as the alert sinks. {@link #offer} only
 * copies the record into a bounded queue ({@code queue_size}) and returns: when the queue is full
 * the record is dropped and counted ({@code reason="queue_full"}), so the event thread never waits
 * on a slow terminal, a full pipe or an unreachable syslog server. One sender thread hands the
 * records to the {@link Transport}; a record it cannot send after one reconnect is dropped and
 * counted ({@code reason="send_failed"}), and the sender backs off (doubling up to 5 s) before the
 * next attempt, logging at most once a minute. The files stay the complete record; forwarding is a
 * copy for log shippers.
 */
public final class Forwarder implements LineTap, Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
    static final long BACKOFF_INITIAL_MS = 100, BACKOFF_MAX_MS = 5_000;
    private static final long LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    /** How records leave the sensor (one call per record, on the sender thread). */
    public interface Transport extends Closeable {
        /** Sends one record; may throw after which {@link #reset()} is called once and the send retried. */
        void send(Forwarded kind, int severity, byte[] line, int len) throws IOException;

        /** Drops the connection (the next send reconnects). */
        default void reset() {}

        @Override
        default void close() throws IOException {}
    }

    /** Counters of one forwarding sink, read at scrape time. */
    public static final class Stats {
        public final AtomicLong sent = new AtomicLong();
        public final AtomicLong droppedQueueFull = new AtomicLong();
        public final AtomicLong droppedSendFailed = new AtomicLong();
        volatile int queueDepth;
        public int queueDepth() { return queueDepth; }
    }

    private record Item(Forwarded kind, int severity, byte[] line) {}
    private static final Item STOP = new Item(null, 0, new byte[0]);

    private final String name;
    private final Set<Forwarded> records;
    private final Transport transport;
    private final ArrayBlockingQueue<Item> queue;
    private final Stats stats;
    private final Thread sender;
    private volatile boolean closing;
    private long nextLogNanos = System.nanoTime();

    /**
     * @param name    the {@code sink} label ("stdout", "syslog")
     * @param records which records it carries
     */
    public Forwarder(String name, Set<Forwarded> records, int queueSize, Transport transport, Stats stats) {
        this.name = name;
        this.records = records.isEmpty() ? EnumSet.noneOf(Forwarded.class) : EnumSet.copyOf(records);
        this.transport = transport;
        this.queue = new ArrayBlockingQueue<>(queueSize);
        this.stats = stats;
        this.sender = new Thread(this::run, "mailtap-forward-" + name);
        sender.setDaemon(true);
        sender.start();
    }

    public String name() { return name; }

    public Stats stats() { return stats; }

    @Override
    public void offer(Forwarded kind, int severity, byte[] line, int off, int len) {
        if (!records.contains(kind) || closing) return;
        if (!queue.offer(new Item(kind, severity, Arrays.copyOfRange(line, off, off + len)))) {
            stats.droppedQueueFull.incrementAndGet();
            warn("queue full (output." + name + ".queue_size " + queue.remainingCapacity() + " free); records dropped", null);
        }
        stats.queueDepth = queue.size();
    }

    private void run() {
        long backoff = BACKOFF_INITIAL_MS;
        while (true) {
            Item it;
            try {
                it = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            stats.queueDepth = queue.size();
            if (it == STOP) return;
            if (send(it)) {
                stats.sent.incrementAndGet();
                backoff = BACKOFF_INITIAL_MS;
                continue;
            }
            stats.droppedSendFailed.incrementAndGet();
            if (closing) continue; // stopping: do not wait on a dead receiver
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                return;
            }
            backoff = Math.min(BACKOFF_MAX_MS, backoff * 2);
        }
    }

    private boolean send(Item it) {
        try {
            transport.send(it.kind(), it.severity(), it.line(), it.line().length);
            return true;
        } catch (IOException | RuntimeException first) {
            transport.reset();
            try {
                transport.send(it.kind(), it.severity(), it.line(), it.line().length);
                return true;
            } catch (IOException | RuntimeException e) {
                transport.reset();
                warn("cannot send", e);
                return false;
            }
        }
    }

    private void warn(String what, Exception e) {
        long now = System.nanoTime();
        synchronized (this) {
            if (now - nextLogNanos < 0) return;
            nextLogNanos = now + LOG_INTERVAL_NANOS;
        }
        LOG.warn("forwarding to {}: {}{}; {} records dropped so far (mailtap_forward_records_dropped_total{sink=\"{}\"})", name, what,
                e == null ? "" : " (" + e.getMessage() + ")", stats.droppedQueueFull.get() + stats.droppedSendFailed.get(), name);
    }

    /** Sends what is queued (at most {@code waitMillis}), then closes the transport. */
    public void close(long waitMillis) {
        closing = true;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(1, waitMillis));
        boolean stopQueued;
        try {
            stopQueued = queue.offer(STOP, waitMillis, TimeUnit.MILLISECONDS); // behind the records still queued
            if (stopQueued) sender.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (sender.isAlive()) { // the destination did not take them in time: what is left is dropped and counted
            sender.interrupt();
            int left = 0;
            for (Item it : queue) if (it != STOP) left++;
            stats.droppedQueueFull.addAndGet(left);
            queue.clear();
        }
        try {
            transport.close();
        } catch (IOException e) {
            LOG.warn("closing the {} forwarder: {}", name, e.getMessage());
        }
    }

    @Override
    public void close() {
        close(5_000);
    }
}
