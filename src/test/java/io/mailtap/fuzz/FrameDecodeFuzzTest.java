package io.mailtap.fuzz;

import io.mailtap.decode.DecodeCounter;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mailtap.decode.DecodeStats;
import io.mailtap.decode.FrameDecoder;
import io.mailtap.decode.LinkType;
import io.mailtap.decode.PacketView;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coverage-guided fuzzing of the frame decoder over every link type it reads. The first input byte
 * picks the link type, the rest is the frame; seeds are real frames of both corpora
 * ({@code make_seeds.py}). Invariants: no input throws; a frame is either decoded or counted under
 * exactly one skip reason; a decoded view never points outside the captured bytes.
 */
class FrameDecodeFuzzTest {
    private static final int[] LINK_TYPES = {
        LinkType.ETHERNET, LinkType.LINUX_SLL, LinkType.LINUX_SLL2, LinkType.RAW, LinkType.NULL, LinkType.LOOP,
        LinkType.IPV4, LinkType.IPV6, LinkType.DLT_RAW_BSD, LinkType.DLT_RAW_OPENBSD,
    };
    private final DecodeStats stats = new DecodeStats();
    private final FrameDecoder decoder = new FrameDecoder(stats);
    private final PacketView view = new PacketView();

    @FuzzTest(maxDuration = "30s")
    void frame(byte[] input) {
        if (input.length == 0) return;
        int linkType = LINK_TYPES[(input[0] & 0xff) % LINK_TYPES.length];
        byte[] frame = java.util.Arrays.copyOfRange(input, 1, input.length);
        long before = stats.get(DecodeCounter.FRAMES);
        boolean tcp = decoder.decode(linkType, frame, frame.length, frame.length, 1L, view);
        assertThat(stats.get(DecodeCounter.FRAMES)).isEqualTo(before + 1);
        if (tcp) {
            assertThat(view.payloadOffset).isBetween(0, frame.length);
            assertThat(view.payloadLength).isBetween(0, frame.length - view.payloadOffset);
            assertThat(view.segmentLength).isGreaterThanOrEqualTo(view.payloadLength);
            assertThat(view.ipVersion).isIn(4, 6);
        }
    }
}
