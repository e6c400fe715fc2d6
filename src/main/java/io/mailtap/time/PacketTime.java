package io.mailtap.time;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Packet time (microseconds since the epoch, UTC) as the text every output writes:
 * ISO-8601 with a fixed six-digit fraction, {@code 2026-12-04T21:07:39.123456Z}, so lines sort as
 * text. One definition for the transaction, alert and anomaly logs, the Alertmanager payload and
 * the replay summary.
 *
 * <p>Written by hand into a caller's buffer: the JSON writers format one timestamp per line on the
 * event thread, where a {@link DateTimeFormatter} call (an {@code Instant}, a parse context and a
 * {@code String} per line) was half of the log's cost (issue 12). The civil date comes from the
 * day number by Howard Hinnant's {@code civil_from_days}, proleptic Gregorian like {@code java.time}.
 *
 * <p><b>Range.</b> Years 0000–9999 (every capture timestamp: pcap's 32-bit seconds end in 2106,
 * pcapng's 64-bit nanoseconds are clamped at 2262) take the allocation-free path and always give
 * {@value #ISO_LENGTH} characters. A time before 0000 or after 9999 — only a hostile or corrupt
 * timestamp — falls back to the {@code uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'} formatter the writers used
 * before ({@code -0001-…}, {@code +10000-…}), so the text for every {@code long} is what it was.
 * Negative times (before 1970) are supported: the fraction is always the floor modulo, as
 * {@code Instant} counts it.
 */
public final class PacketTime {
    /** Characters of a time in years 0000–9999. */
    public static final int ISO_LENGTH = 27;
    /** Room for any {@code long}: a buffer of this size takes every result of {@link #iso(long, char[], int)}. */
    public static final int ISO_MAX_LENGTH = 40;

    /** 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z in microseconds: the fast path's range [MIN, END). */
    static final long MIN_FAST_MICROS = -62_167_219_200_000_000L;
    static final long END_FAST_MICROS = 253_402_300_800_000_000L;

    private static final DateTimeFormatter OUT_OF_RANGE =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private PacketTime() {}

    /** The ISO text of {@code micros} as a new String (for paths that keep or concatenate it). */
    public static String iso(long micros) {
        char[] b = new char[ISO_MAX_LENGTH];
        return new String(b, 0, iso(micros, b, 0));
    }

    /**
     * Writes the ISO text of {@code micros} into {@code dst} from {@code off} and returns its length
     * ({@value #ISO_LENGTH} in years 0000–9999, where nothing is allocated). {@code dst} needs
     * {@value #ISO_MAX_LENGTH} chars from {@code off} for an arbitrary {@code long}.
     */
    public static int iso(long micros, char[] dst, int off) {
        if (micros < MIN_FAST_MICROS || micros >= END_FAST_MICROS) return outOfRange(micros, dst, off);
        long secs = Math.floorDiv(micros, 1_000_000L);
        int frac = (int) Math.floorMod(micros, 1_000_000L);
        int days = (int) Math.floorDiv(secs, 86_400L);
        int sod = (int) Math.floorMod(secs, 86_400L);

        // civil_from_days (http://howardhinnant.github.io/date_algorithms.html), eras of 400 years
        int z = days + 719_468;
        int era = Math.floorDiv(z, 146_097);
        int doe = z - era * 146_097;                                        // [0, 146096]
        int yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;  // [0, 399]
        int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                  // [0, 365], from March 1
        int mp = (5 * doy + 2) / 153;                                       // [0, 11], March = 0
        int day = doy - (153 * mp + 2) / 5 + 1;
        int month = mp < 10 ? mp + 3 : mp - 9;
        int year = yoe + era * 400 + (month <= 2 ? 1 : 0);

        int p = off;
        p = digits(dst, p, year, 4);
        dst[p++] = '-';
        p = digits(dst, p, month, 2);
        dst[p++] = '-';
        p = digits(dst, p, day, 2);
        dst[p++] = 'T';
        p = digits(dst, p, sod / 3600, 2);
        dst[p++] = ':';
        p = digits(dst, p, (sod / 60) % 60, 2);
        dst[p++] = ':';
        p = digits(dst, p, sod % 60, 2);
        dst[p++] = '.';
        p = digits(dst, p, frac, 6);
        dst[p++] = 'Z';
        return p - off;
    }

    /** {@code v} (non-negative, fewer than 10^n) as exactly {@code n} decimal digits. */
    private static int digits(char[] dst, int p, int v, int n) {
        for (int i = p + n - 1; i >= p; i--) {
            dst[i] = (char) ('0' + v % 10);
            v /= 10;
        }
        return p + n;
    }

    private static int outOfRange(long micros, char[] dst, int off) {
        long secs = Math.floorDiv(micros, 1_000_000L);
        long frac = Math.floorMod(micros, 1_000_000L);
        String s = OUT_OF_RANGE.format(Instant.ofEpochSecond(secs, frac * 1000L));
        s.getChars(0, s.length(), dst, off);
        return s.length();
    }
}
