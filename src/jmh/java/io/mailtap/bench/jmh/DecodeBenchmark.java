package io.mailtap.bench.jmh;

import io.mailtap.decode.DecodeStats;
import io.mailtap.decode.FrameDecoder;
import io.mailtap.decode.LinkType;
import io.mailtap.decode.PacketView;
import org.openjdk.jmh.annotations.*;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Frame decode (Ethernet, 802.1Q, IPv4, TCP) into the reused view: the per-packet floor. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DecodeBenchmark {
    private final FrameDecoder decoder = new FrameDecoder(new DecodeStats());
    private final PacketView view = new PacketView();
    private byte[][] frames;
    /** The same frames back to back in one array, as a worker's ring arena holds them. */
    private byte[] arena;
    private int[] offsets;
    private int i;

    @Setup
    public void setup() {
        byte[] line = "RCPT TO:<someone@example.net>\r\n".getBytes(StandardCharsets.US_ASCII);
        frames = new byte[][] {
                JmhFrames.ipv4Tcp(0, 0x0a000001, 0xcb007119, 40000, 25, 1000, 2000, 0x18, line),
                JmhFrames.ipv4Tcp(10, 0x0a000002, 0xcb007119, 40001, 25, 1000, 2000, 0x10, new byte[0]),
                JmhFrames.ipv4Tcp(0, 0xcb007119, 0x0a000001, 25, 40000, 2000, 1031, 0x18, new byte[1460]),
        };
        offsets = new int[frames.length];
        int total = 0;
        for (int k = 0; k < frames.length; k++) {
            offsets[k] = total + 13; // unaligned, as frames in an arena are
            total = offsets[k] + frames[k].length;
        }
        arena = new byte[total];
        for (int k = 0; k < frames.length; k++) System.arraycopy(frames[k], 0, arena, offsets[k], frames[k].length);
    }

    @Benchmark
    public boolean decode() {
        byte[] f = frames[i++ % frames.length];
        return decoder.decode(LinkType.ETHERNET, f, f.length, f.length, 1L, view);
    }

    /** A live worker's path since issue 10: decoded straight out of the ring's arena, no copy (-prof gc: 0 B/op). */
    @Benchmark
    public boolean decodeAtOffset() {
        int k = i++ % frames.length;
        int len = frames[k].length;
        return decoder.decode(LinkType.ETHERNET, arena, offsets[k], len, len, 1L, view);
    }
}
