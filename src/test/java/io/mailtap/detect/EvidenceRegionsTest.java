package io.mailtap.detect;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The allocation-free path parsing the rules use per event (regions, hashes, sample adds) gives
 * exactly what the String-based helpers it replaced gave, on hostile and random paths.
 */
class EvidenceRegionsTest {
    // ---- the String-based helpers as they were, the reference
    private static String oldBare(String path) {
        if (path == null) return null;
        String a = path.trim();
        if (a.startsWith("<")) a = a.substring(1);
        int close = a.lastIndexOf('>');
        if (close >= 0) a = a.substring(0, close);
        int colon = a.indexOf(':');
        if (a.startsWith("@") && colon > 0) a = a.substring(colon + 1);
        a = a.trim();
        return a.isEmpty() ? null : a;
    }

    private static String oldDomainOf(String path) {
        String a = oldBare(path);
        if (a == null) return null;
        int at = a.lastIndexOf('@');
        if (at < 0 || at == a.length() - 1) return null;
        String d = a.substring(at + 1).toLowerCase(Locale.ROOT);
        while (d.endsWith(".")) d = d.substring(0, d.length() - 1);
        return d.isEmpty() ? null : d;
    }

    private static boolean oldIsNullPath(String path) {
        return path != null && path.replace(" ", "").equals("<>");
    }

    private static final String[] HOSTILE = {
            null, "", " ", "\t", "<>", "< >", " <  > ", "<>x", "<<>", "<\t>", ">", "<", "<>>", "><",
            "<a@b>", "<A@Example.COM.>", "  <Bob@Example.ORG.>  ", "<@relay.example:bob@dest.example>",
            "<@r1,@r2:U@D.EXAMPLE...>", "<@relay:>", "@relay:x@y", "@:a@b", "<postmaster>", "a@", "a@.", "a@..",
            "<a@b", "a@b>", "a@b> SIZE=10", "<a@b> SIZE=10", "<x@y@Z.example>", "<\"q@x\"@Host.Example>",
            "<user@İSTANBUL.example>", "<user@ΣΊΣΥΦΟΣ.gr>", "<ü@Bücher.DE>", "<a@K\u212aLVIN.example>",
            "<a@ı.example>", "<a@\ud83d\ude00.example>", "\u0000<a@b>\u0001", "<a@b\u00a0>", "<a@" + "X".repeat(400) + ">",
            "<@" + "r".repeat(50) + ":a@b>", "<a@b>\r\n", "  ", "<:@>", "<@>", "<@a@b>"};

    private static List<String> paths() {
        List<String> all = new ArrayList<>(List.of(java.util.Arrays.stream(HOSTILE).filter(java.util.Objects::nonNull).toArray(String[]::new)));
        SplittableRandom r = new SplittableRandom(12);
        String alphabet = "<>@:., \tAaZz\u0130\u0131\u212a\u00fc.-";
        for (int i = 0; i < 50_000; i++) {
            StringBuilder b = new StringBuilder();
            int n = r.nextInt(12);
            for (int k = 0; k < n; k++) b.append(alphabet.charAt(r.nextInt(alphabet.length())));
            all.add(b.toString());
        }
        return all;
    }

    @Test
    void bareDomainAndNullPathAsBefore() {
        assertThat(Evidence.bare(null)).isNull();
        assertThat(Evidence.domainOf(null)).isNull();
        assertThat(Evidence.isNullPath(null)).isFalse();
        for (String p : paths()) {
            assertThat(Evidence.bare(p)).as("bare(%s)", p).isEqualTo(oldBare(p));
            assertThat(Evidence.domainOf(p)).as("domainOf(%s)", p).isEqualTo(oldDomainOf(p));
            assertThat(Evidence.isNullPath(p)).as("isNullPath(%s)", p).isEqualTo(oldIsNullPath(p));
            long region = Evidence.domainRegion(p);
            assertThat(region == Evidence.NONE).as("domainRegion(%s)", p).isEqualTo(oldDomainOf(p) == null);
            if (region != Evidence.NONE) {
                assertThat(Evidence.domainHash(p, region)).as("domainHash(%s)", p).isEqualTo(Evidence.hash64(oldDomainOf(p)));
            }
        }
    }

    @Test
    void sampleAddRegionKeepsWhatAddKept() {
        SplittableRandom r = new SplittableRandom(3);
        List<String> ps = paths();
        for (int round = 0; round < 2_000; round++) {
            Sample viaString = new Sample(), viaRegion = new Sample();
            Sample bareString = new Sample(), bareRegion = new Sample();
            for (int k = 0; k < 12; k++) {
                String p = ps.get(r.nextInt(ps.size()));
                viaString.add(oldDomainOf(p));
                viaRegion.addRegion(p, Evidence.domainRegion(p), true);
                bareString.add(oldBare(p));
                bareRegion.addRegion(p, Evidence.bareRegion(p), false);
            }
            assertThat(viaRegion.list()).isEqualTo(viaString.list());
            assertThat(bareRegion.list()).isEqualTo(bareString.list());
        }
        // a repeat in another case is the same domain, and is not added again
        Sample s = new Sample();
        s.addRegion("<a@Example.ORG>", Evidence.domainRegion("<a@Example.ORG>"), true);
        s.addRegion("<b@EXAMPLE.org.>", Evidence.domainRegion("<b@EXAMPLE.org.>"), true);
        assertThat(s.list()).containsExactly("example.org");
        // dotless ı is not i: lower-casing "I" gives "i", never "ı"
        Sample t = new Sample();
        t.add("ı.example");
        t.addRegion("<a@I.example>", Evidence.domainRegion("<a@I.example>"), true);
        assertThat(t.list()).containsExactly("ı.example", "i.example");
    }
}
