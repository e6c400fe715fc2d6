package io.mailtap.alert;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.IntUnaryOperator;

/**
 * A real HTTP server on 127.0.0.1:0 that records every request: a stand-in for Alertmanager or a
 * webhook receiver. {@code status} picks the answer to the n-th request (0-based); {@code delay}
 * makes it slow.
 */
final class FakeReceiver implements AutoCloseable {
    /** One recorded request. */
    record Request(String method, String path, Map<String, List<String>> headers, String body) {
        String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey() != null && e.getKey().equalsIgnoreCase(name)) return e.getValue().get(0);
            }
            return null;
        }
    }

    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-receiver");
        t.setDaemon(true);
        return t;
    });
    private final List<Request> requests = new ArrayList<>();
    private final AtomicInteger served = new AtomicInteger();
    private volatile IntUnaryOperator status = n -> 200;
    private volatile String responseBody = "";
    private volatile Duration delay = Duration.ZERO;

    FakeReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(pool);
        server.createContext("/", ex -> {
            try {
                byte[] body;
                try (InputStream in = ex.getRequestBody()) {
                    body = in.readAllBytes();
                }
                int n = served.getAndIncrement();
                synchronized (requests) {
                    requests.add(new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(),
                            Map.copyOf(ex.getRequestHeaders()), new String(body, StandardCharsets.UTF_8)));
                    requests.notifyAll();
                }
                if (!delay.isZero()) {
                    try {
                        Thread.sleep(delay.toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                byte[] out = responseBody.getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(status.applyAsInt(n), out.length == 0 ? -1 : out.length);
                if (out.length > 0) ex.getResponseBody().write(out);
            } catch (IOException e) {
                // client gave up (timeout): nothing to answer
            } finally {
                ex.close();
            }
        });
        server.start();
    }

    FakeReceiver status(IntUnaryOperator s) { this.status = s; return this; }

    FakeReceiver status(int s) { return status(n -> s); }

    FakeReceiver responseBody(String b) { this.responseBody = b; return this; }

    FakeReceiver delay(Duration d) { this.delay = d; return this; }

    String url() { return "http://127.0.0.1:" + server.getAddress().getPort(); }

    int port() { return server.getAddress().getPort(); }

    List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** Waits until at least {@code n} requests arrived; fails after {@code max}. */
    List<Request> awaitRequests(int n, Duration max) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        synchronized (requests) {
            while (requests.size() < n) {
                long left = end - System.nanoTime();
                if (left <= 0) throw new AssertionError("expected " + n + " request(s) within " + max + ", got " + requests.size());
                requests.wait(Math.max(1, left / 1_000_000));
            }
            return List.copyOf(requests);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }

    /** A loopback port nothing listens on (connection refused). */
    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Polls {@code cond} every 10 ms until it holds; fails after {@code max}. */
    static void await(String what, Duration max, BooleanSupplier cond) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() - end > 0) throw new AssertionError("timed out after " + max + " waiting for: " + what);
            Thread.sleep(10);
        }
    }
}
