package io.mailtap.smtp;

import io.mailtap.decode.DecodeStats;
import io.mailtap.decode.FrameDecoder;
import io.mailtap.decode.Frames;
import io.mailtap.decode.LinkType;
import io.mailtap.decode.PacketView;
import io.mailtap.flow.FlowSettings;
import io.mailtap.flow.FlowStats;
import io.mailtap.flow.FlowTable;
import io.mailtap.stream.ConnectionRouter;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A real flow table with the {@link ConnectionRouter} and SMTP on top, fed hand-made Ethernet/IPv4/TCP frames
 * through the real decoder: for tests of what the analyzer reports per flow (dynamic protocol
 * detection), where a bare {@link SmtpSession} is not enough.
 */
final class Wire {
    static final long T0 = 1_700_000_000_000_000L;

    final SmtpStats stats = new SmtpStats();
    final List<SmtpEvent> events = new ArrayList<>();
    final FlowTable table;
    private final FrameDecoder decoder = new FrameDecoder(new DecodeStats());
    private final PacketView view = new PacketView();
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

    /** One TCP conversation; every packet advances packet time by 1 ms. */
    final class Conv {
        private final String client, server;
        private final int clientPort, serverPort;
        private int cSeq = 1000, sSeq = 5000;

        private Conv(String client, int clientPort, String server, int serverPort) {
            this.client = client;
            this.clientPort = clientPort;
            this.server = server;
            this.serverPort = serverPort;
        }

        Conv handshake() {
            return syn().synAck().ack();
        }

        Conv syn() {
            frame(true, PacketView.SYN, new byte[0]);
            cSeq++;
            return this;
        }

        Conv synAck() {
            frame(false, PacketView.SYN | PacketView.ACK, new byte[0]);
            sSeq++;
            return this;
        }

        /** The client's ACK of the SYN/ACK (completes the handshake). */
        Conv ack() {
            frame(true, PacketView.ACK, new byte[0]);
            return this;
        }

        Conv client(String text) {
            return client(text.getBytes(StandardCharsets.ISO_8859_1));
        }

        Conv client(byte[] b) {
            frame(true, PacketView.ACK | PacketView.PSH, b);
            cSeq += b.length;
            return this;
        }

        Conv server(String text) {
            return server(text.getBytes(StandardCharsets.ISO_8859_1));
        }

        Conv server(byte[] b) {
            frame(false, PacketView.ACK | PacketView.PSH, b);
            sSeq += b.length;
            return this;
        }

        /** Client bytes that crossed the wire but were not captured: the next server ACK reveals the gap. */
        Conv clientLost(int n) {
            cSeq += n;
            return this;
        }

        Conv close() {
            frame(true, PacketView.FIN | PacketView.ACK, new byte[0]);
            cSeq++;
            frame(false, PacketView.FIN | PacketView.ACK, new byte[0]);
            sSeq++;
            frame(true, PacketView.ACK, new byte[0]);
            return this;
        }

        /** Packet time of the next packet minus 1 ms. */
        long now() { return now; }

        private void frame(boolean fromClient, int flags, byte[] payload) {
            now += 1000;
            int seq = fromClient ? cSeq : sSeq;
            int ack = (flags & PacketView.ACK) == 0 ? 0 : fromClient ? sSeq : cSeq;
            byte[] tcp = fromClient
                    ? Frames.tcp(clientPort, serverPort, seq, ack, flags, 29200, 0, payload)
                    : Frames.tcp(serverPort, clientPort, seq, ack, flags, 29200, 0, payload);
            byte[] ip = fromClient ? Frames.ipv4(client, server, 6, tcp) : Frames.ipv4(server, client, 6, tcp);
            byte[] f = Frames.ethernet(0x0800, ip);
            if (decoder.decode(LinkType.ETHERNET, f, f.length, f.length, now, view)) table.onPacket(view);
        }
    }
}
