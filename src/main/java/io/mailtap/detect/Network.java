package io.mailtap.detect;

import io.mailtap.flow.Connection;

import java.net.InetAddress;

/** The site's address plan as the rules see it: which side of a connection is ours. */
final class Network {
    private final AddressSet internal;
    private final AddressSet mailServers;
    private final boolean[] policyPort = new boolean[65536];

    Network(DetectSettings s) {
        this.internal = s.internal();
        this.mailServers = s.mailServers();
        for (int p : s.policyPorts()) if (p > 0 && p < 65536) policyPort[p] = true;
    }

    boolean internal(InetAddress a) { return internal.contains(a); }

    boolean mailServer(InetAddress a) { return mailServers.contains(a); }

    boolean policyPort(int port) { return port > 0 && port < 65536 && policyPort[port]; }

    /** Our host talking to a host outside. */
    boolean outbound(Connection c) { return internal(c.clientIp()) && !internal(c.serverIp()); }

    /** An outside host talking to our host. */
    boolean inbound(Connection c) { return !internal(c.clientIp()) && internal(c.serverIp()); }
}
