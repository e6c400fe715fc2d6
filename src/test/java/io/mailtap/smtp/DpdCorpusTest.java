package io.mailtap.smtp;

import io.mailtap.testutil.CorpusDir;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailtap.flow.FlowSettings;
import io.mailtap.sensor.FileReplayer;
import io.mailtap.sensor.PacketPipeline;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole capture corpus replayed with smtp.detect_on_any_port and the default SMTP ports: the
 * flows detected on other ports must be exactly the SMTP sessions tshark found there (SMTP on
 * tcp/1224, and the two proxy tunnels on tcp/1080 and tcp/8240), none of the HTTP, TLS, IMAP,
 * DNS-over-TCP... flows the captures also hold; and the flows on configured ports must give the
 * same events as without detection.
 */
class DpdCorpusTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Path corpus() {
        return CorpusDir.get();
    }

    static FlowSettings settings(boolean trackAllTcp) {
        FlowSettings d = FlowSettings.defaults();
        return new FlowSettings(d.smtpPorts(), trackAllTcp, d.maxFlows(), d.maxBufferedBytesPerDirection(),
                d.maxBufferedBytesTotal(), d.attemptTimeoutMicros(), d.idleTimeoutMicros(), d.closedTimeoutMicros());
    }

    record Replay(List<SmtpEvent> events, SmtpStats stats) {}

    static Replay replay(Path capture, boolean trackAllTcp) {
        List<SmtpEvent> events = new ArrayList<>();
        PacketPipeline p = new PacketPipeline(settings(trackAllTcp), SmtpSettings.defaults(), events::add);
        FileReplayer.replay(capture, null, p);
        p.finish();
        return new Replay(events, p.smtpStats());
    }

    static String tuple(String clientIp, int clientPort, int serverPort) {
        return clientIp + ":" + clientPort + "->" + serverPort;
    }

    @Test
    void onlyTheSmtpFlowsOnOtherPortsAreReported() throws IOException {
        Path dir = corpus();
        List<Path> captures;
        try (Stream<Path> s = Files.walk(dir)) {
            captures = s.filter(p -> p.toString().matches(".*\\.pcap(ng)?$")).sorted().toList();
        }
        FlowSettings defaults = settings(false);
        Set<String> expectedAll = new TreeSet<>(), detectedAll = new TreeSet<>();
        long rejected = 0;
        for (Path capture : captures) {
            String name = dir.relativize(capture).toString();
            Set<String> expected = new TreeSet<>();
            Path truth = Path.of(capture + ".truth.json");
            if (Files.exists(truth)) {
                for (JsonNode s : JSON.readTree(truth.toFile()).get("sessions")) {
                    int port = s.get("server_port").asInt();
                    if (!defaults.isSmtpPort(port)) {
                        expected.add(name + " " + tuple(s.get("client_ip").asText(), s.get("client_port").asInt(), port));
                    }
                }
            }
            Replay with = replay(capture, true);
            Replay without = replay(capture, false);
            assertThat(with.stats.get(SmtpCounter.INTERNAL_ERRORS)).as(name).isZero();

            Set<String> detected = new TreeSet<>();
            List<SmtpEvent> onConfiguredPorts = new ArrayList<>();
            for (SmtpEvent e : with.events) {
                if (defaults.isSmtpPort(e.conn().serverPort())) onConfiguredPorts.add(e);
                else detected.add(name + " " + tuple(e.conn().clientIpText(), e.conn().clientPort(), e.conn().serverPort()));
            }
            assertThat(detected).as("%s: flows reported on other ports", name).isEqualTo(expected);
            assertThat(with.stats.get(SmtpCounter.DPD_CONFIRMED)).as(name).isEqualTo(expected.size());
            assertThat(onConfiguredPorts).as("%s: configured ports unchanged by detection", name).isEqualTo(without.events);
            expectedAll.addAll(expected);
            detectedAll.addAll(detected);
            rejected += with.stats.get(SmtpCounter.DPD_REJECTED);
        }
        assertThat(detectedAll).as("the corpus has SMTP on three other ports").hasSize(3);
        assertThat(rejected).as("and plenty of other TCP that must stay silent").isGreaterThan(100);
    }

    @Test
    void proxyTunnelsInTheCorpusAreReadThrough() {
        Path dir = corpus();
        Replay http = replay(dir.resolve("zeek/http/connect-with-smtp.pcap"), true);
        assertThat(http.events).filteredOn(e -> e instanceof SmtpEvent.Anomaly)
                .extracting(e -> ((SmtpEvent.Anomaly) e).kind() + ": " + ((SmtpEvent.Anomaly) e).detail())
                .containsExactly("proxy_tunnel: http-connect to mailin03.sul.t-online.de:25");
        assertThat(http.events).filteredOn(e -> e instanceof SmtpEvent.Helo)
                .extracting(e -> ((SmtpEvent.Helo) e).argument()).containsExactly("208.191.73.21");
        assertThat(http.events).filteredOn(e -> e instanceof SmtpEvent.Transaction)
                .extracting(e -> ((SmtpEvent.Transaction) e).record().messageStatus()).containsExactly(MessageStatus.ACCEPTED);

        Replay socks = replay(dir.resolve("arkime/socks5-smtp-503.pcap"), true);
        assertThat(socks.events).filteredOn(e -> e instanceof SmtpEvent.Anomaly)
                .extracting(e -> ((SmtpEvent.Anomaly) e).kind() + ": " + ((SmtpEvent.Anomaly) e).detail())
                .containsExactly("proxy_tunnel: socks5 to 010.000.00.003:25");
        assertThat(socks.events).filteredOn(e -> e instanceof SmtpEvent.Helo)
                .extracting(e -> ((SmtpEvent.Helo) e).argument()).containsExactly("User");
        assertThat(socks.events.get(0)).isInstanceOf(SmtpEvent.ConnectionAttempt.class);
    }
}
