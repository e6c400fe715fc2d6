package io.mailtap.txlog;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * RFC 5424 syslog messages, one per record:
 * {@code <PRI>1 TIMESTAMP HOSTNAME mailtap PROCID MSGID - MSG}, where PRI is
 * {@code facility * 8 + severity}, TIMESTAMP the UTC time of sending (the record's own time is its
 * {@code ts} field), HOSTNAME {@code sensor.name}, MSGID {@code transaction}, {@code alert} or
 * {@code anomaly}, no structured data, and MSG the record's JSON object (UTF-8, without the newline).
 *
 * <ul>
 *   <li><b>udp</b>: one datagram per message (RFC 5426); a message longer than 65,000 bytes cannot be
 *   sent and counts as a send failure.</li>
 *   <li><b>tcp</b>: octet-counting framing, {@code LEN SP MSG} (RFC 6587 §3.4.1), so a record can
 *   hold any byte sequence; reconnects after an error.</li>
 *   <li><b>unix</b>: a unix-domain <em>stream</em> socket with the same framing (rsyslog imptcp
 *   {@code path=}, syslog-ng {@code unix-stream()}); the datagram socket {@code /dev/log} is not
 *   supported (the JDK has no unix datagram channels).</li>
 * </ul>
 */
public final class SyslogTransport implements Forwarder.Transport {
    public enum Protocol { UDP, TCP, UNIX }

    static final int MAX_UDP_BYTES = 65_000;
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final Protocol protocol;
    private final String address;
    private final int facility;
    private final String header; // " HOSTNAME mailtap PROCID "
    private ByteChannel channel;
    private ByteBuffer buf = ByteBuffer.allocate(8192);

    /**
     * @param address "host:port" (udp, tcp) or a socket path (unix)
     * @param facility 0..23 (16 = local0)
     */
    public SyslogTransport(Protocol protocol, String address, int facility, String hostname) {
        this.protocol = protocol;
        this.address = address;
        this.facility = facility;
        this.header = " " + printable(hostname, 255) + " mailtap " + ProcessHandle.current().pid() + " ";
    }

    /** RFC 5424 header fields are 1..n printable US-ASCII characters, no space; "-" when empty. */
    static String printable(String s, int max) {
        if (s == null || s.isEmpty()) return "-";
        StringBuilder b = new StringBuilder(Math.min(s.length(), max));
        for (int i = 0; i < s.length() && b.length() < max; i++) {
            char c = s.charAt(i);
            b.append(c > 32 && c < 127 ? c : '_');
        }
        return b.toString();
    }

    @Override
    public void send(Forwarded kind, int severity, byte[] line, int len) throws IOException {
        int msgLen = len > 0 && line[len - 1] == '\n' ? len - 1 : len;
        byte[] head = ("<" + (facility * 8 + severity) + ">1 " + TS.format(Instant.now()) + header + kind.msgId() + " - ")
                .getBytes(StandardCharsets.US_ASCII);
        int total = head.length + msgLen;
        if (protocol == Protocol.UDP && total > MAX_UDP_BYTES) throw new IOException("message of " + total + " bytes is too long for UDP");
        byte[] prefix = protocol == Protocol.UDP ? new byte[0] : (total + " ").getBytes(StandardCharsets.US_ASCII);
        int need = prefix.length + total;
        if (buf.capacity() < need) buf = ByteBuffer.allocate(Integer.highestOneBit(need) << 1);
        buf.clear();
        buf.put(prefix).put(head).put(line, 0, msgLen).flip();
        ByteChannel ch = connect();
        while (buf.hasRemaining()) ch.write(buf);
    }

    private ByteChannel connect() throws IOException {
        if (channel != null) return channel;
        switch (protocol) {
            case UDP -> {
                DatagramChannel d = DatagramChannel.open();
                d.connect(hostPort(address));
                channel = d;
            }
            case TCP -> channel = SocketChannel.open(hostPort(address));
            case UNIX -> {
                SocketChannel s = SocketChannel.open(StandardProtocolFamily.UNIX);
                try {
                    s.connect(UnixDomainSocketAddress.of(Path.of(address)));
                } catch (IOException e) {
                    s.close();
                    throw e;
                }
                channel = s;
            }
        }
        return channel;
    }

    static InetSocketAddress hostPort(String a) {
        int i = a.lastIndexOf(':');
        String host = a.substring(0, i);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        return new InetSocketAddress(host, Integer.parseInt(a.substring(i + 1)));
    }

    @Override
    public void reset() {
        ByteChannel c = channel;
        channel = null;
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // a broken connection: nothing more to do with it
            }
        }
    }

    @Override
    public void close() {
        reset();
    }
}
