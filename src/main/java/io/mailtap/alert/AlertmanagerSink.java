package io.mailtap.alert;

import io.mailtap.settings.Section;
import static io.mailtap.settings.Leaf.live;
import static io.mailtap.settings.Types.duration;
import static io.mailtap.settings.Types.integer;
import static io.mailtap.settings.Types.list;
import static io.mailtap.settings.Types.url;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailtap.detect.RuleId;
import io.mailtap.log.SafeJson;
import io.mailtap.log.TransactionLogWriter;
import io.mailtap.util.Redactor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends alerts to Prometheus Alertmanager: {@code POST <url>/api/v2/alerts} with a JSON array of
 * postable alerts, to every configured URL (an HA pair gets every batch, as Prometheus does it).
 *
 * <h2>Labels (identity; never free text)</h2>
 * {@code alertname} = {@code "MailtapDetect"} + the rule id in CamelCase ({@link #alertName}:
 * egress_policy → {@code MailtapDetectEgressPolicy}; the "Detect" part keeps these per-subject alerts
 * apart from the aggregate Prometheus rules in {@code ops/prometheus/mailtap-rules.yml}, e.g.
 * {@code MailtapNullSenderBurst}), {@code severity}, {@code rule} (the rule id), {@code sensor}
 * (sensor name; not {@code instance}, which Prometheus sets to the scraped host:port of its own
 * alerts), {@code site} (when {@code sensor.site} is set: grouping and inhibition stay within a
 * site whose private ranges repeat elsewhere), {@code key_id} (16 hex digits of SHA-256 of rule and de-dup key: two alerts of one
 * rule about the same host, e.g. two bad HELO names, stay two alerts without putting the HELO in a
 * label), and {@code src_ip}, {@code account}, {@code dst_ip} when the alert has them. Their number
 * is bounded by the tracker's open-alert cap. Labels are taken from the alert's FIRST notification
 * and kept until it resolves, so a later finding that names another server does not change the
 * Alertmanager fingerprint (which would leave a stale copy behind); the annotations show the latest
 * values.
 *
 * <h2>Annotations (text)</h2>
 * {@code summary}, {@code description} (multi-line: subject, state, count and window, first/last
 * seen, status), {@code key}, {@code count}, {@code first_seen}, {@code last_seen}, {@code state},
 * {@code gaps}, and the evidence flattened as {@code evidence_<name>} (values as strings, lists joined
 * with ", ", at most {@value #MAX_EVIDENCE} entries of {@value #MAX_ANNOTATION_CHARS} characters).
 * Control characters from the wire are shown as {@code \\uXXXX}.
 *
 * <h2>Times</h2>
 * {@code startsAt} = first_seen. While firing, {@code endsAt} = send time + 3 × resend interval
 * (wall clock), so Alertmanager keeps the alert only while mailtap keeps re-sending it: a sensor that
 * dies leaves no alert firing forever. On resolution {@code endsAt} = the resolved notification's
 * time (packet time: last_seen + resolve_after). {@code generatorURL} is not sent.
 *
 * <h2>Re-sending</h2>
 * Alertmanager forgets alerts that are not re-sent. The sink keeps the currently firing alerts (one
 * per rule and key, at most {@code maxActive}, updated by {@link #publish} itself, so even a
 * notification dropped on a full queue is corrected by the next re-send) and POSTs all of them every
 * {@code resend_interval} of wall clock, once per interval without retries (the next interval is
 * the retry; failures count as failed attempts). A resolved notification removes its alert from
 * the set. {@link #close} does not resolve anything: Alertmanager lets the alerts expire at their
 * endsAt.
 *
 * <h2>Delivery</h2>
 * {@link AsyncDelivery}: bounded queue, one daemon thread, batches of up to {@value #MAX_BATCH}
 * alerts, retries with backoff. A batch counts as delivered when at least one URL answered 2xx;
 * every failed request (per URL, per attempt) counts as a failed attempt; a 4xx other than
 * 408/429 is not retried.
 */
public final class AlertmanagerSink implements MonitoredSink {
    private static final Logger LOG = LoggerFactory.getLogger(AlertmanagerSink.class);

    public static final String NAME = "alertmanager";

    /** {@code alerts.alertmanager}: live (a reload rebuilds the sink); disabled while {@code urls} is empty. */
    public static final SinkSpec SPEC = SinkSpec.of(Section.of(NAME, "Prometheus Alertmanager (v2 API).",
                    live("urls", list("http(s) URLs", url(false), false), List.of(),
                            "Alertmanager base URLs (alerts are POSTed to <url>/api/v2/alerts); empty: disabled."),
                    live("resend_interval", duration(false), Duration.ofSeconds(60),
                            "Firing alerts are re-sent this often (Alertmanager expires alerts not re-sent)."),
                    live("timeout", duration(false), Duration.ofSeconds(5), "HTTP request timeout."),
                    live("queue_size", integer(1, 1_000_000), 1000,
                            "Notifications queued for sending; when full, new ones are dropped and counted."),
                    live("max_retries", integer(0, 1000), 5, "Retries of a failed request (with backoff).")),
            (v, ctx) -> v.<String>list("urls").isEmpty() ? null
                    : new AlertmanagerSink(v.list("urls"), ctx.sensorName(), v.duration("resend_interval"), v.duration("timeout"),
                            v.integer("queue_size"), v.integer("max_retries"), ctx.spoolDir(), ctx.spoolMaxBytes()));
    /** Path appended to each configured base URL. */
    public static final String API_PATH = "/api/v2/alerts";
    /** Alerts per POST. */
    static final int MAX_BATCH = 64;
    /** Firing alerts kept for re-sending (8 rules × the default max_open_alerts 1000 fit). */
    static final int DEFAULT_MAX_ACTIVE = 16_384;
    /** endsAt of a firing alert = now + this × resend interval. */
    static final int ENDS_AT_RESENDS = 3;
    static final int MAX_LABEL_CHARS = 256;
    static final int MAX_ANNOTATION_CHARS = 1024;
    static final int MAX_EVIDENCE = 32;

    private final List<HttpTarget> targets;
    private final String sensorName;
    private final Duration resendInterval;
    private final Duration timeout;
    private final int maxActive;
    private final Clock clock;
    private final HttpClient client;
    private final SinkStats stats = new SinkStats();
    private final ConcurrentHashMap<ActiveKey, Active> active = new ConcurrentHashMap<>();
    private final AtomicLong resent = new AtomicLong();
    private final LogLimiter failureLog = new LogLimiter(AsyncDelivery.LOG_INTERVAL);
    private final LogLimiter activeFullLog = new LogLimiter(AsyncDelivery.LOG_INTERVAL);
    private final LogLimiter publishErrorLog = new LogLimiter(AsyncDelivery.LOG_INTERVAL);
    /** Queued and spooled: postable alerts, a firing one without endsAt (set when sent). */
    private final AsyncDelivery<ObjectNode> delivery;

    /** Identity of an alert for re-sending: the tracker's (rule, key). */
    private record ActiveKey(RuleId rule, String key) {}

    /** A firing alert: the notification its labels come from and the latest one. */
    private record Active(Alert labelSource, Alert latest) {}


    /**
     * @param urls           Alertmanager base URLs ({@value #API_PATH} is appended); user:password@
     *                       in a URL is sent as HTTP basic auth
     * @param sensorName     the {@code sensor} label (the alert's own sensor name when null)
     * @param resendInterval how often firing alerts are re-sent (wall clock)
     * @param timeout        HTTP connect and request timeout
     * @param queueSize      notifications waiting at most; more are dropped and counted
     * @param maxRetries     retries of a failed batch
     */
    public AlertmanagerSink(List<String> urls, String sensorName, Duration resendInterval, Duration timeout,
                            int queueSize, int maxRetries) {
        this(urls, sensorName, resendInterval, timeout, queueSize, maxRetries, AsyncDelivery.Backoff.DEFAULT,
                DEFAULT_MAX_ACTIVE, Clock.systemUTC());
    }

    AlertmanagerSink(List<String> urls, String sensorName, Duration resendInterval, Duration timeout, int queueSize,
                     int maxRetries, AsyncDelivery.Backoff backoff, int maxActive, Clock clock) {
        this(urls, sensorName, resendInterval, timeout, queueSize, maxRetries, backoff, maxActive, clock, null, 0);
    }

    /**
     * As above, with an on-disk spool in {@code spoolDir} of at most {@code spoolMaxBytes} (0: none).
     * A notification that fails waits there, in order, until Alertmanager takes it, so the resolved
     * state of an alert that fired and resolved during an outage still reaches it.
     */
    public AlertmanagerSink(List<String> urls, String sensorName, Duration resendInterval, Duration timeout,
                            int queueSize, int maxRetries, java.nio.file.Path spoolDir, long spoolMaxBytes) {
        this(urls, sensorName, resendInterval, timeout, queueSize, maxRetries, AsyncDelivery.Backoff.DEFAULT,
                DEFAULT_MAX_ACTIVE, Clock.systemUTC(), spoolDir, spoolMaxBytes);
    }

    AlertmanagerSink(List<String> urls, String sensorName, Duration resendInterval, Duration timeout, int queueSize,
                     int maxRetries, AsyncDelivery.Backoff backoff, int maxActive, Clock clock,
                     java.nio.file.Path spoolDir, long spoolMaxBytes) {
        if (urls.isEmpty()) throw new IllegalArgumentException("no Alertmanager URL");
        if (resendInterval.isNegative() || resendInterval.isZero()) throw new IllegalArgumentException("resendInterval must be > 0");
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be > 0");
        List<HttpTarget> t = new ArrayList<>(urls.size());
        for (String u : urls) t.add(new HttpTarget(apiUrl(u), null, null, false));
        this.targets = List.copyOf(t);
        this.sensorName = sensorName;
        this.resendInterval = resendInterval;
        this.timeout = timeout;
        this.maxActive = maxActive;
        this.clock = clock;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        Redactor redactor = Redactor.none();
        for (String u : urls) redactor = redactor.and(Redactor.secretsOfUrl(u, false));
        Spool spool = null;
        if (spoolDir != null && spoolMaxBytes > 0) {
            try {
                spool = Spool.open(spoolDir, NAME, spoolMaxBytes);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot open the Alertmanager spool in " + spoolDir + ": " + e.getMessage(), e);
            }
        }
        this.delivery = new AsyncDelivery<>(NAME, queueSize, MAX_BATCH, maxRetries, backoff, this::sendNotifications,
                resendInterval, this::resendActive, stats, redactor, spool, POSTABLE);
    }

    /** {@code base} + {@value #API_PATH}, without doubling a trailing slash. */
    static String apiUrl(String base) {
        String b = base.trim();
        while (b.endsWith("/")) b = b.substring(0, b.length() - 1);
        return b + API_PATH;
    }

    /**
     * The Alertmanager {@code alertname} of a rule's alerts: "MailtapDetect" + the rule id in
     * CamelCase (egress_policy → MailtapDetectEgressPolicy).
     */
    public static String alertName(RuleId rule) {
        StringBuilder b = new StringBuilder("MailtapDetect");
        for (String part : rule.id().split("_")) {
            if (part.isEmpty()) continue;
            b.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return b.toString();
    }

    @Override
    public String name() { return NAME; }

    @Override
    public SinkStats stats() { return stats; }

    /** Alerts firing now, re-sent every resend interval. */
    public int activeCount() { return active.size(); }

    /** Alerts re-sent so far (each alert in each re-send POST round counts once). */
    public long resent() { return resent.get(); }

    /** Updates the firing set and queues the notification; never blocks, never throws. */
    @Override
    public void publish(Alert alert) {
        if (alert == null || delivery.isClosed()) return;
        try {
            ActiveKey k = new ActiveKey(alert.rule(), alert.key());
            Alert labelSource;
            if (alert.status() == AlertStatus.RESOLVED) {
                Active was = active.remove(k);
                labelSource = was != null ? was.labelSource() : alert;
            } else {
                Active now = active.compute(k, (key, old) -> {
                    if (old != null) return new Active(old.labelSource(), alert);
                    return active.size() < maxActive ? new Active(alert, alert) : null;
                });
                if (now == null) {
                    labelSource = alert;
                    long skipped = activeFullLog.acquire();
                    if (skipped >= 0) {
                        LOG.warn("{}: {} alerts firing, the re-send set is full: a new alert is sent once but not re-sent{}",
                                NAME, maxActive, LogLimiter.suppressedNote(skipped));
                    }
                } else {
                    labelSource = now.labelSource();
                }
            }
            ObjectNode p = postable(labelSource, alert, clock.instant());
            if (alert.status() != AlertStatus.RESOLVED) p.remove("endsAt"); // a firing alert's endsAt is set when sent
            delivery.offer(p);
        } catch (RuntimeException e) {
            long skipped = publishErrorLog.acquire();
            if (skipped >= 0) LOG.warn("{}: cannot queue an alert{}", NAME, LogLimiter.suppressedNote(skipped), e);
        }
    }

    /** Nothing to do: the delivery thread sends as soon as something is queued. */
    @Override
    public void flush() {}

    /** Stops accepting and sends what is queued within min(5 s, timeout). Resolves nothing. */
    @Override
    public void close() {
        delivery.close(shutdownBudget(timeout));
    }

    static Duration shutdownBudget(Duration timeout) {
        Duration five = Duration.ofSeconds(5);
        return timeout.compareTo(five) < 0 ? timeout : five;
    }

    @Override
    public String toString() { return "AlertmanagerSink" + targets; }

    // ------------------------------------------------------------------ delivery thread

    private AsyncDelivery.Attempt sendNotifications(List<ObjectNode> batch) throws InterruptedException {
        Instant now = clock.instant();
        long nowMicros = Math.multiplyExact(now.getEpochSecond(), 1_000_000L) + now.getNano() / 1000;
        String nowText = TransactionLogWriter.isoMicros(nowMicros);
        String endsAt = TransactionLogWriter.isoMicros(nowMicros + Math.multiplyExact(resendInterval.toNanos() / 1000,
                (long) ENDS_AT_RESENDS));
        ArrayNode arr = SafeJson.mapper().createArrayNode();
        for (ObjectNode n : batch) {
            ObjectNode o = n.deepCopy();
            if (!o.has("endsAt")) { // firing (perhaps spooled for a while): alive for 3 re-sends from now
                if (o.path("startsAt").asText().compareTo(nowText) > 0) o.put("startsAt", nowText); // same fixed format
                o.put("endsAt", endsAt);
            }
            arr.add(o);
        }
        return postToAll(bytes(arr));
    }

    private static final AsyncDelivery.Codec<ObjectNode> POSTABLE = new AsyncDelivery.Codec<>() {
        public byte[] encode(ObjectNode o) { return bytes(o); }

        public ObjectNode decode(byte[] line) {
            try {
                return (ObjectNode) SafeJson.mapper().readTree(line);
            } catch (java.io.IOException | ClassCastException e) {
                throw new IllegalArgumentException("not a spooled Alertmanager alert", e);
            }
        }
    };

    /** Re-sends every firing alert: once per interval, no retries; failures are counted. */
    private void resendActive() {
        if (active.isEmpty()) return;
        List<Active> all = new ArrayList<>(active.values());
        Instant now = clock.instant();
        for (int from = 0; from < all.size(); from += MAX_BATCH) {
            ArrayNode arr = SafeJson.mapper().createArrayNode();
            List<Active> chunk = all.subList(from, Math.min(all.size(), from + MAX_BATCH));
            for (Active a : chunk) arr.add(postable(a.labelSource(), a.latest(), now));
            AsyncDelivery.Attempt r;
            try {
                r = postToAll(bytes(arr));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            stats.failedAttempts.addAndGet(r.failures());
            if (r.delivered()) resent.addAndGet(chunk.size());
        }
    }

    private static byte[] bytes(com.fasterxml.jackson.databind.JsonNode arr) {
        try {
            return SafeJson.mapper().writeValueAsBytes(arr);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** POSTs {@code body} to every URL at once and waits for all of them. */
    private AsyncDelivery.Attempt postToAll(byte[] body) throws InterruptedException {
        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>(targets.size());
        for (HttpTarget t : targets) sent.add(t.post(client, body, timeout));
        Duration hard = timeout.multipliedBy(2).plusSeconds(1);
        int failures = 0;
        boolean ok = false;
        boolean retryable = false;
        String problem = null;
        for (int i = 0; i < targets.size(); i++) {
            HttpTarget.Result r = targets.get(i).await(sent.get(i), hard);
            if (r.ok()) {
                ok = true;
                continue;
            }
            failures++;
            retryable |= r.retryable();
            if (problem == null) problem = targets.get(i).display() + ": " + r.problem();
            long skipped = failureLog.acquire();
            if (skipped >= 0) {
                LOG.warn("{}: POST to {} failed: {}{}", NAME, targets.get(i).display(), r.problem(),
                        LogLimiter.suppressedNote(skipped));
            }
        }
        return new AsyncDelivery.Attempt(ok, retryable, failures, problem);
    }

    // ------------------------------------------------------------------ rendering

    /**
     * One postable alert: labels from {@code labelSource}, annotations and times from {@code alert}.
     * Package-visible for tests.
     */
    ObjectNode postable(Alert labelSource, Alert alert, Instant now) {
        ObjectNode o = SafeJson.mapper().createObjectNode();
        ObjectNode labels = o.putObject("labels");
        labels(labelSource, sensorName).forEach(labels::put);
        ObjectNode ann = o.putObject("annotations");
        annotations(alert).forEach(ann::put);
        long nowMicros = Math.multiplyExact(now.getEpochSecond(), 1_000_000L) + now.getNano() / 1000;
        if (alert.status() == AlertStatus.RESOLVED) {
            o.put("startsAt", TransactionLogWriter.isoMicros(alert.firstSeenMicros()));
            o.put("endsAt", TransactionLogWriter.isoMicros(Math.max(alert.tsMicros(), alert.firstSeenMicros())));
        } else {
            // A first_seen ahead of this host's clock must not make startsAt > endsAt (Alertmanager rejects that).
            o.put("startsAt", TransactionLogWriter.isoMicros(Math.min(alert.firstSeenMicros(), nowMicros)));
            long ttl = Math.multiplyExact(resendInterval.toNanos() / 1000, (long) ENDS_AT_RESENDS);
            o.put("endsAt", TransactionLogWriter.isoMicros(nowMicros + ttl));
        }
        return o;
    }

    /** The label set of an alert (ordered; only bounded values). */
    static Map<String, String> labels(Alert a, String sensorName) {
        Map<String, String> l = new LinkedHashMap<>();
        l.put("alertname", alertName(a.rule()));
        l.put("severity", a.severity().label());
        l.put("rule", a.rule().id());
        putLabel(l, "sensor", sensorName != null ? sensorName : a.sensor());
        putLabel(l, "site", a.site());
        l.put("key_id", keyId(a.rule(), a.key()));
        putLabel(l, "src_ip", a.srcIp());
        putLabel(l, "account", a.account());
        putLabel(l, "dst_ip", a.dstIp());
        putLabel(l, "list", a.list());
        return l;
    }

    private static void putLabel(Map<String, String> l, String name, String value) {
        if (value != null && !value.isEmpty()) l.put(name, cap(printable(value), MAX_LABEL_CHARS));
    }

    /** 16 hex digits of SHA-256("rule\nkey"): a stable, bounded stand-in for the free-text key. */
    static String keyId(RuleId rule, String key) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] h = md.digest((rule.id() + "\n" + key).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JDK has SHA-256
        }
    }

    /** The annotations of an alert (ordered). */
    static Map<String, String> annotations(Alert a) {
        Map<String, String> m = new LinkedHashMap<>();
        String summary = a.summary() != null ? a.summary() : a.rule().id() + " alert for " + a.key();
        m.put("summary", cap(printable(summary), MAX_ANNOTATION_CHARS));
        m.put("description", description(a));
        m.put("key", cap(printable(a.key()), MAX_ANNOTATION_CHARS));
        m.put("count", Long.toString(a.count()));
        m.put("first_seen", TransactionLogWriter.isoMicros(a.firstSeenMicros()));
        m.put("last_seen", TransactionLogWriter.isoMicros(a.lastSeenMicros()));
        if (a.state() != null) m.put("state", cap(printable(a.state()), MAX_ANNOTATION_CHARS));
        if (a.gaps()) m.put("gaps", "true");
        int n = 0;
        for (Map.Entry<String, Object> e : a.evidence().entrySet()) {
            if (n++ >= MAX_EVIDENCE) break;
            m.put("evidence_" + annotationName(e.getKey()), cap(printable(text(e.getValue())), MAX_ANNOTATION_CHARS));
        }
        return m;
    }

    private static String description(Alert a) {
        StringBuilder b = new StringBuilder(256);
        // Every line is capped, so a huge summary cannot push the facts below it out of the cap.
        b.append(a.summary() != null ? cap(printable(a.summary()), MAX_ANNOTATION_CHARS) : a.rule().id()).append('\n');
        b.append("rule: ").append(a.rule().id()).append(" (").append(a.severity().label()).append("), status: ")
                .append(a.status().label()).append('\n');
        if (a.srcIp() != null) b.append("client: ").append(cap(printable(a.srcIp()), MAX_LABEL_CHARS)).append('\n');
        if (a.dstIp() != null) b.append("server: ").append(cap(printable(a.dstIp()), MAX_LABEL_CHARS)).append('\n');
        if (a.account() != null) b.append("account: ").append(cap(printable(a.account()), MAX_LABEL_CHARS)).append('\n');
        if (a.state() != null) b.append("state: ").append(cap(printable(a.state()), MAX_LABEL_CHARS)).append('\n');
        if (a.windowSeconds() > 0) {
            b.append("count: ").append(a.count()).append(" in the last ").append(a.windowSeconds()).append(" s window\n");
        } else {
            b.append("count: ").append(a.count()).append(" since first seen\n");
        }
        b.append("first seen: ").append(TransactionLogWriter.isoMicros(a.firstSeenMicros())).append('\n');
        b.append("last seen: ").append(TransactionLogWriter.isoMicros(a.lastSeenMicros())).append('\n');
        if (a.status() == AlertStatus.RESOLVED) {
            b.append("resolved: ").append(TransactionLogWriter.isoMicros(a.tsMicros())).append('\n');
        }
        if (a.gaps()) b.append("note: some evidence connections had missing data (capture loss or reassembly gaps)\n");
        b.append("sensor: ").append(Objects.toString(cap(printable(a.sensor()), MAX_LABEL_CHARS), "?"));
        return cap(b.toString(), 4 * MAX_ANNOTATION_CHARS);
    }

    /** Evidence value as text: lists joined with ", ", maps as JSON. */
    private static String text(Object v) {
        if (v == null) return "";
        if (v instanceof List<?> l) {
            StringBuilder b = new StringBuilder();
            for (Object o : l) {
                if (b.length() > 0) b.append(", ");
                b.append(text(o));
                if (b.length() > MAX_ANNOTATION_CHARS) break;
            }
            return b.toString();
        }
        if (v instanceof Map<?, ?> m) {
            try {
                return SafeJson.mapper().writeValueAsString(m);
            } catch (JsonProcessingException e) {
                return m.toString();
            }
        }
        return v.toString();
    }

    /** An Alertmanager-valid annotation name part: [A-Za-z0-9_], lower-case. */
    static String annotationName(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length() && b.length() < 64; i++) {
            char c = s.charAt(i);
            b.append((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ? c
                    : (c >= 'A' && c <= 'Z') ? Character.toLowerCase(c) : '_');
        }
        return b.length() == 0 ? "_" : b.toString();
    }

    /**
     * Wire text safe to show in a chat message or a mail: control characters as \\uXXXX, a lone
     * surrogate (not encodable as UTF-8) as U+FFFD.
     */
    static String printable(String s) {
        if (s == null) return null;
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == 0x2028 || c == 0x2029;
            boolean pair = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
            boolean lone = Character.isSurrogate(c) && !pair;
            if ((control || lone) && b == null) b = new StringBuilder(s.length() + 16).append(s, 0, i);
            if (b != null) {
                if (control) b.append(String.format("\\u%04x", (int) c));
                else if (lone) b.append('\ufffd');
                else b.append(c);
                if (pair) b.append(s.charAt(i + 1));
            }
            if (pair) i++;
        }
        return b == null ? s : b.toString();
    }

    /** {@code s} cut to {@code max} characters, marked with "…" when cut. */
    static String cap(String s, int max) {
        if (s == null || s.length() <= max) return s;
        int end = max - 1;
        if (Character.isHighSurrogate(s.charAt(end - 1))) end--;
        return s.substring(0, end) + "…";
    }
}
