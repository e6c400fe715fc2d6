package io.mailtap.metrics;

import io.mailtap.testutil.SensorLabels;
import io.mailtap.decode.DecodeCounter;
import io.mailtap.smtp.SmtpCounter;
import io.mailtap.flow.FlowCounter;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MetricsEndpointTest {
    @TempDir
    Path dir;

    private final AtomicBoolean healthy = new AtomicBoolean(true);
    private final io.mailtap.txlog.OutputHealth outputs = new io.mailtap.txlog.OutputHealth();

    private MailtapMetrics metrics() {
        return new MailtapMetrics(new MetricsSource() {
            @Override
            public void collect(SensorTotals t) {
                t.decode.add(DecodeCounter.FRAMES, 42);
                t.smtp.add(SmtpCounter.NULL_SENDER, 3);
                t.flow.add(FlowCounter.FLOWS_CREATED, 7);
                t.addOutputs(outputs);
            }

            @Override
            public boolean healthy() { return healthy.get(); }

            @Override
            public java.util.List<String> notReady() { return outputs.failing(); }
        }, "9.9");
    }

    /** A full disk: /-/healthy stays 200 (the watchdog must not restart a sensor for it), /-/ready and the metrics say it. */
    @Test
    void anOutputThatCannotBeWrittenMakesTheSensorNotReady(@TempDir Path out) throws Exception {
        java.nio.file.Path file = out.resolve("smtp.jsonl");
        io.mailtap.txlog.OutputStats smtp = outputs.of(io.mailtap.txlog.Output.SMTP);
        io.mailtap.txlog.RecordFile f = io.mailtap.txlog.RecordFile.open(io.mailtap.txlog.Output.SMTP, file, true, smtp,
                io.mailtap.txlog.SpaceLimitedChannel.opener(0, new io.mailtap.txlog.SpaceLimitedChannel[1]), System::nanoTime);
        try (MetricsEndpoint e = MetricsEndpoint.start(
                new MetricsEndpoint.Settings("127.0.0.1:0", "/metrics", null, null, null, null), metrics())) {
            HttpClient c = HttpClient.newHttpClient();
            assertThat(get(c, base(e) + "/-/ready", null, null).statusCode()).isEqualTo(200);
            f.append("{}\n".getBytes(StandardCharsets.UTF_8), 0, 3); // a disk without room: every write fails
            assertThat(get(c, base(e) + "/-/healthy", null, null).statusCode()).isEqualTo(200);
            HttpResponse<String> ready = get(c, base(e) + "/-/ready", null, null);
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).startsWith("not ready: smtp.jsonl: ");
            String scrape = SensorLabels.strip(get(c, e.url(), null, null).body());
            assertThat(scrape).contains("mailtap_output_failing{output=\"smtp\"} 1.0\n")
                    .contains("mailtap_output_failing{output=\"alerts\"} 0.0\n")
                    .contains("mailtap_output_write_errors_total{output=\"smtp\"} 1.0\n");
            f.close(); // the record still buffered is lost, and counted
            assertThat(SensorLabels.strip(get(c, e.url(), null, null).body())).contains("mailtap_output_records_lost_total{output=\"smtp\"} 1.0\n");
            healthy.set(false);
            assertThat(get(c, base(e) + "/-/ready", null, null).body()).contains("capture is not running");
        }
    }

    private static HttpResponse<String> get(HttpClient c, String url, String user, String password) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (user != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        return c.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String base(MetricsEndpoint e) {
        return e.url().substring(0, e.url().length() - "/metrics".length());
    }

    @Test
    void servesTheTextFormatAndHealth() throws Exception {
        try (MetricsEndpoint e = MetricsEndpoint.start(
                new MetricsEndpoint.Settings("127.0.0.1:0", "/metrics", null, null, null, null), metrics())) {
            assertThat(e.url()).startsWith("http://127.0.0.1:").endsWith("/metrics");
            HttpClient c = HttpClient.newHttpClient();
            HttpResponse<String> r = get(c, e.url(), null, null);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
            assertThat(r.body()).contains("\nmailtap_packets_total{sensor=\"mailtap\"} 42.0\n").contains("\nmailtap_smtp_null_sender_total{sensor=\"mailtap\"} 3.0\n")
                    .contains("mailtap_flows_started_total{sensor=\"mailtap\"} 7.0\n").contains("mailtap_build_info{java=\"");

            assertThat(get(c, base(e) + "/-/healthy", null, null).statusCode()).isEqualTo(200);
            healthy.set(false);
            assertThat(get(c, base(e) + "/-/healthy", null, null).statusCode()).isEqualTo(503);
            assertThat(get(c, base(e) + "/metricsx", null, null).statusCode()).isEqualTo(404);
            assertThat(get(c, base(e) + "/", null, null).statusCode()).isEqualTo(404);
            HttpResponse<String> post = c.send(HttpRequest.newBuilder(URI.create(e.url()))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
        }
    }

    @Test
    void basicAuthGuardsEveryPath() throws Exception {
        try (MetricsEndpoint e = MetricsEndpoint.start(new MetricsEndpoint.Settings("127.0.0.1:0", "/scrape",
                "prometheus", "s3cret pässword", null, null), metrics())) {
            HttpClient c = HttpClient.newHttpClient();
            String url = e.url();
            assertThat(url).endsWith("/scrape");
            HttpResponse<String> none = get(c, url, null, null);
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic realm="));
            assertThat(none.body()).doesNotContain("mailtap_");
            assertThat(get(c, url, "prometheus", "wrong").statusCode()).isEqualTo(401);
            assertThat(get(c, url, "prometheus", "s3cret pässword2").statusCode()).isEqualTo(401);
            assertThat(get(c, url, "Prometheus", "s3cret pässword").statusCode()).isEqualTo(401);
            assertThat(get(c, url, "", "").statusCode()).isEqualTo(401);
            HttpResponse<String> ok = get(c, url, "prometheus", "s3cret pässword");
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).contains("mailtap_packets_total{sensor=\"mailtap\"} 42.0");
            String health = url.replace("/scrape", "/-/healthy");
            assertThat(get(c, health, null, null).statusCode()).isEqualTo(401);
            assertThat(get(c, health, "prometheus", "s3cret pässword").statusCode()).isEqualTo(200);
            HttpResponse<String> garbage = c.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Basic %%%").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(garbage.statusCode()).isEqualTo(401);
        }
    }

    @Test
    void parsesListenAddresses() throws Exception {
        assertThat(MetricsEndpoint.parseListen("127.0.0.1:9725").getPort()).isEqualTo(9725);
        assertThat(MetricsEndpoint.parseListen("[::1]:9725").getAddress().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");
        assertThat(MetricsEndpoint.parseListen("localhost:1").getAddress().isLoopbackAddress()).isTrue();
        assertThat(new MetricsEndpoint.Settings("a:1", "/m", "u", "secret", null, null).toString()).doesNotContain("secret");
    }

    // ------------------------------------------------------------------ TLS with openssl-made PEM files

    private Path openssl(String... args) throws Exception {
        Process p;
        try {
            List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
            cmd.addAll(List.of(args));
            p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) throw e;
            Assumptions.abort("openssl is not installed: " + e.getMessage());
            return null;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("openssl %s: %s", String.join(" ", args), out).isZero();
        return dir;
    }

    /** A self-signed certificate for 127.0.0.1 with a key of the given kind; returns {cert, key}. */
    private Path[] selfSigned(String name, String... keyArgs) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("req", "-x509", "-nodes", "-days", "2", "-subj", "/CN=mailtap-test",
                "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", name + ".key", "-out", name + ".crt"));
        args.addAll(List.of(keyArgs));
        openssl(args.toArray(new String[0]));
        return new Path[] {dir.resolve(name + ".crt"), dir.resolve(name + ".key")};
    }

    private static HttpClient trusting(Path cert) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        int i = 0;
        for (Certificate c : PemKeys.certificates(cert)) trust.setCertificateEntry("c" + i++, c);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ctx).build();
    }

    @Test
    void servesHttpsWithPemFilesOfEveryCommonKeyKind() throws Exception {
        Path[] rsa = selfSigned("rsa", "-newkey", "rsa:2048");
        Path[] ec = selfSigned("ec", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256");
        // PKCS#1 ("BEGIN RSA PRIVATE KEY"), as older tools and `openssl genrsa -traditional` write
        openssl("rsa", "-in", "rsa.key", "-out", "rsa1.key", "-traditional");
        assertThat(Files.readString(dir.resolve("rsa1.key"))).contains("BEGIN RSA PRIVATE KEY");
        assertThat(Files.readString(rsa[1])).contains("BEGIN PRIVATE KEY");

        for (Path[] pair : List.of(rsa, ec, new Path[] {rsa[0], dir.resolve("rsa1.key")})) {
            try (MetricsEndpoint e = MetricsEndpoint.start(new MetricsEndpoint.Settings("127.0.0.1:0", "/metrics",
                    "prometheus", "pw", pair[0], pair[1]), metrics())) {
                assertThat(e.url()).startsWith("https://127.0.0.1:");
                HttpClient c = trusting(pair[0]);
                assertThat(get(c, e.url(), "prometheus", "pw").statusCode()).as("%s", pair[1]).isEqualTo(200);
                assertThat(get(c, e.url(), "prometheus", "nope").statusCode()).isEqualTo(401);
                assertThatThrownBy(() -> get(HttpClient.newHttpClient(), e.url(), "prometheus", "pw"))
                        .as("a client that does not trust the certificate").isInstanceOf(SSLHandshakeException.class);
            }
        }
    }

    @Test
    void refusesKeysItCannotUseWithTheFixInTheMessage() throws Exception {
        Path[] rsa = selfSigned("rsa", "-newkey", "rsa:2048");
        openssl("pkcs8", "-topk8", "-in", "rsa.key", "-out", "enc.key", "-passout", "pass:x");
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "sec1.key");
        assertThatThrownBy(() -> PemKeys.keyStore(rsa[0], dir.resolve("enc.key"), "p".toCharArray()))
                .isInstanceOf(GeneralSecurityException.class).hasMessageContaining("encrypted").hasMessageContaining("openssl pkcs8");
        assertThatThrownBy(() -> PemKeys.keyStore(rsa[0], dir.resolve("sec1.key"), "p".toCharArray()))
                .isInstanceOf(GeneralSecurityException.class).hasMessageContaining("SEC1");
        assertThatThrownBy(() -> PemKeys.keyStore(rsa[0], rsa[0], "p".toCharArray()))
                .isInstanceOf(GeneralSecurityException.class).hasMessageContaining("no PEM private key");
        assertThatThrownBy(() -> PemKeys.keyStore(rsa[1], rsa[1], "p".toCharArray()))
                .isInstanceOf(GeneralSecurityException.class);
    }
}
