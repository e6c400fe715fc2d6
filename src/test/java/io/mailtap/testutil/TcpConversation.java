package io.mailtap.testutil;

import io.mailtap.capture.PcapFiles;
import io.mailtap.decode.Frames;
import io.mailtap.decode.LinkType;
import io.mailtap.decode.PacketView;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Scripts one IPv4 TCP conversation into a classic pcap: handshake, payload in either direction
 * with consistent sequence and acknowledgement numbers, and a FIN exchange. For tests that need a
 * capture of a dialogue the corpus does not have (hostile HELOs, exact timings).
 */
public final class TcpConversation {
    private final PcapFiles pcap;
    private final String client, server;
    private final int clientPort, serverPort;
    private int cSeq = 1000, sSeq = 5000;
    private long ts;
    private java.util.function.UnaryOperator<byte[]> link = ip -> Frames.ethernet(0x0800, ip);

    public TcpConversation(PcapFiles pcap, String client, int clientPort, String server, int serverPort, long startMicros) {
        this.pcap = pcap;
        this.client = client;
        this.clientPort = clientPort;
        this.server = server;
        this.serverPort = serverPort;
        this.ts = startMicros;
    }

    public static PcapFiles ethernetPcap() {
        return PcapFiles.pcap(LinkType.ETHERNET, 65535);
    }

    /** How each IPv4 packet becomes a frame (default: untagged Ethernet), e.g. inside a mirror tunnel. */
    public TcpConversation framing(java.util.function.UnaryOperator<byte[]> ipToFrame) {
        this.link = ipToFrame;
        return this;
    }

    public TcpConversation handshake() {
        frame(true, PacketView.SYN, new byte[0]);
        cSeq++;
        frame(false, PacketView.SYN | PacketView.ACK, new byte[0]);
        sSeq++;
        frame(true, PacketView.ACK, new byte[0]);
        return this;
    }

    public TcpConversation client(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        frame(true, PacketView.ACK | PacketView.PSH, b);
        cSeq += b.length;
        return this;
    }

    public TcpConversation server(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        frame(false, PacketView.ACK | PacketView.PSH, b);
        sSeq += b.length;
        return this;
    }

    /** Client FIN, server FIN, client ACK. */
    public TcpConversation close() {
        frame(true, PacketView.FIN | PacketView.ACK, new byte[0]);
        cSeq++;
        frame(false, PacketView.FIN | PacketView.ACK, new byte[0]);
        sSeq++;
        frame(true, PacketView.ACK, new byte[0]);
        return this;
    }

    /** Lets packet time pass (for window and timeout tests). */
    public TcpConversation sleep(long micros) {
        ts += micros;
        return this;
    }

    public Path write(Path file) {
        return pcap.write(file);
    }

    private void frame(boolean fromClient, int flags, byte[] payload) {
        ts += 1000;
        byte[] tcp = fromClient
                ? Frames.tcp(clientPort, serverPort, cSeq, sSeq, flags, 29200, 0, payload)
                : Frames.tcp(serverPort, clientPort, sSeq, cSeq, flags, 29200, 0, payload);
        byte[] ip = fromClient ? Frames.ipv4(client, server, 6, tcp) : Frames.ipv4(server, client, 6, tcp);
        pcap.packet(ts, link.apply(ip));
    }
}
