package io.mailtap.sensor;

import io.mailtap.smtp.SmtpEvent;
import io.mailtap.smtp.SmtpEventListener;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Hands SMTP events from the packet thread to one consumer thread (logs, detection, summary) so a
 * replay uses both cores, in batches to keep the hand-off cheap. Unlike the live sensor it never
 * drops and never looks at a clock: a replay can wait, and must give the same output as a
 * single-threaded run, event for event, in the same order.
 */
final class EventPipe implements SmtpEventListener, AutoCloseable {
    private static final int BATCH = 256;
    private static final SmtpEvent[] END = new SmtpEvent[0];

    private final BlockingQueue<SmtpEvent[]> queue = new ArrayBlockingQueue<>(64);
    private final SmtpEventListener consumer;
    private final Thread thread;
    private SmtpEvent[] batch = new SmtpEvent[BATCH];
    private int size;
    private volatile Throwable failure;

    EventPipe(SmtpEventListener consumer) {
        this.consumer = consumer;
        this.thread = new Thread(this::consume, "mailtap-events");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    @Override
    public void onEvent(SmtpEvent event) {
        batch[size++] = event;
        if (size == BATCH) handOff();
    }

    private void handOff() {
        SmtpEvent[] full = size == BATCH ? batch : java.util.Arrays.copyOf(batch, size);
        batch = new SmtpEvent[BATCH];
        size = 0;
        put(full);
    }

    private void put(SmtpEvent[] b) {
        try {
            while (!queue.offer(b, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                if (failure != null || !thread.isAlive()) throw new IllegalStateException("event consumer failed", failure);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while handing events over", e);
        }
    }

    private void consume() {
        try {
            while (true) {
                SmtpEvent[] b = queue.take();
                if (b == END) return;
                for (SmtpEvent e : b) consumer.onEvent(e);
            }
        } catch (Throwable t) {
            failure = t;
        }
    }

    /** Delivers what is pending, waits for the consumer to finish, and rethrows its failure. */
    @Override
    public void close() {
        if (size > 0) handOff();
        put(END);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Throwable t = failure;
        if (t instanceof RuntimeException re) throw re;
        if (t instanceof Error err) throw err;
        if (t != null) throw new IllegalStateException(t);
    }
}
