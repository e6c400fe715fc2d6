package io.mailtap.flow;

import io.mailtap.decode.PacketView;
import java.util.SplittableRandom;

/**
 * The bidirectional TCP flow table of one worker: finds the flow of each packet, follows the
 * connection's state, feeds both directions' reassembly and tells the {@link FlowListener}.
 * Single-threaded; one table (and one {@link FlowStats}) per worker shard. All time is packet
 * time, so a replay makes the same decisions as the live run.
 *
 * <p><b>Per packet</b> nothing is allocated unless a flow is created or out-of-order data is
 * buffered: the table is chained hashing over {@link Flow} objects, keyed by both endpoints and the
 * VLAN tags compared field by field, with a hash that is symmetric in the two endpoints so both
 * directions land in the same bucket. No packet content can make {@link #onPacket} throw.
 *
 * <p><b>Originator.</b> The sender of a SYN without ACK is the client; a SYN/ACK seen first makes
 * its receiver the client ({@link ClientBy#SYN}). Without a handshake the side on an SMTP port is
 * the server, and when both or neither are, the lower port ({@link ClientBy#PORT}). A flow picked
 * up mid-stream is announced with onFlowStart and, at once, onEstablished.
 *
 * <p><b>Flows that do not start.</b> A RST, or a packet with none of SYN, ACK and payload, does not
 * create a flow (counted in {@link FlowStats#packetsNoFlow}): it carries nothing for the layers
 * above and scans would otherwise fill the table. SYN with RST or FIN is ignored as invalid.
 *
 * <p><b>Leaving the table.</b> ATTEMPTED flows expire after attemptTimeoutMicros, SYN_ACKED and
 * ESTABLISHED after idleTimeoutMicros (reason TIMEOUT); CLOSED and REJECTED flows linger
 * closedTimeoutMicros after their last packet, so late retransmissions still fill holes, and then
 * end with the reason they closed with (FIN or RST). When maxFlows is reached the least recently
 * active flow is evicted (reason EVICTED). A flow already closed keeps its FIN/RST reason even when
 * evicted or shut down: it did end that way, and a replay cut short should say what the live run
 * would have said. Buffered data is flushed (as data and gaps) before every onFlowEnd.
 *
 * <p><b>Buffer budget.</b> maxBufferedBytesTotal applies to this table. With several worker
 * shards, give each its share.
 *
 * <p><b>Memory per connection</b> (64-bit JVM with compressed oops, the default below 32 GiB of
 * heap; IPv4; measured with {@code jcmd PID GC.class_histogram} during a replay of
 * {@code bench-gen --variant many-flows}, live objects divided by live flows):
 * <table>
 * <caption>bytes per tracked connection</caption>
 * <tr><th>what</th><th>bytes</th></tr>
 * <tr><td>{@link Flow} (measured 152; 8 more since, the frame that last touched it, {@link ShardOrder})</td><td>160</td></tr>
 * <tr><td>2 {@link TcpReassembler}s (out-of-order state only while data is held)</td><td>80</td></tr>
 * <tr><td>their unacknowledged-bytes state once ACKs are seen (buffers pooled, only while data is
 * in flight; added after these measurements)</td><td>2 × 32</td></tr>
 * <tr><td>{@link Connection}</td><td>64</td></tr>
 * <tr><td>its uid (String of 18 chars)</td><td>64</td></tr>
 * <tr><td>client address: InetAddress and text (shared per address, {@link AddressCache})</td><td>112</td></tr>
 * <tr><td>server address (shared: a few MXs serve a million connections)</td><td>0</td></tr>
 * <tr><td>slot in the bucket array</td><td>4 to 8</td></tr>
 * <tr><td><b>a SYN that was never answered</b> (measured 493 during a 5 M SYN flood)</td><td><b>about 480</b></td></tr>
 * <tr><td>SMTP session, idle after greeting and EHLO (see {@code io.mailtap.smtp})</td><td>120</td></tr>
 * <tr><td>its HELO argument (String of 21 chars)</td><td>64</td></tr>
 * <tr><td><b>an idle established SMTP connection</b> (measured 669)</td><td><b>about 660</b></td></tr>
 * </table>
 * So the default {@code flow.max_flows} of a million fits in a 1 GiB heap with room for the
 * collector (a million concurrent SMTP connections replay in {@code -Xmx1g} without a full GC).
 * Before these numbers were worked on, a connection cost 2 KB.
 */
public final class FlowTable {
    /** Segment lengths beyond this are not believed (jumbograms aside, IP carries at most 64 KiB). */
    private static final int MAX_SEGMENT = 1 << 24;
    private static final int MIN_BUCKETS = 1 << 10;

    private final FlowListener listener;
    private final FlowStats stats;
    private final BufferBudget budget;
    private final AckWaits ackWaits;
    private final TcpReassembler.Shared reassembly;
    private final ConnectionFactory connections = new ConnectionFactory();
    private final long[] smtpPortBits = new long[1 << 10];
    private final boolean trackAllTcp;
    private final int maxFlows;
    private final long maxBufferedPerDirection;
    /** Random per table: nobody outside can aim packets at one bucket (hash flooding). */
    private final long hashSeed = new SplittableRandom().nextLong();

    private final LruList attempting;
    private final LruList open;
    private final LruList closed;

    private Flow[] buckets = new Flow[MIN_BUCKETS];
    private final int maxBuckets;
    private int count;

    /** Packet clock: the latest packet time seen; never goes backwards. */
    private long now = Long.MIN_VALUE;
    /** Earliest packet time at which some flow may expire (may be early, never late). */
    private long nextDeadline = Long.MAX_VALUE;
    /** Index of the frame being processed, as the owner numbers them ({@link #frame}); 0 if it does not. */
    private long frame;
    /** Told the merge keys of deferred work; null unless this table is one shard of a parallel replay. */
    private ShardOrder order;

    // Working state of the packet being processed; fields rather than locals passed around or
    // objects returned, so the per-packet path allocates nothing.
    private boolean lookupFromClient;
    private int curOff, curLen, curClaimed;

    public FlowTable(FlowSettings settings, FlowListener listener, FlowStats stats) {
        this.listener = listener;
        this.stats = stats;
        this.trackAllTcp = settings.trackAllTcp();
        this.maxFlows = Math.max(1, settings.maxFlows());
        this.maxBufferedPerDirection = settings.maxBufferedBytesPerDirection();
        this.budget = new BufferBudget(settings.maxBufferedBytesTotal(), stats);
        this.ackWaits = new AckWaits(settings.ackWaitMicros(), settings.ackWaitMaxBytes());
        this.reassembly = new TcpReassembler.Shared(listener, stats, budget, ackWaits, maxBufferedPerDirection,
                settings.overlapCheckBuffers());
        this.attempting = new LruList(settings.attemptTimeoutMicros());
        this.open = new LruList(settings.idleTimeoutMicros());
        this.closed = new LruList(settings.closedTimeoutMicros());
        for (int port : settings.smtpPorts()) {
            if (port >= 0 && port <= 0xffff) smtpPortBits[port >>> 6] |= 1L << port;
        }
        int b = MIN_BUCKETS;
        while (b < maxFlows && b < (1 << 30)) b <<= 1;
        this.maxBuckets = b;
    }

    /** Flows in the table now (including closed ones lingering for late packets). */
    public int activeFlows() { return count; }

    public FlowStats stats() { return stats; }

    /**
     * The index of the frame about to be processed (or ticked). Only a table that is one shard of
     * a parallel replay needs it: flows and ack waits are stamped with it for {@link ShardOrder}.
     */
    public void frame(long index) {
        frame = index;
        ackWaits.frame = index;
    }

    /** Tells {@code o} the merge key before each piece of deferred work (see {@link ShardOrder}). */
    public void order(ShardOrder o) {
        order = o;
        ackWaits.order = o;
    }

    /** Most out-of-order bytes held at once (flow.max_buffered_bytes_total is hit above it). */
    public long bufferedBytesPeak() { return budget.peak; }

    /** Most overlap-check buffers out at once (flow.max_overlap_check_buffers is hit above it). */
    public int overlapBuffersPeak() { return reassembly.unacked.peak(); }

    /**
     * Expires flows whose timeout has passed at packet time {@code tsMicros}. Called by
     * {@link #onPacket} for every packet and by the live sensor's heartbeat when the wire is idle;
     * costs one comparison unless some flow is actually due.
     */
    public void advanceTime(long tsMicros) {
        if (tsMicros > now) now = tsMicros;
        ackWaits.now = now;
        if (now >= ackWaits.deadline) ackWaits.expireDue(now);
        if (now < nextDeadline) return;
        expire(attempting, ShardOrder.ATTEMPT_TIMEOUT);
        expire(open, ShardOrder.IDLE_TIMEOUT);
        expire(closed, ShardOrder.CLOSED_TIMEOUT);
        nextDeadline = Math.min(attempting.nextDeadline(), Math.min(open.nextDeadline(), closed.nextDeadline()));
    }

    /**
     * End of input: every flow releases its buffered data (as data and gaps) and ends, least
     * recently active first, with SHUTDOWN (or the FIN/RST it already closed with).
     */
    public void flushAll(long tsMicros) {
        if (tsMicros > now) now = tsMicros;
        ackWaits.now = now;
        Flow f;
        while ((f = oldest()) != null) {
            if (order != null) order.flush(f.lastMicros, f.lru == closed ? 0 : f.lru == attempting ? 1 : 2, f.touched);
            endFlow(f, f.closeReason != null ? f.closeReason : EndReason.SHUTDOWN);
        }
        nextDeadline = Long.MAX_VALUE;
    }

    public void onPacket(PacketView p) {
        advanceTime(p.tsMicros);
        int sp = p.srcPort & 0xffff, dp = p.dstPort & 0xffff;
        if (!trackAllTcp && !isSmtpPort(sp) && !isSmtpPort(dp)) {
            stats.inc(FlowCounter.PACKETS_NOT_TRACKED);
            return;
        }
        stats.inc(FlowCounter.PACKETS);
        int flags = p.tcpFlags;
        boolean syn = (flags & PacketView.SYN) != 0;
        if (syn && (flags & (PacketView.RST | PacketView.FIN)) != 0) {
            stats.inc(FlowCounter.INVALID_FLAGS);
            return;
        }
        readPayload(p);
        long scope = p.scopeKey();
        int h = hash(p.srcHi, p.srcLo, sp, p.dstHi, p.dstLo, dp, scope);
        Flow f = find(h, p.srcHi, p.srcLo, sp, p.dstHi, p.dstLo, dp, scope);
        boolean fromClient = lookupFromClient;
        int generation = 0;
        if (f != null && syn && startsNewConnection(f, fromClient, p.seq)) {
            stats.inc(FlowCounter.PORT_REUSE);
            generation = f.generation == Character.MAX_VALUE ? f.generation : f.generation + 1;
            endFlow(f, f.closeReason);
            f = null;
        }
        if (f == null) {
            f = create(p, h, sp, dp, scope, flags, generation);
            if (f == null) return;
            fromClient = lookupFromClient;
        }
        process(f, fromClient, p, flags);
    }

    // --- per packet -----------------------------------------------------------------------

    /** Clips the payload to the frame: never trust lengths to index an array. */
    private void readPayload(PacketView p) {
        byte[] frame = p.frame;
        int off = p.payloadOffset, len = p.payloadLength;
        if (frame == null || off < 0 || len <= 0 || off >= frame.length) {
            off = 0;
            len = 0;
        } else if (len > frame.length - off) {
            len = frame.length - off;
        }
        // The captured bytes are ground truth; segmentLength can only add a tail we did not see.
        int claimed = Math.max(p.segmentLength, len);
        if (claimed > MAX_SEGMENT) claimed = MAX_SEGMENT;
        if (len > claimed) len = claimed;
        curOff = off;
        curLen = len;
        curClaimed = claimed;
    }

    private void process(Flow f, boolean fromClient, PacketView p, int flags) {
        long ts = p.tsMicros;
        f.packets++;
        f.lastMicros = now;
        f.touched = frame;
        f.lru.moveToFront(f);
        TcpReassembler own = fromClient ? f.toServer : f.toClient;
        TcpReassembler peer = fromClient ? f.toClient : f.toServer;

        if ((flags & PacketView.RST) != 0) {
            // Neither the RST's payload (diagnostic text) nor its ACK number is stream data.
            onRst(f, fromClient);
            return;
        }
        boolean syn = (flags & PacketView.SYN) != 0;
        int dataSeq = p.seq;
        if (syn) {
            if (!onSyn(f, fromClient, own, (flags & PacketView.ACK) != 0, p.seq)) return;
            dataSeq = p.seq + 1;
        } else if (!own.initialized) {
            own.initMidstream(p.seq);
        }
        boolean handshaking = f.state == ConnState.ATTEMPTED || f.state == ConnState.SYN_ACKED;
        if ((flags & PacketView.ACK) != 0) {
            if (!syn && handshaking) {
                // The client's ACK of the SYN/ACK, or any ACK proving we missed part of the handshake.
                if (fromClient && f.state == ConnState.SYN_ACKED && f.synSeen) f.handshakeSeen = true;
                establish(f, ts);
                handshaking = false;
            }
            peer.onAck(p.ack, ts);
            if (curClaimed > 0) peer.onAnswer(p.ack);
        }
        if (curClaimed > 0) {
            // Data on a SYN (TCP Fast Open) is delivered but does not complete the handshake.
            if (!syn && handshaking) establish(f, ts);
            if (curClaimed > curLen) stats.inc(FlowCounter.TRUNCATED_SEGMENTS);
        }
        // A side that sends data may be answering bytes it acknowledged and we have not seen: the
        // layer above must learn of that hole before it reads the answer.
        if (curClaimed > 0 && peer.awaitingAckedData()) peer.expireWait(ts);
        if (!syn || curClaimed > 0) own.onSegment(dataSeq, p.frame, curOff, curLen, curClaimed, ts);
        if ((flags & PacketView.FIN) != 0) {
            own.onFin(dataSeq + curClaimed);
            if (fromClient) f.finFromClient = true; else f.finFromServer = true;
            if (f.finFromClient && f.finFromServer && !isClosed(f)) close(f, ConnState.CLOSED, EndReason.FIN);
        }
    }

    /** Returns false when the SYN does not fit the connection and the packet is to be ignored. */
    private boolean onSyn(Flow f, boolean fromClient, TcpReassembler own, boolean synAck, int seq) {
        if (!own.initialized) {
            if (synAck == fromClient) {
                // A bare SYN from the server side, or a SYN/ACK from the client side: simultaneous
                // open, or a mid-stream guess the handshake now contradicts. Rare; not followed.
                stats.inc(FlowCounter.SYN_UNEXPECTED);
                return false;
            }
            own.initSyn(seq);
            if (synAck) {
                f.synAckSeen = true;
                if (f.state == ConnState.ATTEMPTED) setState(f, ConnState.SYN_ACKED);
            } else {
                f.synSeen = true; // the client's SYN (also when the mirror put it after the SYN/ACK)
            }
            return true;
        }
        if (own.synSeen && own.isn == seq) {
            stats.inc(FlowCounter.SYN_RETRANSMITS);
            return true;
        }
        // A new ISN inside a live connection. Possibly port reuse after a close we did not see;
        // following it would mean trusting a SYN over a connection we track, so it is only counted.
        stats.inc(FlowCounter.SYN_UNEXPECTED);
        return false;
    }

    private void onRst(Flow f, boolean fromClient) {
        f.rstSeen = true;
        if (isClosed(f)) return;
        if (f.state == ConnState.ATTEMPTED && !fromClient) {
            stats.inc(FlowCounter.REJECTED);
            close(f, ConnState.REJECTED, EndReason.RST);
        } else {
            close(f, ConnState.CLOSED, EndReason.RST);
        }
    }

    /**
     * A SYN on a closed flow still lingering starts a new connection (the port was reused) unless
     * it repeats the ISN that direction already used and nothing followed that SYN, which makes it
     * a late retransmission. Once the direction sent data or its FIN after the SYN, a SYN with the
     * same ISN is a new connection: a host (or a replayed test capture) that reuses its ISN on the
     * same 4-tuple after a completed close is more plausible than a SYN retransmitted after the
     * connection it opened was over.
     */
    private static boolean startsNewConnection(Flow f, boolean fromClient, int seq) {
        if (!isClosed(f)) return false;
        TcpReassembler own = fromClient ? f.toServer : f.toClient;
        if (!(own.synSeen && own.isn == seq)) return true;
        return own.finSeen || own.nextSeq != seq + 1;
    }

    private static boolean isClosed(Flow f) {
        return f.state == ConnState.CLOSED || f.state == ConnState.REJECTED;
    }

    private void establish(Flow f, long ts) {
        setState(f, ConnState.ESTABLISHED);
        stats.inc(FlowCounter.ESTABLISHED);
        listener.onEstablished(f, ts);
    }

    private void close(Flow f, ConnState state, EndReason reason) {
        f.closeReason = reason;
        setState(f, state);
    }

    /** Changes state and moves the flow to the timeout list of its new state. */
    private void setState(Flow f, ConnState state) {
        f.state = state;
        LruList target = listFor(state);
        if (f.lru != target) {
            f.lru.remove(f);
            addToList(target, f);
        }
    }

    private LruList listFor(ConnState state) {
        switch (state) {
            case ATTEMPTED: return attempting;
            case CLOSED: case REJECTED: return closed;
            default: return open;
        }
    }

    private void addToList(LruList list, Flow f) {
        list.addFirst(f);
        // A shorter timeout than the table's earliest deadline makes this flow the next one due.
        long due = LruList.saturatedAdd(f.lastMicros, list.timeoutMicros);
        if (due < nextDeadline) nextDeadline = due;
    }

    // --- flow creation and removal -----------------------------------------------------------

    /** {@code generation}: how many connections on this key the table followed before, back to back. */
    private Flow create(PacketView p, int h, int sp, int dp, long scope, int flags, int generation) {
        boolean syn = (flags & PacketView.SYN) != 0, ack = (flags & PacketView.ACK) != 0;
        if ((flags & PacketView.RST) != 0 || (!syn && !ack && curClaimed == 0)) {
            stats.inc(FlowCounter.PACKETS_NO_FLOW);
            return null;
        }
        if (count >= maxFlows) evictOldest();

        boolean clientIsSrc;
        ClientBy by;
        if (syn) {
            clientIsSrc = !ack;
            by = ClientBy.SYN;
        } else {
            boolean srcSmtp = isSmtpPort(sp), dstSmtp = isSmtpPort(dp);
            // Exactly one SMTP port: that side serves. Otherwise the lower port serves; on equal
            // ports the first packet's receiver is taken as the server.
            clientIsSrc = srcSmtp != dstSmtp ? dstSmtp : sp >= dp;
            by = ClientBy.PORT;
        }

        Flow f = new Flow();
        if (clientIsSrc) {
            f.cHi = p.srcHi; f.cLo = p.srcLo; f.cPort = (char) sp;
            f.sHi = p.dstHi; f.sLo = p.dstLo; f.sPort = (char) dp;
        } else {
            f.cHi = p.dstHi; f.cLo = p.dstLo; f.cPort = (char) dp;
            f.sHi = p.srcHi; f.sLo = p.srcLo; f.sPort = (char) sp;
        }
        f.scopeKey = scope;
        f.hash = h;
        f.generation = (char) generation;
        f.lastMicros = now;
        f.state = !syn ? ConnState.ESTABLISHED : ack ? ConnState.SYN_ACKED : ConnState.ATTEMPTED;
        // Listeners learn in onFlowStart whether the client's SYN opened the flow (an egress
        // policy alerts on the attempt itself, before any answer).
        f.synSeen = syn && !ack;
        f.toServer = new TcpReassembler(f, true, reassembly);
        f.toClient = new TcpReassembler(f, false, reassembly);
        int ipVersion = p.ipVersion == 4 || p.ipVersion == 6 ? p.ipVersion
                : IpText.isV4Mapped(p.srcHi, p.srcLo) ? 4 : 6;
        f.connection = connections.create(f, p.tsMicros, ipVersion, p.vlanOuter, p.vlanInner, by);

        insert(f);
        addToList(listFor(f.state), f);
        stats.inc(FlowCounter.FLOWS_CREATED);
        lookupFromClient = clientIsSrc;
        listener.onFlowStart(f, p.tsMicros);
        if (!syn) {
            stats.inc(FlowCounter.ESTABLISHED);
            listener.onEstablished(f, p.tsMicros);
        }
        return f;
    }

    private void expire(LruList list, int kind) {
        Flow f;
        while ((f = list.tail) != null && now - f.lastMicros >= list.timeoutMicros) {
            if (order != null) order.timer(kind, f.touched);
            if (list == attempting) stats.inc(FlowCounter.ATTEMPT_TIMEOUTS);
            else if (list == open) stats.inc(FlowCounter.IDLE_TIMEOUTS);
            else stats.inc(FlowCounter.CLOSED_EXPIRED);
            endFlow(f, f.closeReason != null ? f.closeReason : EndReason.TIMEOUT);
        }
    }

    private void evictOldest() {
        Flow f = oldest();
        if (f == null) return;
        stats.inc(FlowCounter.EVICTED);
        endFlow(f, f.closeReason != null ? f.closeReason : EndReason.EVICTED);
    }

    /** The least recently active flow of the whole table: the oldest of the three list tails. */
    private Flow oldest() {
        Flow best = closed.tail;
        Flow a = attempting.tail;
        if (a != null && (best == null || a.lastMicros < best.lastMicros)) best = a;
        Flow o = open.tail;
        if (o != null && (best == null || o.lastMicros < best.lastMicros)) best = o;
        return best;
    }

    private void endFlow(Flow f, EndReason reason) {
        if (f.ended) return;
        f.ended = true;
        unlink(f);
        f.lru.remove(f);
        f.toServer.flushAtEnd(now);
        f.toClient.flushAtEnd(now);
        stats.countEnd(reason);
        if (f.state == ConnState.ATTEMPTED) stats.inc(FlowCounter.ATTEMPTS);
        listener.onFlowEnd(f, reason, now);
    }

    // --- hash table ---------------------------------------------------------------------------

    private boolean isSmtpPort(int port) {
        return (smtpPortBits[port >>> 6] & (1L << port)) != 0;
    }

    private Flow find(int h, long sHi, long sLo, int sp, long dHi, long dLo, int dp, long scope) {
        for (Flow f = buckets[h & (buckets.length - 1)]; f != null; f = f.nextInBucket) {
            if (f.hash != h || f.scopeKey != scope) continue;
            if (f.cPort == sp && f.sPort == dp && f.cLo == sLo && f.cHi == sHi && f.sLo == dLo && f.sHi == dHi) {
                lookupFromClient = true;
                return f;
            }
            if (f.cPort == dp && f.sPort == sp && f.cLo == dLo && f.cHi == dHi && f.sLo == sLo && f.sHi == sHi) {
                lookupFromClient = false;
                return f;
            }
        }
        return null;
    }

    private void insert(Flow f) {
        if (count >= buckets.length && buckets.length < maxBuckets) grow();
        int i = f.hash & (buckets.length - 1);
        f.nextInBucket = buckets[i];
        buckets[i] = f;
        count++;
        stats.max(FlowCounter.ACTIVE_PEAK, count);
    }

    private void unlink(Flow f) {
        int i = f.hash & (buckets.length - 1);
        Flow prev = null;
        for (Flow x = buckets[i]; x != null; prev = x, x = x.nextInBucket) {
            if (x == f) {
                if (prev == null) buckets[i] = x.nextInBucket; else prev.nextInBucket = x.nextInBucket;
                x.nextInBucket = null;
                count--;
                return;
            }
        }
    }

    private void grow() {
        Flow[] old = buckets;
        Flow[] next = new Flow[old.length << 1];
        int mask = next.length - 1;
        for (Flow head : old) {
            for (Flow f = head; f != null; ) {
                Flow following = f.nextInBucket;
                int i = f.hash & mask;
                f.nextInBucket = next[i];
                next[i] = f;
                f = following;
            }
        }
        buckets = next;
    }

    /** Symmetric in the two endpoints (a sum of per-endpoint hashes), seeded, then mixed. */
    private int hash(long aHi, long aLo, int aPort, long bHi, long bLo, int bPort, long scope) {
        long h = endpointHash(aHi, aLo, aPort) + endpointHash(bHi, bLo, bPort);
        h ^= (scope + 1) * 0x9E3779B97F4A7C15L;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return (int) h;
    }

    private long endpointHash(long hi, long lo, int port) {
        long h = (hi ^ hashSeed) * 0x9E3779B97F4A7C15L;
        h = (Long.rotateLeft(h, 31) ^ lo) * 0xBF58476D1CE4E5B9L;
        h = (Long.rotateLeft(h, 27) ^ port) * 0x94D049BB133111EBL;
        return h ^ (h >>> 31);
    }
}
