package io.mailtap.detect;

import io.mailtap.flow.Connection;

import java.net.InetAddress;

/** The site's address plan as the rules see it: which side of a connection is ours. */
final class AddressPlan {
    private AddressSet internal;
    private AddressSet mailServers;
    private final boolean[] policyPort = new boolean[65536];

    AddressPlan(DetectPlan s) {
        update(s);
    }

    /**
     * Takes a reloaded address plan in place (between two events, on the engine's thread), so the
     * rules that ask it keep their state: adding a mail server changes only the answers.
     */
    void update(DetectPlan s) {
        this.internal = s.internal();
        this.mailServers = s.mailServers();
        java.util.Arrays.fill(policyPort, false);
        for (int p : s.policyPorts()) if (p > 0 && p < 65536) policyPort[p] = true;
        java.util.Arrays.fill(memoKeys, null);
    }

    boolean internal(InetAddress a) { return (memo(a) & INTERNAL) != 0; }

    boolean mailServer(InetAddress a) { return (memo(a) & MAIL_SERVER) != 0; }

    private static final int INTERNAL = 1, MAIL_SERVER = 2, KNOWN = 4;
    private static final int MEMO_SLOTS = 1024;
    private final InetAddress[] memoKeys = new InetAddress[MEMO_SLOTS];
    private final byte[] memoBits = new byte[MEMO_SLOTS];

    /**
     * Several rules ask about both ends of every event, and the flow table hands out one shared
     * address object per recent address: a direct-mapped memo by identity answers the repeats
     * without walking the CIDR lists again (single-threaded, like the rules).
     */
    private int memo(InetAddress a) {
        if (a == null) return 0;
        int slot = System.identityHashCode(a) & (MEMO_SLOTS - 1);
        if (memoKeys[slot] == a) return memoBits[slot];
        byte[] b = a.getAddress(); // a copy: taken once for both sets
        int bits = KNOWN | (internal.contains(b) ? INTERNAL : 0) | (mailServers.contains(b) ? MAIL_SERVER : 0);
        memoKeys[slot] = a;
        memoBits[slot] = (byte) bits;
        return bits;
    }

    boolean policyPort(int port) { return port > 0 && port < 65536 && policyPort[port]; }

    /** Our host talking to a host outside. */
    boolean outbound(Connection c) { return internal(c.clientIp()) && !internal(c.serverIp()); }

    /** An outside host talking to our host. */
    boolean inbound(Connection c) { return !internal(c.clientIp()) && internal(c.serverIp()); }
}
