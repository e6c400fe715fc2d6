package io.mailtap.settings;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsing and printing of the config's durations ("500ms", "30s", "1h30m") and byte sizes ("64MiB"). */
public final class Units {
    private static final Pattern DURATION_PART = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)");
    private static final Pattern BYTES = Pattern.compile("(\\d{1,15})\\s*(B|KiB|MiB|GiB|KB|MB|GB|k|K|M|G)?");

    private Units() {}

    /**
     * A duration written as one or more {@code <integer><unit>} parts, units {@code ms s m h d}
     * ({@code "500ms"}, {@code "30s"}, {@code "1h30m"}); null if {@code text} is not one.
     */
    public static Duration parseDuration(String text) {
        if (text == null) return null;
        String t = text.trim();
        if (t.isEmpty()) return null;
        Matcher m = DURATION_PART.matcher(t);
        int at = 0;
        Duration total = Duration.ZERO;
        try {
            while (at < t.length()) {
                if (!m.find(at) || m.start() != at) return null;
                long n = Long.parseLong(m.group(1));
                Duration d = switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
                total = total.plus(d);
                at = m.end();
            }
        } catch (ArithmeticException e) {
            return null;
        }
        return total;
    }

    /** The shortest exact form in one unit: {@code 15m}, {@code 1h}, {@code 90s}, {@code 500ms}. */
    public static String formatDuration(Duration d) {
        long ms = d.toMillis();
        if (ms != 0 && ms % 86_400_000L == 0) return ms / 86_400_000L + "d";
        if (ms != 0 && ms % 3_600_000L == 0) return ms / 3_600_000L + "h";
        if (ms != 0 && ms % 60_000L == 0) return ms / 60_000L + "m";
        if (ms % 1000L == 0) return ms / 1000L + "s";
        return ms + "ms";
    }

    /**
     * A byte size: a plain number, or a number with a unit — binary {@code KiB MiB GiB} (also
     * {@code k K M G}) or decimal {@code KB MB GB}, {@code B}; null if not one or too large.
     */
    public static Long parseBytes(String text) {
        if (text == null) return null;
        Matcher m = BYTES.matcher(text.trim());
        if (!m.matches()) return null;
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2);
        long mult = switch (unit) {
            case "KiB", "k", "K" -> 1024L;
            case "MiB", "M" -> 1024L * 1024;
            case "GiB", "G" -> 1024L * 1024 * 1024;
            case "KB" -> 1000L;
            case "MB" -> 1000L * 1000;
            case "GB" -> 1000L * 1000 * 1000;
            default -> 1L;
        };
        try {
            return Math.multiplyExact(n, mult);
        } catch (ArithmeticException e) {
            return null;
        }
    }

    /** {@code 64MiB}, {@code 256KiB} when exact (and at least 64KiB), else the plain number. */
    public static String formatBytes(long n) {
        long mib = 1024L * 1024;
        if (n >= mib && n % (1024 * mib) == 0) return n / (1024 * mib) + "GiB";
        if (n >= mib && n % mib == 0) return n / mib + "MiB";
        if (n >= 64 * 1024 && n % 1024 == 0) return n / 1024 + "KiB";
        return Long.toString(n);
    }

    static String lower(String s) { return s.toLowerCase(Locale.ROOT); }
}
