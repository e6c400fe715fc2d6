package io.mailtap.alert;

import io.mailtap.util.Redactor;

import java.io.ByteArrayOutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * One HTTP endpoint a sink POSTs JSON to. Credentials never leave this class: a bearer token or
 * the user-info of the URL (sent as HTTP basic auth) go into the Authorization header only; the
 * {@link #display} form used in logs and {@link #toString()} is {@code scheme://host:port} (a
 * webhook's path and query often are the secret, e.g. chat webhooks), and response or error text
 * quoted in logs goes through the target's {@link Redactor} in case the server echoes a secret.
 */
final class HttpTarget {
    /** Response bytes kept for the log (the rest is read and discarded). */
    static final int MAX_RESPONSE_SNIPPET = 512;

    private final URI uri;
    private final String display;
    private final String authorization;
    private final Redactor redactor;
    private final String sensorHeader;

    /**
     * @param url          http(s) URL as configured (may carry user:password@)
     * @param bearerToken  sent as {@code Authorization: Bearer <token>}, or null
     * @param sensorName   sent as {@code X-Mailtap-Sensor} when it is a plain header value, or null
     * @param pathIsSecret the URL's path and query may be a credential (webhooks): also cut them out
     *                     of quoted response text
     */
    HttpTarget(String url, String bearerToken, String sensorName, boolean pathIsSecret) {
        URI u;
        try {
            u = URI.create(url.trim());
        } catch (IllegalArgumentException e) { // its message quotes the whole URL, password included
            throw new IllegalArgumentException("bad URL " + Redactor.url(url));
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("not an http(s) URL: " + redact(u));
        }
        if (u.getHost() == null) throw new IllegalArgumentException("URL without a host: " + redact(u));
        String auth = null;
        java.util.List<String> secrets = new java.util.ArrayList<>(Redactor.secretsOfUrl(url, pathIsSecret));
        if (u.getRawUserInfo() != null) {
            String userInfo = URLDecoder.decode(u.getRawUserInfo(), StandardCharsets.UTF_8);
            auth = "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
            int colon = userInfo.indexOf(':');
            if (colon >= 0 && colon < userInfo.length() - 1) secrets.add(userInfo.substring(colon + 1));
            try {
                u = new URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getRawPath() == null ? null : u.getPath(),
                        u.getQuery(), null);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("bad URL " + redact(u), e);
            }
        }
        if (bearerToken != null && !bearerToken.isEmpty()) {
            if (!bearerToken.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
                // the HTTP client would refuse it on every send, quoting it; the config check says so first
                throw new IllegalArgumentException("the bearer token contains characters not allowed in an HTTP header"
                        + " (a line break, a space or a control character; value not shown)");
            }
            auth = "Bearer " + bearerToken;
            secrets.add(bearerToken);
        }
        if (pathIsSecret) {
            if (u.getRawPath() != null) secrets.add(u.getRawPath());
            if (u.getRawQuery() != null) secrets.add(u.getRawQuery());
            if (u.getQuery() != null) secrets.add(u.getQuery());
        }
        this.uri = u;
        this.display = redact(u);
        this.authorization = auth;
        this.redactor = Redactor.of(secrets);
        this.sensorHeader = sensorName != null && sensorName.chars().allMatch(c -> c >= 0x21 && c < 0x7f) ? sensorName : null;
    }

    /** {@code scheme://host[:port]}: what logs may show. */
    static String redact(URI u) {
        String host = u.getHost() == null ? "?" : u.getHost();
        if (host.contains(":") && !host.startsWith("[")) host = "[" + host + "]";
        return u.getScheme() + "://" + host + (u.getPort() >= 0 ? ":" + u.getPort() : "");
    }

    URI uri() { return uri; }

    String display() { return display; }

    @Override
    public String toString() { return display; }

    /** Starts one POST; the caller collects it with {@link #await}. */
    CompletableFuture<HttpResponse<String>> post(HttpClient client, byte[] body, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "mailtap")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (authorization != null) b.header("Authorization", authorization);
        if (sensorHeader != null) b.header("X-Mailtap-Sensor", sensorHeader);
        return client.sendAsync(b.build(), info -> {
            Snippet s = new Snippet();
            return HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofByteArrayConsumer(s), v -> s.text());
        });
    }

    /**
     * Waits for a POST started by {@link #post} at most {@code hardLimit} (the request timeout only
     * covers the response headers; this also bounds a server that dribbles its body).
     */
    Result await(CompletableFuture<HttpResponse<String>> f, Duration hardLimit) throws InterruptedException {
        try {
            HttpResponse<String> r = f.get(hardLimit.toMillis(), TimeUnit.MILLISECONDS);
            int code = r.statusCode();
            if (code >= 200 && code < 300) return Result.OK;
            boolean retry = code >= 500 || code == 408 || code == 429;
            String text = scrub(r.body());
            return new Result(false, retry, "HTTP " + code + (text.isEmpty() ? "" : ": " + text));
        } catch (InterruptedException e) {
            f.cancel(true);
            throw e;
        } catch (TimeoutException e) {
            f.cancel(true);
            return new Result(false, true, "no complete response within " + hardLimit.toMillis() + " ms");
        } catch (ExecutionException e) {
            Throwable c = e.getCause() == null ? e : e.getCause();
            String what = c instanceof HttpTimeoutException ? "timed out"
                    : c instanceof ConnectException ? "cannot connect" : c.getClass().getSimpleName();
            String msg = c.getMessage() == null || c instanceof HttpTimeoutException ? "" : " (" + scrub(c.getMessage()) + ")";
            return new Result(false, true, what + msg);
        }
    }

    /** What cuts this target's secrets (token, URL password, a webhook's path and query) out of text. */
    Redactor redactor() { return redactor; }

    /** Response or error text fit for a log line: one line, capped, without our secrets. */
    private String scrub(String s) {
        if (s == null) return "";
        s = redactor.scrub(s);
        StringBuilder b = new StringBuilder(Math.min(s.length(), 200));
        for (int i = 0; i < s.length() && b.length() < 200; i++) {
            char ch = s.charAt(i);
            b.append(ch < 0x20 || ch == 0x7f || (ch >= 0x80 && ch <= 0x9f) || ch == 0x2028 || ch == 0x2029 ? ' ' : ch);
        }
        if (b.length() < s.length()) b.append('…');
        return b.toString().trim();
    }

    /** Outcome of one request. */
    record Result(boolean ok, boolean retryable, String problem) {
        static final Result OK = new Result(true, false, null);
    }

    /** Keeps the first bytes of a response body, discards the rest. */
    private static final class Snippet implements Consumer<Optional<byte[]>> {
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

        @Override
        public void accept(Optional<byte[]> chunk) {
            chunk.ifPresent(bytes -> {
                int room = MAX_RESPONSE_SNIPPET - kept.size();
                if (room > 0) kept.write(bytes, 0, Math.min(room, bytes.length));
            });
        }

        String text() { return kept.toString(StandardCharsets.UTF_8); }
    }
}
