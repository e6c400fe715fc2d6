package io.mailtap.smtp;

import io.mailtap.bench.Endpoints;
import io.mailtap.bench.FrameBuilder;
import io.mailtap.bench.TcpScript;
import io.mailtap.decode.DecodeStats;
import io.mailtap.decode.FrameDecoder;
import io.mailtap.decode.LinkType;
import io.mailtap.decode.PacketView;
import io.mailtap.flow.FlowSettings;
import io.mailtap.flow.FlowStats;
import io.mailtap.flow.FlowTable;
import io.mailtap.testutil.TestConnections;
import io.mailtap.stream.ConnectionRouter;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A real flow table with the {@link ConnectionRouter} and SMTP on top, fed the packet kit's Ethernet/IP/TCP frames
 * ({@link TcpScript}) through the real decoder: for tests of what the analyzer reports per flow (dynamic protocol
 * detection), where a bare {@link SmtpSession} is not enough.
 */
final class Wire {
    static final long T0 = TestConnections.T0;

    final SmtpStats stats = new SmtpStats();
    final List<SmtpEvent> events = new ArrayList<>();
    final FlowTable table;
    private final FrameDecoder decoder = new FrameDecoder(new DecodeStats());
    private final PacketView view = new PacketView();
    private final FrameBuilder frames = new FrameBuilder();
    private long now = T0;

    /** Default SMTP ports; {@code trackAllTcp} as smtp.detect_on_any_port. */
    Wire(boolean trackAllTcp) {
        this(trackAllTcp, FlowSettings.DEFAULT_SMTP_PORTS);
    }

    Wire(boolean trackAllTcp, int[] smtpPorts) {
        FlowSettings d = FlowSettings.defaults();
        FlowSettings fs = new FlowSettings(smtpPorts, trackAllTcp, 10_000, d.maxBufferedBytesPerDirection(),
                d.maxBufferedBytesTotal(), d.attemptTimeoutMicros(), d.idleTimeoutMicros(), d.closedTimeoutMicros());
        ConnectionRouter analyzer = new ConnectionRouter(new SmtpConversations(SmtpSettings.defaults(), stats, events::add), fs::isSmtpPort);
        table = new FlowTable(fs, analyzer, new FlowStats());
    }

    Conv conv(int serverPort) {
        return conv("192.0.2.10", 40000, "198.51.100.25", serverPort);
    }

    Conv conv(String client, int clientPort, String server, int serverPort) {
        return new Conv(client, clientPort, server, serverPort);
    }

    /** End of input: every flow ends. */
    Wire finish() {
        table.flushAll(now + 1_000_000);
        return this;
    }

    <T extends SmtpEvent> List<T> all(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).collect(Collectors.toList());
    }

    <T extends SmtpEvent> T one(Class<T> type) {
        List<T> l = all(type);
        if (l.size() != 1) throw new AssertionError("expected one " + type.getSimpleName() + " but got " + l + "\nall: " + events);
        return l.get(0);
    }

    List<String> anomalies() {
        return all(SmtpEvent.Anomaly.class).stream().map(a -> a.kind() + ": " + a.detail()).collect(Collectors.toList());
    }

    /** Events as text without the connection, so runs on different ports can be compared. */
    List<String> withoutConnection() {
        return events.stream().map(e -> e.toString().replace(e.conn().toString(), "conn")).collect(Collectors.toList());
    }

    /** One TCP conversation of the packet kit; every packet advances packet time by 1 ms. */
    final class Conv {
        private final TcpScript script;

        private Conv(String client, int clientPort, String server, int serverPort) {
            script = new TcpScript(Endpoints.tcp(client, clientPort, server, serverPort), frames, () -> now += 1000,
                    (ts, fb, len) -> {
                        if (decoder.decode(LinkType.ETHERNET, fb.frame, len, len, ts, view)) table.onPacket(view);
                    });
        }

        Conv handshake() { script.handshake(); return this; }

        Conv syn() { script.syn(); return this; }

        Conv synAck() { script.synAck(); return this; }

        /** The client's ACK of the SYN/ACK (completes the handshake). */
        Conv ack() { script.ack(); return this; }

        Conv client(String text) { return client(text.getBytes(StandardCharsets.ISO_8859_1)); }

        Conv client(byte[] b) { script.client(b); return this; }

        Conv server(String text) { return server(text.getBytes(StandardCharsets.ISO_8859_1)); }

        Conv server(byte[] b) { script.server(b); return this; }

        /** Client bytes that crossed the wire but were not captured: the next server ACK reveals the gap. */
        Conv clientLost(int n) { script.clientLost(n); return this; }

        Conv close() { script.close(); return this; }

        /** Packet time of the next packet minus 1 ms. */
        long now() { return now; }
    }
}
