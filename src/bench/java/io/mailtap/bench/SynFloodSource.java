package io.mailtap.bench;

/**
 * SYNs to port 25 of the internal relays from distinct spoofed sources: source i is
 * {@code PREFIX.P(i)} with P a bijection on 24 bits, so up to 2^24 SYNs have distinct 5-tuples.
 * Nothing answers them (the flood a sensor's flow table has to survive).
 */
final class SynFloodSource {
    static final long MAX_SYNS = 1L << 24;
    private static final int[] PREFIXES = {23, 45, 77, 91, 103, 185, 193, 212};
    private static final int[] WINDOWS = {5840, 29200, 64240, 65535};

    private final long seed;
    private final FrameBuilder fb;
    private final Endpoints e = new Endpoints();

    SynFloodSource(long seed, FrameBuilder fb) {
        this.seed = seed;
        this.fb = fb;
    }

    /** Builds SYN number {@code i} into the frame buffer; returns its length. */
    int syn(int i) {
        long h = Rng.mix((seed ^ 0x5A5A5A5A5A5A5A5AL) * 0x9E3779B97F4A7C15L + i);
        e.clear();
        e.cliV4 = (PREFIXES[(int) (h & 7)] << 24) | Rng.permute24(i, seed ^ 0x77);
        e.srvV4 = (10 << 24) | (int) (h >>> 3 & 1) << 8 | 25 + (int) (h >>> 4 & 1);   // 10.0.0.25 .. 10.0.1.26
        e.cliPort = 1024 + (int) ((h >>> 8) % 64511);
        e.srvPort = 25;
        e.cliTtl = 40 + (int) ((h >>> 24) % 88);
        e.cliIpId = (int) (h >>> 32);
        e.cliWindow = WINDOWS[(int) (h >>> 48) & 3];
        e.macsFromAddresses();
        e.cliMac = 0x02AA00000002L;   // everything comes in through the upstream router
        return fb.tcp(e, true, (int) Rng.mix(h), 0, FrameBuilder.SYN, 1460, null, 0, 0);
    }
}
