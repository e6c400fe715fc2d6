package io.mailtap.bench;

import java.util.function.LongSupplier;

/**
 * One scripted TCP conversation as {@link FrameBuilder} frames: handshake, payload in either
 * direction with consistent sequence and acknowledgement numbers, bytes lost to the capture, and a
 * FIN exchange. Each frame goes to a {@link Sink} as soon as it is built (the builder's buffer is
 * reused), stamped by a clock the caller owns, so several conversations can share one timeline.
 */
public final class TcpScript {
    /** Receives each frame: {@code fb.frame[0, length)}, its IP packet at {@code fb.ipOffset}. */
    @FunctionalInterface
    public interface Sink {
        void frame(long tsMicros, FrameBuilder fb, int length);
    }

    private final Endpoints e;
    private final FrameBuilder fb;
    private final LongSupplier clock;
    private final Sink out;
    private int cSeq = 1000, sSeq = 5000;

    /** {@code clock} gives each frame's packet time (it advances the timeline, e.g. {@code () -> now += 1000}). */
    public TcpScript(Endpoints e, FrameBuilder fb, LongSupplier clock, Sink out) {
        this.e = e;
        this.fb = fb;
        this.clock = clock;
        this.out = out;
    }

    public TcpScript handshake() {
        return syn().synAck().ack();
    }

    public TcpScript syn() {
        frame(true, FrameBuilder.SYN, EMPTY);
        cSeq++;
        return this;
    }

    public TcpScript synAck() {
        frame(false, FrameBuilder.SYN | FrameBuilder.ACK, EMPTY);
        sSeq++;
        return this;
    }

    /** The client's bare ACK (the last step of the handshake). */
    public TcpScript ack() {
        frame(true, FrameBuilder.ACK, EMPTY);
        return this;
    }

    /** One client segment carrying {@code data} (PSH+ACK). */
    public TcpScript client(byte[] data) {
        frame(true, FrameBuilder.ACK | FrameBuilder.PSH, data);
        cSeq += data.length;
        return this;
    }

    /** One server segment carrying {@code data} (PSH+ACK). */
    public TcpScript server(byte[] data) {
        frame(false, FrameBuilder.ACK | FrameBuilder.PSH, data);
        sSeq += data.length;
        return this;
    }

    /** Client bytes that crossed the wire but were not captured: the next server ACK reveals the gap. */
    public TcpScript clientLost(int n) {
        cSeq += n;
        return this;
    }

    /** Client FIN, server FIN, client ACK. */
    public TcpScript close() {
        frame(true, FrameBuilder.FIN | FrameBuilder.ACK, EMPTY);
        cSeq++;
        frame(false, FrameBuilder.FIN | FrameBuilder.ACK, EMPTY);
        sSeq++;
        frame(true, FrameBuilder.ACK, EMPTY);
        return this;
    }

    private static final byte[] EMPTY = new byte[0];

    private void frame(boolean fromClient, int flags, byte[] data) {
        long ts = clock.getAsLong();
        int len = fromClient
                ? fb.tcp(e, true, cSeq, sSeq, flags, 0, data, 0, data.length)
                : fb.tcp(e, false, sSeq, cSeq, flags, 0, data, 0, data.length);
        out.frame(ts, fb, len);
    }
}
