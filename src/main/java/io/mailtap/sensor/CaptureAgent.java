package io.mailtap.sensor;

import io.mailtap.capture.CaptureException;
import io.mailtap.capture.CaptureStats;
import io.mailtap.capture.LiveSource;
import io.mailtap.capture.PacketSource;
import io.mailtap.capture.RawFrame;
import io.mailtap.decode.DecodeStats;
import io.mailtap.decode.FrameDecoder;
import io.mailtap.decode.PacketView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;

/**
 * One capture handle's reader: each {@link #doWork()} reads one packet, picks the worker by a
 * symmetric hash of the 5-tuple and VLAN tags (both directions of a connection go to the same
 * worker; the frame is decoded here just to find the tuple), and copies the frame into that
 * worker's {@link FrameRing}. A full ring drops the packet and counts it — the sensor's
 * <em>one</em> drop point ({@code mailtap_capture_packets_dropped_total{where="ring"}}); this agent
 * never waits on anything but libpcap. It alone calls pcap_stats (not thread-safe) about once a
 * stats interval, into {@code counters}. On an idle wire it sits in {@code pcap_next_ex}; the
 * sensor's stop breaks that with pcap_breakloop, and {@link #waker()} wakes it once a stats
 * interval when it has been stuck in one read, so the pcap counters do not freeze on a quiet wire.
 *
 * <p>One agent per capture handle, each with its own rings and workers (a PACKET_FANOUT group has
 * several handles): nothing here is shared with another capture agent. It closes its handle and
 * its rings when it ends, from its own thread, as libpcap wants, and then tells the runtime
 * ({@code onEnd}) so the other handles of the group end too.
 */
final class CaptureAgent implements Agent {
    private static final Logger LOG = LoggerFactory.getLogger(CaptureAgent.class);
    private static final VarHandle READS;

    static {
        try {
            READS = MethodHandles.lookup().findVarHandle(CaptureAgent.class, "reads", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String name;
    private final int handle;
    private final PacketSource source;
    private final Runnable onEnd;
    private final FrameRing[] rings;
    private final int linkType;
    private final SensorMetrics.CaptureCounters counters;
    private final long statsEveryNanos;
    private final RawFrame frame;
    private final FrameDecoder peek = new FrameDecoder(new DecodeStats()); // only to find the tuple; not counted
    private final PacketView view = new PacketView();
    private long nextStats;
    private int roundRobin;
    private boolean statsBroken;
    private boolean startReported;
    @SuppressWarnings("unused")
    private long reads; // opaque: a progress hint for the watchdog and the waker
    private volatile boolean inRead;
    private volatile String failure;
    private volatile boolean closed;

    /**
     * @param name thread name ({@code mailtap-capture}, or with the handle's number under fanout)
     * @param handle the handle's number in its fanout group (0 without one; the {@code handle} metric label)
     * @param statsEveryNanos pcap_stats interval (and the waker's)
     * @param onEnd run once from this agent's thread after it closed its handle (it may run on any
     *              end: stop, interface gone, read error)
     */
    CaptureAgent(String name, int handle, PacketSource source, FrameRing[] rings, SensorMetrics.CaptureCounters counters,
                 long statsEveryNanos, Runnable onEnd) {
        this.name = name;
        this.handle = handle;
        this.source = source;
        this.onEnd = onEnd;
        this.rings = rings.clone();
        this.linkType = source.linkType();
        this.counters = counters;
        this.statsEveryNanos = statsEveryNanos;
        this.frame = new RawFrame(Math.min(Math.max(source.snaplen(), 64), 1 << 16));
    }

    @Override
    public String roleName() { return name; }

    @Override
    public void onStart() {
        nextStats = System.nanoTime() + statsEveryNanos;
    }

    @Override
    public int doWork() {
        RawFrame f = frame;
        inRead = true;
        int r;
        try {
            r = source.read(f);
        } finally {
            inRead = false;
        }
        long k = (long) READS.getOpaque(this) + 1;
        READS.setOpaque(this, k);
        if (r == PacketSource.PACKET) {
            counters.packetAt(f.tsMicros);
            int n = rings.length;
            int shard;
            if (n == 1) {
                shard = 0;
            } else if (peek.decode(linkType, f.data, f.capturedLength, f.wireLength, f.tsMicros, view)) {
                shard = FlowHash.shard(view, n);
            } else {
                // Not TCP (or not decodable): no flow to keep together; the worker counts the skip.
                shard = roundRobin = roundRobin + 1 == n ? 0 : roundRobin + 1;
            }
            rings[shard].offer(f.data, f.capturedLength, f.wireLength, f.tsMicros);
            if ((k & 63) != 0) return 1;
        } else if (r == PacketSource.END) {
            return DONE;
        }
        long now = System.nanoTime();
        if (!statsBroken && now - nextStats >= 0) {
            nextStats = now + statsEveryNanos;
            statsBroken = !pollStats();
        }
        return 1;
    }

    @Override
    public void onClose() {
        inRead = false;
        closed = true;
        try {
            if (!statsBroken) pollStats();
            CaptureException err = source.error();
            if (err != null) {
                failure = err.getMessage();
                LOG.error("capture stopped: {}", err.getMessage());
            }
        } finally {
            source.close(); // from the capture thread, as libpcap wants
            for (FrameRing ring : rings) ring.close();
            onEnd.run();
        }
    }

    /** Closes the handle and the rings of an agent whose thread never started (a start failure). */
    void closeUnstarted() {
        closed = true;
        source.close();
        for (FrameRing ring : rings) ring.close();
    }

    /** pcap_stats into the volatile counters; capture thread only. False if stats are unavailable. */
    private boolean pollStats() {
        if (!startReported && source.packetsRead() > 0) {
            startReported = true;
            if (source instanceof LiveSource l && l.discardedAtStart() > 0) {
                LOG.info("capture handle {}: {} frames captured before every handle had joined the fanout group were dropped (duplicates)",
                        handle, l.discardedAtStart());
            }
        }
        try {
            CaptureStats s = source.stats();
            counters.received = s.received();
            counters.droppedByKernel = s.droppedByKernel();
            counters.droppedByInterface = s.droppedByInterface();
            return true;
        } catch (CaptureException | RuntimeException e) {
            LOG.warn("capture statistics unavailable; kernel/interface drop counters stay at their last value: {}", e.getMessage());
            return false;
        }
    }

    /** Reads so far (a progress hint). */
    long reads() { return (long) READS.getOpaque(this); }

    /** In pcap_next_ex now: blocked on a quiet wire counts as progress. */
    boolean inRead() { return inRead; }

    /** Why the capture ended by itself (interface gone, read error), or null. */
    String failure() { return failure; }

    /** Breaks a blocked read: the agent sees END and ends (pcap_breakloop; any thread). */
    void breakLoop() { source.breakLoop(); }

    /**
     * On an idle wire pcap_next_ex never returns (libpcap 1.10, TPACKET_V3), so pcap_stats, which
     * only the capture thread may call, would freeze at the last busy moment. Every stats interval,
     * if the capture agent is still in the same read, this agent wakes it: the read returns TIMEOUT
     * and the capture agent polls the counters. A busy wire is never woken.
     */
    Agent waker() {
        return new Agent() {
            private long last = -1;

            @Override
            public String roleName() { return name + "-wakeup"; }

            @Override
            public int doWork() {
                if (closed) return DONE;
                long loops = reads();
                if (loops == last && inRead) source.wakeUp();
                last = loops;
                return 0;
            }
        };
    }

    static long statsEveryNanos(long heartbeatNanos) {
        return Math.max(TimeUnit.MILLISECONDS.toNanos(100), heartbeatNanos);
    }
}
