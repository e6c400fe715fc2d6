package io.mailtap.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PcapFileWriterTest {
    @Test
    void writesTheGlobalHeaderAndLittleEndianRecords() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] frame = new byte[100];
        for (int i = 0; i < frame.length; i++) frame[i] = (byte) i;
        try (PcapFileWriter w = new PcapFileWriter(out, 65535, PcapFileWriter.LINKTYPE_ETHERNET)) {
            w.write(1_704_067_200_123_456L, frame, 10, 60);
            assertThat(w.packets()).isEqualTo(1);
            assertThat(w.bytes()).isEqualTo(24 + 16 + 60);
        }
        byte[] b = out.toByteArray();
        assertThat(b).hasSize(24 + 16 + 60);
        assertThat(slice(b, 0, 24)).containsExactly(
                0xD4, 0xC3, 0xB2, 0xA1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0, 0, 1, 0, 0, 0);
        // 1704067200 = 0x65920080, 123456 = 0x0001E240, 60 = 0x3C
        assertThat(slice(b, 24, 16)).containsExactly(
                0x80, 0x00, 0x92, 0x65, 0x40, 0xE2, 0x01, 0x00, 0x3C, 0, 0, 0, 0x3C, 0, 0, 0);
        assertThat(b[40]).isEqualTo((byte) 10);
        assertThat(b[99]).isEqualTo((byte) 69);
    }

    @Test
    void clipsToTheSnaplenAndKeepsTheWireLength() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapFileWriter w = new PcapFileWriter(out, 64, PcapFileWriter.LINKTYPE_ETHERNET)) {
            w.write(5, new byte[1500], 0, 1500);
        }
        PcapTestReader.Capture c = PcapTestReader.read(out.toByteArray());
        assertThat(c.snaplen()).isEqualTo(64);
        assertThat(c.packets()).hasSize(1);
        assertThat(c.packets().get(0).data()).hasSize(64);
        assertThat(c.packets().get(0).origLen()).isEqualTo(1500);
        assertThat(c.packets().get(0).tsMicros()).isEqualTo(5);
    }

    @Test
    void manyPacketsCrossTheBufferBoundaryIntact() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] frame = new byte[1514];
        int n = 2_000;   // ~3 MB: several buffer drains
        try (PcapFileWriter w = new PcapFileWriter(out, 65535, 1)) {
            for (int i = 0; i < n; i++) {
                frame[0] = (byte) i;
                w.write(i, frame, 0, 60 + i % 1455);
            }
        }
        PcapTestReader.Capture c = PcapTestReader.read(out.toByteArray());
        assertThat(c.packets()).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(c.packets().get(i).data()).hasSize(60 + i % 1455);
            assertThat(c.packets().get(i).data()[0]).isEqualTo((byte) i);
        }
    }

    @Test
    void rejectsNegativeTimestamps() throws IOException {
        try (PcapFileWriter w = new PcapFileWriter(new ByteArrayOutputStream(), 65535, 1)) {
            assertThatThrownBy(() -> w.write(-1, new byte[60], 0, 60)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static int[] slice(byte[] b, int off, int len) {
        int[] r = new int[len];
        for (int i = 0; i < len; i++) r[i] = b[off + i] & 0xFF;
        return r;
    }
}
