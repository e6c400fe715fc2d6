package io.mailtap.capture;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes small capture files for tests: classic pcap (microseconds) and a minimal pcapng. */
public final class PcapFiles {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final boolean pcapng;

    private PcapFiles(boolean pcapng) {
        this.pcapng = pcapng;
    }

    public static PcapFiles pcap(int linkType, int snaplen) {
        PcapFiles f = new PcapFiles(false);
        ByteBuffer b = le(24);
        b.putInt(0xA1B2C3D4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(snaplen).putInt(linkType);
        f.out.writeBytes(b.array());
        return f;
    }

    public static PcapFiles pcapng(int linkType, int snaplen) {
        PcapFiles f = new PcapFiles(true);
        ByteBuffer shb = le(28); // section header block
        shb.putInt(0x0A0D0D0A).putInt(28).putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1L).putInt(28);
        ByteBuffer idb = le(20); // interface description block, default microsecond resolution
        idb.putInt(1).putInt(20).putShort((short) linkType).putShort((short) 0).putInt(snaplen).putInt(20);
        f.out.writeBytes(shb.array());
        f.out.writeBytes(idb.array());
        return f;
    }

    public PcapFiles packet(long tsMicros, byte[] frame) {
        return packet(tsMicros, frame, frame.length, frame.length);
    }

    /** A record keeping the first {@code captured} bytes of a frame of {@code wire} bytes. */
    public PcapFiles packet(long tsMicros, byte[] frame, int captured, int wire) {
        if (pcapng) {
            int padded = (captured + 3) & ~3;
            int total = 32 + padded;
            ByteBuffer b = le(total); // enhanced packet block
            b.putInt(6).putInt(total).putInt(0).putInt((int) (tsMicros >>> 32)).putInt((int) tsMicros)
                    .putInt(captured).putInt(wire).put(frame, 0, captured);
            b.position(28 + padded);
            b.putInt(total);
            out.writeBytes(b.array());
        } else {
            ByteBuffer b = le(16);
            b.putInt((int) (tsMicros / 1_000_000)).putInt((int) (tsMicros % 1_000_000)).putInt(captured).putInt(wire);
            out.writeBytes(b.array());
            out.write(frame, 0, captured);
        }
        return this;
    }

    /** Raw bytes, e.g. a record header that lies about its length. */
    public PcapFiles raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    public static byte[] recordHeader(int seconds, int micros, int captured, int wire) {
        return le(16).putInt(seconds).putInt(micros).putInt(captured).putInt(wire).array();
    }

    public byte[] bytes() {
        return out.toByteArray();
    }

    public Path write(Path file) {
        try {
            return Files.write(file, out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
