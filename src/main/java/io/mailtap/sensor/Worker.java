package io.mailtap.sensor;

import io.mailtap.flow.FlowSettings;
import io.mailtap.smtp.Anomaly;
import io.mailtap.smtp.SmtpCounter;
import io.mailtap.smtp.SmtpEvent;
import io.mailtap.smtp.SmtpEventListener;
import io.mailtap.smtp.SmtpSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One worker thread: owns a shard of the flows (its own {@link PacketPipeline}) and the consumer
 * side of one {@link FrameRing}. It takes frames from the ring in batches and runs
 * decode → flow → smtp; the SMTP events go to the event thread's bounded queue.
 *
 * <p><b>Back-pressure.</b> When the event queue is full the worker waits for room (in 10 ms steps,
 * as long as the event thread lives) instead of dropping the event: its own ring then fills and
 * the capture thread drops packets there, so the ring stays the sensor's one drop point and every
 * loss shows in {@code mailtap_capture_packets_dropped_total{where="ring"}}. Losing an event
 * silently would instead leave holes in smtp.jsonl that no counter explains. One exception, so a
 * single hostile flow cannot make the rings drop everybody's packets: under queue pressure the
 * flow making most events has its per-command events shed, counted and announced
 * ({@link FlowShedder}); its transaction lines are still written.
 *
 * <p><b>Packet time on a quiet wire.</b> The pipeline's clock is the packets' timestamps. When the
 * ring has been empty for a heartbeat, the worker moves the clock to
 * {@code lastPacketTime + wallTimeSinceThen - lag}, where {@code lag} (the capture read timeout)
 * allows for packets still sitting in the kernel's buffer, so flows time out and sessions end
 * even when no packet arrives. libpcap's read timeout is not used for this: on an idle interface
 * it never fires. Before its first packet a worker has no clock and does not advance it.
 */
final class Worker implements Runnable, FrameRing.FrameConsumer, SmtpEventListener {
    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
    static final int BATCH = 256;
    private static final int SPINS = 64;
    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final VarHandle LOOPS;

    static {
        try {
            LOOPS = MethodHandles.lookup().findVarHandle(Worker.class, "loops", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int id;
    private final FrameRing ring;
    private final int linkType;
    private final PacketPipeline pipeline;
    private final BlockingQueue<SmtpEvent> events;
    private final EventLoop eventLoop;
    private final long heartbeatNanos;
    private final long lagMicros;

    private byte[] frame = new byte[2048];
    /** The pipeline's packet time, published for the event thread and metrics. */
    private volatile long packetTimeMicros = Long.MIN_VALUE;
    private volatile boolean done;
    private volatile boolean abort;
    /** Loop iterations, for the health check (opaque: a progress hint, not a synchronisation). */
    @SuppressWarnings("unused")
    private long loops;

    private long anchorMicros = Long.MIN_VALUE;
    private long anchorNanos;
    private long lastAdvanceNanos;
    private long eventsWaited;
    private long eventsLost;
    private final FlowShedder shedder = new FlowShedder();
    private final int eventCapacity;
    private int shedLogs;

    Worker(int id, FrameRing ring, int linkType, FlowSettings flowSettings, SmtpSettings smtpSettings,
           BlockingQueue<SmtpEvent> events, EventLoop eventLoop, long heartbeatNanos, long lagMicros) {
        this.id = id;
        this.ring = ring;
        this.linkType = linkType;
        this.events = events;
        this.eventCapacity = events.size() + events.remainingCapacity();
        this.eventLoop = eventLoop;
        this.heartbeatNanos = heartbeatNanos;
        this.lagMicros = lagMicros;
        this.pipeline = new PacketPipeline(flowSettings, smtpSettings, this);
    }

    @Override
    public void run() {
        int idle = 0;
        try {
            while (true) {
                int n = ring.drain(this, BATCH);
                LOOPS.setOpaque(this, (long) LOOPS.getOpaque(this) + 1);
                long now = System.nanoTime();
                if (n > 0) {
                    idle = 0;
                    anchorMicros = pipeline.nowMicros();
                    anchorNanos = now;
                    lastAdvanceNanos = now;
                    packetTimeMicros = anchorMicros;
                    continue;
                }
                if (abort || ring.isDrained()) break;
                if (anchorMicros != Long.MIN_VALUE && now - lastAdvanceNanos >= heartbeatNanos) heartbeat(now);
                idle = backOff(idle);
            }
        } finally {
            try {
                pipeline.finish();
            } catch (RuntimeException e) {
                LOG.error("worker {}: flushing the flows at shutdown failed", id, e);
            }
            if (pipeline.nowMicros() != Long.MIN_VALUE) packetTimeMicros = pipeline.nowMicros();
            done = true;
        }
    }

    private void heartbeat(long now) {
        long elapsedMicros = (now - anchorNanos) / 1000 - lagMicros;
        if (elapsedMicros > 0) {
            pipeline.advanceTime(anchorMicros + elapsedMicros);
            packetTimeMicros = pipeline.nowMicros();
        }
        lastAdvanceNanos = now;
    }

    /** Spin briefly, then park for growing intervals up to 1 ms: idle workers cost no CPU. */
    private static int backOff(int idle) {
        if (idle < SPINS) {
            Thread.onSpinWait();
        } else {
            LockSupport.parkNanos(Math.min(MAX_PARK_NANOS, 1000L << Math.min(10, idle - SPINS)));
        }
        return idle + 1;
    }

    @Override
    public void onFrame(byte[] buffer, int offset, int capturedLength, int wireLength, long tsMicros) {
        // The decoder reads frames from index 0, so the frame is copied out of the arena.
        if (capturedLength > frame.length) frame = new byte[Math.max(capturedLength, 2 * frame.length)];
        System.arraycopy(buffer, offset, frame, 0, capturedLength);
        pipeline.onFrame(linkType, frame, capturedLength, wireLength, tsMicros); // counts its own failures
    }

    /** An SMTP event from this worker's pipeline: to the event thread, waiting for room if need be. */
    @Override
    public void onEvent(SmtpEvent event) {
        FlowShedder.Verdict v = shedder.judge(event, events.remainingCapacity(), eventCapacity);
        if (v != FlowShedder.Verdict.QUEUE) {
            pipeline.smtpStats().inc(SmtpCounter.EVENTS_SHED);
            if (v == FlowShedder.Verdict.SHED_FIRST) announceShed(event);
            return;
        }
        queue(event);
    }

    /** The first event shed from a connection in a pressure episode: logged (capped) and said in its anomaly. */
    private void announceShed(SmtpEvent event) {
        if (shedLogs < 10) {
            shedLogs++;
            LOG.warn("worker {}: connection {} overloads the event queue; its per-command events are shed (counted) "
                    + "so other flows keep their packets", id, event.conn().uid());
        }
        pipeline.smtpStats().anomaly(Anomaly.FLOW_SHED);
        queue(new SmtpEvent.Anomaly(event.conn(), event.tsMicros(), Anomaly.FLOW_SHED,
                "per-command events shed: the connection made most events while the event queue was nearly full"));
    }

    private void queue(SmtpEvent event) {
        if (events.offer(event)) return;
        eventsWaited++;
        try {
            while (!events.offer(event, 10, TimeUnit.MILLISECONDS)) {
                if (!eventLoop.isAlive()) {
                    if (eventsLost++ == 0) LOG.error("worker {}: the event thread is gone; SMTP events are being lost", id);
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            eventsLost++;
        }
    }

    /** Stop after the current batch even if the ring still holds frames (stop() ran out of time). */
    void abort() { abort = true; }

    int id() { return id; }
    FrameRing ring() { return ring; }
    PacketPipeline pipeline() { return pipeline; }
    boolean done() { return done; }
    long packetTimeMicros() { return packetTimeMicros; }
    long loops() { return (long) LOOPS.getOpaque(this); }
    /** Times an event had to wait for room in the event queue (back-pressure episodes). */
    long eventsWaited() { return eventsWaited; }
    long eventsLost() { return eventsLost; }
}
