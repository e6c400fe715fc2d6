package io.mailtap.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The Prometheus endpoint: {@code GET <path>} (the metrics, text format 0.0.4) and
 * {@code GET /-/healthy} (liveness: 200 while the sensor's threads run, else 503; the systemd
 * watchdog follows the same check), {@code GET /-/ready} (readiness: 200 while healthy <em>and</em>
 * every output file is being written, else 503 naming what fails, e.g. a full disk), on the JDK's HTTP server, or
 * its HTTPS server when a PEM certificate and key are configured. With basic auth configured every
 * path needs the credentials (compared in constant time), otherwise 401. Requests are served by
 * two daemon threads; a scrape sums the stage counters once and renders.
 */
public final class MetricsEndpoint implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsEndpoint.class);
    public static final String HEALTH_PATH = "/-/healthy";
    public static final String READY_PATH = "/-/ready";

    /**
     * Where and how to serve.
     *
     * @param listen   "host:port" ("[::1]:9725" for IPv6)
     * @param path     the metrics path, e.g. "/metrics"
     * @param username basic-auth user, or null for none (then password is null too)
     * @param tlsCert  PEM certificate chain, or null for plain HTTP (then tlsKey is null too)
     */
    public record Settings(String listen, String path, String username, String password, Path tlsCert, Path tlsKey) {
        public boolean tls() { return tlsCert != null; }

        @Override
        public String toString() {
            return "Settings[listen=" + listen + ", path=" + path + ", username=" + username
                    + ", password=" + (password == null ? null : "<redacted>") + ", tlsCert=" + tlsCert
                    + ", tlsKey=" + tlsKey + "]";
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final String url;

    private MetricsEndpoint(HttpServer server, ExecutorService executor, String url) {
        this.server = server;
        this.executor = executor;
        this.url = url;
    }

    /**
     * Binds and starts serving.
     *
     * @throws IOException              the address cannot be bound (in use, not local), or a PEM file is unreadable
     * @throws GeneralSecurityException the certificate or key cannot be loaded
     */
    public static MetricsEndpoint start(Settings s, MailtapMetrics metrics) throws IOException, GeneralSecurityException {
        // The JDK server has no request timeouts by default: a client that never finishes its
        // request would hold a handler thread. These are global, so only set when nobody did.
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) System.setProperty("sun.net.httpserver.maxReqTime", "15");
        if (System.getProperty("sun.net.httpserver.maxRspTime") == null) System.setProperty("sun.net.httpserver.maxRspTime", "60");

        InetSocketAddress address = parseListen(s.listen());
        HttpServer server;
        if (s.tls()) {
            SSLContext ctx = sslContext(s.tlsCert(), s.tlsKey());
            HttpsServer https = HttpsServer.create(address, 16);
            https.setHttpsConfigurator(new HttpsConfigurator(ctx) {
                @Override
                public void configure(HttpsParameters p) {
                    SSLParameters sp = ctx.getDefaultSSLParameters();
                    sp.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
                    p.setSSLParameters(sp);
                }
            });
            server = https;
        } else {
            server = HttpServer.create(address, 16);
        }
        Auth auth = s.username() == null ? null : new Auth(s.username(), s.password());
        server.createContext("/", ex -> handle(ex, s.path(), auth, metrics));
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "mailtap-metrics-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.start();
        InetSocketAddress bound = server.getAddress();
        String host = bound.getAddress().getHostAddress();
        if (host.contains(":")) host = "[" + host + "]";
        String url = (s.tls() ? "https://" : "http://") + host + ":" + bound.getPort() + s.path();
        return new MetricsEndpoint(server, executor, url);
    }

    /** The bound address (the real port when the configured one was chosen by the OS). */
    public InetSocketAddress address() { return server.getAddress(); }

    /** The metrics URL, e.g. {@code http://127.0.0.1:9725/metrics}. */
    public String url() { return url; }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** "host:port" or "[v6]:port" → a socket address (the host is resolved now). */
    public static InetSocketAddress parseListen(String listen) throws UnknownHostException {
        int colon = listen.lastIndexOf(':');
        if (colon < 0) throw new IllegalArgumentException("expected host:port, got " + listen);
        String host = listen.substring(0, colon);
        int port = Integer.parseInt(listen.substring(colon + 1));
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        return new InetSocketAddress(InetAddress.getByName(host), port);
    }

    private static void handle(HttpExchange ex, String metricsPath, Auth auth, MailtapMetrics metrics) throws IOException {
        try (ex) {
            if (auth != null && !auth.allows(ex.getRequestHeaders().getFirst("Authorization"))) {
                ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"mailtap\", charset=\"UTF-8\"");
                respond(ex, 401, "text/plain; charset=utf-8", "Unauthorized\n");
                return;
            }
            String method = ex.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                respond(ex, 405, "text/plain; charset=utf-8", "Method not allowed\n");
                return;
            }
            String path = ex.getRequestURI().getPath();
            if (path.equals(metricsPath)) {
                String body;
                try {
                    body = metrics.scrape();
                } catch (RuntimeException e) {
                    LOG.warn("metrics scrape failed", e);
                    respond(ex, 500, "text/plain; charset=utf-8", "scrape failed\n");
                    return;
                }
                respond(ex, 200, MailtapMetrics.CONTENT_TYPE, body);
            } else if (path.equals(HEALTH_PATH)) {
                boolean ok = metrics.healthy();
                respond(ex, ok ? 200 : 503, "text/plain; charset=utf-8", ok ? "OK\n" : "capture is not running\n");
            } else if (path.equals(READY_PATH)) {
                java.util.List<String> problems = new java.util.ArrayList<>();
                if (!metrics.healthy()) problems.add("capture is not running");
                problems.addAll(metrics.notReady());
                respond(ex, problems.isEmpty() ? 200 : 503, "text/plain; charset=utf-8",
                        problems.isEmpty() ? "OK\n" : "not ready: " + String.join("; ", problems) + "\n");
            } else {
                respond(ex, 404, "text/plain; charset=utf-8", "Not found; metrics are at " + metricsPath + "\n");
            }
        }
    }

    private static void respond(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static SSLContext sslContext(Path cert, Path key) throws IOException, GeneralSecurityException {
        char[] pw = new char[16];
        SecureRandom rnd = new SecureRandom();
        for (int i = 0; i < pw.length; i++) pw[i] = (char) ('a' + rnd.nextInt(26));
        KeyStore ks = PemKeys.keyStore(cert, key, pw);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pw);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    /** Basic auth with constant-time comparison (of SHA-256 digests, so lengths do not leak either). */
    static final class Auth {
        private final byte[] user;
        private final byte[] password;

        Auth(String user, String password) {
            this.user = sha256(user.getBytes(StandardCharsets.UTF_8));
            this.password = sha256(password.getBytes(StandardCharsets.UTF_8));
        }

        boolean allows(String header) {
            if (header == null || header.length() < 6 || !header.regionMatches(true, 0, "Basic ", 0, 6)) return false;
            byte[] decoded;
            try {
                decoded = Base64.getDecoder().decode(header.substring(6).trim());
            } catch (IllegalArgumentException e) {
                return false;
            }
            int colon = -1;
            for (int i = 0; i < decoded.length; i++) {
                if (decoded[i] == ':') {
                    colon = i;
                    break;
                }
            }
            if (colon < 0) return false;
            byte[] u = java.util.Arrays.copyOfRange(decoded, 0, colon);
            byte[] p = java.util.Arrays.copyOfRange(decoded, colon + 1, decoded.length);
            boolean userOk = MessageDigest.isEqual(sha256(u), user);
            boolean passwordOk = MessageDigest.isEqual(sha256(p), password);
            return userOk & passwordOk;
        }

        private static byte[] sha256(byte[] b) {
            try {
                return MessageDigest.getInstance("SHA-256").digest(b);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is missing from this JDK", e);
            }
        }
    }
}
