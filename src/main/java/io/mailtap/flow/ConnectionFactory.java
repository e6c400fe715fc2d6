package io.mailtap.flow;

import io.mailtap.decode.PacketView;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Builds the immutable {@link Connection} of a new flow: formats the addresses once (and shares
 * them between connections of the same endpoints, {@link AddressCache}) and names the connection. Owned by one flow table (one thread), so the digest and its input are reused.
 */
final class ConnectionFactory {
    private static final char[] BASE62 =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final int TCP = 6;

    private final MessageDigest sha256;
    private final ByteBuffer input = ByteBuffer.allocate(8 + 4 * 8 + 2 + 2 + 4 + 1 + 2 + 8);
    // Separate tables, so a scan of many clients does not push the few servers out.
    private final AddressCache clients = new AddressCache(512);
    private final AddressCache servers = new AddressCache(512);

    ConnectionFactory() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }

    Connection create(Flow f, long firstMicros, int ipVersion, int vlanOuter, int vlanInner, ClientBy clientBy) {
        int c = clients.lookup(ipVersion, f.cHi, f.cLo);
        int s = servers.lookup(ipVersion, f.sHi, f.sLo);
        return new Connection(
                uid(firstMicros, f.cHi, f.cLo, f.cPort, f.sHi, f.sLo, f.sPort, f.scopeKey, f.generation),
                firstMicros,
                clients.address(c), clients.text(c), f.cPort,
                servers.address(s), servers.text(s), f.sPort,
                vlanOuter, vlanInner, ipVersion, clientBy);
    }

    /**
     * Zeek-style id: "C" and 96 bits of SHA-256 over (first packet time, client and server
     * endpoint, protocol, VLAN, tunnel id when there is one) in base62, fixed width (18 characters). No random salt, so a replay
     * names connections exactly as the live run did; a cryptographic hash so ids of neighbouring
     * 5-tuples share no visible structure. A connection that reuses the key of the one before it
     * (same first packet time is possible: a capture with zeroed timestamps) adds its generation
     * to the input; the first connection on a key (generation 0) hashes exactly as it always did.
     */
    String uid(long firstMicros, long cHi, long cLo, int cPort, long sHi, long sLo, int sPort, long scopeKey,
               int generation) {
        input.clear();
        input.putLong(firstMicros).putLong(cHi).putLong(cLo).putLong(sHi).putLong(sLo)
                .putShort((short) cPort).putShort((short) sPort).putInt((int) (scopeKey & PacketView.VLAN_KEY_MASK)).put((byte) TCP);
        if (generation != 0) input.putShort((short) generation);
        // A tunnel id is hashed only when there is one, so an untunnelled connection keeps its old uid.
        long tunnel = scopeKey >>> PacketView.TUNNEL_SHIFT;
        if (tunnel != 0) input.putLong(tunnel);
        sha256.reset();
        sha256.update(input.array(), 0, input.position());
        byte[] d = sha256.digest();
        long a = ByteBuffer.wrap(d, 0, 8).getLong();
        long b = ByteBuffer.wrap(d, 8, 4).getInt() & 0xffffffffL;
        char[] out = new char[18];
        out[0] = 'C';
        base62(a, out, 1, 11);  // 62^11 > 2^64
        base62(b, out, 12, 6);  // 62^6 > 2^32
        return new String(out);
    }

    private static void base62(long unsigned, char[] out, int from, int width) {
        long v = unsigned;
        for (int i = from + width - 1; i >= from; i--) {
            out[i] = BASE62[(int) Long.remainderUnsigned(v, 62)];
            v = Long.divideUnsigned(v, 62);
        }
    }
}
