package io.mailtap.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** A tiny classic-pcap reader for tests: the whole file in memory, little- or big-endian. */
final class PcapTestReader {
    record Packet(long tsMicros, byte[] data, int origLen) {}

    record Capture(int magic, int versionMajor, int versionMinor, int snaplen, int linkType, List<Packet> packets) {}

    private PcapTestReader() {}

    static Capture read(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int magic = b.getInt();
        if (magic != 0xA1B2C3D4) {
            b.order(ByteOrder.BIG_ENDIAN);
            b.position(0);
            magic = b.getInt();
            if (magic != 0xA1B2C3D4) throw new IllegalArgumentException("not a microsecond pcap: magic " + Integer.toHexString(magic));
        }
        int major = b.getShort() & 0xFFFF, minor = b.getShort() & 0xFFFF;
        b.getInt();
        b.getInt();
        int snaplen = b.getInt(), linkType = b.getInt();
        List<Packet> packets = new ArrayList<>();
        while (b.hasRemaining()) {
            if (b.remaining() < 16) throw new IllegalArgumentException("truncated record header at " + b.position());
            long sec = b.getInt() & 0xFFFFFFFFL, usec = b.getInt() & 0xFFFFFFFFL;
            int caplen = b.getInt(), origLen = b.getInt();
            if (usec >= 1_000_000) throw new IllegalArgumentException("usec out of range at " + b.position());
            if (caplen > snaplen || caplen > b.remaining()) throw new IllegalArgumentException("bad caplen " + caplen);
            byte[] data = new byte[caplen];
            b.get(data);
            packets.add(new Packet(sec * 1_000_000 + usec, data, origLen));
        }
        return new Capture(magic, major, minor, snaplen, linkType, packets);
    }
}
