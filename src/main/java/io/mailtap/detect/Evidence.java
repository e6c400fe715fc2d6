package io.mailtap.detect;

import io.mailtap.text.WireText;

import java.util.Locale;

/** Small string helpers for wire text held in detector state and evidence. */
final class Evidence {
    /** Longest string a detector keeps as a key (longer ones are cut; the cut is marked). */
    static final int MAX_KEY = 200;
    /** Longest string a detector puts in evidence. */
    static final int MAX_EVIDENCE = 300;

    private Evidence() {}

    /** A key for detector state: {@link WireText#cap} at {@link #MAX_KEY}. */
    static String key(String s) { return WireText.cap(s, MAX_KEY); }

    /** Evidence text: {@link WireText#cap} at {@link #MAX_EVIDENCE}. */
    static String ev(String s) { return WireText.cap(s, MAX_EVIDENCE); }

    /**
     * The domain of a path as sent in MAIL FROM / RCPT TO ({@code <a@Example.COM.>} →
     * {@code example.com}): brackets, a source route and ESMTP noise removed, lower-cased; null
     * when there is no '@' (e.g. {@code <postmaster>} or {@code <>}).
     */
    static String domainOf(String path) {
        long r = domainRegion(path);
        if (r == NONE) return null;
        int from = from(r), to = to(r);
        if (!ascii(path, from, to)) return slowDomainOf(path);
        String d = path.substring(from, to);
        for (int i = from; i < to; i++) {
            char c = path.charAt(i);
            if (c >= 'A' && c <= 'Z') return d.toLowerCase(Locale.ROOT);
        }
        return d;
    }

    /** {@link #domainOf} through Strings, for domains with non-ASCII characters (case mapping may change their length). */
    private static String slowDomainOf(String path) {
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
        long r = bareRegion(path);
        return r == NONE ? null : path.substring(from(r), to(r));
    }

    /*
     * Regions: where in a path its mailbox or domain lies, packed as from << 32 | to, so a rule can
     * hash and compare them per event without making Strings (issue 12). NONE when there is none.
     */
    static final long NONE = -1L;

    static int from(long region) { return (int) (region >>> 32); }

    static int to(long region) { return (int) region; }

    private static long region(int from, int to) { return ((long) from << 32) | to; }

    /** Where {@link #bare} lies in {@code path}: trimmed, without brackets or a source route. */
    static long bareRegion(String path) {
        if (path == null) return NONE;
        int s = 0, e = path.length();
        while (s < e && path.charAt(s) <= ' ') s++;
        while (e > s && path.charAt(e - 1) <= ' ') e--;
        if (s < e && path.charAt(s) == '<') s++;
        int close = path.lastIndexOf('>', e - 1);
        if (close >= s) e = close;
        if (s < e && path.charAt(s) == '@') { // RFC 5321 source route
            int colon = path.indexOf(':', s);
            if (colon >= 0 && colon < e) s = colon + 1;
        }
        while (s < e && path.charAt(s) <= ' ') s++;
        while (e > s && path.charAt(e - 1) <= ' ') e--;
        return s == e ? NONE : region(s, e);
    }

    /** Where the domain of {@link #domainOf} lies in {@code path} (before lower-casing; trailing dots excluded). */
    static long domainRegion(String path) {
        long b = bareRegion(path);
        if (b == NONE) return NONE;
        int s = from(b), e = to(b);
        int at = path.lastIndexOf('@', e - 1);
        if (at < s || at == e - 1) return NONE;
        int ds = at + 1, de = e;
        while (de > ds && path.charAt(de - 1) == '.') de--;
        return de == ds ? NONE : region(ds, de);
    }

    /** {@code hash64(domainOf(path))} for a region from {@link #domainRegion}, without a String for ASCII domains. */
    static long domainHash(String path, long region) {
        int from = from(region), to = to(region);
        if (!ascii(path, from, to)) return hash64(slowDomainOf(path));
        long h = FNV_OFFSET;
        for (int i = from; i < to; i++) {
            char c = path.charAt(i);
            h ^= (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
            h *= FNV_PRIME;
        }
        return mix(h);
    }

    static boolean ascii(String s, int from, int to) {
        for (int i = from; i < to; i++) if (s.charAt(i) >= 0x80) return false;
        return true;
    }

    /** True for the null reverse-path as sent ({@code <>}, also {@code < >}): '<', '>' and spaces only, in that order. */
    static boolean isNullPath(String path) {
        if (path == null) return false;
        int seen = 0; // 0: nothing yet, 1: '<', 2: "<>"
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == ' ') continue;
            if (c == '<' && seen == 0) seen = 1;
            else if (c == '>' && seen == 1) seen = 2;
            else return false;
        }
        return seen == 2;
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

    private static final long FNV_OFFSET = 0xcbf29ce484222325L, FNV_PRIME = 0x100000001b3L;

    /** A 64-bit hash of a string (FNV-1a over UTF-16 units with a final mix); state keeps hashes, not text. */
    static long hash64(String s) {
        long h = FNV_OFFSET;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= FNV_PRIME;
        }
        return mix(h);
    }

    private static long mix(long h) {
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
