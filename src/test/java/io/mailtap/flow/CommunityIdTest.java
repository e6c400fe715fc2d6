package io.mailtap.flow;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommunityIdTest {
    private static InetAddress ip(String s) throws Exception { return InetAddress.getByName(s); }

    /** The spec's published TCP vectors (community-id-spec baseline, also in Zeek's and Vector's tests). */
    @Test
    void matchesThePublishedVectorsFromEitherSide() throws Exception {
        CommunityId id = new CommunityId(0);
        assertThat(id.of(ip("1.2.3.4"), 1122, ip("5.6.7.8"), 3344)).isEqualTo("1:wCb3OG7yAFWelaUydu0D+125CLM=");
        assertThat(id.of(ip("5.6.7.8"), 3344, ip("1.2.3.4"), 1122)).isEqualTo("1:wCb3OG7yAFWelaUydu0D+125CLM=");
        assertThat(new CommunityId(1).of(ip("1.2.3.4"), 1122, ip("5.6.7.8"), 3344)).isEqualTo("1:HhA1B+6CoLbiKPEs5nhNYN4XWfk=");
    }

    /**
     * IPv6, and equal addresses ordered by port: values from an independent implementation of the
     * spec (a few lines of Python hashlib/struct, in the commit message), since the spec's IPv6
     * vectors are ICMPv6 only.
     */
    @Test
    void ordersIpv6AndEqualAddressesAsTheSpecSays() throws Exception {
        CommunityId id = new CommunityId(0);
        assertThat(id.of(ip("2001:470:1f04:17b::2"), 49158, ip("2001:470:1f04:17b::1"), 25))
                .isEqualTo("1:iWvAiPgugMYPXclFVjGDIjj7XKI=");
        assertThat(id.of(ip("10.0.0.1"), 2525, ip("10.0.0.1"), 25)).isEqualTo("1:bxcLdIIpiYXLctJKewX3vX3FPbM=");
        assertThat(id.of(ip("10.0.0.1"), 25, ip("10.0.0.1"), 2525)).isEqualTo("1:bxcLdIIpiYXLctJKewX3vX3FPbM=");
    }

    @Test
    void aSeedOutsideSixteenBitsIsRefused() {
        assertThatThrownBy(() -> new CommunityId(65536)).isInstanceOf(IllegalArgumentException.class);
    }
}
