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
 *
 * <p>When the consumer fails (the disk is full, an output cannot be written) the replay stops at
 * once: the consumer empties the queue so the producer is never left waiting, later events are
 * discarded without waiting (the stages above swallow what a listener throws, so an exception
 * would not stop them), and the replay loop asks {@link #failed()} between frames and ends with
 * {@link #check()}'s {@link ConsumerFailed}, whose message is the consumer's reason.
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
        if (failure != null) return; // the replay is stopping; see the class comment
        batch[size++] = event;
        if (size == BATCH) handOff();
    }

    private void handOff() {
        SmtpEvent[] full = size == BATCH ? batch : java.util.Arrays.copyOf(batch, size);
        batch = new SmtpEvent[BATCH];
        size = 0;
        put(full);
    }

    /** The consumer has failed; the message is its reason (e.g. "cannot write out/smtp.jsonl: No space left on device"). */
    static final class ConsumerFailed extends RuntimeException {
        ConsumerFailed(Throwable cause) {
            super(cause == null ? "the event consumer stopped" : String.valueOf(cause.getMessage()), cause);
        }
    }

    /** True once the consumer has failed (a volatile read: cheap enough for every frame). */
    boolean failed() { return failure != null; }

    /** Throws {@link ConsumerFailed} if the consumer has failed. */
    void check() {
        Throwable t = failure;
        if (t != null) throw new ConsumerFailed(t);
    }

    private void put(SmtpEvent[] b) {
        try {
            while (!queue.offer(b, 10, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                if (failure != null) return; // discarded: the replay is stopping
                if (!thread.isAlive()) throw new ConsumerFailed(null);
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
            queue.clear(); // a producer waiting for room gets it now and fails on its next hand-off
        }
    }

    /** Delivers what is pending, waits for the consumer to finish, and rethrows its failure. */
    @Override
    public void close() {
        check();
        if (size > 0) handOff();
        put(END);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        check();
    }
}
