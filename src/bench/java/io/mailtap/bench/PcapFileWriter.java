package io.mailtap.bench;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a classic pcap file (not pcapng): a 24-byte global header, then per packet a 16-byte
 * record header and the frame. Little-endian, microsecond timestamps. Packets are copied into one
 * large buffer that goes to the stream when full, so writing costs a copy and nothing else.
 */
public final class PcapFileWriter implements Closeable {
    public static final int MAGIC_MICROS = 0xA1B2C3D4;
    public static final int LINKTYPE_ETHERNET = 1;
    public static final int DEFAULT_SNAPLEN = 65535;
    public static final int GLOBAL_HEADER_LENGTH = 24;
    public static final int RECORD_HEADER_LENGTH = 16;

    private static final int BUFFER_SIZE = 1 << 20;

    private final OutputStream out;
    private final int snaplen;
    private final byte[] buf = new byte[BUFFER_SIZE];
    private int pos;
    private long packets;
    private long bytes;

    /** Writes the global header to {@code out}; the writer owns the stream from now on. */
    public PcapFileWriter(OutputStream out, int snaplen, int linkType) throws IOException {
        if (snaplen <= 0) throw new IllegalArgumentException("snaplen must be positive: " + snaplen);
        this.out = out;
        this.snaplen = snaplen;
        putInt(MAGIC_MICROS);
        putShort(2);           // version major
        putShort(4);           // version minor
        putInt(0);             // thiszone
        putInt(0);             // sigfigs
        putInt(snaplen);
        putInt(linkType);
        bytes = GLOBAL_HEADER_LENGTH;
    }

    /** An Ethernet capture with snaplen 65535 at {@code path} (created or truncated). */
    public static PcapFileWriter create(Path path) throws IOException {
        return new PcapFileWriter(Files.newOutputStream(path), DEFAULT_SNAPLEN, LINKTYPE_ETHERNET);
    }

    /** One packet captured whole. */
    public void write(long tsMicros, byte[] frame, int off, int len) throws IOException {
        write(tsMicros, frame, off, len, len);
    }

    /** One packet of {@code wireLength} bytes of which the first {@code len} were captured (clipped to the snaplen). */
    public void write(long tsMicros, byte[] frame, int off, int len, int wireLength) throws IOException {
        if (tsMicros < 0) throw new IllegalArgumentException("negative timestamp " + tsMicros);
        int caplen = Math.min(len, snaplen);
        if (BUFFER_SIZE - pos < RECORD_HEADER_LENGTH + caplen) drain();
        putInt((int) (tsMicros / 1_000_000L));
        putInt((int) (tsMicros % 1_000_000L));
        putInt(caplen);
        putInt(Math.max(wireLength, caplen));
        if (caplen > BUFFER_SIZE - RECORD_HEADER_LENGTH) {
            drain();
            out.write(frame, off, caplen);
        } else {
            System.arraycopy(frame, off, buf, pos, caplen);
            pos += caplen;
        }
        packets++;
        bytes += RECORD_HEADER_LENGTH + caplen;
    }

    /** Packets written so far. */
    public long packets() { return packets; }

    /** File bytes written so far, headers included. */
    public long bytes() { return bytes; }

    public void flush() throws IOException {
        drain();
        out.flush();
    }

    @Override
    public void close() throws IOException {
        try {
            drain();
        } finally {
            out.close();
        }
    }

    private void drain() throws IOException {
        if (pos > 0) {
            out.write(buf, 0, pos);
            pos = 0;
        }
    }

    private void putInt(int v) {
        buf[pos] = (byte) v;
        buf[pos + 1] = (byte) (v >>> 8);
        buf[pos + 2] = (byte) (v >>> 16);
        buf[pos + 3] = (byte) (v >>> 24);
        pos += 4;
    }

    private void putShort(int v) {
        buf[pos] = (byte) v;
        buf[pos + 1] = (byte) (v >>> 8);
        pos += 2;
    }
}
