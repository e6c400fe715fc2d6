package io.mailtap.metrics;

import io.mailtap.alert.SinkStats;
import io.mailtap.decode.DecodeStats;
import io.mailtap.detect.DetectCounter;
import io.mailtap.detect.RuleId;
import io.mailtap.detect.Severity;
import io.mailtap.flow.FlowStats;
import io.mailtap.txlog.Output;
import io.mailtap.txlog.OutputHealth;
import io.mailtap.txlog.OutputStats;
import io.mailtap.smtp.SmtpStats;

import java.util.Map;
import java.util.TreeMap;

/**
 * One scrape's worth of counters: a {@link MetricsSource} adds its stages' stats into a fresh
 * instance, the meters of {@link MailtapMetrics} read from it. Per-rule, per-reason and
 * per-mechanism values are arrays indexed by the fixed enums, so every label set is bounded.
 * Not thread-safe: filled on the scrape thread, then only read.
 */
public final class SensorTotals {
    static final int RULES = RuleId.values().length;
    static final int SEVERITIES = Severity.values().length;

    // ---- capture (libpcap's counters, and our own hand-off drop point)
    /** Packets libpcap reports as received (pcap_stats ps_recv). */
    public long captureReceived;
    public long captureDroppedKernel;
    public long captureDroppedInterface;
    /** Packets dropped because a worker's ring was full (the sensor's one drop point). */
    public long captureDroppedRing;
    /** Capture timestamp (µs since the epoch) of the last packet read; {@link Long#MIN_VALUE} before the first. */
    public long lastPacketMicros = Long.MIN_VALUE;
    /**
     * The same counters per capture handle (capture.threads; index = handle): libpcap's per handle,
     * ring drops of the handle's workers. The fields above are their sums.
     */
    public long[] handleReceived = new long[0];
    public long[] handleDroppedKernel = new long[0];
    public long[] handleDroppedInterface = new long[0];
    public long[] handleDroppedRing = new long[0];

    // ---- stages (summed over the workers)
    public final DecodeStats decode = new DecodeStats();
    public final FlowStats flow = new FlowStats();
    public final SmtpStats smtp = new SmtpStats();

    // ---- detection and alerts (summed over the detection stages a reload replaced, too)
    /** Alerts opened, by rule and by the severity the rule had when they opened. */
    public final long[][] alertsRaised = new long[RULES][SEVERITIES];
    /** Each rule's configured severity now (null: unknown); its raised series is shown even at 0. */
    public final Severity[] ruleSeverity = new Severity[RULES];
    /** Notifications with status firing (opened + re-notified), per rule. */
    public final long[] alertsFiring = new long[RULES];
    public final long[] alertsResolved = new long[RULES];
    public final long[] alertsSuppressed = new long[RULES];
    /** Alerts open now, per rule. */
    public final long[] alertsActive = new long[RULES];
    /** The detection counters by {@link DetectCounter} ordinal: engine-wide ones in {@code detect}, per-rule ones in {@code detectRule[rule]}. */
    public final long[] detect = new long[DetectCounter.values().length];
    public final long[][] detectRule = new long[RULES][DetectCounter.values().length];
    /** Per sink name ({@code MonitoredSink.name()}), sorted. */
    public final Map<String, SinkTotals> sinks = new TreeMap<>();

    // ---- output files, indexed by Output.ordinal()
    public final long[] outputWritten = new long[Output.values().length];
    public final long[] outputLost = new long[Output.values().length];
    public final long[] outputWriteErrors = new long[Output.values().length];
    public final boolean[] outputFailing = new boolean[Output.values().length];
    public final long[] outputReopens = new long[Output.values().length];
    public final long[] outputReopenErrors = new long[Output.values().length];

    /** Adds the counters of every output of {@code h}. */
    public void addOutputs(OutputHealth h) {
        for (Output o : Output.values()) {
            OutputStats s = h.of(o);
            int i = o.ordinal();
            outputWritten[i] += s.written.get();
            outputLost[i] += s.lost.get();
            outputWriteErrors[i] += s.writeErrors.get();
            outputFailing[i] |= s.failing() != null;
            outputReopens[i] += s.reopens.get();
            outputReopenErrors[i] += s.reopenErrors.get();
        }
    }

    // ---- forwarding sinks, indexed by ForwardTarget.ordinal()
    public final long[] forwardSent = new long[io.mailtap.txlog.ForwardTarget.values().length];
    public final long[] forwardDroppedQueueFull = new long[io.mailtap.txlog.ForwardTarget.values().length];
    public final long[] forwardDroppedSendFailed = new long[io.mailtap.txlog.ForwardTarget.values().length];
    public final long[] forwardQueueDepth = new long[io.mailtap.txlog.ForwardTarget.values().length];

    /** Adds the counters of every forwarding sink of {@code f}. */
    public void addForwarding(io.mailtap.txlog.Forwarding f) {
        for (io.mailtap.txlog.ForwardTarget t : io.mailtap.txlog.ForwardTarget.values()) {
            io.mailtap.txlog.Forwarder.Stats s = f.stats(t);
            int i = t.ordinal();
            forwardSent[i] += s.sent.get();
            forwardDroppedQueueFull[i] += s.droppedQueueFull.get();
            forwardDroppedSendFailed[i] += s.droppedSendFailed.get();
            forwardQueueDepth[i] += s.queueDepth();
        }
        for (io.mailtap.txlog.Forwarded k : io.mailtap.txlog.Forwarded.values()) {
            kafkaDelivered[k.ordinal()] += f.kafka().delivered(k);
            kafkaFailed[k.ordinal()] += f.kafka().failed(k);
        }
    }

    // ---- the Kafka sink's acknowledgements, indexed by Forwarded.ordinal()
    public final long[] kafkaDelivered = new long[io.mailtap.txlog.Forwarded.values().length];
    public final long[] kafkaFailed = new long[io.mailtap.txlog.Forwarded.values().length];

    // ---- the sensor itself
    public long eventQueueDepth;
    /** Hand-offs into the event channel that had to wait for room (back-pressure episodes). */
    public long eventWaits;
    /** SMTP events lost because the event thread had failed or ended. */
    public long eventsLost;
    /** Sensor threads (agents) that ended by an error. */
    public long agentErrors;
    public long reloadsSuccess;
    public long reloadsFailure;
    /** False while the last reload was rejected (the sensor runs the previous configuration). */
    public boolean lastReloadSuccessful = true;
    /** Packet time in microseconds since the epoch; {@link Long#MIN_VALUE} before the first packet. */
    public long packetTimeMicros = Long.MIN_VALUE;

    /** The totals of the sink named {@code name}, created at 0 on first use. */
    public SinkTotals sink(String name) {
        return sinks.computeIfAbsent(name, k -> new SinkTotals());
    }

    /** Delivery counters of one alert sink (or of every instance a reload replaced, summed). */
    public static final class SinkTotals {
        public long delivered, failedAttempts, droppedQueueFull, gaveUp, queueDepth, droppedSpoolFull, spoolDepth;

        public void add(SinkStats s) {
            delivered += s.delivered.get();
            failedAttempts += s.failedAttempts.get();
            droppedQueueFull += s.droppedQueueFull.get();
            gaveUp += s.gaveUp.get();
            queueDepth += s.queueDepth.get();
            droppedSpoolFull += s.droppedSpoolFull.get();
            spoolDepth += s.spoolDepth.get();
        }

        /** Adds the monotonic counters of {@code s} (not its queue depth, a gauge). */
        public void addCounters(SinkTotals s) {
            delivered += s.delivered;
            failedAttempts += s.failedAttempts;
            droppedQueueFull += s.droppedQueueFull;
            gaveUp += s.gaveUp;
            droppedSpoolFull += s.droppedSpoolFull;
        }
    }
}
