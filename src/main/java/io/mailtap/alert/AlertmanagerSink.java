package io.mailtap.alert;

import io.mailtap.settings.Section;
import static io.mailtap.settings.Leaf.live;
import static io.mailtap.settings.ValueTypes.duration;
import static io.mailtap.settings.ValueTypes.integer;
import static io.mailtap.settings.ValueTypes.list;
import static io.mailtap.settings.ValueTypes.url;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailtap.detect.RuleId;
import io.mailtap.txlog.SafeJson;
import io.mailtap.util.Redactor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends alerts to Prometheus Alertmanager: {@code POST <url>/api/v2/alerts} with a JSON array of
 * postable alerts, to every configured URL (an HA pair gets every batch, as Prometheus does it).
 *
 * <p>What is sent is {@link AlertmanagerPayload}'s (labels, annotations, times); this class owns the
 * firing set, re-sending and HTTP delivery.
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

    private final List<HttpTarget> targets;
    private final AlertmanagerPayload payload;
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
        this.payload = new AlertmanagerPayload(sensorName, resendInterval);
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
    public static String alertName(RuleId rule) { return AlertmanagerPayload.alertName(rule); }

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
            delivery.offer(payload.queued(labelSource, alert, clock.instant()));
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

    /** The rendering this sink sends (package-visible for tests). */
    AlertmanagerPayload payload() { return payload; }

    // ------------------------------------------------------------------ delivery thread

    private AsyncDelivery.Attempt sendNotifications(List<ObjectNode> batch) throws InterruptedException {
        return postToAll(AlertmanagerPayload.bytes(payload.batch(batch, clock.instant())));
    }

    private static final AsyncDelivery.Codec<ObjectNode> POSTABLE = new AsyncDelivery.Codec<>() {
        public byte[] encode(ObjectNode o) { return AlertmanagerPayload.bytes(o); }

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
            for (Active a : chunk) arr.add(payload.postable(a.labelSource(), a.latest(), now));
            AsyncDelivery.Attempt r;
            try {
                r = postToAll(AlertmanagerPayload.bytes(arr));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            stats.failedAttempts.addAndGet(r.failures());
            if (r.delivered()) resent.addAndGet(chunk.size());
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
}
