package io.mailtap.txlog;

import java.io.Closeable;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The forwarding sinks of one sensor run ({@link ForwardTarget}), as one {@link LineTap} the writers
 * hand every record to. Their counters exist for every target (zero when it is off), so the metrics
 * are the same set whatever the configuration.
 */
public final class Forwarding implements LineTap, Closeable {
    private final Map<ForwardTarget, Forwarder.Stats> stats = new EnumMap<>(ForwardTarget.class);
    private final KafkaTransport.Stats kafka;
    private final Forwarder[] forwarders;

    /**
     * @param forwarders the enabled sinks (built with {@link #stats(ForwardTarget)})
     * @param kafka      the Kafka sink's delivery counters (zero while it is off)
     */
    public Forwarding(Map<ForwardTarget, Forwarder.Stats> stats, List<Forwarder> forwarders, KafkaTransport.Stats kafka) {
        for (ForwardTarget t : ForwardTarget.values()) this.stats.put(t, stats.getOrDefault(t, new Forwarder.Stats()));
        this.forwarders = forwarders.toArray(new Forwarder[0]);
        this.kafka = kafka;
    }

    public Forwarding(Map<ForwardTarget, Forwarder.Stats> stats, List<Forwarder> forwarders) {
        this(stats, forwarders, new KafkaTransport.Stats());
    }

    /** No forwarding (counters at zero). */
    public static Forwarding none() {
        return new Forwarding(Map.of(), List.of());
    }

    public Forwarder.Stats stats(ForwardTarget t) { return stats.get(t); }

    public KafkaTransport.Stats kafka() { return kafka; }

    @Override
    public void offer(Forwarded kind, int severity, byte[] line, int off, int len) {
        for (Forwarder f : forwarders) f.offer(kind, severity, line, off, len);
    }

    /** Sends what is queued (bounded) and closes every sink; after the writers closed. */
    @Override
    public void close() {
        for (Forwarder f : forwarders) f.close();
    }
}
