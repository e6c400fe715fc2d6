package io.mailtap.config;

import io.mailtap.detect.NullSenderKey;
import io.mailtap.detect.RuleId;
import io.mailtap.detect.Severity;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.mailtap.config.Types.*;

/**
 * Every config key: its place in the tree, type, default and one-line documentation. The loader
 * validates against it, the printer renders from it, and the README's key reference is generated
 * from it, so the three cannot disagree.
 */
final class Schema {
    private Schema() {}

    /** A node of the key tree. */
    abstract static sealed class Node permits Section, Leaf {
        final String name;
        final String doc;

        Node(String name, String doc) {
            this.name = name;
            this.doc = doc;
        }
    }

    /** A mapping of named children. */
    static final class Section extends Node {
        final List<Node> children;
        private final Map<String, Node> byName = new LinkedHashMap<>();

        Section(String name, String doc, Node... children) {
            super(name, doc);
            this.children = List.of(children);
            for (Node c : children) {
                if (byName.put(c.name, c) != null) throw new IllegalStateException("duplicate key " + c.name);
            }
        }

        Node child(String name) { return byName.get(name); }

        List<String> names() { return new ArrayList<>(byName.keySet()); }
    }

    /** A value. */
    static final class Leaf extends Node {
        final Type type;
        final Object defaultValue;

        Leaf(String name, Type type, Object defaultValue, String doc) {
            super(name, doc);
            this.type = type;
            this.defaultValue = defaultValue;
        }
    }

    private static Section section(String name, String doc, Node... children) {
        return new Section(name, doc, children);
    }

    private static Leaf leaf(String name, Type type, Object def, String doc) {
        return new Leaf(name, type, def, doc);
    }

    private static Duration d(String s) { return Units.parseDuration(s); }

    /** The record kinds a forwarding sink carries (io.mailtap.log.Forwarded's config names; a test keeps them equal). */
    static final List<String> FORWARDED_ALL = List.of("transactions", "alerts", "anomalies");

    static final List<String> DEFAULT_GUEST_ACCOUNTS = List.of(
            "guest", "gast", "invité", "invite", "invitado", "ospite", "gość", "gost", "anonymous", "访客", "来宾");

    static final List<String> DEFAULT_BLOCKLIST_PATTERNS = List.of(
            "spamhaus", "cbl.abuseat.org", "abuseat", "spamcop", "barracuda", "sorbs", "uceprotect",
            "blocked using", "listed at", "listed on", "re:\\brbls?\\b", "dnsbl", "blacklist", "blocklist",
            "block list");

    /** The per-rule keys every rule block has, followed by the rule's own. */
    private static Section rule(RuleId id, Severity severity, String doc, Node... own) {
        List<Node> all = new ArrayList<>(List.of(
                leaf("enabled", bool(), true, "Run this rule."),
                leaf("severity", severity(), severity, "Severity of its alerts: critical, warning or info."),
                leaf("renotify_interval", duration(true), null,
                        "Re-notify an alert still matching after this much packet time; null: alerts.dedup.renotify_interval."),
                leaf("resolve_after", duration(true), null,
                        "Resolve an alert after this much packet time without a match; null: alerts.dedup.resolve_after.")));
        all.addAll(Arrays.asList(own));
        return new Section(id.id(), doc, all.toArray(new Node[0]));
    }

    static final Section ROOT = section("", "",
            section("sensor", "Who this sensor is.",
                    leaf("name", string(true), null,
                            "Name stamped on every alert (field sensor) and every metric (label sensor); null: this machine's host name."),
                    leaf("site", string(true), null,
                            "Site this sensor watches, stamped on every alert (field and label site) and every metric (label site); null: no site label.")),
            section("network", "The site's address plan: what is ours, what may send mail out.",
                    leaf("internal", cidrs(), List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"),
                            "Our side of the wire: CIDR blocks or single addresses (IPv4/IPv6). Everything else is outside."),
                    leaf("mail_servers", cidrs(), List.of(),
                            "Hosts allowed to send SMTP to the outside (egress_policy exempts them; bad_helo holds them to public_helo)."),
                    leaf("public_helo", names("host name"), List.of(),
                            "Names our mail servers must announce in HELO/EHLO to outside servers (case-insensitive, trailing dot ignored); empty: not checked."),
                    leaf("local_domains", names("domain"), List.of(),
                            "Domains we accept mail for (subdomains included); open_relay needs them and stays silent without.")),
            section("smtp", "Which TCP connections are SMTP, and the analyzer's limits (each hit is counted).",
                    leaf("ports", ports(true), List.of(25, 465, 587, 2525),
                            "Server ports whose connections are followed as SMTP; they also pick the server side of a connection picked up mid-stream."),
                    leaf("policy_ports", ports(false), List.of(25),
                            "Ports of server-to-server SMTP: egress_policy and bad_helo apply to them. Must be a subset of ports."),
                    leaf("detect_on_any_port", bool(), false,
                            "Also follow TCP on every other port and recognise SMTP by content (costs memory on busy links)."),
                    leaf("max_command_line_bytes", bytes(512, 1 << 20), 4096L,
                            "Longer client command lines are cut to this."),
                    leaf("max_reply_line_bytes", bytes(512, 1 << 20), 4096L,
                            "Longer server reply lines are cut to this."),
                    leaf("max_pending_commands", integer(1, 100_000), 256,
                            "Commands awaiting a reply under PIPELINING before the oldest is given up on."),
                    leaf("max_rcpt_per_transaction", integer(1, 100_000), 100,
                            "RCPT TO arguments listed per transaction in smtp.jsonl; the rest are only counted."),
                    leaf("max_reply_lines_kept", integer(1, 1000), 8,
                            "Lines of a multi-line reply whose text is kept.")),
            section("flow", "The TCP flow table (bounds and timeouts are packet time; each hit is counted).",
                    leaf("max_flows", integer(1, 100_000_000), 1_000_000,
                            "Connections tracked at once; the least recently active is evicted."),
                    leaf("max_buffered_bytes_per_direction", bytes(1, Integer.MAX_VALUE), 262_144L,
                            "Out-of-order bytes held for one direction of one connection before the gap is skipped."),
                    leaf("max_buffered_bytes_total", bytes(1, Long.MAX_VALUE / 2), 268_435_456L,
                            "Out-of-order bytes held across all connections."),
                    leaf("attempt_timeout", duration(false), d("30s"),
                            "A connection that only sent SYNs is ended (state attempted) after this."),
                    leaf("idle_timeout", duration(false), d("5m"),
                            "An established connection without packets is ended after this."),
                    leaf("closed_timeout", duration(false), d("5s"),
                            "A closed (FIN/RST) connection lingers this long for late packets."),
                    leaf("ack_wait", duration(false), d("50ms"),
                            "Bytes the receiver acknowledged before the capture saw them (a mirror can deliver the ACK first) are awaited this long before they are a gap."),
                    leaf("ack_wait_max_bytes", bytes(0, Integer.MAX_VALUE), 262_144L,
                            "Acknowledged bytes not yet captured beyond this are a gap at once (a loss, not a reorder); 0: every such hole is a gap at the ACK."),
                    leaf("max_overlap_check_buffers", integer(0, 1_000_000), 2048,
                            "Connection directions per flow table that keep their delivered, unacknowledged bytes (8 KiB each) to tell a TCP insertion from a retransmission; beyond it a direction keeps none (counted in mailtap_tcp_unacked_not_kept_total); 0: off.")),
            section("capture", "Live capture (ignored by replay).",
                    leaf("interface", string(false), "any",
                            "Interface to capture on (mailtap interfaces lists them); any: all interfaces (Linux)."),
                    leaf("snaplen", integer(64, 262_144), 65535,
                            "Bytes captured per packet."),
                    leaf("promiscuous", bool(), true,
                            "Put the interface in promiscuous mode (needed on a mirror port)."),
                    leaf("buffer_size", bytes(65_536, Integer.MAX_VALUE), 67_108_864L,
                            "Kernel capture buffer; larger absorbs bursts (drops show in pcap stats)."),
                    leaf("immediate_mode", bool(), false,
                            "Deliver packets as they arrive instead of in batches (lower latency, more CPU)."),
                    leaf("timeout_ms", integer(1, 60_000), 50,
                            "Capture read timeout in milliseconds (the batching delay when not in immediate mode)."),
                    leaf("filter", string(false), "auto",
                            "BPF filter; auto: TCP on smtp.ports (all TCP with detect_on_any_port) and the mirror tunnels decoded (VXLAN, GENEVE, GRE/ERSPAN, IP-in-IP, MPLS, PPPoE), at every VLAN level; otherwise a pcap-filter expression, on Ethernet also matched inside 802.1Q/QinQ tags unless it uses vlan/mpls/pppoes itself."),
                    leaf("workers", integer(1, 256), 2,
                            "Decode/flow/SMTP worker threads; flows are sharded between them."),
                    leaf("threads", integer(1, 64), 1,
                            "Capture threads: more than 1 opens that many handles on the interface in one Linux PACKET_FANOUT group (hash of addresses and ports, so a connection stays on one handle), each with its own capture thread and workers/threads of the workers; workers must be a multiple of it."),
                    leaf("fanout_id", integer(0, 65_535), 0,
                            "PACKET_FANOUT group id when threads > 1; ids are shared by every process of the network namespace; 0: a free id the kernel picks (Linux 4.3+; older kernels: the process id's low 16 bits)."),
                    leaf("ring_size", powerOfTwo(2, 1 << 24), 65536,
                            "Packets queued between the capture thread and the workers (power of two); when full, packets are dropped and counted."),
                    leaf("event_queue_size", integer(16, 10_000_000), 16384,
                            "SMTP events queued between the workers and the event thread (logs, detection); when full the workers wait, so the rings fill and drop, counted."),
                    leaf("heartbeat", duration(false), d("1s"),
                            "How often an idle live sensor advances packet time, so timeouts expire and alerts resolve.")),
            section("detect", "Detection rules. Every rule has enabled, severity, renotify_interval and resolve_after.",
                    leaf("max_tracked_keys", integer(1, 10_000_000), 10_000,
                            "Keys (hosts, accounts, HELO names, connections) each table of each rule keeps; the least recently seen is evicted and counted."),
                    rule(RuleId.EGRESS_POLICY, Severity.CRITICAL,
                            "An internal host that is not a mail server connects to an outside host on a policy port (direction by SYN)."),
                    rule(RuleId.NULL_SENDER_BURST, Severity.CRITICAL,
                            "At least threshold MAIL FROM:<> within window, per client host, per AUTH account and per server.",
                            leaf("window", duration(false), d("10m"), "Sliding window (packet time)."),
                            leaf("threshold", integer(1, 10_000_000), 20, "Null-sender MAIL FROMs in the window that fire the rule."),
                            leaf("keys", nullSenderKeys(), List.of(NullSenderKey.CLIENT, NullSenderKey.ACCOUNT, NullSenderKey.SERVER),
                                    "What to count per: client, account, server.")),
                    rule(RuleId.AUTH_ACCOUNT_BURST, Severity.WARNING,
                            "One AUTH account exceeds a sending limit within window.",
                            leaf("window", duration(false), d("1h"), "Sliding window (packet time)."),
                            leaf("max_messages", integer(1, 10_000_000), 200, "Messages (MAIL FROMs) allowed per account in the window."),
                            leaf("max_recipient_domains", integer(1, 100_000), 50, "Distinct recipient domains allowed per account in the window."),
                            leaf("max_client_hosts", integer(1, 100_000), 5, "Distinct client hosts an account may log in or send from in the window.")),
                    rule(RuleId.AUTH_GUEST_ACCOUNT, Severity.CRITICAL,
                            "A successful AUTH as a guest-like account.",
                            leaf("accounts", accounts(), DEFAULT_GUEST_ACCOUNTS,
                                    "Guest-like names, matched case-insensitively on the local part (before '@', after any DOMAIN\\ prefix).")),
                    rule(RuleId.AUTH_FAILURES, Severity.WARNING,
                            "At least threshold failed AUTH from one client within window.",
                            leaf("window", duration(false), d("10m"), "Sliding window (packet time)."),
                            leaf("threshold", integer(1, 10_000_000), 10, "Failed AUTH exchanges in the window that fire the rule.")),
                    rule(RuleId.BAD_HELO, Severity.WARNING,
                            "An internal host greets an outside server with a spambot-like HELO/EHLO (IP literal, loopback, bare name, not public_helo).",
                            leaf("all_ports", bool(), false,
                                    "Also check HELOs to non-policy ports (mail clients on submission ports often send address literals).")),
                    rule(RuleId.BLOCKLIST_REJECTION, Severity.CRITICAL,
                            "An outside server refuses one of our hosts citing a blocklist.",
                            leaf("patterns", patterns(), DEFAULT_BLOCKLIST_PATTERNS,
                                    "Case-insensitive substrings of the reply text, or re:<Java regex>.")),
                    rule(RuleId.OPEN_RELAY, Severity.CRITICAL,
                            "One of our servers accepts, from an unauthenticated outside client, a recipient outside local_domains.")),
            section("alerts", "Alert de-duplication and sinks.",
                    section("log", "The JSON alert log.",
                            leaf("path", string(true), "alerts.jsonl",
                                    "One JSON object per notification; relative paths are under output.dir; null: no alert log.")),
                    section("dedup", "One open alert per (rule, key); all intervals are packet time.",
                            leaf("renotify_interval", duration(false), d("1h"),
                                    "An alert still matching is notified again after this."),
                            leaf("resolve_after", duration(false), d("15m"),
                                    "An alert without a match for this long is resolved (notified once)."),
                            leaf("max_open_alerts", integer(1, 10_000_000), 1000,
                                    "Open alerts per rule; beyond it new alerts of that rule are suppressed and counted.")),
                    section("alertmanager", "Prometheus Alertmanager (v2 API).",
                            leaf("urls", list("http(s) URLs", url(false), false), List.of(),
                                    "Alertmanager base URLs (alerts are POSTed to <url>/api/v2/alerts); empty: disabled."),
                            leaf("resend_interval", duration(false), d("60s"),
                                    "Firing alerts are re-sent this often (Alertmanager expires alerts not re-sent)."),
                            leaf("timeout", duration(false), d("5s"), "HTTP request timeout."),
                            leaf("queue_size", integer(1, 1_000_000), 1000,
                                    "Notifications queued for sending; when full, new ones are dropped and counted."),
                            leaf("max_retries", integer(0, 1000), 5, "Retries of a failed request (with backoff).")),
                    section("webhook", "A generic JSON webhook (each notification POSTed as its alerts.jsonl object).",
                            leaf("url", url(true), null, "http(s) URL; null: disabled."),
                            leaf("bearer_token", headerSecret(), null, "Sent as Authorization: Bearer <token>; never printed."),
                            leaf("bearer_token_file", string(true), null,
                                    "File holding the bearer token (read at load and reload, trailing newline dropped; instead of bearer_token)."),
                            leaf("timeout", duration(false), d("5s"), "HTTP request timeout."),
                            leaf("queue_size", integer(1, 1_000_000), 1000,
                                    "Notifications queued for sending; when full, new ones are dropped and counted."),
                            leaf("max_retries", integer(0, 1000), 5, "Retries of a failed request (with backoff).")),
                    section("spool", "Notifications a sink could not deliver (receiver down, 5xx, timeouts) wait here, in order,"
                                    + " and are sent when it answers again; nothing is dropped until the spool is full.",
                            leaf("dir", string(false), "spool",
                                    "Directory of the spool files (one per sink, 0640); relative paths are under output.dir. Restart to change."),
                            leaf("max_bytes", bytes(0, 1L << 34), 16L << 20,
                                    "Spooled notifications per sink at most (kept in memory too); beyond it new ones are dropped"
                                            + " and counted (reason spool_full); 0: no spool, a failed notification is retried"
                                            + " max_retries times, then given up. Restart to change."))),
            section("metrics", "The Prometheus endpoint.",
                    leaf("listen", listen(), "127.0.0.1:9725", "Address:port to serve metrics on; null: no endpoint."),
                    leaf("path", httpPath(), "/metrics", "HTTP path of the metrics."),
                    section("basic_auth", "HTTP basic authentication; both or neither.",
                            leaf("username", string(true), null, "User name; null: no authentication."),
                            leaf("password", secret(), null, "Password; never printed."),
                            leaf("password_file", string(true), null,
                                    "File holding the password (read at load and reload, trailing newline dropped; instead of password).")),
                    section("tls", "HTTPS; both or neither.",
                            leaf("cert", string(true), null, "PEM certificate chain file; null: plain HTTP."),
                            leaf("key", string(true), null, "PEM private key file."))),
            section("output", "Where files go.",
                    leaf("dir", string(false), ".", "Directory for smtp.jsonl, alerts.jsonl and other outputs."),
                    leaf("stats_interval", durationOrOff(), d("5m"),
                            "Live sensor: log one stats line (packets, drops, flows, transactions, alerts, anomalies, sink drops; totals and per interval) this often; 0: off."),
                    section("stdout", "Live sensor: records also as JSON lines on standard output (journald, Vector, Fluent Bit,"
                                    + " Kubernetes), exactly the files' lines; the sensor's own log is on stderr. Restart to change.",
                            leaf("enabled", bool(), false, "Forward to stdout."),
                            leaf("records", forwarded(), FORWARDED_ALL, "Which records: transactions (smtp.jsonl), alerts (alerts.jsonl), anomalies (anomalies.jsonl)."),
                            leaf("queue_size", integer(1, 10_000_000), 10_000,
                                    "Records waiting to be written; when full (stdout blocked) new ones are dropped and counted, the sensor never waits.")),
                    section("syslog", "Live sensor: records also as RFC 5424 syslog messages (APP-NAME mailtap, HOSTNAME sensor.name,"
                                    + " MSGID transaction|alert|anomaly, MSG the record's JSON object). Restart to change.",
                            leaf("enabled", bool(), false, "Forward to syslog."),
                            leaf("protocol", choice("udp", "tcp", "unix"), "udp",
                                    "udp (one datagram per message), tcp (octet-counting framing, RFC 6587), unix (a unix-domain stream socket, same framing)."),
                            leaf("address", string(false), "127.0.0.1:514", "host:port for udp and tcp; the socket path for unix."),
                            leaf("facility", integer(0, 23), 16, "Syslog facility number (16 = local0); severity: alerts by their severity (critical 2, warning 4, info 6), transactions 6, anomalies 5."),
                            leaf("records", forwarded(), FORWARDED_ALL, "Which records: transactions, alerts, anomalies."),
                            leaf("queue_size", integer(1, 10_000_000), 10_000,
                                    "Records waiting to be sent; when full (server slow or down) new ones are dropped and counted, the sensor never waits."))));

    private static Type forwarded() {
        return list("record kinds (transactions, alerts, anomalies)", choice(FORWARDED_ALL.toArray(new String[0])), false);
    }

    /** Every leaf with its dotted key, in schema order. */
    static Map<String, Leaf> leaves() {
        Map<String, Leaf> m = new LinkedHashMap<>();
        collect(ROOT, "", m);
        return m;
    }

    private static void collect(Section s, String prefix, Map<String, Leaf> out) {
        for (Node n : s.children) {
            String path = prefix.isEmpty() ? n.name : prefix + "." + n.name;
            if (n instanceof Section sub) collect(sub, path, out);
            else out.put(path, (Leaf) n);
        }
    }
}
