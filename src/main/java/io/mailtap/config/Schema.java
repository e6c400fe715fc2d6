package io.mailtap.config;

import io.mailtap.alert.SinkSpec;
import io.mailtap.alert.Sinks;
import io.mailtap.detect.DetectTypes;
import io.mailtap.detect.Rules;
import io.mailtap.flow.FlowSettings;
import io.mailtap.settings.Leaf;
import io.mailtap.settings.Node;
import io.mailtap.settings.Section;
import io.mailtap.settings.Type;
import io.mailtap.settings.Units;
import io.mailtap.smtp.SmtpSettings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.mailtap.settings.Leaf.live;
import static io.mailtap.settings.Leaf.restart;
import static io.mailtap.settings.ValueTypes.*;

/**
 * The whole key tree, assembled from the stages' own fragments ({@link SmtpSettings#SCHEMA},
 * {@link FlowSettings#SCHEMA}, {@link Rules#schema()}, {@link Sinks#ALL}) and the sections the
 * composition itself reads (sensor, network, capture, alert log and de-duplication, spool, metrics,
 * output). The loader validates against it, the printer renders from it, the reload plan walks its
 * live/restart attributes, and the README's key reference is generated from it.
 */
final class Schema {
    private Schema() {}

    private static Section section(String name, String doc, Node... children) {
        return Section.of(name, doc, children);
    }

    /** A group reported as one key by a reload (pairs, secrets with their files). */
    private static Section oneKey(String name, String doc, Node... children) {
        return Section.of(name, doc, children).asOneKey();
    }

    private static Duration d(String s) { return Units.parseDuration(s); }

    /** The record kinds a forwarding sink carries (io.mailtap.txlog.Forwarded's config names; a test keeps them equal). */
    static final List<String> FORWARDED_ALL = List.of("transactions", "alerts", "anomalies");

    private static Section alerts() {
        List<Node> children = new ArrayList<>(List.of(
                    section("log", "The JSON alert log.",
                            live("path", string(true), "alerts.jsonl",
                                    "One JSON object per notification; relative paths are under output.dir; null: no alert log.")),
                    section("dedup", "One open alert per (rule, key); all intervals are packet time.",
                            live("renotify_interval", duration(false), d("1h"),
                                    "An alert still matching is notified again after this."),
                            live("resolve_after", duration(false), d("15m"),
                                    "An alert without a match for this long is resolved (notified once)."),
                            live("max_open_alerts", integer(1, 10_000_000), 1000,
                                    "Open alerts per rule; beyond it new alerts of that rule are suppressed and counted."))));
        for (SinkSpec s : Sinks.ALL) children.add(s.section());
        children.add(
                    oneKey("spool", "Notifications a sink could not deliver (receiver down, 5xx, timeouts) wait here, in order,"
                                    + " and are sent when it answers again; nothing is dropped until the spool is full.",
                            restart("dir", string(false), "spool",
                                    "Directory of the spool files (one per sink, 0640); relative paths are under output.dir. Restart to change."),
                            restart("max_bytes", bytes(0, 1L << 34), 16L << 20,
                                    "Spooled notifications per sink at most (kept in memory too); beyond it new ones are dropped"
                                            + " and counted (reason spool_full); 0: no spool, a failed notification is retried"
                                            + " max_retries times, then given up. Restart to change.")));
        return Section.of(SinkSpec.PARENT, "Alert de-duplication and sinks.", children);
    }

    static final Section ROOT = section("", "",
            section("sensor", "Who this sensor is.",
                    live("name", string(true), null,
                            "Name stamped on every alert (field sensor) and every metric (label sensor); null: this machine's host name.")
                            .alsoAtRestart("as a metric label"),
                    live("site", string(true), null,
                            "Site this sensor watches, stamped on every alert (field and label site) and every metric (label site); null: no site label.")
                            .alsoAtRestart("as a metric label")),
            section("network", "The site's address plan: what is ours, what may send mail out.",
                    live("internal", DetectTypes.cidrs(), List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"),
                            "Our side of the wire: CIDR blocks or single addresses (IPv4/IPv6). Everything else is outside."),
                    live("mail_servers", DetectTypes.cidrs(), List.of(),
                            "Hosts allowed to send SMTP to the outside (egress_policy exempts them; bad_helo holds them to public_helo)."),
                    live("public_helo", names("host name"), List.of(),
                            "Names our mail servers must announce in HELO/EHLO to outside servers (case-insensitive, trailing dot ignored); empty: not checked."),
                    live("local_domains", names("domain"), List.of(),
                            "Domains we accept mail for (subdomains included); open_relay needs them and stays silent without.")),
            SmtpSettings.SCHEMA,
            FlowSettings.SCHEMA,
            section("capture", "Live capture (ignored by replay).",
                    restart("interface", string(false), "any",
                            "Interface to capture on (mailtap interfaces lists them); any: all interfaces (Linux)."),
                    restart("snaplen", integer(64, 262_144), 65535,
                            "Bytes captured per packet."),
                    restart("promiscuous", bool(), true,
                            "Put the interface in promiscuous mode (needed on a mirror port)."),
                    restart("buffer_size", bytes(65_536, Integer.MAX_VALUE), 67_108_864L,
                            "Kernel capture buffer; larger absorbs bursts (drops show in pcap stats)."),
                    restart("immediate_mode", bool(), false,
                            "Deliver packets as they arrive instead of in batches (lower latency, more CPU)."),
                    restart("timeout_ms", integer(1, 60_000), 50,
                            "Capture read timeout in milliseconds (the batching delay when not in immediate mode)."),
                    restart("filter", string(false), "auto",
                            "BPF filter; auto: TCP on smtp.ports (all TCP with detect_on_any_port) and the mirror tunnels decoded (VXLAN, GENEVE, GRE/ERSPAN, IP-in-IP, MPLS, PPPoE), at every VLAN level; otherwise a pcap-filter expression, on Ethernet also matched inside 802.1Q/QinQ tags unless it uses vlan/mpls/pppoes itself."),
                    restart("workers", integer(1, 256), 2,
                            "Decode/flow/SMTP worker threads; flows are sharded between them."),
                    restart("threads", integer(1, 64), 1,
                            "Capture threads: more than 1 opens that many handles on the interface in one Linux PACKET_FANOUT group (hash of addresses and ports, so a connection stays on one handle), each with its own capture thread and workers/threads of the workers; workers must be a multiple of it."),
                    restart("fanout_id", integer(0, 65_535), 0,
                            "PACKET_FANOUT group id when threads > 1; ids are shared by every process of the network namespace; 0: a free id the kernel picks (Linux 4.3+; older kernels: the process id's low 16 bits)."),
                    restart("ring_size", powerOfTwo(2, 1 << 24), 65536,
                            "Packets queued between the capture thread and the workers (power of two); when full, packets are dropped and counted."),
                    restart("event_queue_size", integer(16, 10_000_000), 16384,
                            "SMTP events queued between the workers and the event thread (logs, detection); when full the workers wait, so the rings fill and drop, counted."),
                    restart("heartbeat", duration(false), d("1s"),
                            "How often an idle live sensor advances packet time, so timeouts expire and alerts resolve."),
                    restart("warm_up", durationOrOff(), d("2s"),
                            "Before it opens the capture and reports ready, the live sensor runs up to 5,000 synthetic SMTP sessions through a throwaway pipeline for at most this long, so the JIT has compiled the packet path before the first real packet (logged: sessions and time); 0: off.")),
            Rules.schema(),
            alerts(),
            section("metrics", "The Prometheus endpoint.",
                    restart("listen", listen(), "127.0.0.1:9725", "Address:port to serve metrics on; null: no endpoint."),
                    restart("path", httpPath(), "/metrics", "HTTP path of the metrics."),
                    oneKey("basic_auth", "HTTP basic authentication; both or neither.",
                            restart("username", string(true), null, "User name; null: no authentication."),
                            restart("password", secret(), null, "Password; never printed."),
                            restart("password_file", string(true), null,
                                    "File holding the password (read at load and reload, trailing newline dropped; instead of password).")),
                    oneKey("tls", "HTTPS; both or neither.",
                            restart("cert", string(true), null, "PEM certificate chain file; null: plain HTTP."),
                            restart("key", string(true), null, "PEM private key file."))),
            section("output", "Where files go.",
                    restart("dir", string(false), ".", "Directory for smtp.jsonl, alerts.jsonl and other outputs."),
                    restart("stats_interval", durationOrOff(), d("5m"),
                            "Live sensor: log one stats line (packets, drops, flows, transactions, alerts, anomalies, sink drops; totals and per interval) this often; 0: off."),
                    oneKey("stdout", "Live sensor: records also as JSON lines on standard output (journald, Vector, Fluent Bit,"
                                    + " Kubernetes), exactly the files' lines; the sensor's own log is on stderr. Restart to change.",
                            restart("enabled", bool(), false, "Forward to stdout."),
                            restart("records", forwarded(), FORWARDED_ALL, "Which records: transactions (smtp.jsonl), alerts (alerts.jsonl), anomalies (anomalies.jsonl)."),
                            restart("queue_size", integer(1, 10_000_000), 10_000,
                                    "Records waiting to be written; when full (stdout blocked) new ones are dropped and counted, the sensor never waits.")),
                    oneKey("syslog", "Live sensor: records also as RFC 5424 syslog messages (APP-NAME mailtap, HOSTNAME sensor.name,"
                                    + " MSGID transaction|alert|anomaly, MSG the record's JSON object). Restart to change.",
                            restart("enabled", bool(), false, "Forward to syslog."),
                            restart("protocol", choice("udp", "tcp", "unix"), "udp",
                                    "udp (one datagram per message), tcp (octet-counting framing, RFC 6587), unix (a unix-domain stream socket, same framing)."),
                            restart("address", string(false), "127.0.0.1:514", "host:port for udp and tcp; the socket path for unix."),
                            restart("facility", integer(0, 23), 16, "Syslog facility number (16 = local0); severity: alerts by their severity (critical 2, warning 4, info 6), transactions 6, anomalies 5."),
                            restart("records", forwarded(), FORWARDED_ALL, "Which records: transactions, alerts, anomalies."),
                            restart("queue_size", integer(1, 10_000_000), 10_000,
                                    "Records waiting to be sent; when full (server slow or down) new ones are dropped and counted, the sensor never waits.")),
                    oneKey("kafka", "Live sensor: records also to Kafka, one message per record on its kind's topic: the value is the"
                                    + " file's line (without the newline), the key <sensor.name>/<uid> (alerts: <sensor.name>/<rule>/<key>);"
                                    + " acks=all and an idempotent producer. Restart to change.",
                            restart("enabled", bool(), false, "Forward to Kafka."),
                            restart("bootstrap_servers", list("host:port addresses", string(false), false), List.of(),
                                    "Brokers to start from (host:port); at least one when enabled."),
                            restart("client_id", string(true), null, "The producer's client.id (broker logs, quotas); null: mailtap-<sensor.name>."),
                            section("topics", "The topic of each record kind (created beforehand: the sensor does not create topics).",
                                    restart("transactions", string(false), "mailtap.transactions", "smtp.jsonl records."),
                                    restart("alerts", string(false), "mailtap.alerts", "alerts.jsonl records."),
                                    restart("anomalies", string(false), "mailtap.anomalies", "anomalies.jsonl records.")),
                            restart("records", forwarded(), FORWARDED_ALL, "Which records: transactions, alerts, anomalies."),
                            restart("queue_size", integer(1, 10_000_000), 10_000,
                                    "Records waiting for the producer; when full new ones are dropped and counted, the sensor never waits."),
                            restart("buffer_memory", bytes(64L << 10, 1L << 31), 32L << 20,
                                    "The producer's buffer.memory: records accepted and not yet acknowledged; with queue_size, what a broker"
                                            + " outage can hold before records are dropped and counted."),
                            restart("max_block", duration(false), d("1s"),
                                    "max.block.ms: how long the forwarder's sender thread (never the event thread) waits for buffer space or"
                                            + " a topic's metadata before the record is dropped and counted (send_failed)."),
                            restart("delivery_timeout", duration(false), d("2m"),
                                    "delivery.timeout.ms: an accepted record not acknowledged in this time (broker down longer) fails and is counted."),
                            restart("linger", durationOrOff(), d("5ms"), "linger.ms: how long a batch waits for more records; 0: send at once."),
                            restart("compression", choice("none", "gzip", "lz4"), "lz4", "Batch compression."),
                            restart("security_protocol", choice("plaintext", "ssl", "sasl_plaintext", "sasl_ssl"), "plaintext",
                                    "ssl and sasl_ssl: TLS (see tls); sasl_*: SASL authentication (see sasl)."),
                            section("sasl", "SASL authentication (security_protocol sasl_plaintext or sasl_ssl).",
                                    restart("mechanism", choice("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"), "SCRAM-SHA-512", "SASL mechanism."),
                                    restart("username", string(true), null, "User name."),
                                    restart("password", secret(), null, "Password; never printed."),
                                    restart("password_file", string(true), null,
                                            "File holding the password (read at load and reload, trailing newline dropped; instead of password).")),
                            section("tls", "TLS (security_protocol ssl or sasl_ssl); the broker's name is verified.",
                                    restart("ca", string(true), null, "PEM file of the CA certificates to trust; null: the JDK's."),
                                    restart("cert", string(true), null, "PEM client certificate chain (mutual TLS); null: none."),
                                    restart("key", string(true), null, "PEM (PKCS#8) private key of cert."),
                                    restart("key_password", secret(), null, "Password of an encrypted key; never printed."),
                                    restart("key_password_file", string(true), null,
                                            "File holding the key password (read at load and reload, trailing newline dropped; instead of key_password).")))));

    private static Type forwarded() {
        return list("record kinds (transactions, alerts, anomalies)", choice(FORWARDED_ALL.toArray(new String[0])), false);
    }

    /** Every leaf with its dotted key, in schema order. */
    static Map<String, Leaf> leaves() {
        return ROOT.leaves();
    }
}
