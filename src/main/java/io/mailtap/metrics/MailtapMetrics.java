package io.mailtap.metrics;

import io.mailtap.decode.DecodeCounter;
import io.mailtap.decode.SkipReason;
import io.mailtap.detect.DetectCounter;
import io.mailtap.detect.RuleId;
import io.mailtap.detect.Severity;
import io.mailtap.flow.EndReason;
import io.mailtap.flow.FlowCounter;
import io.mailtap.flow.GapCause;
import io.mailtap.txlog.Output;
import io.mailtap.smtp.Anomaly;
import io.mailtap.smtp.AuthMechanism;
import io.mailtap.smtp.SmtpCounter;
import io.mailtap.smtp.SmtpEvent.AuthResult;
import io.mailtap.smtp.SmtpVerb;
import io.mailtap.util.MeterSpec;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * The metrics contract (METRICS-CONTRACT.md) as Micrometer meters in a Prometheus registry.
 *
 * <p>Every meter is a {@code FunctionCounter} or {@code Gauge} reading one field of the latest
 * {@link SensorTotals}; {@link #scrape()} first asks the {@link MetricsSource} for fresh totals (one
 * sum over the workers per scrape, so all meters of a scrape agree), then renders. Nothing is
 * counted through Micrometer on the packet path. Label values come only from fixed sets: the
 * enums' labels, rule ids, severities, and the few sink names. Series whose label values depend on
 * configuration (a rule's severity, the configured sinks) are registered when they first appear
 * and then stay, so counters never vanish after a reload.
 */
public final class MailtapMetrics {
    /** The Prometheus text exposition format this endpoint serves. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final MetricsSource source;
    private final Set<String> dynamic = new HashSet<>();
    private volatile SensorTotals current = new SensorTotals();

    private final ProcessMetrics process;

    /**
     * @param version the sensor's version, for {@code mailtap_build_info}
     */
    public MailtapMetrics(MetricsSource source, String version) {
        this(source, version, "mailtap", null);
    }

    /**
     * @param sensor {@code sensor.name}: label {@code sensor} on every series (not {@code instance},
     *               which Prometheus sets to the scraped address)
     * @param site   {@code sensor.site}: label {@code site} on every series, or null for none
     */
    public MailtapMetrics(MetricsSource source, String version, String sensor, String site) {
        this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), source, version, sensor, site);
    }

    public MailtapMetrics(PrometheusMeterRegistry registry, MetricsSource source, String version) {
        this(registry, source, version, "mailtap", null);
    }

    public MailtapMetrics(PrometheusMeterRegistry registry, MetricsSource source, String version, String sensor, String site) {
        this.registry = registry;
        this.source = source;
        // Common tags apply to meters registered after this line, so they come first.
        if (site == null) registry.config().commonTags("sensor", sensor);
        else registry.config().commonTags("sensor", sensor, "site", site);
        registerStatic(version == null ? "unknown" : version);
        process = new ProcessMetrics(registry);
    }

    /** Releases the JVM listeners of the process meters. */
    public void close() {
        process.close();
    }

    public PrometheusMeterRegistry registry() { return registry; }

    /** Fresh totals from the source, then the Prometheus text exposition (format 0.0.4). */
    public synchronized String scrape() {
        refresh();
        return registry.scrape();
    }


    /** Collects fresh totals and registers series that just appeared. */
    public synchronized SensorTotals refresh() {
        SensorTotals t = new SensorTotals();
        source.collect(t);
        current = t;
        registerDynamic(t);
        return t;
    }

    public boolean healthy() { return source.healthy(); }

    /** Why the sensor is not ready besides health (e.g. "smtp.jsonl: No space left on device"); empty when ready. */
    public java.util.List<String> notReady() { return source.notReady(); }

    // ------------------------------------------------------------------ registration

    private void registerStatic(String version) {
        Gauge.builder("mailtap.build.info", () -> 1).description("Build information; always 1.")
                .tag("version", version).tag("java", Runtime.version().feature() + "").register(registry);
        Gauge.builder("mailtap.up", () -> 1).description("1 while the sensor runs.").register(registry);

        // capture
        counter("mailtap.capture.packets.received", "Packets the capture handle received (pcap_stats; on lo each direction counts).",
                t -> t.captureReceived);
        String dropped = "Packets lost before decoding: kernel (capture buffer full), interface (NIC/driver), ring (a worker's queue was full).";
        counter("mailtap.capture.packets.dropped", dropped, t -> t.captureDroppedKernel, "where", "kernel");
        counter("mailtap.capture.packets.dropped", dropped, t -> t.captureDroppedInterface, "where", "interface");
        counter("mailtap.capture.packets.dropped", dropped, t -> t.captureDroppedRing, "where", "ring");

        // the stage counters: every constant of every stage's counter enum, so none can be left unexported
        for (DecodeCounter c : DecodeCounter.values()) stage(c, t -> t.decode.get(c));
        for (FlowCounter c : FlowCounter.values()) stage(c, t -> t.flow.get(c));
        for (SmtpCounter c : SmtpCounter.values()) stage(c, t -> t.smtp.get(c));

        // counters by a stage's own label enum, and values derived from the counters
        for (SkipReason r : SkipReason.values()) {
            counter("mailtap.packets.skipped", "Frames not decoded as TCP, by reason.", t -> t.decode.skipped(r),
                    "reason", r.label());
        }
        gauge("mailtap.flows.active", "Connections in the flow tables now.", t -> t.flow.active());
        for (EndReason r : EndReason.values()) {
            counter("mailtap.flows.ended", "Connections let go, by reason.", t -> t.flow.ended(r), "reason", r.label());
        }
        for (GapCause c : GapCause.values()) {
            counter("mailtap.reassembly.gaps", "Holes skipped in TCP streams, by cause.", t -> t.flow.gaps(c), "cause", c.label());
            counter("mailtap.reassembly.gap.bytes", "Stream bytes skipped by holes, by cause.", t -> t.flow.gapBytes(c),
                    "cause", c.label());
        }
        counter("mailtap.capture.loss.bytes",
                "Bytes acknowledged by a peer that the sensor never saw (capture loss; ratio = loss / (loss + tcp payload)).",
                t -> t.flow.gapBytes(GapCause.CAPTURE_LOSS));
        String conns = "Ended connections by whether they got past the SYN (attempted: only SYNs, or refused).";
        counter("mailtap.smtp.connections", conns,
                t -> t.flow.get(FlowCounter.ATTEMPTS) + t.flow.get(FlowCounter.REJECTED), "state", "attempted");
        counter("mailtap.smtp.connections", conns,
                t -> t.flow.endedTotal() - t.flow.get(FlowCounter.ATTEMPTS) - t.flow.get(FlowCounter.REJECTED),
                "state", "established");
        for (AuthMechanism m : AuthMechanism.values()) {
            for (AuthResult r : AuthResult.values()) {
                counter("mailtap.smtp.auth", "Finished AUTH exchanges by mechanism and result.",
                        t -> t.smtp.auth(m, r),
                        "mechanism", m.name().toLowerCase(Locale.ROOT), "result", r.name().toLowerCase(Locale.ROOT));
            }
        }
        for (SmtpVerb v : SmtpVerb.values()) {
            counter("mailtap.smtp.commands", "Client commands by verb (unknown: a line in command position that is no known verb).",
                    t -> t.smtp.commands(v), "verb", v.name().toLowerCase(Locale.ROOT));
        }
        for (int d = 2; d <= 5; d++) {
            int digit = d;
            counter("mailtap.smtp.replies", "Complete server replies by class.", t -> t.smtp.replies(digit), "class", d + "xx");
        }
        for (Anomaly a : Anomaly.values()) {
            counter("mailtap.anomalies", "Anomalies reported (anomalies.jsonl lines), by kind; see README's anomaly table.",
                    t -> t.smtp.anomalies(a), "kind", a.id());
        }

        // alerts and detection, per rule
        for (RuleId r : RuleId.values()) {
            int i = r.ordinal();
            counter("mailtap.alerts.notifications", "Alert notifications by status (firing: opened or re-notified).",
                    t -> t.alertsFiring[i], "rule", r.id(), "status", "firing");
            counter("mailtap.alerts.notifications", "Alert notifications by status (firing: opened or re-notified).",
                    t -> t.alertsResolved[i], "rule", r.id(), "status", "resolved");
            gauge("mailtap.alerts.active", "Alerts open now.", t -> t.alertsActive[i], "rule", r.id());
            counter("mailtap.alerts.suppressed", "New alerts not opened because alerts.dedup.max_open_alerts were open.",
                    t -> t.alertsSuppressed[i], "rule", r.id());
            for (DetectCounter c : DetectCounter.values()) {
                if (c.perRule()) stage(c, t -> t.detectRule[i][c.ordinal()], DetectCounter.RULE_LABEL, r.id());
            }
        }
        for (DetectCounter c : DetectCounter.values()) if (!c.perRule()) stage(c, t -> t.detect[c.ordinal()]);

        // forwarding sinks (output.stdout, output.syslog, output.kafka): every target, zero while off
        for (io.mailtap.txlog.ForwardTarget ft : io.mailtap.txlog.ForwardTarget.values()) {
            int i = ft.ordinal();
            counter("mailtap.forward.records.sent", "Records a forwarding sink handed to its destination (stdout, syslog; kafka: accepted into the producer buffer, see mailtap_kafka_records_delivered_total).",
                    t -> t.forwardSent[i], "sink", ft.label());
            counter("mailtap.forward.records.dropped", "Records a forwarding sink dropped: its queue was full, or the send failed after a reconnect.",
                    t -> t.forwardDroppedQueueFull[i], "sink", ft.label(), "reason", "queue_full");
            counter("mailtap.forward.records.dropped", "Records a forwarding sink dropped: its queue was full, or the send failed after a reconnect.",
                    t -> t.forwardDroppedSendFailed[i], "sink", ft.label(), "reason", "send_failed");
            gauge("mailtap.forward.queue.depth", "Records waiting in a forwarding sink's queue.",
                    t -> t.forwardQueueDepth[i], "sink", ft.label());
        }
        // output.kafka: what the broker acknowledged, and what failed after the producer accepted it
        for (io.mailtap.txlog.Forwarded k : io.mailtap.txlog.Forwarded.values()) {
            int i = k.ordinal();
            counter("mailtap.kafka.records.delivered", "Records the Kafka brokers acknowledged (acks=all), by record kind.",
                    t -> t.kafkaDelivered[i], "record", k.configName());
            counter("mailtap.kafka.records.failed", "Records the Kafka producer accepted but could not deliver (not acknowledged within"
                    + " output.kafka.delivery_timeout, refused by the broker, or unsent at shutdown), by record kind.",
                    t -> t.kafkaFailed[i], "record", k.configName());
        }
        // output files
        for (Output o : Output.values()) {
            int i = o.ordinal();
            counter("mailtap.output.records.written", "Records written whole to an output file.", t -> t.outputWritten[i],
                    "output", o.label());
            counter("mailtap.output.records.lost", "Records that never reached an output file (disk full longer than its buffer).",
                    t -> t.outputLost[i], "output", o.label());
            counter("mailtap.output.write.errors", "Failed writes to an output file (each retry counts).",
                    t -> t.outputWriteErrors[i], "output", o.label());
            counter("mailtap.output.reopens", "Reopens of an output file by its path after a rotation signal (SIGUSR1/SIGHUP); failure: retried, records keep going to the file open before.",
                    t -> t.outputReopens[i], "output", o.label(), "result", "success");
            counter("mailtap.output.reopens", "Reopens of an output file by its path after a rotation signal (SIGUSR1/SIGHUP); failure: retried, records keep going to the file open before.",
                    t -> t.outputReopenErrors[i], "output", o.label(), "result", "failure");
            gauge("mailtap.output.failing", "1 while an output file cannot be written (records wait in its buffer, then are lost).",
                    t -> t.outputFailing[i] ? 1 : 0, "output", o.label());
        }

        // the sensor
        gauge("mailtap.event.queue.depth", "SMTP events waiting for the detection thread.", t -> t.eventQueueDepth);
        counter("mailtap.event.queue.waits", "Hand-offs of SMTP events that waited for room in the event queue (back-pressure: the rings fill and drop, counted there).",
                t -> t.eventWaits);
        counter("mailtap.events.lost", "SMTP events lost because the event thread had failed or ended.", t -> t.eventsLost);
        counter("mailtap.agent.errors", "Sensor threads (capture, worker, event, health) that ended by an error (logged).",
                t -> t.agentErrors);
        counter("mailtap.config.reloads", "Configuration reloads (SIGHUP) by result.", t -> t.reloadsSuccess,
                "result", "success");
        counter("mailtap.config.reloads", "Configuration reloads (SIGHUP) by result.", t -> t.reloadsFailure,
                "result", "failure");
        gauge("mailtap.config.last.reload.successful",
                "1 unless the last configuration reload was rejected (0: the sensor runs the previous configuration).",
                t -> t.lastReloadSuccessful ? 1 : 0);
        // Wire time, which the heartbeat cannot fake: a dead SPAN port stops it (0 before the first packet).
        gauge("mailtap.capture.last.packet.timestamp.seconds",
                "Capture timestamp of the last packet the capture thread read (epoch seconds; 0 before the first packet; unlike mailtap_packet_time_seconds, never moved by the heartbeat).",
                t -> t.lastPacketMicros == Long.MIN_VALUE ? 0 : t.lastPacketMicros / 1e6);
        Gauge.builder("mailtap.packet.time.seconds", this,
                        m -> m.current.packetTimeMicros == Long.MIN_VALUE ? Double.NaN : m.current.packetTimeMicros / 1e6)
                .description("The sensor's packet time (epoch seconds; advances with the heartbeat on an idle wire; NaN before the first packet).")
                .register(registry);
    }

    private void registerDynamic(SensorTotals t) {
        // capture handles (capture.threads): known once the sensor has opened them
        for (int h = 0; h < t.handleReceived.length; h++) {
            if (!dynamic.add("handle/" + h)) continue;
            int i = h;
            String handle = Integer.toString(h);
            counter("mailtap.capture.handle.packets.received",
                    "Packets one capture handle received (pcap_stats); the handles' sum is mailtap_capture_packets_received_total.",
                    x -> i < x.handleReceived.length ? x.handleReceived[i] : 0, "handle", handle);
            String dropped = "Packets lost before decoding, per capture handle: kernel (its buffer was full), interface, ring (one of its workers' queues was full); the handles' sum is mailtap_capture_packets_dropped_total.";
            counter("mailtap.capture.handle.packets.dropped", dropped,
                    x -> i < x.handleDroppedKernel.length ? x.handleDroppedKernel[i] : 0, "handle", handle, "where", "kernel");
            counter("mailtap.capture.handle.packets.dropped", dropped,
                    x -> i < x.handleDroppedInterface.length ? x.handleDroppedInterface[i] : 0, "handle", handle, "where", "interface");
            counter("mailtap.capture.handle.packets.dropped", dropped,
                    x -> i < x.handleDroppedRing.length ? x.handleDroppedRing[i] : 0, "handle", handle, "where", "ring");
        }
        for (RuleId r : RuleId.values()) {
            for (Severity s : Severity.values()) {
                if (t.ruleSeverity[r.ordinal()] == s || t.alertsRaised[r.ordinal()][s.ordinal()] > 0) {
                    if (dynamic.add("raised/" + r.id() + "/" + s.label())) {
                        int ri = r.ordinal(), si = s.ordinal();
                        counter("mailtap.alerts.raised", "Alerts opened, by rule and severity.",
                                x -> x.alertsRaised[ri][si], "rule", r.id(), "severity", s.label());
                    }
                }
            }
        }
        for (Map.Entry<String, SensorTotals.SinkTotals> e : t.sinks.entrySet()) {
            String name = e.getKey();
            if (!dynamic.add("sink/" + name)) continue;
            counter("mailtap.alert.sink.delivered", "Notifications a sink delivered.", x -> sink(x, name).delivered,
                    "sink", name);
            counter("mailtap.alert.sink.failed.attempts", "Failed delivery attempts (each retry counts).",
                    x -> sink(x, name).failedAttempts, "sink", name);
            counter("mailtap.alert.sink.dropped", "Notifications a sink dropped: queue full, or gave up after retries.",
                    x -> sink(x, name).droppedQueueFull, "sink", name, "reason", "queue_full");
            counter("mailtap.alert.sink.dropped", "Notifications a sink dropped: queue full, or gave up after retries.",
                    x -> sink(x, name).gaveUp, "sink", name, "reason", "gave_up");
            counter("mailtap.alert.sink.dropped", "Notifications a sink dropped: queue full, or gave up after retries.",
                    x -> sink(x, name).droppedSpoolFull, "sink", name, "reason", "spool_full");
            gauge("mailtap.alert.sink.spool.depth", "Notifications waiting in a sink's on-disk spool (the receiver failed or is down).",
                    x -> sink(x, name).spoolDepth, "sink", name);
            gauge("mailtap.alert.sink.queue.depth", "Notifications waiting in a sink's queue.",
                    x -> sink(x, name).queueDepth, "sink", name);
        }
    }

    private static final SensorTotals.SinkTotals NO_SINK = new SensorTotals.SinkTotals();

    private static SensorTotals.SinkTotals sink(SensorTotals t, String name) {
        SensorTotals.SinkTotals s = t.sinks.get(name);
        return s == null ? NO_SINK : s;
    }

    /** One stage counter, exported as its enum constant declares. */
    private void stage(MeterSpec.Counter c, ToLongFunction<SensorTotals> f, String... extraTags) {
        MeterSpec m = c.meter();
        String[] fixed = m.labelKey() == null ? new String[0] : new String[] {m.labelKey(), m.labelValue()};
        String[] tags = java.util.Arrays.copyOf(fixed, fixed.length + extraTags.length);
        System.arraycopy(extraTags, 0, tags, fixed.length, extraTags.length);
        if (m.gauge()) gauge(m.micrometerName(), m.help(), t -> f.applyAsLong(t), tags);
        else counter(m.micrometerName(), m.help(), f, tags);
    }

    private void counter(String name, String help, ToLongFunction<SensorTotals> f, String... tags) {
        FunctionCounter.builder(name, this, m -> f.applyAsLong(m.current)).description(help).tags(tags).register(registry);
    }

    private void gauge(String name, String help, ToDoubleFunction<SensorTotals> f, String... tags) {
        Gauge.builder(name, this, m -> f.applyAsDouble(m.current)).description(help).tags(tags).register(registry);
    }
}
