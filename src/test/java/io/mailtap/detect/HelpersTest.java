package io.mailtap.detect;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HelpersTest {
    private static final long S = 1_000_000L;

    @Test
    void windowCountsNeverIncludeEventsOlderThanTheWindow() {
        WindowCounts w = new WindowCounts(600 * S, 1);
        long t0 = 1_000_000 * S;
        for (int i = 0; i < 10; i++) w.add(t0 + i * S, 0, 1);
        assertThat(w.sum(t0 + 10 * S, 0)).isEqualTo(10);
        assertThat(w.sum(t0 + 560 * S, 0)).isEqualTo(10);  // within 95% of the window: all counted
        assertThat(w.sum(t0 + 600 * S, 0)).isZero();       // a full window later: none
        assertThat(w.sum(t0 + 10_000 * S, 0)).isZero();
        w.add(t0 + 10_000 * S, 0, 3);
        assertThat(w.sum(t0 + 10_000 * S, 0)).isEqualTo(3); // stale buckets were reset
        w.add(t0, 0, 5);                                    // far too old: ignored
        assertThat(w.sum(t0 + 10_000 * S, 0)).isEqualTo(3);
    }

    @Test
    void distinctWindowIsExactAtTheLimit() {
        DistinctWindow d = new DistinctWindow(60 * S, 6);
        for (int i = 0; i < 100; i++) d.add(Evidence.hash64("h" + (i % 5)), i * S / 10);
        assertThat(d.count(10 * S)).isEqualTo(5);
        d.add(Evidence.hash64("h5"), 11 * S);
        assertThat(d.count(11 * S)).isEqualTo(6);
        d.add(Evidence.hash64("h6"), 12 * S);
        assertThat(d.count(12 * S)).isEqualTo(6); // capped at limit + 1
        assertThat(d.count(200 * S)).isZero();
    }

    @Test
    void addressSet() {
        AddressSet s = AddressSet.parse(List.of("10.0.0.0/8", "192.168.1.7", "fc00::/7", "2001:db8:0:0:0:0:0:0/32"));
        assertThat(s.cidrs()).containsExactly("10.0.0.0/8", "192.168.1.7/32", "fc00::/7", "2001:db8::/32");
        assertThat(s.contains(SmtpScript.ip("10.255.1.2"))).isTrue();
        assertThat(s.contains(SmtpScript.ip("11.0.0.1"))).isFalse();
        assertThat(s.contains(SmtpScript.ip("192.168.1.7"))).isTrue();
        assertThat(s.contains(SmtpScript.ip("192.168.1.8"))).isFalse();
        assertThat(s.contains(SmtpScript.ip("fd12::1"))).isTrue();
        assertThat(s.contains(SmtpScript.ip("fe80::1"))).isFalse();
        assertThat(s.contains(SmtpScript.ip("2001:db8:ffff::1"))).isTrue();
        assertThat(s.contains(SmtpScript.ip("::ffff:10.1.1.1"))).isTrue(); // IPv4-mapped is IPv4
        assertThat(AddressSet.parse(List.of("0.0.0.0/0")).contains(SmtpScript.ip("8.8.8.8"))).isTrue();
        assertThat(AddressSet.empty().contains(SmtpScript.ip("8.8.8.8"))).isFalse();
    }

    @Test
    void badCidrsAreExplained() {
        assertThatThrownBy(() -> AddressSet.Cidr.parse("10.0.0.1/8")).hasMessageContaining("did you mean 10.0.0.0/8");
        assertThatThrownBy(() -> AddressSet.Cidr.parse("10.0.0.0/33")).hasMessageContaining("out of range 0-32");
        assertThatThrownBy(() -> AddressSet.Cidr.parse("mail.example.org")).hasMessageContaining("not an IPv4/IPv6 address");
        assertThatThrownBy(() -> AddressSet.Cidr.parse("10.0.0/8")).hasMessageContaining("not an IPv4/IPv6 address");
    }

    @Test
    void inetLiteralNeverResolvesNames() {
        assertThat(InetLiteral.parse("localhost")).isNull();
        assertThat(InetLiteral.parse("example.org")).isNull();
        assertThat(InetLiteral.parse("1.2.3")).isNull();
        assertThat(InetLiteral.parse("1.2.3.256")).isNull();
        assertThat(InetLiteral.parse("cafe")).isNull();
        assertThat(InetLiteral.parse("cafe::1")).isNotNull();
        assertThat(InetLiteral.parse("::")).isNotNull();
        assertThat(InetLiteral.parse("fe80::1%eth0")).isNull();
    }

    @Test
    void text() {
        assertThat(Evidence.domainOf("<Bob@Example.ORG.>")).isEqualTo("example.org");
        assertThat(Evidence.domainOf("<@relay.example:bob@dest.example>")).isEqualTo("dest.example");
        assertThat(Evidence.domainOf("<postmaster>")).isNull();
        assertThat(Evidence.domainOf("<>")).isNull();
        assertThat(Evidence.isNullPath("<>")).isTrue();
        assertThat(Evidence.isNullPath("<a@b>")).isFalse();
        assertThat(Evidence.ev("x".repeat(500))).hasSize(300).endsWith("…");
        assertThat(Evidence.span(600_000_000L)).isEqualTo("10m");
        assertThat(Evidence.span(3_600_000_000L)).isEqualTo("1h");
    }
}
