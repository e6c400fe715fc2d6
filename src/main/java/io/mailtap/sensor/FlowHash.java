package io.mailtap.sensor;

import io.mailtap.decode.PacketView;

/**
 * The capture thread's shard choice: a hash of the 5-tuple, VLAN tags and tunnel id that is the same for
 * both directions of a connection (each endpoint is hashed alone, and the two are combined with a
 * commutative operation), so a worker sees every packet of the connections it owns. Not keyed with
 * a secret: a flood aimed at one worker only fills that worker's ring, whose drops are counted; the
 * flow tables themselves use random seeds.
 */
final class FlowHash {
    private FlowHash() {}

    static long symmetric(PacketView v) {
        long a = endpoint(v.srcHi, v.srcLo, v.srcPort & 0xffff);
        long b = endpoint(v.dstHi, v.dstLo, v.dstPort & 0xffff);
        return mix((a + b) ^ (a * b) ^ (v.scopeKey() * 0x9E3779B97F4A7C15L));
    }

    /** The worker for this packet, 0..workers-1. */
    static int shard(PacketView v, int workers) {
        return workers == 1 ? 0 : (int) Long.remainderUnsigned(symmetric(v), workers);
    }

    private static long endpoint(long hi, long lo, int port) {
        return mix(hi * 0xC2B2AE3D27D4EB4FL ^ mix(lo ^ ((long) port << 48 | port)));
    }

    /** MurmurHash3's 64-bit finaliser. */
    static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }
}
