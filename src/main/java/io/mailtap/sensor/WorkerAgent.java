package io.mailtap.sensor;

import io.mailtap.smtp.Anomaly;
import io.mailtap.smtp.SmtpCounter;
import io.mailtap.smtp.SmtpEvent;
import io.mailtap.smtp.SmtpEventListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * One worker: owns a shard of the flows (its own {@link PacketPipeline}) and the consumer side of
 * one {@link FrameRing}. Each {@link #doWork()} takes a batch of frames from the ring and runs
 * decode → flow → smtp; the SMTP events go into the {@link EventChannel}, flushed after every
 * batch. Its packet time goes to the {@link PacketClock}; it knows nothing of the event agent.
 *
 * <p><b>Back-pressure.</b> When the event channel is full the worker waits for room instead of
 * dropping the event: its own ring then fills and the capture thread drops packets there, so the
 * ring stays the sensor's one drop point and every loss shows in
 * {@code mailtap_capture_packets_dropped_total{where="ring"}}. Losing an event silently would
 * instead leave holes in smtp.jsonl that no counter explains. One exception, so a single hostile
 * flow cannot make the rings drop everybody's packets: under pressure the flow making most events
 * has its per-command events shed, counted and announced ({@link FlowShedder}); its transaction
 * lines are still written.
 *
 * <p><b>Packet time on a quiet wire.</b> The pipeline's clock is the packets' timestamps. When the
 * ring has been empty for a heartbeat, the worker moves the clock to
 * {@code lastPacketTime + wallTimeSinceThen - lag}, where {@code lag} (the capture read timeout)
 * allows for packets still sitting in the kernel's buffer, so flows time out and sessions end
 * even when no packet arrives. libpcap's read timeout is not used for this: on an idle interface
 * it never fires. Before its first packet a worker has no clock and does not advance it.
 *
 * <p><b>Idle.</b> An empty ring: a short spin, then the worker parks until the capture thread
 * publishes into its ring ({@link FrameRing#parkConsumer}), at most {@link #MAX_PARK_NANOS} or a
 * heartbeat — not a timed back-off that wakes it every few microseconds, which made the CPU per
 * packet rise at low packet rates.
 */
final class WorkerAgent implements Agent, FrameRing.FrameConsumer, SmtpEventListener {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerAgent.class);
    static final int BATCH = 256;
    private static final int SPINS = 64;
    static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final int id;
    private final FrameRing ring;
    private final int linkType;
    private final PacketPipeline pipeline;
    private final EventChannel channel;
    private final EventChannel.Producer events;
    private final PacketClock clock;
    private final long heartbeatNanos;
    private final long lagMicros;

    private volatile boolean abort;
    private long anchorMicros = PacketClock.NONE;
    private long anchorNanos;
    private long lastAdvanceNanos;
    private final FlowShedder shedder = new FlowShedder();
    private int shedLogs;
    private boolean lossLogged;

    WorkerAgent(int id, FrameRing ring, int linkType, SensorAssembly.Pipelines pipelines, EventChannel channel,
                PacketClock clock, long heartbeatNanos, long lagMicros) {
        this.id = id;
        this.ring = ring;
        this.linkType = linkType;
        this.channel = channel;
        this.events = channel.producer();
        this.clock = clock;
        this.heartbeatNanos = heartbeatNanos;
        this.lagMicros = lagMicros;
        this.pipeline = pipelines.create(this);
    }

    @Override
    public String roleName() { return "mailtap-worker-" + id; }

    @Override
    public int doWork() {
        int n = ring.drain(this, BATCH);
        long now = System.nanoTime();
        if (n > 0) {
            anchorMicros = pipeline.nowMicros();
            anchorNanos = now;
            lastAdvanceNanos = now;
            clock.publish(id, anchorMicros);
            events.flush();
            return n;
        }
        if (abort || ring.isDrained()) return DONE;
        if (anchorMicros != PacketClock.NONE && now - lastAdvanceNanos >= heartbeatNanos) {
            heartbeat(now);
            events.flush();
        }
        return 0;
    }

    private void heartbeat(long now) {
        long elapsedMicros = (now - anchorNanos) / 1000 - lagMicros;
        if (elapsedMicros > 0) {
            pipeline.advanceTime(anchorMicros + elapsedMicros);
            clock.publish(id, pipeline.nowMicros());
        }
        lastAdvanceNanos = now;
    }

    /** Spin briefly (a burst's next frame is usually microseconds away), then park until woken. */
    IdleStrategy idleStrategy() {
        long maxPark = Math.max(TimeUnit.MICROSECONDS.toNanos(100), Math.min(MAX_PARK_NANOS, heartbeatNanos));
        return new IdleStrategy() {
            private int idle;

            @Override
            public void idle(int workCount) {
                if (workCount > 0) {
                    idle = 0;
                } else if (idle++ < SPINS) {
                    Thread.onSpinWait();
                } else {
                    ring.parkConsumer(maxPark);
                }
            }
        };
    }

    /** Flushes every flow and closes this worker's side of the event channel. */
    @Override
    public void onClose() {
        try {
            pipeline.finish();
        } catch (RuntimeException e) {
            LOG.error("worker {}: flushing the flows at shutdown failed", id, e);
        }
        if (pipeline.nowMicros() != Long.MIN_VALUE) clock.publish(id, pipeline.nowMicros());
        events.close();
    }

    @Override
    public void onFrame(byte[] buffer, int offset, int capturedLength, int wireLength, long tsMicros) {
        // Decoded straight out of the arena: the bytes stay valid for the call, and the pipeline
        // copies what it keeps (reassembly buffers), as it did from the reused frame buffer before.
        pipeline.onFrame(linkType, buffer, offset, capturedLength, wireLength, tsMicros); // counts its own failures
    }

    /** An SMTP event from this worker's pipeline: into the event channel (batched; waits for room if need be). */
    @Override
    public void onEvent(SmtpEvent event) {
        FlowShedder.Verdict v = shedder.judge(event, channel.remainingCapacity() - events.pending(), channel.capacity());
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
        events.onEvent(event);
        if (!lossLogged && events.lost() != 0) {
            lossLogged = true;
            LOG.error("worker {}: the event thread is gone; SMTP events are being lost (counted)", id);
        }
    }

    /** Stop after the current batch even if the ring still holds frames (stop() ran out of time). */
    void abort() {
        abort = true;
    }

    int id() { return id; }
    FrameRing ring() { return ring; }
    PacketPipeline pipeline() { return pipeline; }
    /** Times this worker's events had to wait for room in the event channel (back-pressure episodes). */
    long eventsWaited() { return events.waits(); }
    long eventsLost() { return events.lost(); }
}
