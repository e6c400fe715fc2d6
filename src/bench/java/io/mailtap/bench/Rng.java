package io.mailtap.bench;

/**
 * SplitMix64: a tiny, fast generator whose output is fixed by its published algorithm, so a seed
 * gives the same capture on every JDK (java.util.SplittableRandom does not promise that).
 * Not for anything secret.
 */
final class Rng {
    private long state;

    Rng(long seed) {
        this.state = seed;
    }

    /** A generator for a sub-stream, independent of how much of this one is used later. */
    Rng fork(long salt) {
        return new Rng(mix(state ^ mix(salt + 0x632BE59BD9B4E019L)));
    }

    long nextLong() {
        return mix(state += 0x9E3779B97F4A7C15L);
    }

    int nextInt() {
        return (int) (nextLong() >>> 32);
    }

    /** Uniform in [0, bound) (multiply-shift; the bias is below 2^-32 for the bounds used here). */
    int nextInt(int bound) {
        return (int) (((nextLong() >>> 32) * bound) >>> 32);
    }

    /** Uniform in [lo, hi] inclusive. */
    int between(int lo, int hi) {
        return lo + nextInt(hi - lo + 1);
    }

    /** True with probability {@code p}. */
    boolean chance(double p) {
        return (nextLong() >>> 11) * 0x1.0p-53 < p;
    }

    /** The SplitMix64 finaliser: a bijective 64-bit mix, also used to hash indices statelessly. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * A bijection on 24-bit values (odd multiplier and xor-shifts modulo 2^24): distinct indices
     * give distinct results, scattered over the whole range.
     */
    static int permute24(int x, long key) {
        int k = (int) key;
        x &= 0xFFFFFF;
        for (int round = 0; round < 3; round++) {
            x = (x * 0x9E3B5 + (k | 1)) & 0xFFFFFF;
            x ^= x >>> 11;
            x = (x * 0x2C1B3 + (k >>> 8)) & 0xFFFFFF;
            x ^= x >>> 13;
        }
        return x;
    }
}
