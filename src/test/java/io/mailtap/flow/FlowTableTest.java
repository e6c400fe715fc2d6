package io.mailtap.flow;

import static io.mailtap.flow.Session.SEC;
import static io.mailtap.flow.Session.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** Connection life as RFC 9293 describes it, seen from a passive tap. */
class FlowTableTest {
    private final Recorder rec = new Recorder();
    private final FlowStats stats = new FlowStats();
    private FlowTable table = new FlowTable(FlowSettings.defaults(), rec, stats);

    private FlowTable table(FlowSettings settings) {
        table = new FlowTable(settings, rec, stats);
        return table;
    }

    @Test
    void threeWayHandshakeEstablishesOnce() throws Exception {
        Session s = new Session(table);
        s.send(s.c().syn().seq(1000));
        Flow f = rec.only().flow;
        assertThat(f.state()).isEqualTo(ConnState.ATTEMPTED);
        assertThat(f.synSeen()).isTrue();

        s.send(s.s().syn().seq(5000).ack(1001));
        assertThat(f.state()).isEqualTo(ConnState.SYN_ACKED);
        assertThat(f.synAckSeen()).isTrue();

        s.send(s.c().seq(1001).ack(5001));
        assertThat(f.state()).isEqualTo(ConnState.ESTABLISHED);
        assertThat(f.handshakeSeen()).isTrue();

        s.cNext = 1001;
        s.sNext = 5001;
        s.server("220 mx ESMTP\r\n");
        s.client("EHLO a\r\n");
        assertThat(rec.log).containsExactly("start", "established",
                "data s 220 mx ESMTP\r\n", "data c EHLO a\r\n");
        assertThat(stats.get(FlowCounter.ESTABLISHED)).isEqualTo(1);
        assertThat(stats.get(FlowCounter.FLOWS_CREATED)).isEqualTo(1);
        assertThat(f.packets()).isEqualTo(5);
        assertThat(f.clientPayloadBytes()).isEqualTo(8);
        assertThat(f.serverPayloadBytes()).isEqualTo(14);

        Connection c = f.connection();
        assertThat(c.clientIpText()).isEqualTo("10.0.0.1");
        assertThat(c.clientPort()).isEqualTo(40000);
        assertThat(c.serverIpText()).isEqualTo("192.0.2.25");
        assertThat(c.serverPort()).isEqualTo(25);
        assertThat(c.clientIp()).isInstanceOf(Inet4Address.class).isEqualTo(InetAddress.getByName("10.0.0.1"));
        assertThat(c.serverIp()).isEqualTo(InetAddress.getByName("192.0.2.25"));
        assertThat(c.ipVersion()).isEqualTo(4);
        assertThat(c.clientBy()).isEqualTo(ClientBy.SYN);
        assertThat(c.startMicros()).isEqualTo(T0 + 1000);
        assertThat(c.uid()).matches("C[0-9A-Za-z]{17}");
    }

    @Test
    void listenersLearnAtFlowStartWhetherAClientSynOpenedIt() {
        Session s = new Session(table);
        s.send(s.c().syn().seq(1000));
        assertThat(rec.only().synSeenAtStart).as("egress policy alerts on the SYN itself").isTrue();

        Session picked = new Session(table, "10.0.0.9", 40001, "192.0.2.25", 25);
        picked.send(picked.c().seq(1000).ack(5000).data("MAIL FROM:<a@b>\r\n"));
        assertThat(rec.flows.get(1).synSeenAtStart).as("mid-stream pick-up").isFalse();
    }

    @Test
    void synOnlyIsAnAttemptThatTimesOutByPacketTime() {
        Session s = new Session(table);
        s.ts = T0;
        s.send(s.c().syn().seq(1000));
        s.ts = T0 + SEC - 1000;
        s.send(s.c().syn().seq(1000)); // retransmitted SYN at T0 + 1 s
        assertThat(stats.get(FlowCounter.SYN_RETRANSMITS)).isEqualTo(1);
        Flow f = rec.only().flow;

        table.advanceTime(T0 + SEC + 30 * SEC - 1);
        assertThat(f.ended()).isFalse();
        table.advanceTime(T0 + SEC + 30 * SEC);
        assertThat(rec.log).containsExactly("start", "end TIMEOUT");
        assertThat(f.state()).isEqualTo(ConnState.ATTEMPTED);
        assertThat(stats.get(FlowCounter.ATTEMPTS)).isEqualTo(1);
        assertThat(stats.get(FlowCounter.ATTEMPT_TIMEOUTS)).isEqualTo(1);
        assertThat(stats.ended(EndReason.TIMEOUT)).isEqualTo(1);
        assertThat(table.activeFlows()).isZero();
        assertThat(stats.active()).isZero();
    }

    @Test
    void synAnsweredByRstIsRejected() {
        Session s = new Session(table);
        s.send(s.c().syn().seq(1000));
        s.send(s.s().rst().seq(0).ack(1001));
        Flow f = rec.only().flow;
        assertThat(f.state()).isEqualTo(ConnState.REJECTED);
        assertThat(f.rstSeen()).isTrue();
        assertThat(stats.get(FlowCounter.REJECTED)).isEqualTo(1);
        assertThat(table.activeFlows()).isEqualTo(1); // lingers for late packets

        table.advanceTime(s.ts + 5 * SEC);
        assertThat(rec.log).containsExactly("start", "end RST");
        assertThat(stats.get(FlowCounter.CLOSED_EXPIRED)).isEqualTo(1);
        assertThat(stats.get(FlowCounter.ATTEMPTS)).isZero();
    }

    @Test
    void clientIsTheSynSenderEvenWhenItsSourcePortIs25() {
        // Reverse of the usual: the SYN comes from port 25 towards an ephemeral port.
        Session odd = new Session(table, "10.0.0.1", 25, "10.0.0.2", 40000);
        odd.send(odd.c().syn().seq(1000));
        odd.send(odd.s().syn().seq(5000).ack(1001));
        Connection c = rec.only().flow.connection();
        assertThat(c.clientIpText()).isEqualTo("10.0.0.1");
        assertThat(c.clientPort()).isEqualTo(25);
        assertThat(c.serverPort()).isEqualTo(40000);
        assertThat(c.clientBy()).isEqualTo(ClientBy.SYN);
        assertThat(rec.only().flow.state()).isEqualTo(ConnState.SYN_ACKED);
        assertThat(table.activeFlows()).isEqualTo(1);
    }

    @Test
    void outboundMailServerConnectionHasTheMailServerAsClient() {
        Session out = new Session(table, "10.0.0.5", 51000, "203.0.113.7", 25);
        out.handshake();
        Connection c = rec.only().flow.connection();
        assertThat(c.clientIpText()).isEqualTo("10.0.0.5");
        assertThat(c.serverIpText()).isEqualTo("203.0.113.7");
        assertThat(c.serverPort()).isEqualTo(25);
    }

    @Test
    void synBetweenTwoSmtpPortsStillDecidesByTheSyn() {
        Session s = new Session(table, "10.0.0.1", 25, "10.0.0.2", 587);
        s.send(s.c().syn().seq(1));
        Connection c = rec.only().flow.connection();
        assertThat(c.clientPort()).isEqualTo(25);
        assertThat(c.serverPort()).isEqualTo(587);
        assertThat(c.clientBy()).isEqualTo(ClientBy.SYN);
    }

    @Test
    void synAckSeenFirstMakesItsReceiverTheClient() {
        // The SYN/ACK comes from the ephemeral port: the port-25 side sent the SYN we missed.
        Session s = new Session(table, "10.0.0.1", 40000, "192.0.2.25", 25);
        s.send(s.c().syn().seq(5000).ack(1001)); // SYN/ACK sent by 10.0.0.1:40000
        Flow f = rec.only().flow;
        assertThat(f.connection().clientIpText()).isEqualTo("192.0.2.25");
        assertThat(f.connection().clientPort()).isEqualTo(25);
        assertThat(f.connection().clientBy()).isEqualTo(ClientBy.SYN);
        assertThat(f.state()).isEqualTo(ConnState.SYN_ACKED);
        assertThat(f.synSeen()).isFalse();

        s.send(s.s().seq(1001).ack(5001)); // final ACK from the client (192.0.2.25:25)
        assertThat(f.state()).isEqualTo(ConnState.ESTABLISHED);
        assertThat(f.handshakeSeen()).isFalse();
        assertThat(rec.log).containsExactly("start", "established");
    }

    @Test
    void midStreamPickUpTakesTheSmtpPortAsServer() {
        Session s = new Session(table);
        s.send(s.s().seq(777).ack(333).data("250 OK\r\n"));
        Flow f = rec.only().flow;
        assertThat(f.connection().clientBy()).isEqualTo(ClientBy.PORT);
        assertThat(f.connection().clientIpText()).isEqualTo("10.0.0.1");
        assertThat(f.connection().serverPort()).isEqualTo(25);
        assertThat(f.state()).isEqualTo(ConnState.ESTABLISHED);
        assertThat(rec.log).containsExactly("start", "established", "data s 250 OK\r\n");

        s.send(s.c().seq(333).ack(785).data("QUIT\r\n"));
        assertThat(rec.log).endsWith("data c QUIT\r\n");
    }

    @Test
    void midStreamBetweenTwoSmtpPortsTakesTheLowerPortAsServer() {
        Session s = new Session(table, "10.0.0.2", 25, "10.0.0.1", 587);
        s.send(s.c().seq(1).ack(1)); // first packet from the port-25 side
        Connection c = rec.only().flow.connection();
        assertThat(c.serverPort()).isEqualTo(25);
        assertThat(c.serverIpText()).isEqualTo("10.0.0.2");
        assertThat(c.clientPort()).isEqualTo(587);
        assertThat(c.clientBy()).isEqualTo(ClientBy.PORT);
    }

    @Test
    void trackAllTcpTakesTheLowerPortAsServerWhenNeitherIsSmtp() {
        table(new FlowSettings(FlowSettings.DEFAULT_SMTP_PORTS, true, 100, 1 << 16, 1 << 20,
                30 * SEC, 300 * SEC, 5 * SEC));
        Session s = new Session(table, "10.0.0.1", 50000, "10.0.0.2", 8080);
        s.send(s.s().seq(1).ack(1).data("x"));
        Connection c = rec.only().flow.connection();
        assertThat(c.serverPort()).isEqualTo(8080);
        assertThat(c.serverIpText()).isEqualTo("10.0.0.2");
    }

    @Test
    void packetsOffSmtpPortsAreCountedNotTracked() {
        Session web = new Session(table, "10.0.0.1", 40000, "10.0.0.2", 80);
        web.send(web.c().syn().seq(1));
        assertThat(rec.flows).isEmpty();
        assertThat(stats.get(FlowCounter.PACKETS_NOT_TRACKED)).isEqualTo(1);
        assertThat(stats.get(FlowCounter.PACKETS)).isZero();
    }

    @Test
    void strayPacketsDoNotStartFlows() {
        Session s = new Session(table);
        s.send(s.c().rst().seq(1));                    // RST without a flow
        s.send(s.c().fin().seq(1));                    // FIN scan: no ACK, no payload
        s.send(s.c().flags(0).seq(1));                 // NULL scan
        s.send(s.c().syn().fin().seq(1));              // contradictory flags
        s.send(s.c().syn().rst().seq(1));
        assertThat(rec.flows).isEmpty();
        assertThat(stats.get(FlowCounter.PACKETS_NO_FLOW)).isEqualTo(3);
        assertThat(stats.get(FlowCounter.INVALID_FLAGS)).isEqualTo(2);
    }

    @Test
    void finFromBothSidesClosesAndTheFlowLeavesAfterLingering() {
        Session s = new Session(table);
        s.handshake();
        s.client("QUIT\r\n");
        s.server("221 bye\r\n");
        Flow f = rec.only().flow;
        s.send(s.s().fin().seq(s.sNext).ack(s.cNext));
        assertThat(f.finFromServer()).isTrue();
        assertThat(f.state()).isEqualTo(ConnState.ESTABLISHED);
        s.send(s.c().fin().seq(s.cNext).ack(s.sNext + 1));
        assertThat(f.state()).isEqualTo(ConnState.CLOSED);
        s.send(s.s().seq(s.sNext + 1).ack(s.cNext + 1));
        s.send(s.s().fin().seq(s.sNext).ack(s.cNext + 1)); // late retransmitted FIN
        assertThat(f.ended()).isFalse();

        table.advanceTime(s.ts + 5 * SEC - 1);
        assertThat(f.ended()).isFalse();
        table.advanceTime(s.ts + 5 * SEC);
        assertThat(rec.log).endsWith("data c QUIT\r\n", "data s 221 bye\r\n", "end FIN");
        // The FINs occupy a sequence number each; acknowledging them is not capture loss.
        assertThat(f.clientGapBytes()).isZero();
        assertThat(f.serverGapBytes()).isZero();
        assertThat(stats.ended(EndReason.FIN)).isEqualTo(1);
    }

    @Test
    void rstClosesAnEstablishedConnection() {
        Session s = new Session(table);
        s.handshake();
        s.client("EHLO a\r\n");
        s.send(s.c().rst().seq(s.cNext));
        Flow f = rec.only().flow;
        assertThat(f.state()).isEqualTo(ConnState.CLOSED);
        assertThat(f.rstSeen()).isTrue();
        table.advanceTime(s.ts + 5 * SEC);
        assertThat(rec.log).endsWith("end RST");
        assertThat(stats.ended(EndReason.RST)).isEqualTo(1);
    }

    @Test
    void newSynAfterTheClosedFlowLeftStartsANewFlow() {
        Session s = new Session(table);
        s.handshake();
        s.send(s.c().rst().seq(s.cNext));
        table.advanceTime(s.ts + 5 * SEC);
        Flow first = rec.only().flow;
        assertThat(first.ended()).isTrue();

        s.ts += 10 * SEC;
        s.isn(90_000, 70_000).handshake();
        assertThat(rec.flows).hasSize(2);
        Flow second = rec.last().flow;
        assertThat(second).isNotSameAs(first);
        assertThat(second.state()).isEqualTo(ConnState.ESTABLISHED);
        assertThat(second.connection().uid()).isNotEqualTo(first.connection().uid());
        assertThat(stats.get(FlowCounter.PORT_REUSE)).isZero(); // the old flow was already gone
    }

    @Test
    void synWithANewIsnOnALingeringClosedFlowEndsItAndStartsAnother() {
        Session s = new Session(table);
        s.handshake();
        s.send(s.c().fin().seq(s.cNext).ack(s.sNext));
        s.send(s.s().fin().seq(s.sNext).ack(s.cNext + 1));
        Flow first = rec.only().flow;
        assertThat(first.state()).isEqualTo(ConnState.CLOSED);

        s.send(s.c().syn().seq(424242));
        assertThat(rec.log).endsWith("end FIN", "start");
        assertThat(rec.last().flow.state()).isEqualTo(ConnState.ATTEMPTED);
        assertThat(stats.get(FlowCounter.PORT_REUSE)).isEqualTo(1);
        assertThat(table.activeFlows()).isEqualTo(1);
    }

    @Test
    void synWithTheOldIsnAfterACompletedCloseStartsANewConnectionWithItsOwnUid() {
        Session s = new Session(table);
        s.handshake();
        s.client("QUIT\r\n");
        s.send(s.c().fin().seq(s.cNext).ack(s.sNext));
        s.send(s.s().fin().seq(s.sNext).ack(s.cNext + 1));
        Flow first = rec.only().flow;
        assertThat(first.state()).isEqualTo(ConnState.CLOSED);

        s.ts = first.firstMicros() - 1000; // same first-packet time as the old connection
        s.handshake();                     // same 4-tuple, same ISNs
        s.client("EHLO again\r\n");
        assertThat(rec.log).contains("end FIN");
        assertThat(rec.flows).hasSize(2);
        Flow second = rec.last().flow;
        assertThat(second.firstMicros()).isEqualTo(first.firstMicros());
        assertThat(second.connection().uid()).isNotEqualTo(first.connection().uid());
        assertThat(rec.last().client.text()).isEqualTo("EHLO again\r\n");
        assertThat(stats.get(FlowCounter.PORT_REUSE)).isEqualTo(1);
        assertThat(stats.get(FlowCounter.SYN_RETRANSMITS)).isZero();
    }

    @Test
    void synWithTheOldIsnOnARefusedAttemptIsALateRetransmission() {
        Session s = new Session(table);
        s.send(s.c().syn().seq(1000));
        s.send(s.s().rst().ack(1001));
        assertThat(rec.only().flow.state()).isEqualTo(ConnState.REJECTED);
        s.send(s.c().syn().seq(1000)); // nothing followed the first SYN: the same one again
        assertThat(rec.flows).hasSize(1);
        assertThat(stats.get(FlowCounter.SYN_RETRANSMITS)).isEqualTo(1);
        assertThat(stats.get(FlowCounter.PORT_REUSE)).isZero();
    }

    @Test
    void synWithANewIsnInsideALiveConnectionIsCountedAndIgnored() {
        Session s = new Session(table);
        s.handshake();
        s.send(s.c().syn().seq(99));
        assertThat(rec.flows).hasSize(1);
        assertThat(rec.only().flow.state()).isEqualTo(ConnState.ESTABLISHED);
        assertThat(stats.get(FlowCounter.SYN_UNEXPECTED)).isEqualTo(1);
    }

    @Test
    void fullTableEvictsTheLeastRecentlyActiveFlow() {
        table(Session.settings(2, 1 << 16, 1 << 20));
        Session a = new Session(table, "10.0.0.1", 40001, "192.0.2.25", 25);
        Session b = new Session(table, "10.0.0.1", 40002, "192.0.2.25", 25);
        Session c = new Session(table, "10.0.0.1", 40003, "192.0.2.25", 25);
        a.ts = T0; a.handshake();
        b.ts = T0 + SEC; b.handshake();
        a.ts = T0 + 2 * SEC; a.client("NOOP\r\n"); // a is now more recent than b
        c.ts = T0 + 3 * SEC; c.send(c.c().syn().seq(1));

        Recorder.Record ra = rec.flows.get(0), rb = rec.flows.get(1), rc = rec.flows.get(2);
        assertThat(rb.end).isEqualTo(EndReason.EVICTED);
        assertThat(ra.end).isNull();
        assertThat(rc.end).isNull();
        assertThat(stats.get(FlowCounter.EVICTED)).isEqualTo(1);
        assertThat(stats.ended(EndReason.EVICTED)).isEqualTo(1);
        assertThat(table.activeFlows()).isEqualTo(2);
    }

    @Test
    void idleFlowsTimeOutAsLaterPacketsMoveTheClock() {
        Session a = new Session(table, "10.0.0.1", 40001, "192.0.2.25", 25);
        Session b = new Session(table, "10.0.0.1", 40002, "192.0.2.25", 25);
        a.ts = T0;
        a.handshake();
        long last = a.ts;
        b.ts = last + 300 * SEC - 1001;
        b.send(b.c().syn().seq(1)); // at last + 300 s - 1 µs: a is not due yet
        assertThat(rec.flows.get(0).end).isNull();
        b.send(b.c().syn().seq(1)); // at last + 300 s - 1 µs + 1 ms
        assertThat(rec.flows.get(0).end).isEqualTo(EndReason.TIMEOUT);
        assertThat(stats.get(FlowCounter.IDLE_TIMEOUTS)).isEqualTo(1);
        // The expired flow ends before the packet that moved the clock is processed.
        assertThat(rec.log).containsSubsequence("end TIMEOUT");
    }

    @Test
    void synAckedFlowsUseTheIdleTimeout() {
        Session s = new Session(table);
        s.ts = T0;
        s.send(s.c().syn().seq(1000));
        s.send(s.s().syn().seq(5000).ack(1001));
        table.advanceTime(s.ts + 30 * SEC);
        assertThat(rec.only().end).isNull();
        table.advanceTime(s.ts + 300 * SEC);
        assertThat(rec.only().end).isEqualTo(EndReason.TIMEOUT);
        assertThat(stats.get(FlowCounter.ATTEMPTS)).isZero();
    }

    @Test
    void flushAllReleasesBufferedDataAndEndsEveryFlow() {
        Session open = new Session(table, "10.0.0.1", 40001, "192.0.2.25", 25);
        Session done = new Session(table, "10.0.0.1", 40002, "192.0.2.25", 25);
        open.handshake();
        open.client("MAIL");
        open.clientAt(8, "RCPT"); // offsets 4..8 never arrive
        done.handshake();
        done.send(done.c().fin().seq(done.cNext).ack(done.sNext));
        done.send(done.s().fin().seq(done.sNext).ack(done.cNext + 1));
        assertThat(stats.get(FlowCounter.BUFFERED_BYTES_NOW)).isPositive();

        table.flushAll(open.ts + 1);
        assertThat(rec.flows.get(0).end).isEqualTo(EndReason.SHUTDOWN);
        assertThat(rec.flows.get(0).client.text()).isEqualTo("MAILRCPT");
        assertThat(rec.flows.get(0).client.gapBytes).isEqualTo(4);
        assertThat(rec.flows.get(1).end).isEqualTo(EndReason.FIN); // already closed: keeps its reason
        assertThat(rec.log).containsSubsequence("data c MAIL", "gap c 4", "data c RCPT", "end SHUTDOWN");
        assertThat(table.activeFlows()).isZero();
        assertThat(stats.get(FlowCounter.BUFFERED_BYTES_NOW)).isZero();
        assertThat(stats.gaps(GapCause.FLOW_END)).isEqualTo(1);
        assertThat(stats.ended(EndReason.SHUTDOWN)).isEqualTo(1);
    }

    @Test
    void connectionsOfOneEndpointShareItsAddressObjects() throws Exception {
        new Session(table, "10.0.0.1", 40000, "192.0.2.25", 25).handshake();
        new Session(table, "10.0.0.2", 40001, "192.0.2.25", 25).handshake();
        new Session(table, "10.0.0.1", 40002, "192.0.2.26", 25).handshake();
        // The same address as an IPv6 packet's v4-mapped one is another object (Inet6Address, other text).
        new Session(table, "::ffff:10.0.0.1", 40003, "::ffff:192.0.2.25", 25).handshake();
        Connection a = rec.flows.get(0).flow.connection(), b = rec.flows.get(1).flow.connection();
        Connection c = rec.flows.get(2).flow.connection(), v6 = rec.flows.get(3).flow.connection();
        assertThat(b.serverIp()).isSameAs(a.serverIp());
        assertThat(b.serverIpText()).isSameAs(a.serverIpText());
        assertThat(c.clientIp()).isSameAs(a.clientIp());
        assertThat(c.clientIpText()).isSameAs(a.clientIpText());
        assertThat(c.serverIpText()).isEqualTo("192.0.2.26");
        assertThat(b.clientIpText()).isEqualTo("10.0.0.2");
        assertThat(v6.serverIpText()).isEqualTo("::ffff:192.0.2.25");
        assertThat(v6.clientIpText()).isEqualTo("::ffff:10.0.0.1");
        assertThat(v6.ipVersion()).isEqualTo(6);
        assertThat(a.serverIp()).isEqualTo(InetAddress.getByName("192.0.2.25"));
        assertThat(a.serverIp()).isInstanceOf(Inet4Address.class);
        assertThat(v6.serverIp()).isNotInstanceOf(Inet4Address.class);
    }

    @Test
    void ipv6AddressesAreFormattedOnceInCompressedForm() throws Exception {
        Session s = new Session(table, "2001:db8:0:0:0:0:0:1", 40000, "2001:0DB8::25", 587);
        s.handshake();
        Connection c = rec.only().flow.connection();
        assertThat(c.clientIpText()).isEqualTo("2001:db8::1");
        assertThat(c.serverIpText()).isEqualTo("2001:db8::25");
        assertThat(c.serverIp()).isEqualTo(InetAddress.getByName("2001:db8::25"));
        assertThat(c.ipVersion()).isEqualTo(6);
    }

    @Test
    void vlanTagsArePartOfTheKey() {
        Session s = new Session(table);
        s.send(s.c().syn().seq(1).vlan(10, 0));
        s.send(s.c().syn().seq(1).vlan(20, 7));
        s.send(s.s().syn().seq(9).ack(2).vlan(20, 7));
        assertThat(rec.flows).hasSize(2);
        assertThat(rec.flows.get(0).flow.connection().vlan()).isEqualTo(10);
        assertThat(rec.flows.get(1).flow.connection().vlan()).isEqualTo(20);
        assertThat(rec.flows.get(1).flow.connection().innerVlan()).isEqualTo(7);
        assertThat(rec.flows.get(1).flow.state()).isEqualTo(ConnState.SYN_ACKED);
        assertThat(rec.flows.get(0).flow.state()).isEqualTo(ConnState.ATTEMPTED);
    }

    @Test
    void uidIsDeterministicForTheSameFirstPacket() {
        Recorder other = new Recorder();
        FlowTable again = new FlowTable(FlowSettings.defaults(), other, new FlowStats());
        Session s1 = new Session(table), s2 = new Session(again);
        s1.handshake();
        s2.handshake();
        assertThat(other.only().flow.connection().uid()).isEqualTo(rec.only().flow.connection().uid());

        Session later = new Session(table, "10.0.0.1", 40001, "192.0.2.25", 25);
        later.handshake();
        assertThat(rec.last().flow.connection().uid()).isNotEqualTo(rec.flows.get(0).flow.connection().uid());
    }

    @Test
    void manyFlowsGrowTheTableAndAllAreFoundAgain() {
        table(Session.settings(5000, 1 << 16, 1 << 24));
        for (int i = 0; i < 3000; i++) {
            Session s = new Session(table, "10.0." + (i >> 8) + "." + (i & 255), 40000 + i % 7, "192.0.2.25", 25);
            s.handshake();
        }
        assertThat(table.activeFlows()).isEqualTo(3000);
        assertThat(rec.flows).hasSize(3000);
        assertThat(rec.flows).allSatisfy(r -> assertThat(r.flow.state()).isEqualTo(ConnState.ESTABLISHED));
        table.flushAll(T0 + 10 * SEC);
        assertThat(stats.ended(EndReason.SHUTDOWN)).isEqualTo(3000);
    }
}
