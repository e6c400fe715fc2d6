package io.mailtap.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The setsockopt(PACKET_FANOUT) value, against the constants of linux/if_packet.h. */
class PacketFanoutTest {
    @Test
    void theArgumentIsTheGroupIdUnderHashModeWithDefrag() {
        // id | (PACKET_FANOUT_HASH 0 | PACKET_FANOUT_FLAG_DEFRAG 0x8000) << 16
        assertThat(PacketFanout.argument(0x1234)).isEqualTo(0x8000_1234);
        assertThat(PacketFanout.argument(1)).isEqualTo(0x8000_0001);
        assertThat(PacketFanout.argument(0xFFFF)).isEqualTo(0x8000_FFFF);
        assertThat(PacketFanout.argument(7) >>> 16 & 0xFF).as("mode byte: PACKET_FANOUT_HASH").isZero();
        assertThat(PacketFanout.argument(7) >>> 16 & 0xFF00).as("flags byte: DEFRAG only").isEqualTo(0x8000);
    }

    @Test
    void aKernelChosenIdAddsTheUniqueIdFlagToIdZero() {
        assertThat(PacketFanout.argument(0, PacketFanout.PACKET_FANOUT_FLAG_UNIQUEID)).isEqualTo(0xA000_0000);
    }

    @Test
    void theSocketOptionNumbersAreLinuxs() {
        assertThat(PacketFanout.SOL_PACKET).isEqualTo(263);
        assertThat(PacketFanout.PACKET_FANOUT).isEqualTo(18);
    }

    @Test
    void idsOutsideSixteenBitsAreRefused() {
        assertThatThrownBy(() -> PacketFanout.argument(0x1_0000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PacketFanout.argument(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void thePidGroupIdIsThePidsLow16Bits() {
        assertThat(PacketFanout.pidGroupId(4_194_303)).isEqualTo(0xFFFF);
        assertThat(PacketFanout.pidGroupId(70_000)).isEqualTo(70_000 - 65_536);
        assertThat(PacketFanout.pidGroupId(1234)).isEqualTo(1234);
    }
}
