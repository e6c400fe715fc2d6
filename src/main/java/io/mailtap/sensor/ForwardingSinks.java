package io.mailtap.sensor;

import io.mailtap.config.MailtapConfig;
import io.mailtap.log.ForwardTarget;
import io.mailtap.log.Forwarded;
import io.mailtap.log.Forwarder;
import io.mailtap.log.Forwarding;
import io.mailtap.log.StdoutTransport;
import io.mailtap.log.SyslogTransport;

import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code output.stdout} and {@code output.syslog} → the run's {@link Forwarding}. The mapping from
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
        List<Forwarder> on = new ArrayList<>(2);
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
        return new Forwarding(stats, on);
    }

    private static Set<Forwarded> records(List<String> names) {
        Set<Forwarded> s = EnumSet.noneOf(Forwarded.class);
        for (String n : names) s.add(Forwarded.byConfigName(n));
        return s;
    }
}
