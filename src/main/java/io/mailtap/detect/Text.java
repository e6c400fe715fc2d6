package io.mailtap.detect;

import java.util.Locale;

/** Small string helpers for wire text held in detector state and evidence. */
final class Text {
    /** Longest string a detector keeps as a key (longer ones are cut; the cut is marked). */
    static final int MAX_KEY = 200;
    /** Longest string a detector puts in evidence. */
    static final int MAX_EVIDENCE = 300;

    private Text() {}

    /** {@code s} cut to {@code max} characters, marked with "…" when cut; null stays null. */
    static String cap(String s, int max) {
        if (s == null || s.length() <= max) return s;
        int end = max - 1;
        if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) end--;
        return s.substring(0, Math.max(0, end)) + "…";
    }

    static String key(String s) { return cap(s, MAX_KEY); }

    static String ev(String s) { return cap(s, MAX_EVIDENCE); }

    /**
     * The domain of a path as sent in MAIL FROM / RCPT TO ({@code <a@Example.COM.>} →
     * {@code example.com}): brackets, a source route and ESMTP noise removed, lower-cased; null
     * when there is no '@' (e.g. {@code <postmaster>} or {@code <>}).
     */
    static String domainOf(String path) {
        String a = bare(path);
        if (a == null) return null;
        int at = a.lastIndexOf('@');
        if (at < 0 || at == a.length() - 1) return null;
        String d = a.substring(at + 1).toLowerCase(Locale.ROOT);
        while (d.endsWith(".")) d = d.substring(0, d.length() - 1);
        return d.isEmpty() ? null : d;
    }

    /** The mailbox of a path: {@code <@relay:a@b>} → {@code a@b}; null for null/blank. */
    static String bare(String path) {
        if (path == null) return null;
        String a = path.trim();
        if (a.startsWith("<")) a = a.substring(1);
        int close = a.lastIndexOf('>');
        if (close >= 0) a = a.substring(0, close);
        int colon = a.indexOf(':');
        if (a.startsWith("@") && colon > 0) a = a.substring(colon + 1); // RFC 5321 source route
        a = a.trim();
        return a.isEmpty() ? null : a;
    }

    /** True for the null reverse-path as sent ({@code <>}, also {@code < >}). */
    static boolean isNullPath(String path) {
        if (path == null) return false;
        String t = path.replace(" ", "");
        return t.equals("<>");
    }

    /** A host name as compared: lower case (ROOT), trailing dots removed. */
    static String hostName(String s) {
        String h = s.trim().toLowerCase(Locale.ROOT);
        while (h.endsWith(".")) h = h.substring(0, h.length() - 1);
        return h;
    }

    /** "10m", "1h", "90s", "1h30m": packet-time spans in summaries. */
    static String span(long micros) {
        long s = micros / 1_000_000L;
        if (s <= 0) return (micros / 1000L) + "ms";
        StringBuilder b = new StringBuilder();
        long d = s / 86400, h = (s % 86400) / 3600, m = (s % 3600) / 60, sec = s % 60;
        if (d > 0) b.append(d).append('d');
        if (h > 0) b.append(h).append('h');
        if (m > 0) b.append(m).append('m');
        if (sec > 0) b.append(sec).append('s');
        return b.toString();
    }

    /** A 64-bit hash of a string (FNV-1a over UTF-16 units with a final mix); state keeps hashes, not text. */
    static long hash64(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    static double ratio(long part, long whole) {
        if (whole <= 0) return 0.0;
        return Math.round(1000.0 * part / whole) / 1000.0;
    }

    static String percent(long part, long whole) {
        if (whole <= 0) return "?%";
        return Math.round(100.0 * part / whole) + "%";
    }
}
