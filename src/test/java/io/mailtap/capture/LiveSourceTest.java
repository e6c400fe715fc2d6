package io.mailtap.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Live capture on the Linux loopback. Needs capture rights (root or CAP_NET_RAW); without them
 * the tests are skipped, not failed.
 */
@EnabledOnOs(OS.LINUX)
class LiveSourceTest {
    private static final int LINKTYPE_ETHERNET = 1; // Linux presents lo as Ethernet

    private static LiveSource openOrSkip(LiveOptions options) throws CaptureException {
        try {
            return LiveSource.open(options);
        } catch (CaptureException e) {
            String m = e.getMessage().toLowerCase();
            Assumptions.assumeFalse(m.contains("permission") || m.contains("not permitted"),
                    "no capture rights here: " + e.getMessage());
            throw e;
        }
    }

    private static Thread start(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    @ParameterizedTest(name = "immediate mode {0}")
    @ValueSource(booleans = {false, true})
    void capturesLoopbackTrafficAndStopsOnBreakLoopFromAnotherThread(boolean immediate) throws Exception {
        try (DatagramSocket receiver = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             DatagramSocket sender = new DatagramSocket()) {
            int port = receiver.getLocalPort();
            LiveSource src = openOrSkip(LiveOptions.defaults("lo")
                    .withBufferSizeBytes(4 << 20).withImmediateMode(immediate).withReadTimeoutMillis(20)
                    .withBpfFilter("udp and dst port " + port));
            assertThat(src.linkType()).isEqualTo(LINKTYPE_ETHERNET);
            assertThat(src.snaplen()).isEqualTo(LiveOptions.DEFAULT_SNAPLEN);

            List<String> payloads = new CopyOnWriteArrayList<>();
            CountDownLatch three = new CountDownLatch(3);
            AtomicReference<CaptureStats> stats = new AtomicReference<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread capture = start("capture", () -> {
                try {
                    RawFrame f = new RawFrame();
                    while (src.next(f)) {
                        int udpPayload = 14 + 20 + 8; // Ethernet, IPv4 without options, UDP
                        payloads.add(new String(f.data, udpPayload, f.capturedLength - udpPayload, StandardCharsets.US_ASCII));
                        three.countDown();
                    }
                    stats.set(src.stats()); // the capture thread's job, like close
                } catch (Throwable t) {
                    failure.set(t);
                } finally {
                    src.close();
                }
            });

            for (int i = 0; i < 3; i++) {
                byte[] msg = ("mailtap-live-" + i).getBytes(StandardCharsets.US_ASCII);
                sender.send(new DatagramPacket(msg, msg.length, InetAddress.getLoopbackAddress(), port));
            }
            assertThat(three.await(10, TimeUnit.SECONDS)).as("3 packets captured").isTrue();
            Thread.sleep(200); // let the reader block on an idle interface, where the timeout never fires

            src.breakLoop();
            capture.join(10_000);

            assertThat(capture.isAlive()).as("read returned after breakLoop").isFalse();
            assertThat(failure.get()).isNull();
            assertThat(payloads).containsExactly("mailtap-live-0", "mailtap-live-1", "mailtap-live-2");
            assertThat(src.error()).isNull();
            assertThat(src.packetsRead()).isEqualTo(3);
            assertThat(stats.get().received()).isGreaterThanOrEqualTo(3);
            assertThat(stats.get().droppedByKernel()).isZero();
            assertThat(src.read(new RawFrame())).as("closed").isEqualTo(PacketSource.END);
        }
    }

    @Test
    void closeFromAnotherThreadBreaksTheReadAndTheReaderFreesTheHandle() throws Exception {
        LiveSource src = openOrSkip(LiveOptions.defaults("lo").withBpfFilter("ether proto 0x88b5")); // matches nothing
        CountDownLatch reading = new CountDownLatch(1);
        AtomicReference<Integer> last = new AtomicReference<>();
        Thread capture = start("capture", () -> {
            RawFrame f = new RawFrame();
            int r;
            reading.countDown();
            do {
                r = src.read(f);
            } while (r == PacketSource.TIMEOUT);
            last.set(r);
        });
        assertThat(reading.await(5, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(300);

        assertThatThrownBy(src::stats).as("stats while another thread reads")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("capture thread");
        src.close();
        capture.join(10_000);

        assertThat(capture.isAlive()).isFalse();
        assertThat(last.get()).isEqualTo(PacketSource.END);
        assertThat(src.read(new RawFrame())).isEqualTo(PacketSource.END);
        assertThatThrownBy(src::stats).isInstanceOf(CaptureException.class).hasMessageContaining("closed");
        src.breakLoop(); // on a freed handle: must be a no-op, not a crash
    }

    @Test
    void wakeUpGetsAnIdleReadOutForStatsAndLeavesTheHandleOpen() throws Exception {
        LiveSource src = openOrSkip(LiveOptions.defaults("lo").withBpfFilter("ether proto 0x88b5")); // matches nothing
        CountDownLatch woken = new CountDownLatch(1);
        AtomicReference<CaptureStats> stats = new AtomicReference<>();
        AtomicReference<Integer> last = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread capture = start("capture", () -> {
            try {
                RawFrame f = new RawFrame();
                int r;
                while ((r = src.read(f)) != PacketSource.END) {
                    if (r == PacketSource.TIMEOUT && stats.get() == null) {
                        stats.set(src.stats()); // the capture thread's call, on an idle wire
                        woken.countDown();
                    }
                }
                last.set(r);
            } catch (Throwable t) {
                failure.set(t);
            } finally {
                src.close();
            }
        });
        Thread.sleep(300); // blocked in pcap_next_ex: the read timeout never fires on an idle interface
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (woken.getCount() > 0 && System.nanoTime() < until) {
            src.wakeUp();
            woken.await(200, TimeUnit.MILLISECONDS);
        }
        assertThat(woken.getCount()).as("the read returned TIMEOUT after wakeUp").isZero();
        assertThat(capture.isAlive()).as("still capturing after the wake-up").isTrue();
        assertThat(stats.get()).isNotNull();

        src.breakLoop();
        capture.join(10_000);
        assertThat(capture.isAlive()).isFalse();
        assertThat(failure.get()).isNull();
        assertThat(last.get()).isEqualTo(PacketSource.END);
    }

    @Test
    void namesAnUnknownInterface() {
        assertThatThrownBy(() -> LiveSource.open(LiveOptions.defaults("mailtap-nosuch0")))
                .isInstanceOf(CaptureException.class)
                .hasMessageStartingWith("cannot capture on interface 'mailtap-nosuch0': ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void namesAnInvalidFilter() throws Exception {
        try {
            LiveSource.open(LiveOptions.defaults("lo").withBpfFilter("tcp port")).close();
        } catch (CaptureException e) {
            String m = e.getMessage().toLowerCase();
            Assumptions.assumeFalse(m.startsWith("cannot capture"), "no capture rights here: " + e.getMessage());
            assertThat(e.getMessage()).startsWith("invalid BPF filter 'tcp port' for interface 'lo': ");
            return;
        }
        throw new AssertionError("an invalid filter was accepted");
    }

    @Test
    void listsTheLoopbackInterface() throws Exception {
        List<CaptureInterface> all = LiveSource.listInterfaces();

        assertThat(all).anySatisfy(i -> {
            assertThat(i.name()).isEqualTo("lo");
            assertThat(i.loopback()).isTrue();
            assertThat(i.addresses()).contains("127.0.0.1");
        });
    }

    @Test
    void validatesOptions() {
        LiveOptions d = LiveOptions.defaults("eth0");
        assertThat(d.promiscuous()).isTrue();
        assertThat(d.immediateMode()).isFalse();
        assertThat(d.snaplen()).isEqualTo(262_144);
        assertThatThrownBy(() -> d.withSnaplen(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.withReadTimeoutMillis(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.withBufferSizeBytes(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LiveOptions.defaults(" ")).isInstanceOf(IllegalArgumentException.class);
    }
}
