package io.mailtap.flow;

/**
 * One tracked TCP connection. The flow table owns and mutates it; layers above read it through
 * the accessors and keep their own per-connection state in the {@link #attachment()} slot.
 *
 * <p>Package-private fields are the flow table's working state (the key, reassembly, the LRU
 * links); they are deliberately plain fields so the per-packet path touches no getters or maps.
 */
public final class Flow {
    // --- key (client side first once the originator is known) ---
    long cHi, cLo, sHi, sLo;
    /** Ports as char (16 bits unsigned): a million flows, and every field counts (see FlowTable). */
    char cPort, sPort;
    /** VLAN tags and tunnel id ({@link io.mailtap.decode.PacketView#scopeKey()}): same 5-tuple, other scope, other flow. */
    long scopeKey;
    int hash;
    /**
     * Connections on the same key (4-tuple and VLANs) the table saw end right before this one
     * started (port reuse); names it apart from them when the first packet time is the same.
     */
    char generation;

    // --- table bookkeeping ---
    Flow nextInBucket;
    Flow lruPrev, lruNext;

    Connection connection;
    ConnState state;
    long lastMicros;
    /** Index of the frame that last touched the flow ({@link FlowTable#frame}): its place in its LRU list. */
    long touched;
    boolean synSeen, synAckSeen, handshakeSeen, finFromClient, finFromServer, rstSeen;
    long clientPayloadBytes, serverPayloadBytes;
    long clientGapBytes, serverGapBytes;
    long packets;
    /** Overlapping copies of bytes that differed (possible evasion), either direction. */
    int overlapConflicts;
    boolean ended;
    /** Why the flow closed (FIN or RST) once it is CLOSED or REJECTED; reported when it leaves. */
    EndReason closeReason;
    /** The timeout class (LRU list) the flow sits in; follows the state. */
    LruList lru;

    /** Per-direction reassembly state; created by the flow table. */
    TcpReassembler toServer, toClient;

    private Object attachment;

    Flow() {}

    public Connection connection() { return connection; }
    public ConnState state() { return state; }
    /** Packet time of the first packet seen (kept once, in the connection). */
    public long firstMicros() { return connection.startMicros(); }
    public long lastMicros() { return lastMicros; }
    public boolean synSeen() { return synSeen; }
    public boolean synAckSeen() { return synAckSeen; }
    /** Client SYN, server SYN/ACK and the client's ACK were all seen. */
    public boolean handshakeSeen() { return handshakeSeen; }
    public boolean rstSeen() { return rstSeen; }
    public boolean finFromClient() { return finFromClient; }
    public boolean finFromServer() { return finFromServer; }
    public long clientPayloadBytes() { return clientPayloadBytes; }
    public long serverPayloadBytes() { return serverPayloadBytes; }
    /** Bytes the client sent that were never delivered (gaps). */
    public long clientGapBytes() { return clientGapBytes; }
    public long serverGapBytes() { return serverGapBytes; }
    public long packets() { return packets; }
    /**
     * Times two captured copies of the same stream bytes differed (either direction): an end host
     * may have seen other bytes than one copy, which is how TCP insertion and evasion work. The
     * bytes delivered follow what the receiver acknowledged where that tells ({@link
     * FlowListener#onReplaced}); a record of this connection should say its content was contested.
     */
    public int overlapConflicts() { return overlapConflicts; }
    /** True once {@link FlowListener#onFlowEnd} was (or is being) called for this flow. */
    public boolean ended() { return ended; }

    public Object attachment() { return attachment; }
    public void attach(Object o) { attachment = o; }
}
