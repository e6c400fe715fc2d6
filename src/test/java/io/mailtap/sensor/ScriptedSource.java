package io.mailtap.sensor;

import io.mailtap.capture.CaptureException;
import io.mailtap.capture.CaptureStats;
import io.mailtap.capture.PacketSource;
import io.mailtap.capture.RawFrame;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A packet source for sensor tests that need no capture rights: delivers the frames it is given
 * (up front or later with {@link #add}), then behaves like an idle live interface — the read
 * blocks until {@link #breakLoop()} — or, with {@code endWhenEmpty}, like a file that ended.
 */
final class ScriptedSource implements PacketSource {
    record Frame(byte[] data, long tsMicros) {}

    private final int linkType;
    private final boolean endWhenEmpty;
    private final LinkedBlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    private final CountDownLatch broken = new CountDownLatch(1);
    private volatile CaptureException failAfterFrames;
    private volatile long packets;
    private volatile boolean closed;
    private volatile Thread closedBy;

    ScriptedSource(int linkType, boolean endWhenEmpty, List<Frame> initial) {
        this.linkType = linkType;
        this.endWhenEmpty = endWhenEmpty;
        frames.addAll(new ArrayList<>(initial));
    }

    void add(byte[] frame, long tsMicros) { frames.add(new Frame(frame, tsMicros)); }

    /** Once the frames given so far are delivered, end with this error (a read failure). */
    void failWhenEmpty(CaptureException e) { failAfterFrames = e; }

    @Override public int linkType() { return linkType; }
    @Override public int snaplen() { return 65_535; }
    @Override public String name() { return "scripted"; }

    @Override
    public int read(RawFrame f) {
        while (broken.getCount() > 0) {
            Frame fr = frames.poll();
            if (fr == null) {
                if (failAfterFrames != null || endWhenEmpty) return END;
                try {
                    fr = frames.poll(20, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    return END;
                }
                if (fr == null) continue;
            }
            f.ensureCapacity(fr.data().length);
            System.arraycopy(fr.data(), 0, f.data, 0, fr.data().length);
            f.capturedLength = fr.data().length;
            f.wireLength = fr.data().length;
            f.tsMicros = fr.tsMicros();
            packets++;
            return PACKET;
        }
        return END;
    }

    @Override public CaptureException error() { return failAfterFrames; }
    @Override public long packetsRead() { return packets; }
    @Override public void breakLoop() { broken.countDown(); }
    @Override public CaptureStats stats() { return new CaptureStats(packets, 0, 0); }

    @Override
    public void close() {
        closed = true;
        closedBy = Thread.currentThread();
        broken.countDown();
    }

    boolean closed() { return closed; }
    Thread closedBy() { return closedBy; }
}
