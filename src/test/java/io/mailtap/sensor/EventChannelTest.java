package io.mailtap.sensor;

import io.mailtap.smtp.SmtpEvent;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventChannelTest {
    private static final SmtpEvent EVENT = new SmtpEvent.Helo(null, 1, "EHLO", "client.example", 250);

    private static AgentRunner.Running consume(EventChannel ch, io.mailtap.smtp.SmtpEventListener to) {
        return new AgentRunner().start(new EventAgent(ch, to, EventAgent.Between.NONE, TimeUnit.MILLISECONDS.toNanos(10)),
                IdleStrategy.NONE);
    }

    /**
     * A replay onto a full disk: the consumer (smtp.jsonl) fails on its first event. Once it has,
     * hand-offs neither wait nor throw (1,000,000 events: 6.5 min at 100 ms a batch if they waited),
     * every discarded event is counted as lost, and check() gives the consumer's reason.
     */
    @Test
    void afterTheConsumerFailedHandOffsNeitherWaitNorThrowAndAreCountedAsLost() throws Exception {
        CountDownLatch died = new CountDownLatch(1);
        AtomicLong consumed = new AtomicLong();
        EventChannel ch = new EventChannel(1024);
        EventChannel.Producer p = ch.producer();
        AgentRunner.Running r = consume(ch, e -> {
            consumed.incrementAndGet();
            died.countDown();
            throw new UncheckedIOException("cannot write out/smtp.jsonl: No space left on device",
                    new java.io.IOException("No space left on device"));
        });
        for (int i = 0; i < EventChannel.BATCH; i++) p.onEvent(EVENT); // one full batch: handed over
        died.await();
        assertThat(r.join(Duration.ofSeconds(30))).isTrue(); // the agent ends on the failure
        assertThat(ch.failed()).isTrue();
        for (int i = 0; i < 1_000_000; i++) p.onEvent(EVENT);
        p.close();
        assertThat(consumed.get()).isEqualTo(1);
        assertThat(ch.lost()).isEqualTo(EventChannel.BATCH - 1 + 1_000_000);
        assertThatThrownBy(ch::check).isInstanceOf(EventChannel.ConsumerFailed.class)
                .hasMessage("cannot write out/smtp.jsonl: No space left on device");
        assertThat(r.failure()).isInstanceOf(UncheckedIOException.class);
    }

    /** Several producers into a channel far smaller than what they send: nothing lost, each producer's order kept, waits counted. */
    @Test
    void aFullChannelMakesProducersWaitAndLosesNothing() throws Exception {
        EventChannel ch = new EventChannel(16);
        List<SmtpEvent> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch go = new CountDownLatch(1);
        int producers = 3, each = 5_000;
        List<Thread> threads = new ArrayList<>();
        List<EventChannel.Producer> ps = new ArrayList<>();
        // the producers register before the consumer starts, as the sensor's workers do: a consumer that
        // finds no open producer and nothing queued has seen the end and stops (it did here, at random)
        for (int t = 0; t < producers; t++) {
            EventChannel.Producer p = ch.producer();
            ps.add(p);
            int id = t;
            threads.add(new Thread(() -> {
                for (int i = 0; i < each; i++) p.onEvent(new SmtpEvent.Helo(null, id * 1_000_000L + i, "EHLO", "c", 250));
                p.close();
            }));
        }
        AgentRunner.Running r = consume(ch, e -> {
            try {
                go.await();
            } catch (InterruptedException ex) {
                throw new IllegalStateException(ex);
            }
            seen.add(e);
        });
        threads.forEach(Thread::start);
        // full while the consumer holds back; polled with a sleep, not a spin, so the producers get the
        // CPU on a loaded 2-core machine (a spin once held this test for minutes there), and bounded
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (ch.remainingCapacity() > 0) {
            if (System.nanoTime() > deadline) {
                go.countDown();
                throw new AssertionError("the channel never filled: " + ch.remainingCapacity() + " of " + ch.capacity() + " free");
            }
            Thread.sleep(1);
        }
        go.countDown();
        for (Thread t : threads) t.join();
        assertThat(r.join(Duration.ofSeconds(30))).isTrue(); // ends once every producer closed and all is consumed
        assertThat(seen).hasSize(producers * each);
        assertThat(ch.lost()).isZero();
        assertThat(ch.waits()).isPositive();
        long[] last = {-1, -1, -1};
        for (SmtpEvent e : seen) {
            int id = (int) (e.tsMicros() / 1_000_000L);
            assertThat(e.tsMicros()).isGreaterThan(last[id]);
            last[id] = e.tsMicros();
        }
    }

    @Test
    void withAHealthyConsumerEveryEventArrives() {
        AtomicLong consumed = new AtomicLong();
        EventChannel ch = new EventChannel(16_384);
        EventChannel.Producer p = ch.producer();
        AgentRunner.Running r = consume(ch, e -> consumed.incrementAndGet());
        for (int i = 0; i < 100_000; i++) p.onEvent(EVENT);
        p.close();
        assertThat(r.join(Duration.ofSeconds(30))).isTrue();
        assertThat(consumed.get()).isEqualTo(100_000);
        assertThat(ch.failed()).isTrue(); // ended: later events would be lost, and counted
        assertThat(ch.lost()).isZero();
    }
}
