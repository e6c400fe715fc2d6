package io.mailtap.sensor;

import io.mailtap.config.MailtapConfig;
import io.mailtap.txlog.ForwardTarget;
import io.mailtap.txlog.Forwarded;
import io.mailtap.txlog.Forwarder;
import io.mailtap.txlog.Forwarding;
import io.mailtap.txlog.KafkaOptions;
import io.mailtap.txlog.KafkaTransport;
import io.mailtap.txlog.StdoutTransport;
import io.mailtap.txlog.SyslogTransport;
import io.mailtap.util.Redactor;

import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code output.stdout}, {@code output.syslog} and {@code output.kafka} → the run's {@link Forwarding}. The mapping from
 * config to sink lives here (the alert sinks read theirs through {@link io.mailtap.alert.SinkSpec}): {@code log} does
 * not know the configuration.
 */
final class ForwardingSinks {
    private ForwardingSinks() {}

    static Forwarding create(MailtapConfig cfg) {
        return create(cfg, new FileOutputStream(FileDescriptor.out));
    }

    /** As above, with standard output given (tests). */
    static Forwarding create(MailtapConfig cfg, OutputStream stdout) {
        Map<ForwardTarget, Forwarder.Stats> stats = new EnumMap<>(ForwardTarget.class);
        for (ForwardTarget t : ForwardTarget.values()) stats.put(t, new Forwarder.Stats());
        List<Forwarder> on = new ArrayList<>(3);
        MailtapConfig.Stdout so = cfg.output().stdout();
        if (so.enabled()) {
            on.add(new Forwarder(ForwardTarget.STDOUT.label(), records(so.records()), so.queueSize(), new StdoutTransport(stdout),
                    stats.get(ForwardTarget.STDOUT)));
        }
        MailtapConfig.Syslog sl = cfg.output().syslog();
        if (sl.enabled()) {
            SyslogTransport t = new SyslogTransport(SyslogTransport.Protocol.valueOf(sl.protocol().toUpperCase(Locale.ROOT)),
                    sl.address(), sl.facility(), cfg.sensor().name());
            on.add(new Forwarder(ForwardTarget.SYSLOG.label(), records(sl.records()), sl.queueSize(), t, stats.get(ForwardTarget.SYSLOG)));
        }
        MailtapConfig.Kafka k = cfg.output().kafka();
        KafkaTransport.Stats kafka = new KafkaTransport.Stats();
        if (k.enabled()) {
            KafkaOptions options = kafkaOptions(k, cfg.sensor().name());
            KafkaTransport t;
            try {
                t = new KafkaTransport(options, cfg.sensor().name(), cfg.sensor().site(), kafka);
            } catch (IOException | RuntimeException e) { // an unreadable PEM file, a setting the producer refuses
                Throwable root = e;
                while (root.getCause() != null) root = root.getCause();
                throw new IllegalArgumentException("output.kafka: cannot create the producer: "
                        + Redactor.of(options.secrets()).scrub(String.valueOf(root.getMessage())));
            }
            on.add(new Forwarder(ForwardTarget.KAFKA.label(), records(k.records()), k.queueSize(), t, stats.get(ForwardTarget.KAFKA)));
        }
        return new Forwarding(stats, on, kafka);
    }

    static KafkaOptions kafkaOptions(MailtapConfig.Kafka k, String sensor) {
        Map<Forwarded, String> topics = new EnumMap<>(Forwarded.class);
        topics.put(Forwarded.TRANSACTIONS, k.topics().transactions());
        topics.put(Forwarded.ALERTS, k.topics().alerts());
        topics.put(Forwarded.ANOMALIES, k.topics().anomalies());
        return new KafkaOptions(k.bootstrapServers(), k.clientId() != null ? k.clientId() : "mailtap-" + sensor, topics,
                k.bufferMemory(), k.maxBlock(), k.deliveryTimeout(), k.linger(), k.compression(), k.securityProtocol(),
                k.sasl().mechanism(), k.sasl().username(), k.sasl().password(), k.tls().ca(), k.tls().cert(), k.tls().key(),
                k.tls().keyPassword());
    }

    private static Set<Forwarded> records(List<String> names) {
        Set<Forwarded> s = EnumSet.noneOf(Forwarded.class);
        for (String n : names) s.add(Forwarded.byConfigName(n));
        return s;
    }
}
