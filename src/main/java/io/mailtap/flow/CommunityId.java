package io.mailtap.flow;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * The Community ID flow hash, version 1 (corelight/community-id-spec), so a mailtap record joins
 * with the same connection in Zeek's conn.log, Suricata's eve.json and Arkime: {@code "1:"} and the
 * base64 SHA-1 of seed, the two endpoints in a fixed order, protocol and ports. The order makes the
 * id the same from either side: the endpoint with the smaller address (bytes compared unsigned),
 * or with equal addresses the smaller port, goes first.
 *
 * <p>Computed once per output record, not per packet; an instance is not thread-safe (it reuses its
 * digest and buffer), so each writer owns one.
 */
public final class CommunityId {
    private static final int TCP = 6;
    private final MessageDigest sha1;
    private final ByteBuffer input = ByteBuffer.allocate(2 + 16 + 16 + 2 + 4);
    private final int seed;

    /** @param seed the spec's 16-bit seed (0 unless the operator set one for all their sensors) */
    public CommunityId(int seed) {
        if (seed < 0 || seed > 0xffff) throw new IllegalArgumentException("community id seed must be 0..65535: " + seed);
        this.seed = seed;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-1", e);
        }
    }

    public String of(Connection c) {
        return of(c.clientIp(), c.clientPort(), c.serverIp(), c.serverPort());
    }

    public String of(InetAddress a, int aPort, InetAddress b, int bPort) {
        byte[] ab = a.getAddress();
        byte[] bb = b.getAddress();
        int cmp = Arrays.compareUnsigned(ab, bb);
        boolean aFirst = cmp < 0 || (cmp == 0 && aPort < bPort);
        input.clear();
        input.putShort((short) seed);
        input.put(aFirst ? ab : bb).put(aFirst ? bb : ab);
        input.put((byte) TCP).put((byte) 0);
        input.putShort((short) (aFirst ? aPort : bPort)).putShort((short) (aFirst ? bPort : aPort));
        sha1.reset();
        sha1.update(input.array(), 0, input.position());
        return "1:" + Base64.getEncoder().encodeToString(sha1.digest());
    }
}
