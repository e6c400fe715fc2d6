package io.mailtap.flow;

import java.net.InetAddress;

/**
 * Immutable identity of one TCP connection, created once when the flow table first sees it and
 * shared by every event about it. Addresses come with their text form computed once (IPv6 in
 * RFC 5952 compressed form) so that no later stage formats them again.
 *
 * @param uid       Zeek-style connection id ("C" + base62), deterministic for a given first
 *                  packet time and 5-tuple, so a replay names connections as the live run did
 * @param startMicros packet time of the first packet seen
 * @param vlan      outer VLAN id (0 if untagged)
 * @param innerVlan inner VLAN id for QinQ (0 if none)
 */
public record Connection(
        String uid,
        long startMicros,
        InetAddress clientIp,
        String clientIpText,
        int clientPort,
        InetAddress serverIp,
        String serverIpText,
        int serverPort,
        int vlan,
        int innerVlan,
        int ipVersion,
        ClientBy clientBy) {
}
