package io.mailtap.txlog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The forwarding sinks' contract: bounded, never blocking the writer, every drop counted; stdout carries the lines as they are. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ForwarderTest {
    private static byte[] line(String s) { return (s + "\n").getBytes(StandardCharsets.UTF_8); }

    private static void offer(Forwarder f, Forwarded k, String s) {
        byte[] b = line(s);
        f.offer(k, 6, b, 0, b.length);
    }

    @Test
    void aStuckDestinationDropsAndCountsInsteadOfBlockingTheWriter() throws Exception {
        CountDownLatch entered = new CountDownLatch(1), release = new CountDownLatch(1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StdoutTransport stdout = new StdoutTransport(out);
        Forwarder.Transport stuck = (kind, severity, line, len) -> {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            stdout.send(kind, severity, line, len);
        };
        Forwarder.Stats stats = new Forwarder.Stats();
        Forwarder f = new Forwarder("stdout", EnumSet.allOf(Forwarded.class), 2, stuck, stats);
        offer(f, Forwarded.TRANSACTIONS, "{\"n\":1}");
        entered.await(); // the sender holds record 1 and is stuck
        for (int i = 2; i <= 5; i++) offer(f, Forwarded.TRANSACTIONS, "{\"n\":" + i + "}"); // returns at once
        assertThat(stats.droppedQueueFull.get()).isEqualTo(2);
        release.countDown();
        f.close(10_000);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n");
        assertThat(stats.sent.get()).isEqualTo(3);
    }

    @Test
    void onlyTheConfiguredRecordsAreForwardedAsTheFilesLines() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Forwarder.Stats stats = new Forwarder.Stats();
        Forwarder f = new Forwarder("stdout", EnumSet.of(Forwarded.ALERTS, Forwarded.ANOMALIES), 10, new StdoutTransport(out), stats);
        offer(f, Forwarded.TRANSACTIONS, "{\"t\":1}");
        offer(f, Forwarded.ALERTS, "{\"a\":\"caf\u00e9\"}");
        offer(f, Forwarded.ANOMALIES, "{\"w\":1}");
        f.close(10_000);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("{\"a\":\"caf\u00e9\"}\n{\"w\":1}\n");
        assertThat(stats.sent.get()).isEqualTo(2);
    }

    @Test
    void aFailedSendIsRetriedOnceAfterAReconnectThenCounted() {
        int[] calls = {0};
        int[] resets = {0};
        Forwarder.Transport broken = new Forwarder.Transport() {
            public void send(Forwarded kind, int severity, byte[] line, int len) throws IOException {
                calls[0]++;
                throw new IOException("connection refused");
            }

            public void reset() { resets[0]++; }
        };
        Forwarder.Stats stats = new Forwarder.Stats();
        Forwarder f = new Forwarder("syslog", EnumSet.allOf(Forwarded.class), 10, broken, stats);
        offer(f, Forwarded.ALERTS, "{}");
        f.close(10_000);
        assertThat(stats.droppedSendFailed.get()).isEqualTo(1);
        assertThat(stats.sent.get()).isZero();
        assertThat(calls[0]).isEqualTo(2);
        assertThat(resets[0]).isEqualTo(2);
    }
}
