package io.mailtap.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpTextTest {

    private static String v6(String literal) {
        long[] a = Pkt.addr(literal);
        return IpText.ipv6(a[0], a[1]);
    }

    @ParameterizedTest
    @CsvSource({
            // RFC 5952 section 4 examples and rules
            "2001:0db8:0000:0000:0000:0000:0000:0001, 2001:db8::1",      // 4.1 no leading zeros
            "2001:db8:0:0:0:0:2:1,                   2001:db8::2:1",     // 4.2.1 longest run
            "2001:db8:0:1:1:1:1:1,                   2001:db8:0:1:1:1:1:1", // 4.2.2 single 0 stays
            "2001:0:0:1:0:0:0:1,                     2001:0:0:1::1",     // 4.2.3 longest run wins
            "2001:db8:0:0:1:0:0:1,                   2001:db8::1:0:0:1", // 4.2.3 first of equal runs
            "2001:DB8::AAAA,                         2001:db8::aaaa",    // 4.3 lower case
            "0:0:0:0:0:0:0:0,                        ::",
            "0:0:0:0:0:0:0:1,                        ::1",
            "1:0:0:0:0:0:0:0,                        1::",
            "fe80:0:0:0:0:0:0:0,                     fe80::",
            "1:2:3:4:5:6:7:8,                        1:2:3:4:5:6:7:8",
            "1:0:2:3:4:5:6:7,                        1:0:2:3:4:5:6:7",
            "1:2:3:4:5:6:7:0,                        1:2:3:4:5:6:7:0",
            "0:0:1:0:0:0:0:0,                        0:0:1::",
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
    })
    void ipv6FollowsRfc5952(String in, String expected) {
        assertThat(v6(in)).isEqualTo(expected);
    }

    @Test
    void v4MappedUsesMixedNotationAsIpv6AndDottedAsIpv4() {
        long[] a = Pkt.addr("192.0.2.1");
        assertThat(IpText.isV4Mapped(a[0], a[1])).isTrue();
        assertThat(IpText.ipv6(a[0], a[1])).isEqualTo("::ffff:192.0.2.1");
        assertThat(IpText.format(4, a[0], a[1])).isEqualTo("192.0.2.1");
        assertThat(IpText.format(6, a[0], a[1])).isEqualTo("::ffff:192.0.2.1");
    }

    @Test
    void ipv4Extremes() {
        assertThat(IpText.ipv4(0)).isEqualTo("0.0.0.0");
        assertThat(IpText.ipv4(-1)).isEqualTo("255.255.255.255");
        assertThat(IpText.ipv4(0x0a000001)).isEqualTo("10.0.0.1");
    }

    @Test
    void inetAddressesAreBuiltFromTheBytes() throws Exception {
        long[] a = Pkt.addr("192.0.2.1");
        InetAddress v4 = IpText.inetAddress(4, a[0], a[1]);
        assertThat(v4).isInstanceOf(Inet4Address.class).isEqualTo(InetAddress.getByName("192.0.2.1"));

        InetAddress mapped = IpText.inetAddress(6, a[0], a[1]);
        assertThat(mapped).isInstanceOf(Inet6Address.class);
        assertThat(mapped.getAddress()).hasSize(16);

        long[] b = Pkt.addr("2001:db8::1");
        assertThat(IpText.inetAddress(6, b[0], b[1])).isEqualTo(InetAddress.getByName("2001:db8::1"));
    }

    @Test
    void randomAddressesRoundTripInCanonicalForm() throws Exception {
        Random rnd = new Random(5952);
        for (int n = 0; n < 20_000; n++) {
            int[] g = new int[8];
            for (int i = 0; i < 8; i++) g[i] = rnd.nextInt(3) == 0 ? rnd.nextInt(0x10000) : 0;
            long hi = 0, lo = 0;
            for (int i = 0; i < 4; i++) {
                hi = (hi << 16) | g[i];
                lo = (lo << 16) | g[i + 4];
            }
            String text = IpText.ipv6(hi, lo);
            long[] back = Pkt.addr(text);
            if (IpText.isV4Mapped(hi, lo)) continue; // Java parses these as IPv4
            assertThat(back).as(text).containsExactly(hi, lo);
            assertThat(text).as(text).isEqualTo(text.toLowerCase()).doesNotContain(":::");
            assertThat(text.indexOf("::")).as(text).isEqualTo(text.lastIndexOf("::"));
            for (String group : text.split(":")) {
                assertThat(group.length() <= 1 || group.charAt(0) != '0').as(text).isTrue();
            }
            // The compressed run is the longest zero run (of at least two groups).
            int longest = 0, run = 0;
            for (int x : g) {
                run = x == 0 ? run + 1 : 0;
                longest = Math.max(longest, run);
            }
            int shown = 0;
            for (String token : text.split(":")) if (!token.isEmpty()) shown++;
            int omitted = 8 - shown;
            assertThat(omitted).as(text).isEqualTo(longest >= 2 ? longest : 0);
        }
    }
}
