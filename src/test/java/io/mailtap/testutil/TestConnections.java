package io.mailtap.testutil;

import io.mailtap.flow.ClientBy;
import io.mailtap.flow.Connection;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The part every SMTP test harness shares: the test timeline's start and connections between
 * address literals. smtp/Harness (bytes into one SmtpSession), detect/SmtpScript behind
 * detect/Harness (events into the detection engine) and smtp/Wire (frames into a flow table) all
 * start their packet clocks at {@link #T0}, so their timestamps read alike.
 */
public final class TestConnections {
    /** 2023-11-14T22:13:20Z, in microseconds. */
    public static final long T0 = 1_700_000_000_000_000L;

    private TestConnections() {}

    /** An address literal, IPv4 or IPv6; anything else is a test bug (no DNS lookup ever). */
    public static InetAddress ip(String literal) {
        if (!literal.matches("[0-9A-Fa-f:.]+")) throw new IllegalArgumentException("not an address literal: " + literal);
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    /** An untagged connection; the address texts are the addresses' canonical forms. */
    public static Connection of(String uid, long startMicros, String client, int clientPort, String server, int serverPort,
                                ClientBy by) {
        InetAddress c = ip(client), s = ip(server);
        return new Connection(uid, startMicros, c, c.getHostAddress(), clientPort, s, s.getHostAddress(), serverPort,
                0, 0, c.getAddress().length == 4 ? 4 : 6, by);
    }
}
