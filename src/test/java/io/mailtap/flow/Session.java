package io.mailtap.flow;

/** Drives one TCP conversation through a table: builds packets and keeps sequence numbers. */
final class Session {
    static final long SEC = 1_000_000L;
    static final long T0 = 1_700_000_000L * SEC;

    final FlowTable table;
    final String cIp, sIp;
    final int cPort, sPort;
    /** Packet clock; every packet advances it by 1 ms unless a test sets it. */
    long ts = T0;
    int cIsn = 1000, sIsn = 5000;
    /** Next sequence number each side will send. */
    int cNext, sNext;

    Session(FlowTable table) { this(table, "10.0.0.1", 40000, "192.0.2.25", 25); }

    Session(FlowTable table, String cIp, int cPort, String sIp, int sPort) {
        this.table = table;
        this.cIp = cIp; this.cPort = cPort; this.sIp = sIp; this.sPort = sPort;
    }

    static FlowSettings settings(int maxFlows, int perDirection, long total) {
        return new FlowSettings(FlowSettings.DEFAULT_SMTP_PORTS, false, maxFlows, perDirection, total,
                30 * SEC, 300 * SEC, 5 * SEC);
    }

    Session isn(int client, int server) { cIsn = client; sIsn = server; return this; }

    Pkt c() { return Pkt.at(tick()).from(cIp, cPort).to(sIp, sPort); }

    Pkt s() { return Pkt.at(tick()).from(sIp, sPort).to(cIp, cPort); }

    private long tick() { ts += 1000; return ts; }

    void send(Pkt p) { table.onPacket(p.view()); }

    void handshake() {
        send(c().syn().seq(cIsn));
        send(s().syn().seq(sIsn).ack(cIsn + 1));
        send(c().seq(cIsn + 1).ack(sIsn + 1));
        cNext = cIsn + 1;
        sNext = sIsn + 1;
    }

    /** Client sequence number of stream offset {@code offset} (0 = first data byte). */
    int cSeq(int offset) { return cIsn + 1 + offset; }

    int sSeq(int offset) { return sIsn + 1 + offset; }

    void client(String text) {
        send(c().seq(cNext).ack(sNext).data(text));
        cNext += text.length();
    }

    void server(String text) {
        send(s().seq(sNext).ack(cNext).data(text));
        sNext += text.length();
    }

    /** Client data at a stream offset, acknowledging the server's next byte. */
    void clientAt(int offset, String text) { send(c().seq(cSeq(offset)).ack(sNext).data(text)); }

    /** A pure ACK from the server acknowledging client stream offset {@code offset}. */
    void serverAcks(int offset) { send(s().seq(sNext).ack(cSeq(offset))); }
}
