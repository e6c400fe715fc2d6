package io.mailtap.sensor;

import io.mailtap.smtp.SmtpEvent;
import io.mailtap.smtp.SmtpEventListener;

import java.util.concurrent.TimeUnit;

/**
 * The event thread, in a replay and live: drains the {@link EventChannel} into the
 * {@link EventConsumers} in batches; between two batches the runtime's {@link Between} hook runs
 * (live: a reload's detection swap, detection's heartbeat from the {@link PacketClock}, log
 * rotation). It ends when every producer has closed and the channel is empty; if it fails, the
 * channel learns why, so producers stop waiting and a replay stops with the reason.
 */
final class EventAgent implements Agent {
    /** What the runtime does around the batches, on the event thread. */
    interface Between {
        /** Before each batch (a pending reload is applied here). */
        default void beforeBatch() {}

        /** After each batch and each idle poll: heartbeats, log rotation. */
        default void afterBatch() {}

        /** The agent ended (finished or failed): close what the event thread writes. */
        default void onEnd() {}

        Between NONE = new Between() {};
    }

    private final EventChannel channel;
    private final SmtpEventListener consumers;
    private final Between between;
    private final long pollNanos;
    private final SmtpEvent[] batch;
    private Throwable failure;

    /**
     * @param consumers the runtime's {@link EventConsumers} (tests: any listener)
     * @param pollNanos how long one drain waits for the first event before {@link Between#afterBatch} runs */
    EventAgent(EventChannel channel, SmtpEventListener consumers, Between between, long pollNanos) {
        this.channel = channel;
        this.consumers = consumers;
        this.between = between;
        this.pollNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(1), pollNanos);
        this.batch = new SmtpEvent[Math.max(EventChannel.BATCH, Math.min(4096, channel.capacity()))];
    }

    @Override
    public String roleName() { return "mailtap-events"; }

    @Override
    public int doWork() throws InterruptedException {
        try {
            between.beforeBatch();
            int n = channel.drain(consumers, batch, pollNanos);
            between.afterBatch();
            return n;
        } catch (RuntimeException | Error e) {
            failure = e;
            throw e;
        }
    }

    @Override
    public void onClose() {
        channel.consumerGone(failure);
        between.onEnd();
    }
}
