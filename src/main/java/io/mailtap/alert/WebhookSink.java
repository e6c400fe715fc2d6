package io.mailtap.alert;

import io.mailtap.settings.Section;
import static io.mailtap.settings.Leaf.live;
import static io.mailtap.settings.ValueTypes.duration;
import static io.mailtap.settings.ValueTypes.headerSecret;
import static io.mailtap.settings.ValueTypes.integer;
import static io.mailtap.settings.ValueTypes.string;
import static io.mailtap.settings.ValueTypes.url;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * POSTs each notification to a generic JSON webhook: one JSON object per request, exactly the
 * {@code alerts.jsonl} object ({@link JsonAlertLog#toJson}), {@code Content-Type: application/json},
 * {@code Authorization: Bearer <token>} when a token is configured (user:password@ in the URL is
 * sent as basic auth instead), and {@code X-Mailtap-Sensor: <sensor name>}.
 *
 * <p>Delivery as {@link AsyncDelivery}: bounded queue, one daemon thread, retries with backoff for
 * network errors, 5xx, 408 and 429; other 4xx are given up at once. The token is never logged:
 * logs show the URL as {@code scheme://host:port} only and cut the token (and the URL's path, which
 * is the credential of many chat webhooks) out of quoted responses.
 */
public final class WebhookSink implements MonitoredSink {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookSink.class);
    public static final String NAME = "webhook";

    /** {@code alerts.webhook}: live (a reload rebuilds the sink); disabled while {@code url} is null. */
    public static final SinkSpec SPEC = SinkSpec.of(Section.of(NAME,
                    "A generic JSON webhook (each notification POSTed as its alerts.jsonl object).",
                    live("url", url(true), null, "http(s) URL; null: disabled."),
                    live("bearer_token", headerSecret(), null, "Sent as Authorization: Bearer <token>; never printed."),
                    live("bearer_token_file", string(true), null,
                            "File holding the bearer token (read at load and reload, trailing newline dropped; instead of bearer_token)."),
                    live("timeout", duration(false), Duration.ofSeconds(5), "HTTP request timeout."),
                    live("queue_size", integer(1, 1_000_000), 1000,
                            "Notifications queued for sending; when full, new ones are dropped and counted."),
                    live("max_retries", integer(0, 1000), 5, "Retries of a failed request (with backoff).")),
            (v, ctx) -> v.string("url") == null ? null
                    : new WebhookSink(v.string("url"), v.string("bearer_token"), ctx.sensorName(), v.duration("timeout"),
                            v.integer("queue_size"), v.integer("max_retries"), ctx.spoolDir(), ctx.spoolMaxBytes()))
            .warnWhen(v -> v.string("bearer_token") != null && v.string("url") == null
                    ? "alerts.webhook.bearer_token: set but alerts.webhook.url is null (webhook disabled)" : null);

    private final HttpTarget target;
    private final Duration timeout;
    private final HttpClient client;
    private final SinkStats stats = new SinkStats();
    private final LogLimiter failureLog = new LogLimiter(AsyncDelivery.LOG_INTERVAL);
    /** Queued and spooled: the request body, rendered at publish (the alerts.jsonl object). */
    private final AsyncDelivery<byte[]> delivery;


    /**
     * @param url         http(s) URL the notifications are POSTed to
     * @param bearerToken sent as {@code Authorization: Bearer}, or null
     * @param sensorName  sent as {@code X-Mailtap-Sensor}, or null
     * @param timeout     HTTP connect and request timeout
     * @param queueSize   notifications waiting at most; more are dropped and counted
     * @param maxRetries  retries of a failed request
     */
    public WebhookSink(String url, String bearerToken, String sensorName, Duration timeout, int queueSize, int maxRetries) {
        this(url, bearerToken, sensorName, timeout, queueSize, maxRetries, AsyncDelivery.Backoff.DEFAULT);
    }

    WebhookSink(String url, String bearerToken, String sensorName, Duration timeout, int queueSize, int maxRetries,
                AsyncDelivery.Backoff backoff) {
        this(url, bearerToken, sensorName, timeout, queueSize, maxRetries, backoff, null, 0);
    }

    /**
     * As above, with an on-disk spool in {@code spoolDir} of at most {@code spoolMaxBytes} (0: none):
     * notifications that fail wait there, in order, until the receiver takes them (see
     * {@link AsyncDelivery}); {@code maxRetries} then does not apply.
     */
    public WebhookSink(String url, String bearerToken, String sensorName, Duration timeout, int queueSize, int maxRetries,
                       java.nio.file.Path spoolDir, long spoolMaxBytes) {
        this(url, bearerToken, sensorName, timeout, queueSize, maxRetries, AsyncDelivery.Backoff.DEFAULT, spoolDir, spoolMaxBytes);
    }

    WebhookSink(String url, String bearerToken, String sensorName, Duration timeout, int queueSize, int maxRetries,
                AsyncDelivery.Backoff backoff, java.nio.file.Path spoolDir, long spoolMaxBytes) {
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be > 0");
        this.target = new HttpTarget(url, bearerToken, sensorName, true);
        this.timeout = timeout;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        Spool spool = null;
        if (spoolDir != null && spoolMaxBytes > 0) {
            try {
                spool = Spool.open(spoolDir, NAME, spoolMaxBytes);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot open the webhook spool in " + spoolDir + ": " + e.getMessage(), e);
            }
        }
        this.delivery = new AsyncDelivery<>(NAME, queueSize, 1, maxRetries, backoff, this::send, null, null, stats,
                target.redactor(), spool, BODY);
    }

    @Override
    public String name() { return NAME; }

    @Override
    public SinkStats stats() { return stats; }

    /** Queues the notification; never blocks, never throws. */
    @Override
    public void publish(Alert alert) {
        if (alert != null) delivery.offer(JsonAlertLog.toJson(alert).getBytes(StandardCharsets.UTF_8));
    }

    /** The body is its own spool line (SafeJson never writes a raw line break). */
    private static final AsyncDelivery.Codec<byte[]> BODY = new AsyncDelivery.Codec<>() {
        public byte[] encode(byte[] body) { return body; }

        public byte[] decode(byte[] line) { return line; }
    };

    /** Nothing to do: the delivery thread sends as soon as something is queued. */
    @Override
    public void flush() {}

    /** Stops accepting and sends what is queued within min(5 s, timeout). */
    @Override
    public void close() {
        delivery.close(AlertmanagerSink.shutdownBudget(timeout));
    }

    /** Never shows the token or the URL's path. */
    @Override
    public String toString() { return "WebhookSink[" + target.display() + "]"; }

    private AsyncDelivery.Attempt send(List<byte[]> batch) throws InterruptedException {
        byte[] body = batch.get(0);
        HttpTarget.Result r = target.await(target.post(client, body, timeout), timeout.multipliedBy(2).plusSeconds(1));
        if (r.ok()) return new AsyncDelivery.Attempt(true, false, 0, null);
        long skipped = failureLog.acquire();
        if (skipped >= 0) {
            LOG.warn("{}: POST to {} failed: {}{}", NAME, target.display(), r.problem(), LogLimiter.suppressedNote(skipped));
        }
        return new AsyncDelivery.Attempt(false, r.retryable(), 1, target.display() + ": " + r.problem());
    }
}
