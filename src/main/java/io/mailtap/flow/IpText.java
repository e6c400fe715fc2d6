package io.mailtap.flow;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Text and object forms of the addresses the decoder stores as two longs (IPv4 as the v4-mapped
 * IPv6 address). Called once per flow, so it may allocate.
 *
 * <p>IPv6 text follows RFC 5952: lower-case hex, no leading zeros, the longest run of two or more
 * zero groups (the first one on a tie) written as {@code ::}, a single zero group never
 * compressed, and v4-mapped addresses in mixed notation ({@code ::ffff:192.0.2.1}, section 5).
 * {@link InetAddress#getHostAddress()} does not compress, so log fields would not match what
 * operators type and grep for.
 */
public final class IpText {
    private IpText() {}

    /** True for {@code ::ffff:a.b.c.d}, the form IPv4 addresses are stored in. */
    public static boolean isV4Mapped(long hi, long lo) {
        return hi == 0 && (lo >>> 32) == 0xffffL;
    }

    /** Dotted quad for IPv4 (the low 32 bits of {@code lo}), RFC 5952 text otherwise. */
    public static String format(int ipVersion, long hi, long lo) {
        return ipVersion == 4 ? ipv4((int) lo) : ipv6(hi, lo);
    }

    public static String ipv4(int address) {
        return new StringBuilder(15)
                .append((address >>> 24) & 0xff).append('.')
                .append((address >>> 16) & 0xff).append('.')
                .append((address >>> 8) & 0xff).append('.')
                .append(address & 0xff)
                .toString();
    }

    public static String ipv6(long hi, long lo) {
        if (isV4Mapped(hi, lo)) return "::ffff:" + ipv4((int) lo);
        int[] g = new int[8];
        for (int i = 0; i < 4; i++) {
            g[i] = (int) (hi >>> (48 - 16 * i)) & 0xffff;
            g[i + 4] = (int) (lo >>> (48 - 16 * i)) & 0xffff;
        }
        int bestStart = -1, bestLen = 1; // a run must be at least 2 groups long to be compressed
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) { i++; continue; }
            int j = i;
            while (j < 8 && g[j] == 0) j++;
            if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') sb.append(':');
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    /**
     * The address as an object, built from the bytes (never a DNS lookup). An IPv6 packet's
     * v4-mapped address stays an {@link Inet6Address}, so the object matches the text.
     */
    public static InetAddress inetAddress(int ipVersion, long hi, long lo) {
        try {
            if (ipVersion == 4) {
                int a = (int) lo;
                return InetAddress.getByAddress(new byte[] {
                        (byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a});
            }
            byte[] b = new byte[16];
            for (int i = 0; i < 8; i++) {
                b[i] = (byte) (hi >>> (56 - 8 * i));
                b[i + 8] = (byte) (lo >>> (56 - 8 * i));
            }
            return Inet6Address.getByAddress(null, b, -1);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("address arrays have a valid length", e);
        }
    }
}
