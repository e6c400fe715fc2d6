package io.mailtap.flow;

import static io.mailtap.flow.Session.SEC;
import static io.mailtap.flow.Session.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mailtap.decode.PacketView;
import java.lang.management.ManagementFactory;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Whatever arrives, the table keeps the listener contract, its counters and its memory bounded. */
class FlowTableRobustnessTest {
    private static final String[] HOSTS = {"10.0.0.1", "10.0.0.2", "192.0.2.25", "2001:db8::1"};
    private static final int[] PORTS = {25, 587, 40000, 40001, 80};

    @Test
    void arbitraryPacketsNeverThrowAndEveryFlowEndsExactlyOnce() {
        for (int seed = 0; seed < 25; seed++) {
            Random rnd = new Random(seed);
            FlowSettings settings = new FlowSettings(FlowSettings.DEFAULT_SMTP_PORTS, rnd.nextBoolean(),
                    1 + rnd.nextInt(6), rnd.nextInt(3000), rnd.nextInt(6000),
                    (1 + rnd.nextInt(3)) * SEC, (2 + rnd.nextInt(8)) * SEC, rnd.nextInt(3) * SEC);
            Recorder rec = new Recorder();
            FlowStats stats = new FlowStats();
            FlowTable table = new FlowTable(settings, rec, stats);
            // A few conversations, so flows live long enough for reassembly to be exercised, and
            // now and then a packet between arbitrary endpoints.
            int conversations = 1 + rnd.nextInt(4);
            String[][] hosts = new String[conversations][2];
            int[][] ports = new int[conversations][2];
            int[][] bases = new int[conversations][2];
            for (int c = 0; c < conversations; c++) {
                for (int d = 0; d < 2; d++) {
                    hosts[c][d] = HOSTS[rnd.nextInt(HOSTS.length)];
                    ports[c][d] = PORTS[rnd.nextInt(PORTS.length)];
                    bases[c][d] = rnd.nextInt(3) == 0 ? -rnd.nextInt(2000) : rnd.nextInt();
                }
            }
            long ts = T0;
            for (int i = 0; i < 6000; i++) {
                int c = rnd.nextInt(conversations), d = rnd.nextInt(2);
                boolean stray = rnd.nextInt(20) == 0;
                Pkt p = Pkt.at(ts)
                        .from(stray ? HOSTS[rnd.nextInt(HOSTS.length)] : hosts[c][d],
                              stray ? PORTS[rnd.nextInt(PORTS.length)] : ports[c][d])
                        .to(stray ? HOSTS[rnd.nextInt(HOSTS.length)] : hosts[c][1 - d],
                            stray ? PORTS[rnd.nextInt(PORTS.length)] : ports[c][1 - d])
                        .seq(rnd.nextInt(50) == 0 ? rnd.nextInt() : bases[c][d] + rnd.nextInt(3000) - 200)
                        .flags(flags(rnd));
                if (rnd.nextInt(4) != 0) {
                    p.ack(rnd.nextInt(50) == 0 ? rnd.nextInt() : bases[c][1 - d] + rnd.nextInt(3000) - 200);
                }
                byte[] payload = new byte[rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(120)];
                for (int k = 0; k < payload.length; k++) payload[k] = (byte) ('a' + rnd.nextInt(4));
                p.data(payload);
                if (rnd.nextInt(10) == 0) p.captured(rnd.nextInt(payload.length + 1));
                if (rnd.nextInt(20) == 0) p.vlan(rnd.nextInt(4096), rnd.nextInt(2));
                PacketView v = p.view();
                corrupt(rnd, v);
                table.onPacket(v);

                int step = rnd.nextInt(200);
                ts += step == 0 ? rnd.nextInt(12) * SEC : step == 1 ? -rnd.nextInt(5000) : rnd.nextInt(3000);
                if (rnd.nextInt(50) == 0) table.advanceTime(ts);
                assertThat(table.activeFlows()).isLessThanOrEqualTo(settings.maxFlows());
                assertThat(stats.get(FlowCounter.BUFFERED_BYTES_NOW)).isLessThanOrEqualTo(settings.maxBufferedBytesTotal());
            }
            table.flushAll(ts);

            assertThat(table.activeFlows()).isZero();
            assertThat(stats.active()).isZero();
            assertThat(stats.get(FlowCounter.BUFFERED_BYTES_NOW)).isZero();
            assertThat(stats.get(FlowCounter.FLOWS_CREATED)).isEqualTo(rec.flows.size());
            assertThat(stats.endedTotal()).isEqualTo(rec.flows.size());
            assertThat(stats.get(FlowCounter.ESTABLISHED)).isLessThanOrEqualTo(stats.get(FlowCounter.FLOWS_CREATED));
            for (Recorder.Record r : rec.flows) {
                assertThat(r.end).isNotNull();
                assertThat(r.flow.ended()).isTrue();
                assertThat(r.flow.clientPayloadBytes()).isEqualTo(r.client.data.size());
                assertThat(r.flow.serverPayloadBytes()).isEqualTo(r.server.data.size());
                assertThat(r.flow.clientGapBytes()).isEqualTo(r.client.gapBytes);
                assertThat(r.flow.serverGapBytes()).isEqualTo(r.server.gapBytes);
            }
            assertThat(stats.get(FlowCounter.BYTES_DELIVERED))
                    .isEqualTo(rec.flows.stream().mapToLong(r -> r.client.data.size() + r.server.data.size()).sum());
        }
    }

    private static int flags(Random rnd) {
        switch (rnd.nextInt(40)) {
            case 0: case 1: return PacketView.SYN;
            case 2: case 3: return PacketView.SYN | PacketView.ACK;
            case 4: return PacketView.FIN | PacketView.ACK;
            case 5: return PacketView.RST | (rnd.nextBoolean() ? PacketView.ACK : 0);
            case 6: return rnd.nextInt(256);
            default: return PacketView.ACK | PacketView.PSH;
        }
    }

    /** What a buggy decoder or a hostile frame could leave in the view. */
    private static void corrupt(Random rnd, PacketView v) {
        switch (rnd.nextInt(40)) {
            case 0: v.segmentLength = -rnd.nextInt(100); break;
            case 1: v.segmentLength = Integer.MAX_VALUE - rnd.nextInt(3); break;
            case 2: v.payloadLength = v.frame.length + rnd.nextInt(100); break;
            case 3: v.payloadOffset = rnd.nextInt(); break;
            case 4: v.payloadLength = -1; break;
            case 5: v.frame = null; break;
            case 6: v.srcPort = rnd.nextInt(); break;
            case 7: v.ipVersion = rnd.nextInt(10); break;
            case 8: v.segmentLength = v.payloadLength - 1; break;
            default: break;
        }
    }

    @Test
    void inOrderPathAllocatesNothing() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled());

        long[] bytes = new long[1];
        FlowListener counting = new FlowListener() {
            @Override public void onFlowStart(Flow flow, long tsMicros) {}
            @Override public void onEstablished(Flow flow, long tsMicros) {}
            @Override public void onData(Flow flow, boolean fromClient, byte[] data, int offset, int length, long tsMicros) { bytes[0] += length; }
            @Override public void onGap(Flow flow, boolean fromClient, long n, long tsMicros) {}
            @Override public void onFlowEnd(Flow flow, EndReason reason, long tsMicros) {}
        };
        FlowTable table = new FlowTable(FlowSettings.defaults(), counting, new FlowStats());
        Session s = new Session(table);
        s.handshake();
        // One reused view, as the decoder hands it over: client data then the server's ACK.
        PacketView data = s.c().seq(s.cNext).ack(s.sNext).data(new byte[512]).view();
        PacketView ack = s.s().seq(s.sNext).ack(s.cNext).view();
        long id = Thread.currentThread().getId();
        run(table, data, ack, 20_000); // warm up
        long before = mx.getThreadAllocatedBytes(id);
        run(table, data, ack, 100_000);
        long allocated = mx.getThreadAllocatedBytes(id) - before;
        assertThat(bytes[0]).isEqualTo(120_000L * 512);
        assertThat(allocated).as("bytes allocated for 200,000 packets").isLessThan(4096);
    }

    private static void run(FlowTable table, PacketView data, PacketView ack, int rounds) {
        for (int i = 0; i < rounds; i++) {
            data.tsMicros += 10;
            ack.tsMicros = data.tsMicros;
            table.onPacket(data);
            data.seq += 512;
            ack.ack = data.seq;
            table.onPacket(ack);
        }
    }
}
