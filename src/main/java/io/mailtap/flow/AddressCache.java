package io.mailtap.flow;

import java.net.InetAddress;

/**
 * Object and text forms of recently seen addresses, so that the connections to one server (or
 * from one client) share a single {@link InetAddress} and a single String instead of 112 bytes
 * of copies each. A sensor in front of a few MXs sees a million connections to a handful of
 * server addresses; a relay makes thousands of connections from one client address.
 *
 * <p>Direct-mapped, a fixed number of slots, filled on a miss by replacing whatever was there:
 * bounded memory, one probe per lookup, and a replaced entry only costs a fresh copy the next
 * time. Connection creation only, never per packet. One per flow table (one thread).
 */
final class AddressCache {
    private final int mask;
    private final long[] hi, lo;
    private final byte[] version;
    private final InetAddress[] address;
    private final String[] text;

    /** @param slots a power of two */
    AddressCache(int slots) {
        if (Integer.bitCount(slots) != 1) throw new IllegalArgumentException("slots must be a power of two");
        mask = slots - 1;
        hi = new long[slots];
        lo = new long[slots];
        version = new byte[slots];
        address = new InetAddress[slots];
        text = new String[slots];
    }

    /** The slot now holding this address (filled if it held another or none). */
    int lookup(int ipVersion, long h, long l) {
        long x = (h ^ Long.rotateLeft(l, 29) ^ ipVersion) * 0x9E3779B97F4A7C15L;
        int s = (int) (x >>> 40) & mask;
        if (address[s] == null || lo[s] != l || hi[s] != h || version[s] != ipVersion) {
            hi[s] = h;
            lo[s] = l;
            version[s] = (byte) ipVersion;
            address[s] = IpText.inetAddress(ipVersion, h, l);
            text[s] = IpText.format(ipVersion, h, l);
        }
        return s;
    }

    InetAddress address(int slot) { return address[slot]; }

    String text(int slot) { return text[slot]; }
}
