package io.mailtap.decode;

/** libpcap DLT_/LINKTYPE_ values the decoder understands. */
public final class LinkType {
    public static final int NULL = 0;          // BSD loopback: 4-byte host-order address family
    public static final int ETHERNET = 1;
    public static final int RAW = 101;         // LINKTYPE_RAW: bare IPv4/IPv6
    public static final int DLT_RAW_BSD = 12;  // DLT_RAW as some BSDs number it
    public static final int DLT_RAW_OPENBSD = 14;
    public static final int LOOP = 108;        // OpenBSD loopback: network-order address family
    public static final int LINUX_SLL = 113;
    public static final int IPV4 = 228;
    public static final int IPV6 = 229;
    public static final int LINUX_SLL2 = 276;

    private LinkType() {}

    public static boolean supported(int dlt) {
        return switch (dlt) {
            case NULL, ETHERNET, RAW, DLT_RAW_BSD, DLT_RAW_OPENBSD, LOOP, LINUX_SLL, IPV4, IPV6, LINUX_SLL2 -> true;
            default -> false;
        };
    }
}
