package io.mailtap.decode;

/**
 * Which tunnel header named the flow's mirror session in {@link PacketView#tunnelId}; the value is
 * part of {@link PacketView#scopeKey()} so equal ids of different kinds stay apart. Ints, not an
 * enum, because the view is filled on the packet path and hashed as a long.
 */
public final class TunnelKind {
    public static final int NONE = 0;
    /** GRE key (RFC 2890), when the K bit is set. */
    public static final int GRE_KEY = 1;
    /** ERSPAN type II/III session id (10 bits). Type I has none. */
    public static final int ERSPAN_SESSION = 2;
    /** VXLAN network identifier (24 bits). */
    public static final int VXLAN_VNI = 3;
    /** GENEVE virtual network identifier (24 bits). */
    public static final int GENEVE_VNI = 4;
    /** PPPoE session id (16 bits). */
    public static final int PPPOE_SESSION = 5;

    private TunnelKind() {}
}
