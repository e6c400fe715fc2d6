package io.mailtap.time;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-written formatter against java.time, which the writers used before. */
class PacketTimeTest {
    private static final DateTimeFormatter REFERENCE =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private static String reference(long micros) {
        return REFERENCE.format(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L));
    }

    private static long micros(int y, int mo, int d, int h, int mi, int s, int us) {
        return LocalDateTime.of(y, mo, d, h, mi, s).toEpochSecond(ZoneOffset.UTC) * 1_000_000L + us;
    }

    private static void same(long micros) {
        assertThat(PacketTime.iso(micros)).as("micros %d", micros).isEqualTo(reference(micros));
    }

    @Test
    void edgesMatchJavaTime() {
        assertThat(PacketTime.iso(0)).isEqualTo("1970-01-01T00:00:00.000000Z");
        assertThat(PacketTime.iso(-1)).isEqualTo("1969-12-31T23:59:59.999999Z");
        assertThat(PacketTime.iso(1_764_882_459_123_456L)).isEqualTo("2025-12-04T21:07:39.123456Z");
        assertThat(PacketTime.iso(micros(2000, 2, 29, 12, 0, 0, 7))).isEqualTo("2000-02-29T12:00:00.000007Z");
        assertThat(PacketTime.iso(micros(2038, 1, 19, 3, 14, 7, 999_999))).isEqualTo("2038-01-19T03:14:07.999999Z");
        assertThat(PacketTime.iso(micros(2038, 1, 19, 3, 14, 8, 0))).isEqualTo("2038-01-19T03:14:08.000000Z");
        assertThat(PacketTime.iso(Long.MAX_VALUE / 1000)).isEqualTo("2262-04-11T23:47:16.854775Z"); // the clamp value
        assertThat(PacketTime.iso(micros(9999, 12, 31, 23, 59, 59, 999_999))).isEqualTo("9999-12-31T23:59:59.999999Z");
        assertThat(PacketTime.iso(micros(0, 1, 1, 0, 0, 0, 0))).isEqualTo("0000-01-01T00:00:00.000000Z");
        long[] edges = {0, -1, 1, 999_999, 1_000_000, -1_000_000, -1_000_001, 86_399_999_999L, 86_400_000_000L,
                micros(1900, 2, 28, 23, 59, 59, 999_999), micros(1900, 3, 1, 0, 0, 0, 0),
                micros(2100, 2, 28, 23, 59, 59, 0), micros(2100, 3, 1, 0, 0, 0, 0), micros(2400, 2, 29, 0, 0, 0, 1),
                micros(1600, 2, 29, 1, 2, 3, 4), micros(2106, 2, 7, 6, 28, 15, 0), Long.MAX_VALUE / 1000,
                PacketTime.MIN_FAST_MICROS, PacketTime.END_FAST_MICROS - 1};
        for (long e : edges) {
            same(e);
            assertThat(PacketTime.iso(e)).hasSize(PacketTime.ISO_LENGTH);
        }
    }

    @Test
    void outsideYears0To9999TheOldTextIsKept() {
        long[] far = {PacketTime.MIN_FAST_MICROS - 1, PacketTime.END_FAST_MICROS, Long.MIN_VALUE, Long.MAX_VALUE,
                micros(-1, 6, 1, 0, 0, 0, 5), micros(12345, 6, 1, 0, 0, 0, 5)};
        for (long f : far) {
            same(f);
            char[] b = new char[PacketTime.ISO_MAX_LENGTH];
            assertThat(new String(b, 0, PacketTime.iso(f, b, 0))).isEqualTo(reference(f));
        }
        assertThat(PacketTime.iso(PacketTime.END_FAST_MICROS)).startsWith("+10000-01-01T");
        assertThat(PacketTime.iso(PacketTime.MIN_FAST_MICROS - 1)).startsWith("-0001-12-31T23:59:59.999999Z");
    }

    /**
     * The date depends only on the day's place in its 400-year Gregorian cycle and the cycle's
     * number, so every day of 1600-2400 (two whole cycles, the 1970 epoch and pcap's whole range
     * inside) covers every place; every 7th day of years 0-9999 covers the cycles and the range ends.
     */
    @Test
    void everyDayOfTwoWholeCyclesAndEvery7thDayOfYears0To9999MatchJavaTime() {
        SplittableRandom rnd = new SplittableRandom(1);
        long first = Math.floorDiv(PacketTime.MIN_FAST_MICROS, 86_400_000_000L);
        long last = Math.floorDiv(PacketTime.END_FAST_MICROS - 1, 86_400_000_000L);
        long cyclesFrom = Math.floorDiv(micros(1600, 1, 1, 0, 0, 0, 0), 86_400_000_000L);
        long cyclesTo = Math.floorDiv(micros(2400, 1, 1, 0, 0, 0, 0), 86_400_000_000L);
        char[] b = new char[PacketTime.ISO_MAX_LENGTH + 3];
        for (long day = first; day <= last; day += (day >= cyclesFrom && day < cyclesTo) || day >= last - 7 ? 1 : 7) {
            long m = day * 86_400_000_000L + rnd.nextLong(86_400_000_000L);
            String want = reference(m);
            int n = PacketTime.iso(m, b, 3); // at an offset, into a reused buffer
            if (n != want.length() || !want.equals(new String(b, 3, n))) {
                assertThat(new String(b, 3, n)).as("micros %d", m).isEqualTo(want);
            }
        }
    }

    @Test
    void randomTimesMatchJavaTime() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) same(rnd.nextLong(PacketTime.MIN_FAST_MICROS, PacketTime.END_FAST_MICROS));
        for (int i = 0; i < 2_000; i++) same(rnd.nextLong());
    }
}
