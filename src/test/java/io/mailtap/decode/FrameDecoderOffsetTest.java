package io.mailtap.decode;

import io.mailtap.capture.OfflineSource;
import io.mailtap.capture.RawFrame;
import io.mailtap.testutil.CorpusDir;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A live worker decodes straight out of its ring's arena (issue 10: no copy per packet), so a frame
 * decoded at an offset inside a larger array, with other frames' bytes around it, must give the
 * same view as the frame alone at index 0 — every field, with the payload offset moved by the
 * frame's offset — and the same counters. Checked on every frame of the samples and the corpus, on
 * both sides of the arena's end, and on truncated frames (whose missing tail is garbage in the arena).
 */
class FrameDecoderOffsetTest {
    private static final int[] OFFSETS = {1, 37, 1000};

    @Test
    void aFrameAtAnOffsetDecodesAsTheSameFrameAtZero() throws Exception {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("samples"))) {
            s.filter(p -> p.toString().endsWith(".pcap")).forEach(files::add);
        }
        Path corpus = CorpusDir.get();
        if (corpus != null && Files.isDirectory(corpus)) {
            try (Stream<Path> s = Files.walk(corpus)) {
                s.filter(p -> p.toString().endsWith(".pcap") || p.toString().endsWith(".pcapng")).sorted().forEach(files::add);
            }
        }
        long frames = 0, tcp = 0;
        for (Path f : files) {
            try (OfflineSource src = OfflineSource.open(f, null)) {
                RawFrame raw = new RawFrame();
                while (src.next(raw)) {
                    frames++;
                    if (same(src.linkType(), raw)) tcp++;
                }
            }
        }
        assertThat(frames).isGreaterThan(10_000);
        assertThat(tcp).isPositive();
    }

    /** @return true if the frame decoded as TCP */
    private static boolean same(int linkType, RawFrame raw) throws IllegalAccessException {
        byte[] alone = Arrays.copyOf(raw.data, raw.capturedLength);
        DecodeStats s0 = new DecodeStats();
        PacketView v0 = new PacketView();
        boolean tcp = new FrameDecoder(s0).decode(linkType, alone, raw.capturedLength, raw.wireLength, raw.tsMicros, v0);
        for (int off : OFFSETS) {
            // the frame inside an "arena": garbage before and after it, as other frames would be
            byte[] arena = new byte[off + raw.capturedLength + 64];
            Arrays.fill(arena, (byte) 0xA5);
            System.arraycopy(alone, 0, arena, off, raw.capturedLength);
            DecodeStats s1 = new DecodeStats();
            PacketView v1 = new PacketView();
            boolean tcp1 = new FrameDecoder(s1).decode(linkType, arena, off, raw.capturedLength, raw.wireLength, raw.tsMicros, v1);
            assertThat(tcp1).isEqualTo(tcp);
            assertThat(counters(s1)).isEqualTo(counters(s0));
            if (!tcp) continue;
            for (Field fld : PacketView.class.getFields()) {
                if (Modifier.isStatic(fld.getModifiers()) || fld.getName().equals("frame")) continue;
                Object a = fld.get(v0), b = fld.get(v1);
                if (fld.getName().equals("payloadOffset")) assertThat((int) b).isEqualTo((int) a + off);
                else assertThat(b).as(fld.getName()).isEqualTo(a);
            }
            assertThat(Arrays.copyOfRange(arena, v1.payloadOffset, v1.payloadOffset + v1.payloadLength))
                    .isEqualTo(Arrays.copyOfRange(alone, v0.payloadOffset, v0.payloadOffset + v0.payloadLength));
        }
        return tcp;
    }

    private static long[] counters(DecodeStats s) {
        long[] c = new long[DecodeCounter.values().length + SkipReason.values().length];
        for (DecodeCounter k : DecodeCounter.values()) c[k.ordinal()] = s.get(k);
        for (SkipReason r : SkipReason.values()) c[DecodeCounter.values().length + r.ordinal()] = s.skipped(r);
        return c;
    }
}
