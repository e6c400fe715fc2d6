package io.mailtap.stream;

import io.mailtap.flow.ClientBy;
import io.mailtap.flow.ConnState;
import io.mailtap.flow.Connection;
import io.mailtap.flow.EndReason;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stream layer alone, under a protocol that only records what reaches it: plain bytes pass
 * through whatever the split, TLS and proxy handshakes never reach the protocol, holes and the
 * protocol's own requests (expect TLS, give up) move the wire as documented. No SMTP here.
 */
class ConversationTest {
    private static final byte[] TLS_HELLO = {0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5};

    /** Records every hook call; plain bytes are collected per direction. */
    static final class Recorder extends Conversation {
        final List<String> calls = new ArrayList<>();
        final ByteArrayOutputStream client = new ByteArrayOutputStream(), server = new ByteArrayOutputStream();
        long opaque;

        Recorder(ClientBy by) { super(connection(by)); }

        void upgradeAccepted() { expectTls(); }

        @Override protected int clientPlain(byte[] b, int i, int end, long ts) { client.write(b, i, end - i); return end; }

        @Override protected int serverPlain(byte[] b, int i, int end, long ts) { server.write(b, i, end - i); return end; }

        @Override protected void holeIn(boolean fromClient, long ts) { calls.add("hole " + (fromClient ? "C" : "S")); }

        @Override protected void plainGap(boolean fromClient, long bytes, long ts) { calls.add("plainGap " + (fromClient ? "C" : "S") + " " + bytes); }

        @Override protected void replaced(boolean fromClient, long bytes, long ts) { calls.add("replaced " + bytes); }

        @Override protected void opaqueBytes(long n) { opaque += n; }

        @Override protected void implicitTls() { calls.add("implicitTls"); }

        @Override protected void plaintextAfterTls(long ts) { calls.add("plaintextAfterTls"); }

        @Override protected void tunnelled(String description, long ts) { calls.add("tunnelled " + description); }

        @Override protected void notConversation(String why, long ts) {
            calls.add("notConversation " + why);
            goOpaque(false);
        }

        @Override protected void wentOpaque(boolean encrypted) { calls.add("opaque encrypted=" + encrypted); }

        @Override protected void internalError(RuntimeException e, long ts) { calls.add("internalError " + e); }

        @Override protected void idle() {}

        @Override protected void ending(long ts, boolean serverPacketsSeen) { calls.add("ending"); }

        @Override protected void closed(ConnState finalState, EndReason reason, long ts) { calls.add("closed"); }

        String clientText() { return client.toString(StandardCharsets.ISO_8859_1); }

        String serverText() { return server.toString(StandardCharsets.ISO_8859_1); }
    }

    static Connection connection(ClientBy by) {
        try {
            return new Connection("CtestUid1", 1_700_000_000_000_000L, InetAddress.getByName("192.0.2.10"), "192.0.2.10", 40000,
                    InetAddress.getByName("198.51.100.25"), "198.51.100.25", 25, 0, 0, 4, by);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] b(int... v) {
        byte[] out = new byte[v.length];
        for (int i = 0; i < v.length; i++) out[i] = (byte) v[i];
        return out;
    }

    static byte[] ascii(String s) { return s.getBytes(StandardCharsets.ISO_8859_1); }

    static void client(Recorder r, byte[] bytes, int piece) {
        for (int i = 0; i < bytes.length; i += piece) r.onClientData(bytes, i, Math.min(piece, bytes.length - i), 1);
    }

    static void server(Recorder r, byte[] bytes, int piece) {
        for (int i = 0; i < bytes.length; i += piece) r.onServerData(bytes, i, Math.min(piece, bytes.length - i), 1);
    }

    @Test
    void plainBytesReachTheProtocolWhole_whateverTheSplit() {
        for (int piece : new int[]{1, 2, 3, 7, 1000}) {
            Recorder r = new Recorder(ClientBy.SYN);
            server(r, ascii("220 hello\r\n"), piece);
            client(r, ascii("EHLO x\r\nCONNECT is a word here\r\n"), piece);
            assertThat(r.serverText()).as("piece %d", piece).isEqualTo("220 hello\r\n");
            assertThat(r.clientText()).as("piece %d", piece).isEqualTo("EHLO x\r\nCONNECT is a word here\r\n");
            assertThat(r.calls).isEmpty();
            assertThat(r.opaque).isZero();
        }
    }

    @Test
    void aTlsRecordFirstIsImplicitTlsAndNothingReachesTheProtocol() {
        for (int piece : new int[]{1, 2, 1000}) {
            Recorder r = new Recorder(ClientBy.SYN);
            client(r, TLS_HELLO, piece);
            server(r, ascii("anything"), piece);
            assertThat(r.calls).containsExactly("implicitTls", "opaque encrypted=true");
            assertThat(r.clientText() + r.serverText()).isEmpty();
            assertThat(r.opaque).as("every byte counted as opaque").isEqualTo(TLS_HELLO.length + 8);
        }
    }

    @Test
    void anAcceptedUpgradeFollowedByTlsGoesOpaqueWithoutCallingItImplicit() {
        Recorder r = new Recorder(ClientBy.SYN);
        client(r, ascii("STARTTLS\r\n"), 1000);
        r.upgradeAccepted();
        client(r, TLS_HELLO, 1);
        assertThat(r.calls).containsExactly("opaque encrypted=true");
        assertThat(r.clientText()).isEqualTo("STARTTLS\r\n");
    }

    @Test
    void anAcceptedUpgradeFollowedByPlainTextIsSaidAndReadOn() {
        Recorder r = new Recorder(ClientBy.SYN);
        r.upgradeAccepted();
        client(r, ascii("EHLO again\r\n"), 1);
        assertThat(r.calls).containsExactly("plaintextAfterTls");
        assertThat(r.clientText()).isEqualTo("EHLO again\r\n");
    }

    @Test
    void aSocks5HandshakeIsReadThroughAndOnlyWhatFollowsIsPlain() {
        byte[] request = b(5, 1, 0, 5, 1, 0, 3, 14, 'm', 'x', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'c', 'o', 'm', 0, 25);
        byte[] reply = b(5, 0, 5, 0, 0, 1, 10, 0, 0, 1, 0xd1, 0xcd);
        for (int piece : new int[]{1, 3, 1000}) {
            Recorder r = new Recorder(ClientBy.SYN);
            client(r, request, piece);
            server(r, concat(reply, ascii("220 inside\r\n")), piece);
            client(r, ascii("EHLO x\r\n"), piece);
            assertThat(r.calls).as("piece %d", piece).containsExactly("tunnelled socks5 to mx.example.com:25");
            assertThat(r.serverText()).isEqualTo("220 inside\r\n");
            assertThat(r.clientText()).isEqualTo("EHLO x\r\n");
        }
    }

    @Test
    void aPickedUpConnectionNeverOpensATunnel() {
        Recorder r = new Recorder(ClientBy.PORT);
        client(r, ascii("CONNECT mx:25 HTTP/1.1\r\n"), 1000);
        assertThat(r.calls).isEmpty();
        assertThat(r.clientText()).isEqualTo("CONNECT mx:25 HTTP/1.1\r\n");
    }

    @Test
    void aRefusedHandshakeIsNotAConversation() {
        Recorder r = new Recorder(ClientBy.SYN);
        client(r, ascii("CONNECT mx:25 HTTP/1.1\r\n\r\n"), 1000);
        server(r, ascii("HTTP/1.1 403 Forbidden\r\n\r\n"), 1000);
        assertThat(r.calls).containsExactly("notConversation http-connect to mx:25 refused: 403", "opaque encrypted=false");
        assertThat(r.clientText() + r.serverText()).isEmpty();
    }

    @Test
    void aBinaryFirstByteIsNotAConversation_unlessPickedUpMidStream() {
        Recorder start = new Recorder(ClientBy.SYN);
        client(start, b(0x01, 'x', 'y'), 1000);
        assertThat(start.calls).containsExactly("notConversation client sent binary data", "opaque encrypted=false");

        Recorder mid = new Recorder(ClientBy.PORT);
        client(mid, b(0x01, 'x', 'y'), 1000);
        assertThat(mid.calls).isEmpty();
        assertThat(mid.client.toByteArray()).containsExactly(0x01, 'x', 'y');
    }

    @Test
    void aHoleWhileSniffingDropsTheUndecidedBytesAndReadsPlainFromThere() {
        Recorder r = new Recorder(ClientBy.SYN);
        client(r, b(0x16), 1000); // could still be TLS
        r.onGap(true, 100, 2);
        client(r, ascii("RSET\r\n"), 1000);
        assertThat(r.calls).containsExactly("hole C", "plainGap C 100");
        assertThat(r.clientText()).isEqualTo("RSET\r\n");
    }

    @Test
    void aHoleInTheProxyHandshakeGivesUp_andOneInOpaqueBytesIsCounted() {
        Recorder r = new Recorder(ClientBy.SYN);
        client(r, b(5, 1, 0), 1000);
        r.onGap(false, 10, 2);
        assertThat(r.calls).containsExactly("hole S", "notConversation gap in the proxy handshake", "opaque encrypted=false");
        r.onGap(true, 7, 3);
        assertThat(r.calls).endsWith("hole C");
        assertThat(r.opaque).isEqualTo(17);
    }

    @Test
    void anUnfinishedHandshakeAtTheEndIsNotAConversation_andTheEndComesOnce() {
        Recorder r = new Recorder(ClientBy.SYN);
        client(r, b(4, 1), 1000);
        r.onEnd(ConnState.CLOSED, EndReason.FIN, 5);
        r.onEnd(ConnState.CLOSED, EndReason.FIN, 6);
        client(r, ascii("late"), 1000);
        assertThat(r.calls).containsExactly("notConversation connection ended during the proxy handshake",
                "opaque encrypted=false", "ending", "closed");
        assertThat(r.clientText()).isEmpty();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
