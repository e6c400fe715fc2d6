package io.mailtap.sensor;

import io.mailtap.txlog.OutputHealth;
import io.mailtap.metrics.MetricsSource;
import io.mailtap.metrics.SensorTotals;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.IntToLongFunction;
import java.util.function.LongSupplier;

/**
 * The sensor's {@link MetricsSource}: at scrape time it sums the workers' decode/flow/SMTP stats
 * (with their {@code addTo} methods), adds the capture counters, the ring drops, the detection
 * generations' counters and the sensor's own gauges. The live sensor fills in every hook; a test
 * (or a replay) can use it over plain pipelines and a {@link DetectionSlot}.
 */
final class SensorMetrics implements MetricsSource {
    /** libpcap's counters as last polled by the capture thread (volatile: written there, read here). */
    static final class CaptureCounters {
        private static final VarHandle LAST_PACKET;

        static {
            try {
                LAST_PACKET = MethodHandles.lookup().findVarHandle(CaptureCounters.class, "lastPacketMicros", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        volatile long received;
        volatile long droppedByKernel;
        volatile long droppedByInterface;
        @SuppressWarnings("unused") // through LAST_PACKET
        private long lastPacketMicros = Long.MIN_VALUE;

        /** Capture thread, per packet: an opaque store (no fence), so the hot path stays cheap. */
        void packetAt(long tsMicros) { LAST_PACKET.setOpaque(this, tsMicros); }

        long lastPacketMicros() { return (long) LAST_PACKET.getOpaque(this); }
    }

    private final List<PacketPipeline> pipelines;
    private final DetectionSlot detection;
    /** One per capture handle (capture.threads); the totals are their sums. */
    CaptureCounters[] capture = {new CaptureCounters()};
    LongSupplier ringDrops = () -> 0;
    /** Ring drops of one capture handle's workers. */
    IntToLongFunction handleRingDrops = h -> 0;
    IntSupplier eventQueueDepth = () -> 0;
    LongSupplier eventWaits = () -> 0;
    LongSupplier eventsLost = () -> 0;
    LongSupplier agentErrors = () -> 0;
    LongSupplier reloadsSuccess = () -> 0;
    LongSupplier reloadsFailure = () -> 0;
    BooleanSupplier lastReloadSuccessful = () -> true;
    LongSupplier packetTimeMicros;
    BooleanSupplier healthy = () -> true;
    OutputHealth outputs;
    io.mailtap.txlog.Forwarding forwarding;

    SensorMetrics(List<PacketPipeline> pipelines, DetectionSlot detection) {
        this.pipelines = List.copyOf(pipelines);
        this.detection = detection;
        this.packetTimeMicros = () -> {
            long min = Long.MAX_VALUE;
            for (PacketPipeline p : this.pipelines) {
                long t = p.nowMicros();
                if (t != Long.MIN_VALUE && t < min) min = t;
            }
            return min == Long.MAX_VALUE ? Long.MIN_VALUE : min;
        };
    }

    @Override
    public void collect(SensorTotals t) {
        CaptureCounters[] handles = capture;
        int n = handles.length;
        t.handleReceived = new long[n];
        t.handleDroppedKernel = new long[n];
        t.handleDroppedInterface = new long[n];
        t.handleDroppedRing = new long[n];
        for (int h = 0; h < n; h++) {
            CaptureCounters c = handles[h];
            t.handleReceived[h] = c.received;
            t.handleDroppedKernel[h] = c.droppedByKernel;
            t.handleDroppedInterface[h] = c.droppedByInterface;
            t.handleDroppedRing[h] = handleRingDrops.applyAsLong(h);
            t.captureReceived += t.handleReceived[h];
            t.captureDroppedKernel += t.handleDroppedKernel[h];
            t.captureDroppedInterface += t.handleDroppedInterface[h];
            t.lastPacketMicros = Math.max(t.lastPacketMicros, c.lastPacketMicros());
        }
        t.captureDroppedRing = ringDrops.getAsLong();
        for (PacketPipeline p : pipelines) {
            p.decodeStats().addTo(t.decode);
            p.flowStats().addTo(t.flow);
            p.smtpStats().addTo(t.smtp);
        }
        if (detection != null) detection.collect(t);
        t.eventQueueDepth = eventQueueDepth.getAsInt();
        t.eventWaits = eventWaits.getAsLong();
        t.eventsLost = eventsLost.getAsLong();
        t.agentErrors = agentErrors.getAsLong();
        t.reloadsSuccess = reloadsSuccess.getAsLong();
        t.reloadsFailure = reloadsFailure.getAsLong();
        t.lastReloadSuccessful = lastReloadSuccessful.getAsBoolean();
        t.packetTimeMicros = packetTimeMicros.getAsLong();
        if (outputs != null) t.addOutputs(outputs);
        if (forwarding != null) t.addForwarding(forwarding);
    }

    @Override
    public List<String> notReady() {
        return outputs == null ? List.of() : outputs.failing();
    }

    @Override
    public boolean healthy() {
        return healthy.getAsBoolean();
    }
}
