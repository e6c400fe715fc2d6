package io.mailtap.config;

import io.mailtap.alert.AlertSettings;
import io.mailtap.detect.AddressSet;
import io.mailtap.detect.DetectSettings;
import io.mailtap.detect.NullSenderKey;
import io.mailtap.detect.RuleId;
import io.mailtap.detect.Severity;
import io.mailtap.flow.FlowSettings;
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
 * stages that read plain values, and mappers to each stage's own settings record:
 * {@link #flowSettings()}, {@link #smtpSettings()}, {@link #detectSettings()},
 * {@link #alertSettings()}. Two configs are equal when every key has the same effective value.
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

    MailtapConfig(Map<String, Object> values, Set<String> explicit) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.explicit = Set.copyOf(explicit);
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
                        integer("alerts.dedup.max_open_alerts")),
                new Alertmanager(strings("alerts.alertmanager.urls"), dur("alerts.alertmanager.resend_interval"),
                        dur("alerts.alertmanager.timeout"), integer("alerts.alertmanager.queue_size"),
                        integer("alerts.alertmanager.max_retries")),
                new Webhook(str("alerts.webhook.url"), str("alerts.webhook.bearer_token"), dur("alerts.webhook.timeout"),
                        integer("alerts.webhook.queue_size"), integer("alerts.webhook.max_retries")));
        metrics = new Metrics(str("metrics.listen"), str("metrics.path"),
                new BasicAuth(str("metrics.basic_auth.username"), str("metrics.basic_auth.password")),
                new Tls(str("metrics.tls.cert"), str("metrics.tls.key")));
        output = new Output(str("output.dir"), dur("output.stats_interval"),
                new Stdout(bool("output.stdout.enabled"), strings("output.stdout.records"), integer("output.stdout.queue_size")),
                new Syslog(bool("output.syslog.enabled"), str("output.syslog.protocol"), str("output.syslog.address"),
                        integer("output.syslog.facility"), strings("output.syslog.records"), integer("output.syslog.queue_size")));
        spool = new Spool(str("alerts.spool.dir"), lng("alerts.spool.max_bytes"));
        for (RuleId r : RuleId.values()) {
            String p = "detect." + r.id() + ".";
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

    /** {@code alerts}; {@code logPath} null: no JSON alert log (see {@link #alertLogPath()}). */
    public record Alerts(String logPath, Dedup dedup, Alertmanager alertmanager, Webhook webhook) {}

    /** {@code alerts.dedup}. */
    public record Dedup(Duration renotifyInterval, Duration resolveAfter, int maxOpenAlerts) {}

    /** {@code alerts.alertmanager}; empty {@code urls}: disabled. */
    public record Alertmanager(List<String> urls, Duration resendInterval, Duration timeout, int queueSize,
                               int maxRetries) {}

    /** {@code alerts.webhook}; null {@code url}: disabled. */
    public record Webhook(String url, String bearerToken, Duration timeout, int queueSize, int maxRetries) {
        @Override
        public String toString() {
            return "Webhook[url=" + url + ", bearerToken=" + (bearerToken == null ? null : "<redacted>")
                    + ", timeout=" + timeout + ", queueSize=" + queueSize + ", maxRetries=" + maxRetries + "]";
        }
    }

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
    public record Output(String dir, Duration statsInterval, Stdout stdout, Syslog syslog) {}

    /** {@code output.stdout}: records as JSON lines on standard output. */
    public record Stdout(boolean enabled, List<String> records, int queueSize) {}

    /** {@code output.syslog}: records as RFC 5424 messages; {@code protocol} udp, tcp or unix. */
    public record Syslog(boolean enabled, String protocol, String address, int facility, List<String> records, int queueSize) {}

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
    public int maxTrackedKeys() { return integer("detect.max_tracked_keys"); }

    // ------------------------------------------------------------------ mappers

    /** The flow table's settings. */
    public FlowSettings flowSettings() {
        int[] ports = smtp.ports().stream().mapToInt(Integer::intValue).toArray();
        return new FlowSettings(ports, smtp.detectOnAnyPort(), flow.maxFlows(), flow.maxBufferedBytesPerDirection(),
                flow.maxBufferedBytesTotal(), micros(flow.attemptTimeout()), micros(flow.idleTimeout()),
                micros(flow.closedTimeout()), micros(flow.ackWait()), flow.ackWaitMaxBytes(),
                flow.maxOverlapCheckBuffers());
    }

    /** The SMTP analyzer's settings. */
    public SmtpSettings smtpSettings() {
        return new SmtpSettings(smtp.maxCommandLineBytes(), smtp.maxReplyLineBytes(), smtp.maxPendingCommands(),
                smtp.maxRcptPerTransaction(), smtp.maxReplyLinesKept());
    }

    /** The detection engine's settings. */
    public DetectSettings detectSettings() {
        return new DetectSettings(
                AddressSet.parse(network.internal()),
                AddressSet.parse(network.mailServers()),
                smtp.policyPorts(),
                network.publicHelo(),
                network.localDomains(),
                maxTrackedKeys(),
                new DetectSettings.EgressPolicy(on(RuleId.EGRESS_POLICY), sev(RuleId.EGRESS_POLICY)),
                new DetectSettings.NullSenderBurst(on(RuleId.NULL_SENDER_BURST), sev(RuleId.NULL_SENDER_BURST),
                        micros(dur("detect.null_sender_burst.window")), integer("detect.null_sender_burst.threshold"),
                        Set.copyOf(nullSenderKeys())),
                new DetectSettings.AuthAccountBurst(on(RuleId.AUTH_ACCOUNT_BURST), sev(RuleId.AUTH_ACCOUNT_BURST),
                        micros(dur("detect.auth_account_burst.window")),
                        integer("detect.auth_account_burst.max_messages"),
                        integer("detect.auth_account_burst.max_recipient_domains"),
                        integer("detect.auth_account_burst.max_client_hosts")),
                new DetectSettings.AuthGuestAccount(on(RuleId.AUTH_GUEST_ACCOUNT), sev(RuleId.AUTH_GUEST_ACCOUNT),
                        strings("detect.auth_guest_account.accounts")),
                new DetectSettings.AuthFailures(on(RuleId.AUTH_FAILURES), sev(RuleId.AUTH_FAILURES),
                        micros(dur("detect.auth_failures.window")), integer("detect.auth_failures.threshold")),
                new DetectSettings.BadHelo(on(RuleId.BAD_HELO), sev(RuleId.BAD_HELO), bool("detect.bad_helo.all_ports")),
                new DetectSettings.BlocklistRejection(on(RuleId.BLOCKLIST_REJECTION), sev(RuleId.BLOCKLIST_REJECTION),
                        strings("detect.blocklist_rejection.patterns")),
                new DetectSettings.OpenRelay(on(RuleId.OPEN_RELAY), sev(RuleId.OPEN_RELAY)));
    }

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
    }

    /**
     * Things that are legal but probably not what the operator wants (check-config prints them):
     * rules that cannot fire, secrets that would travel in clear text.
     */
    public List<String> warnings() {
        List<String> w = new ArrayList<>();
        if (network.internal().isEmpty()) {
            w.add("network.internal: empty, so no host is internal: egress_policy, bad_helo, blocklist_rejection and open_relay never fire");
        }
        if (on(RuleId.OPEN_RELAY) && network.localDomains().isEmpty()) {
            w.add("detect.open_relay: network.local_domains is empty, so the rule cannot tell relaying from local delivery and stays silent");
        }
        if (on(RuleId.EGRESS_POLICY) && network.mailServers().isEmpty()) {
            w.add("network.mail_servers: empty, so every internal host sending SMTP out on a policy port raises egress_policy");
        }
        if (on(RuleId.BAD_HELO) && network.publicHelo().isEmpty() && !network.mailServers().isEmpty()) {
            w.add("network.public_helo: empty, so bad_helo does not check that the mail servers announce their public name");
        }
        if (smtp.policyPorts().isEmpty()) {
            w.add("smtp.policy_ports: empty, so egress_policy never fires (nor bad_helo unless all_ports)");
        }
        if (alerts.webhook().bearerToken() != null && alerts.webhook().url() == null) {
            w.add("alerts.webhook.bearer_token: set but alerts.webhook.url is null (webhook disabled)");
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
    private boolean on(RuleId r) { return rules.isEmpty() ? bool("detect." + r.id() + ".enabled") : rules.get(r).enabled(); }
    private Severity sev(RuleId r) { return rules.get(r).severity(); }

    @SuppressWarnings("unchecked")
    private List<String> strings(String k) { return (List<String>) value(k); }

    @SuppressWarnings("unchecked")
    private List<Integer> ints(String k) { return (List<Integer>) value(k); }

    @SuppressWarnings("unchecked")
    private List<NullSenderKey> nullSenderKeys() { return (List<NullSenderKey>) value("detect.null_sender_burst.keys"); }

    private static long micros(Duration d) {
        return Math.multiplyExact(d.getSeconds(), 1_000_000L) + d.getNano() / 1000L;
    }

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
