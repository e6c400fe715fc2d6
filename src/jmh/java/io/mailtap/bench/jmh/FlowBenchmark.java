package io.mailtap.bench.jmh;

import io.mailtap.decode.DecodeStats;
import io.mailtap.decode.FrameDecoder;
import io.mailtap.decode.LinkType;
import io.mailtap.decode.PacketView;
import io.mailtap.flow.EndReason;
import io.mailtap.flow.Flow;
import io.mailtap.flow.FlowListener;
import io.mailtap.flow.FlowSettings;
import io.mailtap.flow.FlowStats;
import io.mailtap.flow.FlowTable;
import org.openjdk.jmh.annotations.*;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * Flow lookup and in-order reassembly: {@code flows} established connections, then a data
 * segment on a pseudo-random one per operation (the lookup misses the CPU cache as on a busy link).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xmx2g"})
public class FlowBenchmark {
    @Param({"1000", "100000"})
    public int flows;

    private FlowTable table;
    private final PacketView view = new PacketView();
    private final FrameDecoder decoder = new FrameDecoder(new DecodeStats());
    private byte[] frame;
    private int[] seqs;
    private int next;
    private long ts = 1_700_000_000_000_000L;

    /** Swallows what the flow layer delivers, as cheaply as a listener can. */
    static final class Sink implements FlowListener {
        Blackhole bh;
        @Override public void onFlowStart(Flow f, long t) { }
        @Override public void onEstablished(Flow f, long t) { }
        @Override public void onData(Flow f, boolean c, byte[] d, int o, int l, long t) { if (bh != null) bh.consume(l); }
        @Override public void onGap(Flow f, boolean c, long b, long t) { }
        @Override public void onFlowEnd(Flow f, EndReason r, long t) { }
    }

    private final Sink sink = new Sink();

    @Setup
    public void setup() {
        table = new FlowTable(FlowSettings.defaults(), sink, new FlowStats());
        seqs = new int[flows];
        for (int f = 0; f < flows; f++) {
            feed(JmhFrames.ipv4Tcp(0, 0x0a000000 + f, 0xcb007119, 1024 + (f & 0x7fff), 25, 1000, 0, 0x02, new byte[0]));
            feed(JmhFrames.ipv4Tcp(0, 0xcb007119, 0x0a000000 + f, 25, 1024 + (f & 0x7fff), 5000, 1001, 0x12, new byte[0]));
            feed(JmhFrames.ipv4Tcp(0, 0x0a000000 + f, 0xcb007119, 1024 + (f & 0x7fff), 25, 1001, 5001, 0x10, new byte[0]));
            seqs[f] = 1001;
        }
        frame = JmhFrames.ipv4Tcp(0, 0, 0xcb007119, 0, 25, 0, 5001, 0x18, new byte[64]);
    }

    private void feed(byte[] f) {
        ts += 10;
        if (decoder.decode(LinkType.ETHERNET, f, f.length, f.length, ts, view)) table.onPacket(view);
    }

    @Benchmark
    public void inOrderSegment(Blackhole bh) {
        sink.bh = bh;
        int f = (int) ((next++ * 2654435761L) % flows);
        // rewrite the template frame in place: source address, source port, sequence number
        int a = 0x0a000000 + f;
        frame[26] = (byte) (a >>> 24); frame[27] = (byte) (a >>> 16); frame[28] = (byte) (a >>> 8); frame[29] = (byte) a;
        int port = 1024 + (f & 0x7fff);
        frame[34] = (byte) (port >>> 8); frame[35] = (byte) port;
        int seq = seqs[f];
        frame[38] = (byte) (seq >>> 24); frame[39] = (byte) (seq >>> 16); frame[40] = (byte) (seq >>> 8); frame[41] = (byte) seq;
        seqs[f] = seq + 64;
        ts += 1;
        if (decoder.decode(LinkType.ETHERNET, frame, frame.length, frame.length, ts, view)) table.onPacket(view);
    }
}
