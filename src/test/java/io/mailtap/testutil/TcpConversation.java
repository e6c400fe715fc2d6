package io.mailtap.testutil;

import io.mailtap.bench.Endpoints;
import io.mailtap.bench.FrameBuilder;
import io.mailtap.bench.TcpScript;
import io.mailtap.capture.PcapFiles;
import io.mailtap.decode.LinkType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * Scripts one TCP conversation into a classic pcap: handshake, payload in either direction with
 * consistent sequence and acknowledgement numbers, and a FIN exchange, as frames of the packet kit
 * ({@link TcpScript} over {@link FrameBuilder}: every checksum filled, short frames padded to the
 * Ethernet minimum). For tests that need a capture of a dialogue the corpus does not have (hostile
 * HELOs, exact timings). Addresses are literals of one family, IPv4 or IPv6.
 */
public final class TcpConversation {
    private final PcapFiles pcap;
    private final TcpScript script;
    private long ts;
    /** How each IP packet becomes a frame; null: the kit's untagged Ethernet frame as built. */
    private UnaryOperator<byte[]> link;

    public TcpConversation(PcapFiles pcap, String client, int clientPort, String server, int serverPort, long startMicros) {
        this.pcap = pcap;
        this.ts = startMicros;
        this.script = new TcpScript(Endpoints.tcp(client, clientPort, server, serverPort), new FrameBuilder(),
                () -> ts += 1000, this::record);
    }

    public static PcapFiles ethernetPcap() {
        return PcapFiles.pcap(LinkType.ETHERNET, 65535);
    }

    /** How each IP packet becomes a frame (default: untagged Ethernet), e.g. inside a mirror tunnel. */
    public TcpConversation framing(UnaryOperator<byte[]> ipToFrame) {
        this.link = ipToFrame;
        return this;
    }

    public TcpConversation handshake() {
        script.handshake();
        return this;
    }

    public TcpConversation client(String text) {
        script.client(text.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    public TcpConversation server(String text) {
        script.server(text.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** Client FIN, server FIN, client ACK. */
    public TcpConversation close() {
        script.close();
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

    private void record(long tsMicros, FrameBuilder fb, int length) {
        pcap.packet(tsMicros, link == null ? Arrays.copyOf(fb.frame, length)
                : link.apply(Arrays.copyOfRange(fb.frame, fb.ipOffset, fb.ipOffset + fb.ipLength)));
    }
}
