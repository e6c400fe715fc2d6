package io.mailtap.hostile;

import io.mailtap.bench.PcapFileWriter;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a classic Ethernet/IPv4 pcap straight to disk, one TCP conversation after another on a
 * shared packet clock. Unlike {@link io.mailtap.testutil.TcpConversation} nothing is kept in memory,
 * so a test can script a 50 MB body or a million commands without a 50 MB array: payload is cut
 * into segments of at most {@link #SEGMENT} bytes into one reused frame buffer.
 */
final class StreamingCapture implements Closeable {
    /** Payload bytes per TCP segment: large (the pcap's snaplen is 65535), so big captures stay few packets. */
    static final int SEGMENT = 32 * 1024;
    private static final int HEADERS = 14 + 20 + 20;

    private final PcapFileWriter out;
    private final byte[] frame = new byte[HEADERS + SEGMENT];
    private long ts;

    StreamingCapture(Path file, long startMicros) {
        try {
            this.out = new PcapFileWriter(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16),
                    PcapFileWriter.DEFAULT_SNAPLEN, PcapFileWriter.LINKTYPE_ETHERNET);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.ts = startMicros;
    }

    /** A conversation between {@code client:clientPort} and {@code server:serverPort} on this capture's clock. */
    Conversation conversation(String client, int clientPort, String server, int serverPort) {
        return new Conversation(addr(client), clientPort, addr(server), serverPort);
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    final class Conversation {
        private static final int FIN = 0x01, SYN = 0x02, PSH = 0x08, ACK = 0x10;
        private final byte[] client, server;
        private final int clientPort, serverPort;
        private int cSeq = 1000, sSeq = 5000;

        private Conversation(byte[] client, int clientPort, byte[] server, int serverPort) {
            this.client = client;
            this.clientPort = clientPort;
            this.server = server;
            this.serverPort = serverPort;
        }

        Conversation handshake() {
            segment(true, SYN, null, 0, 0);
            cSeq++;
            segment(false, SYN | ACK, null, 0, 0);
            sSeq++;
            segment(true, ACK, null, 0, 0);
            return this;
        }

        Conversation client(String text) { return send(true, ascii(text)); }

        Conversation server(String text) { return send(false, ascii(text)); }

        Conversation client(byte[] bytes) { return send(true, bytes); }

        Conversation server(byte[] bytes) { return send(false, bytes); }

        /** {@code unit} repeated {@code times} times from the client, streamed (never built whole). */
        Conversation clientRepeat(byte[] unit, long times) { return repeat(true, unit, times); }

        Conversation serverRepeat(byte[] unit, long times) { return repeat(false, unit, times); }

        /** Client FIN, server FIN, client ACK. */
        Conversation close() {
            segment(true, FIN | ACK, null, 0, 0);
            cSeq++;
            segment(false, FIN | ACK, null, 0, 0);
            sSeq++;
            segment(true, ACK, null, 0, 0);
            return this;
        }

        private Conversation send(boolean fromClient, byte[] b) {
            for (int off = 0; off < b.length; off += SEGMENT) {
                int len = Math.min(SEGMENT, b.length - off);
                segment(fromClient, ACK | PSH, b, off, len);
            }
            return this;
        }

        /** Fills whole segments with repetitions of {@code unit} (a unit may straddle two segments). */
        private Conversation repeat(boolean fromClient, byte[] unit, long times) {
            byte[] chunk = new byte[SEGMENT];
            long total = unit.length * times;
            long pos = 0;
            while (pos < total) {
                int len = (int) Math.min(SEGMENT, total - pos);
                for (int i = 0; i < len; i++) chunk[i] = unit[(int) ((pos + i) % unit.length)];
                segment(fromClient, ACK | PSH, chunk, 0, len);
                pos += len;
            }
            return this;
        }

        private void segment(boolean fromClient, int flags, byte[] data, int off, int len) {
            ts += 10;
            byte[] f = frame;
            for (int i = 0; i < 6; i++) { f[i] = (byte) (fromClient ? 0x02 : 0x04); f[6 + i] = (byte) (fromClient ? 0x04 : 0x02); }
            f[12] = 0x08; f[13] = 0x00;
            int ip = 14;
            f[ip] = 0x45; f[ip + 1] = 0;
            put16(f, ip + 2, 20 + 20 + len);
            put16(f, ip + 4, 0);
            put16(f, ip + 6, 0x4000);
            f[ip + 8] = 64; f[ip + 9] = 6;
            put16(f, ip + 10, 0); // checksum: mailtap, like a mirror port's NIC offload, does not verify it
            System.arraycopy(fromClient ? client : server, 0, f, ip + 12, 4);
            System.arraycopy(fromClient ? server : client, 0, f, ip + 16, 4);
            int tcp = ip + 20;
            put16(f, tcp, fromClient ? clientPort : serverPort);
            put16(f, tcp + 2, fromClient ? serverPort : clientPort);
            put32(f, tcp + 4, fromClient ? cSeq : sSeq);
            put32(f, tcp + 8, (flags & ACK) != 0 ? (fromClient ? sSeq : cSeq) : 0);
            f[tcp + 12] = 0x50;
            f[tcp + 13] = (byte) flags;
            put16(f, tcp + 14, 65535);
            put16(f, tcp + 16, 0);
            put16(f, tcp + 18, 0);
            if (len > 0) System.arraycopy(data, off, f, HEADERS, len);
            try {
                out.write(ts, f, 0, HEADERS + len);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (fromClient) cSeq += len; else sSeq += len;
        }
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] addr(String literal) {
        try {
            return InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    private static void put16(byte[] b, int p, int v) {
        b[p] = (byte) (v >>> 8);
        b[p + 1] = (byte) v;
    }

    private static void put32(byte[] b, int p, int v) {
        b[p] = (byte) (v >>> 24);
        b[p + 1] = (byte) (v >>> 16);
        b[p + 2] = (byte) (v >>> 8);
        b[p + 3] = (byte) v;
    }
}
