package io.mailtap.bench;

import java.util.Arrays;

/**
 * One generated conversation as a list of steps over two byte streams (client→server and
 * server→client). Builders append bytes to a stream and then add DATA steps that cover them, so a
 * segment's sequence number is always ISN + 1 + its offset in the stream; ACK numbers are taken
 * at emission time from what the peer has sent so far. Retransmissions repeat a step, reordering
 * swaps two steps: both keep the byte streams, and therefore the sequence space, intact.
 * Reused: {@link #reset} makes it ready for the next session.
 */
final class Script {
    // step kind = type | flags
    static final int T_SYN = 1, T_SYNACK = 2, T_ACK = 3, T_DATA = 4, T_FIN = 5, T_UDP = 6;
    static final int TYPE_MASK = 0xF;
    static final int FROM_CLIENT = 0x10;
    static final int PUSH = 0x20;
    static final int RETRANSMIT = 0x40;
    static final int REORDERED = 0x80;

    final Endpoints e = new Endpoints();
    final ByteBuf cli = new ByteBuf(16 * 1024);
    final ByteBuf srv = new ByteBuf(16 * 1024);
    int mss = 1460;
    /** True for SMTP sessions (counted apart from noise). */
    boolean smtp;

    private int[] kind = new int[128];
    private int[] off = new int[128];
    private int[] len = new int[128];
    private int steps;
    private int cursor;

    private int cIsn, sIsn;
    /** Sequence space used so far (relative to the ISN): SYN counts 1, FIN counts 1. */
    private int cNext, sNext;

    void reset(int clientIsn, int serverIsn) {
        cli.clear();
        srv.clear();
        steps = 0;
        cursor = 0;
        cIsn = clientIsn;
        sIsn = serverIsn;
        cNext = sNext = 0;
        smtp = false;
        e.clear();
        mss = 1460;
    }

    boolean done() { return cursor >= steps; }

    int stepCount() { return steps; }

    int kindAt(int i) { return kind[i]; }

    ByteBuf stream(boolean fromClient) { return fromClient ? cli : srv; }

    // ---- building ----

    private void add(int k, int o, int l) {
        if (steps == kind.length) {
            int n = steps * 2;
            kind = Arrays.copyOf(kind, n);
            off = Arrays.copyOf(off, n);
            len = Arrays.copyOf(len, n);
        }
        kind[steps] = k;
        off[steps] = o;
        len[steps] = l;
        steps++;
    }

    void handshake() {
        add(T_SYN | FROM_CLIENT, 0, 0);
        add(T_SYNACK, 0, 0);
        add(T_ACK | FROM_CLIENT, 0, 0);
    }

    void ack(boolean fromClient) {
        add(T_ACK | (fromClient ? FROM_CLIENT : 0), 0, 0);
    }

    void fin(boolean fromClient) {
        add(T_FIN | (fromClient ? FROM_CLIENT : 0), 0, 0);
    }

    /** Covers the stream bytes {@code [from, end)} with MSS-sized DATA steps, PSH on the last. */
    void send(boolean fromClient, int from) {
        int end = stream(fromClient).len;
        int dir = fromClient ? FROM_CLIENT : 0;
        while (from < end) {
            int n = Math.min(mss, end - from);
            add(T_DATA | dir | (from + n == end ? PUSH : 0), from, n);
            from += n;
        }
    }

    /** A single DATA step for {@code [from, end)}; the caller keeps it within the MSS. */
    void sendOne(boolean fromClient, int from, boolean push) {
        int end = stream(fromClient).len;
        add(T_DATA | (fromClient ? FROM_CLIENT : 0) | (push ? PUSH : 0), from, end - from);
    }

    /**
     * A bulk transfer of {@code [from, end)}: MSS-sized segments, the peer ACKing every second one
     * and the last (delayed ACK). With the given probabilities a pair of adjacent segments goes out
     * swapped, or a segment is sent again after the next one. The final segment is never
     * reordered or retransmitted (it carries the end of the message, which the tests count).
     * Returns {retransmissions, reorders}.
     */
    long bulk(boolean fromClient, int from, Rng rng, double retransmitP, double reorderP) {
        int end = stream(fromClient).len;
        int dir = fromClient ? FROM_CLIENT : 0;
        int retx = 0, reord = 0;
        while (from < end) {
            int n1 = bulkSegment(from, end);
            boolean last1 = from + n1 == end;
            if (last1) {
                add(T_DATA | dir | PUSH, from, n1);
                ack(!fromClient);
                break;
            }
            int from2 = from + n1;
            int n2 = bulkSegment(from2, end);
            boolean last2 = from2 + n2 == end;
            if (!last2 && reorderP > 0 && rng.chance(reorderP)) {
                add(T_DATA | dir | REORDERED, from2, n2);
                add(T_DATA | dir, from, n1);
                reord++;
            } else {
                add(T_DATA | dir, from, n1);
                add(T_DATA | dir | (last2 ? PUSH : 0), from2, n2);
                if (retransmitP > 0 && rng.chance(retransmitP)) {
                    add(T_DATA | dir | RETRANSMIT, from, n1);   // the first of the pair, once more
                    retx++;
                }
            }
            ack(!fromClient);
            from = from2 + n2;
        }
        return ((long) retx << 32) | reord;
    }

    /**
     * One MSS, except that the last segment keeps at least {@link #TAIL} bytes: a stack that
     * writes ".\r\n" right after the body does not split the end-of-data mark, and dissectors
     * (Wireshark's SMTP among them) do not recognise a mark that is split.
     */
    private int bulkSegment(int from, int end) {
        int n = Math.min(mss, end - from);
        int rest = end - from - n;
        return rest > 0 && rest < TAIL ? n - (TAIL - rest) : n;
    }

    static final int TAIL = 5;

    void udp(boolean fromClient, int from) {
        add(T_UDP | (fromClient ? FROM_CLIENT : 0), from, stream(fromClient).len - from);
    }

    // ---- emitting ----

    /** Builds the next step's frame into {@code fb.frame}; returns its length. */
    int emitNext(FrameBuilder fb) {
        int k = kind[cursor], o = off[cursor], l = len[cursor];
        cursor++;
        boolean c = (k & FROM_CLIENT) != 0;
        switch (k & TYPE_MASK) {
            case T_SYN -> {
                cNext = Math.max(cNext, 1);
                return fb.tcp(e, true, cIsn, 0, FrameBuilder.SYN, mss, null, 0, 0);
            }
            case T_SYNACK -> {
                sNext = Math.max(sNext, 1);
                return fb.tcp(e, false, sIsn, cIsn + cNext, FrameBuilder.SYN | FrameBuilder.ACK, mss, null, 0, 0);
            }
            case T_ACK -> {
                return c ? fb.tcp(e, true, cIsn + cNext, sIsn + sNext, FrameBuilder.ACK, 0, null, 0, 0)
                         : fb.tcp(e, false, sIsn + sNext, cIsn + cNext, FrameBuilder.ACK, 0, null, 0, 0);
            }
            case T_DATA -> {
                int flags = FrameBuilder.ACK | ((k & PUSH) != 0 ? FrameBuilder.PSH : 0);
                if (c) {
                    cNext = Math.max(cNext, 1 + o + l);
                    return fb.tcp(e, true, cIsn + 1 + o, sIsn + sNext, flags, 0, cli.a, o, l);
                }
                sNext = Math.max(sNext, 1 + o + l);
                return fb.tcp(e, false, sIsn + 1 + o, cIsn + cNext, flags, 0, srv.a, o, l);
            }
            case T_FIN -> {
                int flags = FrameBuilder.FIN | FrameBuilder.ACK;
                if (c) {
                    cNext = 2 + cli.len;
                    return fb.tcp(e, true, cIsn + 1 + cli.len, sIsn + sNext, flags, 0, null, 0, 0);
                }
                sNext = 2 + srv.len;
                return fb.tcp(e, false, sIsn + 1 + srv.len, cIsn + cNext, flags, 0, null, 0, 0);
            }
            case T_UDP -> {
                return fb.udp(e, c, c ? cli.a : srv.a, o, l);
            }
            default -> throw new IllegalStateException("step kind " + k);
        }
    }
}
