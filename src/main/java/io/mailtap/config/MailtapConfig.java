package io.mailtap.config;

import io.mailtap.alert.AlertSettings;
import io.mailtap.alert.SinkSpec;
import io.mailtap.alert.Sinks;
import io.mailtap.detect.RuleId;
import io.mailtap.detect.RuleSpec;
import io.mailtap.detect.Rules;
import io.mailtap.detect.Severity;
import io.mailtap.flow.FlowSettings;
import io.mailtap.settings.ConfigView;
import io.mailtap.settings.Problems;
import io.mailtap.settings.Section;
import io.mailtap.smtp.SmtpSettings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The validated, immutable configuration ({@link ConfigLoader} makes it). Typed sections for the
 * composition's own keys, and {@link #view()} from which each stage reads its own settings
 * ({@code FlowSettings.from}, {@code SmtpSettings.from}, {@code DetectPlan.from}, the sink specs);
 * {@link #alertSettings()} for the tracker. Two configs are equal when every key has the same effective value.
 * {@link #toString()} never shows secrets; {@link ConfigPrinter} renders the whole effective config.
 */
public final class MailtapConfig {
    private final Map<String, Object> values;
    private final Set<String> explicit;

    private final Sensor sensor;
    private final Network network;
    private final Smtp smtp;
    private final Flow flow;
    private final Capture capture;
    private final Alerts alerts;
    private final Metrics metrics;
    private final Output output;
    private final Spool spool;
    private final Map<RuleId, RuleConfig> rules = new EnumMap<>(RuleId.class);
    private final ConfigView view;

    MailtapConfig(Map<String, Object> values, Set<String> explicit) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.explicit = Set.copyOf(explicit);
        this.view = ConfigView.root(this.values);
        sensor = new Sensor(str("sensor.name"), str("sensor.site"));
        network = new Network(strings("network.internal"), strings("network.mail_servers"),
                strings("network.public_helo"), strings("network.local_domains"));
        smtp = new Smtp(ints("smtp.ports"), ints("smtp.policy_ports"), bool("smtp.detect_on_any_port"),
                (int) lng("smtp.max_command_line_bytes"), (int) lng("smtp.max_reply_line_bytes"),
                integer("smtp.max_pending_commands"), integer("smtp.max_rcpt_per_transaction"),
                integer("smtp.max_reply_lines_kept"));
        flow = new Flow(integer("flow.max_flows"), (int) lng("flow.max_buffered_bytes_per_direction"),
                lng("flow.max_buffered_bytes_total"), dur("flow.attempt_timeout"), dur("flow.idle_timeout"),
                dur("flow.closed_timeout"), dur("flow.ack_wait"), lng("flow.ack_wait_max_bytes"),
                integer("flow.max_overlap_check_buffers"));
        capture = new Capture(str("capture.interface"), integer("capture.snaplen"), bool("capture.promiscuous"),
                (int) lng("capture.buffer_size"), bool("capture.immediate_mode"), integer("capture.timeout_ms"),
                str("capture.filter"), integer("capture.workers"), integer("capture.ring_size"),
                integer("capture.event_queue_size"), dur("capture.heartbeat"),
                integer("capture.threads"), integer("capture.fanout_id"));
        alerts = new Alerts(str("alerts.log.path"),
                new Dedup(dur("alerts.dedup.renotify_interval"), dur("alerts.dedup.resolve_after"),
                        integer("alerts.dedup.max_open_alerts")));
        metrics = new Metrics(str("metrics.listen"), str("metrics.path"),
                new BasicAuth(str("metrics.basic_auth.username"), str("metrics.basic_auth.password")),
                new Tls(str("metrics.tls.cert"), str("metrics.tls.key")));
        output = new Output(str("output.dir"), dur("output.stats_interval"),
                new Stdout(bool("output.stdout.enabled"), strings("output.stdout.records"), integer("output.stdout.queue_size")),
                new Syslog(bool("output.syslog.enabled"), str("output.syslog.protocol"), str("output.syslog.address"),
                        integer("output.syslog.facility"), strings("output.syslog.records"), integer("output.syslog.queue_size")),
                new Kafka(bool("output.kafka.enabled"), strings("output.kafka.bootstrap_servers"), str("output.kafka.client_id"),
                        new KafkaTopics(str("output.kafka.topics.transactions"), str("output.kafka.topics.alerts"),
                                str("output.kafka.topics.anomalies")),
                        strings("output.kafka.records"), integer("output.kafka.queue_size"), lng("output.kafka.buffer_memory"),
                        dur("output.kafka.max_block"), dur("output.kafka.delivery_timeout"), dur("output.kafka.linger"),
                        str("output.kafka.compression"), str("output.kafka.security_protocol"),
                        new KafkaSasl(str("output.kafka.sasl.mechanism"), str("output.kafka.sasl.username"), str("output.kafka.sasl.password")),
                        new KafkaTls(str("output.kafka.tls.ca"), str("output.kafka.tls.cert"), str("output.kafka.tls.key"),
                                str("output.kafka.tls.key_password"))));
        spool = new Spool(str("alerts.spool.dir"), lng("alerts.spool.max_bytes"));
        for (RuleSpec<?> spec : Rules.ALL) {
            RuleId r = spec.id();
            String p = Rules.SECTION + "." + r.id() + ".";
            rules.put(r, new RuleConfig(r, bool(p + "enabled"), (Severity) values.get(p + "severity"),
                    dur(p + "renotify_interval"), dur(p + "resolve_after")));
        }
    }

    // ------------------------------------------------------------------ sections

    /** {@code sensor}. {@code name} is the host name when the file leaves it null; {@code site} may be null. */
    public record Sensor(String name, String site) {}

    /** {@code network}: CIDRs normalised ("10.0.0.0/8"), names lower-case without trailing dots. */
    public record Network(List<String> internal, List<String> mailServers, List<String> publicHelo,
                          List<String> localDomains) {}

    /** {@code smtp}. */
    public record Smtp(List<Integer> ports, List<Integer> policyPorts, boolean detectOnAnyPort,
                       int maxCommandLineBytes, int maxReplyLineBytes, int maxPendingCommands,
                       int maxRcptPerTransaction, int maxReplyLinesKept) {}

    /** {@code flow}. */
    public record Flow(int maxFlows, int maxBufferedBytesPerDirection, long maxBufferedBytesTotal,
                       Duration attemptTimeout, Duration idleTimeout, Duration closedTimeout,
                       Duration ackWait, long ackWaitMaxBytes, int maxOverlapCheckBuffers) {}

    /** {@code capture}; {@code filter} "auto" means: derive from smtp.ports / detect_on_any_port. */
    public record Capture(String iface, int snaplen, boolean promiscuous, int bufferSize, boolean immediateMode,
                          int timeoutMs, String filter, int workers, int ringSize, int eventQueueSize, Duration heartbeat,
                          int threads, int fanoutId) {
        public boolean autoFilter() { return "auto".equals(filter); }
    }

    /** {@code alerts}; {@code logPath} null: no JSON alert log (see {@link #alertLogPath()}). The sinks read their own sections. */
    public record Alerts(String logPath, Dedup dedup) {}

    /** {@code alerts.dedup}. */
    public record Dedup(Duration renotifyInterval, Duration resolveAfter, int maxOpenAlerts) {}

    /** {@code alerts.spool}; {@code maxBytes} 0: no spool. */
    public record Spool(String dir, long maxBytes) {}

    /** {@code metrics}; null {@code listen}: no endpoint. */
    public record Metrics(String listen, String path, BasicAuth basicAuth, Tls tls) {}

    /** {@code metrics.basic_auth}: both null, or both set. */
    public record BasicAuth(String username, String password) {
        public boolean enabled() { return username != null; }

        @Override
        public String toString() {
            return "BasicAuth[username=" + username + ", password=" + (password == null ? null : "<redacted>") + "]";
        }
    }

    /** {@code metrics.tls}: both null, or both set. */
    public record Tls(String cert, String key) {
        public boolean enabled() { return cert != null; }
    }

    /** {@code output}; {@code statsInterval} zero: no stats line. */
    public record Output(String dir, Duration statsInterval, Stdout stdout, Syslog syslog, Kafka kafka) {}

    /** {@code output.stdout}: records as JSON lines on standard output. */
    public record Stdout(boolean enabled, List<String> records, int queueSize) {}

    /** {@code output.syslog}: records as RFC 5424 messages; {@code protocol} udp, tcp or unix. */
    public record Syslog(boolean enabled, String protocol, String address, int facility, List<String> records, int queueSize) {}

    /** {@code output.kafka}: records as Kafka messages, a topic per kind; {@code clientId} null: mailtap-&lt;sensor.name&gt;. */
    public record Kafka(boolean enabled, List<String> bootstrapServers, String clientId, KafkaTopics topics, List<String> records,
                        int queueSize, long bufferMemory, Duration maxBlock, Duration deliveryTimeout, Duration linger,
                        String compression, String securityProtocol, KafkaSasl sasl, KafkaTls tls) {}

    /** {@code output.kafka.topics}. */
    public record KafkaTopics(String transactions, String alerts, String anomalies) {}

    /** {@code output.kafka.sasl}. */
    public record KafkaSasl(String mechanism, String username, String password) {
        @Override
        public String toString() {
            return "KafkaSasl[mechanism=" + mechanism + ", username=" + username + ", password=" + (password == null ? null : "<redacted>") + "]";
        }
    }

    /** {@code output.kafka.tls}: PEM files; cert and key both or neither. */
    public record KafkaTls(String ca, String cert, String key, String keyPassword) {
        @Override
        public String toString() {
            return "KafkaTls[ca=" + ca + ", cert=" + cert + ", key=" + key + ", keyPassword=" + (keyPassword == null ? null : "<redacted>") + "]";
        }
    }

    /** The keys every rule block has; interval overrides are null when inherited from alerts.dedup. */
    public record RuleConfig(RuleId rule, boolean enabled, Severity severity, Duration renotifyInterval,
                             Duration resolveAfter) {}

    public Sensor sensor() { return sensor; }
    public Network network() { return network; }
    public Smtp smtp() { return smtp; }
    public Flow flow() { return flow; }
    public Capture capture() { return capture; }
    public Alerts alerts() { return alerts; }
    public Metrics metrics() { return metrics; }
    public Output output() { return output; }
    public RuleConfig rule(RuleId id) { return rules.get(id); }
    public int maxTrackedKeys() { return integer(Rules.SECTION + ".max_tracked_keys"); }

    /** The key tree every config is validated against (each leaf with its type, default, doc and live/restart attribute). */
    public static Section schema() { return Schema.ROOT; }

    /** Every validated value, read by keys relative to a section (what the stages' settings are read from). */
    public ConfigView view() { return view; }

    // ------------------------------------------------------------------ mappers

    /** The flow table's settings. */
    public FlowSettings flowSettings() { return FlowSettings.from(view); }

    /** The SMTP analyzer's settings. */
    public SmtpSettings smtpSettings() { return SmtpSettings.from(view); }

    /** The alert tracker's settings (sensor name, alerts.dedup, per-rule overrides). */
    public AlertSettings alertSettings() {
        Dedup d = alerts.dedup();
        AlertSettings.Policy defaults = new AlertSettings.Policy(d.renotifyInterval(), d.resolveAfter());
        Map<RuleId, AlertSettings.Policy> per = new EnumMap<>(RuleId.class);
        for (RuleConfig r : rules.values()) {
            if (r.renotifyInterval() != null || r.resolveAfter() != null) {
                per.put(r.rule(), new AlertSettings.Policy(
                        r.renotifyInterval() != null ? r.renotifyInterval() : d.renotifyInterval(),
                        r.resolveAfter() != null ? r.resolveAfter() : d.resolveAfter()));
            }
        }
        return new AlertSettings(sensor.name(), sensor.site(), defaults, d.maxOpenAlerts(), per);
    }

    /** Where the JSON alert log goes ({@code alerts.log.path} under {@code output.dir}), or null if disabled. */
    public Path alertLogPath() {
        return alerts.logPath() == null ? null : outputDir().resolve(alerts.logPath());
    }

    public Path outputDir() { return Path.of(output.dir()); }

    /** {@code alerts.spool}. */
    public Spool spool() { return spool; }

    /** The spool directory, relative paths under output.dir. */
    public Path spoolDir() { return outputDir().resolve(spool.dir()); }

    // ------------------------------------------------------------------ checks

    /** Problems that need more than one key (run by the loader after every key parsed). */
    void crossCheck(Problems p) {
        Set<Integer> ports = new HashSet<>(smtp.ports());
        for (int i = 0; i < smtp.policyPorts().size(); i++) {
            int port = smtp.policyPorts().get(i);
            if (!ports.contains(port)) {
                p.add("smtp.policy_ports", "port " + port + " is not in smtp.ports " + smtp.ports()
                        + " (the sensor would never see its SMTP)");
            }
        }
        if (flow.maxBufferedBytesPerDirection() > flow.maxBufferedBytesTotal()) {
            p.add("flow.max_buffered_bytes_per_direction", "is larger than flow.max_buffered_bytes_total");
        }
        if (capture.workers() < capture.threads() || capture.workers() % capture.threads() != 0) {
            p.add("capture.threads", "capture.workers (" + capture.workers() + ") must be a multiple of capture.threads ("
                    + capture.threads() + "): each capture thread feeds workers/threads workers of its own");
        }
        BasicAuth ba = metrics.basicAuth();
        if ((ba.username() == null) != (ba.password() == null)) {
            p.add("metrics.basic_auth", "set both username and password, or neither");
        }
        Syslog sl = output.syslog();
        if (sl.enabled() && !sl.protocol().equals("unix") && !sl.address().matches("(\\[[0-9A-Fa-f:.]+\\]|[^:\\[\\]]+):[0-9]{1,5}")) {
            p.add("output.syslog.address", "expected host:port for protocol " + sl.protocol() + ", got " + Yaml.quote(sl.address()));
        }
        Tls tls = metrics.tls();
        if ((tls.cert() == null) != (tls.key() == null)) {
            p.add("metrics.tls", "set both cert and key, or neither");
        }
        validateKafka(output.kafka(), p);
    }

    private static void validateKafka(Kafka k, Problems p) {
        if (!k.enabled()) return;
        if (k.bootstrapServers().isEmpty()) p.add("output.kafka.bootstrap_servers", "at least one host:port when output.kafka is enabled");
        for (String b : k.bootstrapServers()) {
            if (!b.matches("(\\[[0-9A-Fa-f:.]+\\]|[^:\\[\\]\\s,]+):[0-9]{1,5}")) {
                p.add("output.kafka.bootstrap_servers", "expected host:port, got " + Yaml.quote(b));
            }
        }
        boolean sasl = k.securityProtocol().startsWith("sasl_"), tls = k.securityProtocol().endsWith("ssl");
        KafkaSasl s = k.sasl();
        if (sasl && (s.username() == null || s.password() == null)) {
            p.add("output.kafka.sasl", "set username and password (or password_file) for security_protocol " + k.securityProtocol());
        }
        KafkaTls t = k.tls();
        if ((t.cert() == null) != (t.key() == null)) p.add("output.kafka.tls", "set both cert and key, or neither");
        if (!tls && (t.ca() != null || t.cert() != null)) {
            p.add("output.kafka.tls", "set, but security_protocol " + k.securityProtocol() + " does not use TLS (ssl or sasl_ssl)");
        }
        for (String[] f : new String[][] {{"ca", t.ca()}, {"cert", t.cert()}, {"key", t.key()}}) {
            if (tls && f[1] != null && !java.nio.file.Files.isReadable(Path.of(f[1]))) {
                p.add("output.kafka.tls." + f[0], "cannot read " + f[1]);
            }
        }
        if (k.deliveryTimeout().compareTo(k.linger()) <= 0) p.add("output.kafka.delivery_timeout", "must be longer than output.kafka.linger");
    }

    /**
     * Things that are legal but probably not what the operator wants (check-config prints them):
     * rules that cannot fire, secrets that would travel in clear text.
     */
    public List<String> warnings() {
        List<String> w = new ArrayList<>();
        Kafka k = output.kafka();
        if (k.enabled() && k.securityProtocol().equals("sasl_plaintext")) {
            w.add("output.kafka.security_protocol: sasl_plaintext sends the records" + (k.sasl().mechanism().equals("PLAIN")
                    ? " and the SASL password" : "") + " in clear text; use sasl_ssl");
        }
        if (network.internal().isEmpty()) {
            w.add("network.internal: empty, so no host is internal: egress_policy, bad_helo, blocklist_rejection and open_relay never fire");
        }
        for (RuleSpec<?> r : Rules.ALL) {
            String rw = r.warning(view);
            if (rw != null) w.add(rw);
        }
        if (smtp.policyPorts().isEmpty()) {
            w.add("smtp.policy_ports: empty, so egress_policy never fires (nor bad_helo unless all_ports)");
        }
        for (SinkSpec sink : Sinks.ALL) {
            String sw = sink.warning(view);
            if (sw != null) w.add(sw);
        }
        if (metrics.listen() != null && !loopback(metrics.listen())) {
            if (!metrics.basicAuth().enabled()) {
                w.add("metrics.listen: " + metrics.listen() + " is reachable from the network and metrics.basic_auth is not set");
            } else if (!metrics.tls().enabled()) {
                w.add("metrics.basic_auth: the password travels in clear text (metrics.tls is not set) on " + metrics.listen());
            }
        }
        return List.copyOf(w);
    }

    private static boolean loopback(String listen) {
        String host = listen.substring(0, listen.lastIndexOf(':'));
        if (host.startsWith("[")) host = host.substring(1, host.length() - 1);
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
    }

    // ------------------------------------------------------------------ raw access

    /** Effective value of a dotted key (package use: printer, tests). */
    Object value(String key) {
        if (!values.containsKey(key)) throw new IllegalArgumentException("no config key " + key);
        return values.get(key);
    }

    Map<String, Object> values() { return values; }

    /** Keys the file set explicitly. */
    Set<String> explicitKeys() { return explicit; }

    private String str(String k) { return (String) value(k); }
    private boolean bool(String k) { return (Boolean) value(k); }
    private int integer(String k) { return (Integer) value(k); }
    private long lng(String k) { return (Long) value(k); }
    private Duration dur(String k) { return (Duration) value(k); }

    @SuppressWarnings("unchecked")
    private List<String> strings(String k) { return (List<String>) value(k); }

    @SuppressWarnings("unchecked")
    private List<Integer> ints(String k) { return (List<Integer>) value(k); }


    @Override
    public boolean equals(Object o) {
        return o instanceof MailtapConfig other && values.equals(other.values);
    }

    @Override
    public int hashCode() { return Objects.hash(values); }

    /** Deliberately terse: never prints secrets. Use {@link ConfigPrinter} for the whole config. */
    @Override
    public String toString() { return "MailtapConfig[sensor=" + sensor.name() + "]"; }
}
