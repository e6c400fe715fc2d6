package io.mailtap.detect;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The DNS blocklists mailtap knows by name: how a refusal's text names each one, the list it
 * normalises to (the {@code list} of a {@code blocklist_rejection} alert) and where the operator
 * looks the address up and asks for delisting. A list not declared here is named by the zone the
 * reply cites ("listed at bl.example.net"), or {@code unknown}.
 */
public final class Blocklists {

    /**
     * One declared list.
     *
     * @param list   the normalised name (the list's main DNS zone)
     * @param lookup the list's lookup / delisting page
     * @param names  lower-case substrings of a reply that cite it (zones and the list's own wording)
     */
    public record Entry(String list, String lookup, List<String> names) {}

    /** Every declared list; the first entry one of whose names the reply contains wins. */
    public static final List<Entry> DECLARED = List.of(
            new Entry("zen.spamhaus.org", "https://check.spamhaus.org/",
                    List.of("zen.spamhaus.org", "sbl-xbl.spamhaus.org", "sbl.spamhaus.org", "xbl.spamhaus.org",
                            "pbl.spamhaus.org", "spamhaus")),
            new Entry("cbl.abuseat.org", "https://www.abuseat.org/lookup.cgi", List.of("cbl.abuseat.org", "abuseat")),
            new Entry("b.barracudacentral.org", "https://www.barracudacentral.org/lookups",
                    List.of("b.barracudacentral.org", "barracudacentral", "barracuda")),
            new Entry("bl.spamcop.net", "https://www.spamcop.net/bl.shtml", List.of("bl.spamcop.net", "spamcop")),
            new Entry("dnsbl.sorbs.net", "http://www.sorbs.net/lookup.shtml", List.of("sorbs.net", "sorbs")),
            new Entry("dnsbl-1.uceprotect.net", "https://www.uceprotect.net/en/rblcheck.php",
                    List.of("uceprotect")),
            new Entry("psbl.surriel.com", "https://psbl.org/", List.of("psbl.surriel.com", "psbl.org")),
            new Entry("ix.dnsbl.manitu.net", "https://www.dnsbl.manitu.net/", List.of("dnsbl.manitu.net", "manitu")),
            new Entry("dnsbl.dronebl.org", "https://dronebl.org/lookup", List.of("dronebl")),
            new Entry("bl.mailspike.net", "https://mailspike.org/", List.of("mailspike")));

    /** The name of a list that is cited but not declared. */
    public static final String UNKNOWN = "unknown";

    /** "blocked using bl.example.net", "listed at/in/on/by …", "found in …": the zone a reply cites. */
    private static final Pattern CITED_ZONE = Pattern.compile(
            "(?:blocked\\s+(?:using|by)|listed\\s+(?:at|in|on|by)|found\\s+(?:in|on))\\s+\\[?([a-z0-9-]+(?:\\.[a-z0-9-]+)+)",
            Pattern.CASE_INSENSITIVE);
    private static final int MAX_ZONE = 64;

    private Blocklists() {}

    /** The declared list {@code lowerText} cites, or null. */
    static Entry declared(String lowerText) {
        for (Entry e : DECLARED) for (String n : e.names()) if (lowerText.contains(n)) return e;
        return null;
    }

    /** The normalised list a refusal text cites: a declared list, else the zone it names, else {@link #UNKNOWN}. */
    static String listOf(String text) {
        if (text == null) return UNKNOWN;
        String lower = text.toLowerCase(Locale.ROOT);
        Entry e = declared(lower);
        if (e != null) return e.list();
        Matcher m = CITED_ZONE.matcher(lower);
        while (m.find()) {
            String zone = m.group(1);
            while (zone.endsWith(".")) zone = zone.substring(0, zone.length() - 1);
            // an address ("listed at 192.0.2.1") is the host, not a list
            if (zone.chars().allMatch(ch -> ch == '.' || (ch >= '0' && ch <= '9'))) continue;
            return zone.length() <= MAX_ZONE ? zone : zone.substring(0, MAX_ZONE);
        }
        return UNKNOWN;
    }

    /** The lookup page of list {@code list}, or null when it is not declared. */
    static String lookup(String list) {
        for (Entry e : DECLARED) if (e.list().equals(list)) return e.lookup();
        return null;
    }
}
