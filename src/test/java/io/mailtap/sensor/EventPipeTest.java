package io.mailtap.sensor;

import io.mailtap.smtp.SmtpEvent;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventPipeTest {
    private static final SmtpEvent EVENT = new SmtpEvent.Helo(null, 1, "EHLO", "client.example", 250);

    /**
     * A replay onto a full disk: the consumer (smtp.jsonl) fails on its first event. Before, every
     * later hand-off waited 100 ms for room and threw into the SMTP stage, which swallowed it (and
     * logged it), 350 s for a real capture; now the hand-off discards at once, the replay loop sees
     * {@link EventPipe#failed()}, and close reports the consumer's reason.
     */
    @Test
    void afterTheConsumerFailedHandOffsNeitherWaitNorThrowAndCloseGivesTheReason() throws Exception {
        CountDownLatch died = new CountDownLatch(1);
        AtomicLong consumed = new AtomicLong();
        EventPipe pipe = new EventPipe(e -> {
            consumed.incrementAndGet();
            died.countDown();
            throw new UncheckedIOException("cannot write out/smtp.jsonl: No space left on device",
                    new java.io.IOException("No space left on device"));
        });
        for (int i = 0; i < 256; i++) pipe.onEvent(EVENT); // one full batch: handed over
        died.await();
        while (!pipe.failed()) Thread.onSpinWait(); // failure is set right after the throw
        for (int i = 0; i < 1_000_000; i++) pipe.onEvent(EVENT); // 3,900 batches: 6.5 min at 100 ms each before
        assertThat(consumed.get()).isEqualTo(1);
        assertThatThrownBy(pipe::check).isInstanceOf(EventPipe.ConsumerFailed.class)
                .hasMessage("cannot write out/smtp.jsonl: No space left on device");
        assertThatThrownBy(pipe::close).isInstanceOf(EventPipe.ConsumerFailed.class)
                .hasMessage("cannot write out/smtp.jsonl: No space left on device");
    }

    @Test
    void withAHealthyConsumerEveryEventArrivesInOrder() {
        AtomicLong consumed = new AtomicLong();
        EventPipe pipe = new EventPipe(e -> consumed.incrementAndGet());
        for (int i = 0; i < 100_000; i++) pipe.onEvent(EVENT);
        pipe.close();
        assertThat(consumed.get()).isEqualTo(100_000);
        assertThat(pipe.failed()).isFalse();
    }
}
