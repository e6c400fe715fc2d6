package io.mailtap.stream;

import io.mailtap.flow.ClientBy;
import io.mailtap.flow.ConnState;
import io.mailtap.flow.Connection;
import io.mailtap.flow.EndReason;
import io.mailtap.stream.tunnel.ProxyTunnel;
import io.mailtap.util.Ascii;

/**
 * The two byte streams of one connection as they reach the application protocol: this layer takes
 * the raw streams (in packet order, split anywhere) and hands on plain application bytes, after
 * telling TLS apart (implicit TLS, or TLS after the protocol's upgrade command), reading through a
 * proxy handshake (HTTP CONNECT, SOCKS4/5, {@link ProxyTunnel}) and counting what it cannot read
 * (opaque mode). The protocol above ({@code smtp/SmtpSession}) extends it and implements the
 * hooks: plain bytes, holes, the end, and the facts this layer learns (encrypted, tunnelled, not
 * a conversation at all).
 *
 * <p>Why a base class and not an object of its own in front of the protocol: a sensor holds one
 * of these for every open connection, most of them idle, and a second object per connection
 * (header plus the reference to it) would cost 16 to 24 bytes of each; the wire state here is a few
 * bytes. The protocol keeps the rest of its state itself and never sees TLS, tunnel or sniffing
 * bytes.
 *
 * <p>Per direction the wire is in one of four modes: SNIFF (its next bytes decide: a TLS record, a
 * tunnel handshake or plain text), PLAIN (bytes go to the protocol), TUNNEL (a proxy handshake) or
 * OPAQUE (bytes are counted and ignored). The protocol moves the wire with {@link #expectTls},
 * {@link #expectTlsFromClient} and {@link #goOpaque}; every plain step returns to the wire loop, so
 * a mode change in the middle of a segment applies to the rest of it.
 *
 * <p>Nothing thrown inside escapes an entry point: it goes to {@link #internalError}.
 */
public abstract non-sealed class Conversation implements FlowState {
    private static final byte SNIFF = 0, PLAIN = 1, TUNNEL = 2, OPAQUE = 3;

    protected final Connection conn;
    /** Picked up mid-stream: the start may be missing, so no tunnel and no "binary first byte" verdict. */
    protected final boolean midStream;

    private byte clientWire = SNIFF;
    private byte serverWire = SNIFF;
    /**
     * TLS needs 3 bytes to be told apart, "CONNECT " 8. Allocated when a direction's first byte
     * arrives and let go once it is decided (conversations that sit idle hold none).
     */
    private byte[] clientSniff;
    private byte clientSniffLen;
    private byte[] serverSniff;
    private byte serverSniffLen;
    /** The protocol's upgrade was accepted: the next bytes decide whether TLS really follows. */
    private boolean tlsExpected;
    /** The client's first bytes may still open a proxy tunnel (nothing decided, server silent). */
    private boolean tunnelAllowed;
    private boolean serverSpoke;
    private boolean clientSpoke;
    private boolean ended;
    /** The proxy handshake being read; null when none or once it is over. */
    private ProxyTunnel tunnel;

    protected Conversation(Connection conn) {
        this.conn = conn;
        this.midStream = conn.clientBy() == ClientBy.PORT;
        this.tunnelAllowed = !midStream;
    }

    // ------------------------------------------------------------------ entry points (the router's, and tools')

    public final void onClientData(byte[] b, int off, int len, long ts) {
        if (ended || len <= 0) return;
        clientSpoke = true;
        try {
            clientBytes(b, off, off + len, ts);
        } catch (RuntimeException e) {
            internalError(e, ts);
        }
        idle();
    }

    public final void onServerData(byte[] b, int off, int len, long ts) {
        if (ended || len <= 0) return;
        try {
            serverBytes(b, off, off + len, ts);
        } catch (RuntimeException e) {
            internalError(e, ts);
        }
        idle();
    }

    /** {@code bytes} of one direction will never be delivered (see {@link #plainGap}). */
    public final void onGap(boolean fromClient, long bytes, long ts) {
        if (ended) return;
        try {
            gap(fromClient, bytes, ts);
        } catch (RuntimeException e) {
            internalError(e, ts);
        }
        idle();
    }

    /**
     * The flow layer gave up {@code bytes} delivered bytes for a conflicting copy the receiver
     * acknowledged (TCP insertion, a possible evasion): reported ({@link #replaced}), then handled
     * as a hole of that size, since what was made of them cannot be taken back.
     */
    public final void onReplaced(boolean fromClient, long bytes, long ts) {
        if (ended) return;
        try {
            replaced(fromClient, bytes, ts);
            gap(fromClient, bytes, ts);
        } catch (RuntimeException e) {
            internalError(e, ts);
        }
        idle();
    }

    public final void onEnd(ConnState finalState, EndReason reason, long ts) {
        onEnd(finalState, reason, ts, false);
    }

    /**
     * The connection is gone. {@code serverPacketsSeen}: the flow layer saw packets from the server
     * (SYN/ACK, FIN), so a server that sent no application byte was captured and merely silent.
     */
    public final void onEnd(ConnState finalState, EndReason reason, long ts, boolean serverPacketsSeen) {
        if (ended) return;
        try {
            if (tunnel != null) {
                // A proxy handshake that never completed carried no conversation: say so.
                tunnel = null;
                notConversation("connection ended during the proxy handshake", ts);
            }
            ending(ts, serverPacketsSeen);
        } catch (RuntimeException e) {
            internalError(e, ts);
        }
        ended = true;
        tunnel = null;
        clientSniff = serverSniff = null;
        clientWire = serverWire = OPAQUE; // nothing is read any more
        closed(finalState, reason, ts);
    }

    // ------------------------------------------------------------------ what the protocol implements

    /** One step of plain client bytes from {@code b[i, end)}; returns the index after what it took. */
    protected abstract int clientPlain(byte[] b, int i, int end, long ts);

    /** One step of plain server bytes from {@code b[i, end)}; returns the index after what it took. */
    protected abstract int serverPlain(byte[] b, int i, int end, long ts);

    /** A hole in one direction, whatever the wire mode (called first, for every hole). */
    protected abstract void holeIn(boolean fromClient, long ts);

    /** The hole falls in plain bytes of that direction (or in bytes not yet decided, which are dropped). */
    protected abstract void plainGap(boolean fromClient, long bytes, long ts);

    /** Delivered bytes were replaced by a conflicting copy; the hole follows. */
    protected abstract void replaced(boolean fromClient, long bytes, long ts);

    /** Bytes not read: encrypted, after giving up, or lost in an opaque direction. */
    protected abstract void opaqueBytes(long n);

    /** A TLS record came where no upgrade was accepted. */
    protected abstract void implicitTls();

    /** An accepted upgrade was followed by plain text in the client's direction. */
    protected abstract void plaintextAfterTls(long ts);

    /** A proxy tunnel was set up; {@code description} names target and user, never a password. */
    protected abstract void tunnelled(String description, long ts);

    /** The bytes are not this protocol (or cannot be followed); the protocol then calls {@link #goOpaque}. */
    protected abstract void notConversation(String why, long ts);

    /** Both directions went opaque ({@code encrypted}: because TLS started). */
    protected abstract void wentOpaque(boolean encrypted);

    protected abstract void internalError(RuntimeException e, long ts);

    /** End of an entry point: working objects that hold nothing can go back. */
    protected abstract void idle();

    /** The connection ends: what is open is closed and reported. */
    protected abstract void ending(long ts, boolean serverPacketsSeen);

    /** Last call: the end of the connection is reported and everything is given back. */
    protected abstract void closed(ConnState finalState, EndReason reason, long ts);

    // ------------------------------------------------------------------ what the protocol may ask

    /** The upgrade was accepted: both directions are sniffed again (TLS, or plaintext that goes on). */
    protected final void expectTls() {
        tlsExpected = true;
        clientWire = serverWire = SNIFF;
        clientSniff = serverSniff = null;
        clientSniffLen = 0;
        serverSniffLen = 0;
    }

    /** One-way capture: the client's next bytes tell whether the unseen upgrade was accepted. */
    protected final void expectTlsFromClient() {
        tlsExpected = true;
        clientWire = SNIFF;
        clientSniff = null;
        clientSniffLen = 0;
    }

    /** Nothing more is read in either direction; {@link #wentOpaque} follows. */
    protected final void goOpaque(boolean encrypted) {
        tunnel = null;
        clientWire = serverWire = OPAQUE;
        wentOpaque(encrypted);
    }

    protected final boolean isPlain(boolean fromClient) { return (fromClient ? clientWire : serverWire) == PLAIN; }

    protected final boolean isOpaque(boolean fromClient) { return (fromClient ? clientWire : serverWire) == OPAQUE; }

    protected final boolean clientSpoke() { return clientSpoke; }

    protected final boolean serverSpoke() { return serverSpoke; }

    protected final boolean ended() { return ended; }

    // ------------------------------------------------------------------ client side

    private void clientBytes(byte[] b, int i, int end, long ts) {
        while (i < end) {
            switch (clientWire) {
                case SNIFF:
                    if (clientSniff == null) clientSniff = new byte[8];
                    clientSniff[clientSniffLen++] = b[i++];
                    sniffClient(ts);
                    break;
                case PLAIN:
                    i = clientPlain(b, i, end, ts);
                    break;
                case TUNNEL:
                    i = tunnel.client(b, i, end);
                    tunnelProgress(ts);
                    break;
                default:
                    opaqueBytes(end - i);
                    return;
            }
        }
    }

    private void sniffClient(long ts) {
        if (tunnelAllowed) {
            int t = serverSpoke ? 0 : ProxyTunnel.sniff(clientSniff, clientSniffLen);
            if (t < 0) return;
            tunnelAllowed = false;
            if (t > 0) {
                startTunnel(ts);
                return;
            }
        }
        int verdict = TlsRecord.verdict(clientSniff, clientSniffLen);
        if (verdict < 0) return;
        byte[] sniffed = clientSniff;
        int n = clientSniffLen;
        clientSniff = null; // decided: the bytes are replayed from the local reference below
        clientSniffLen = 0;
        if (verdict > 0) {
            if (!tlsExpected) implicitTls();
            opaqueBytes(n);
            goOpaque(true);
            return;
        }
        if (tlsExpected) {
            tlsExpected = false;
            plaintextAfterTls(ts);
        }
        clientWire = PLAIN;
        if (!midStream && Ascii.isBinary(sniffed[0])) {
            notConversation("client sent binary data", ts);
            opaqueBytes(n);
            return;
        }
        // Every byte seen so far sits in the sniff buffer: replay it through the normal path.
        clientBytes(sniffed, 0, n, ts);
    }

    /**
     * The client opened with a proxy handshake (its first bytes, before the server said anything):
     * both directions go through the tunnel parser, and what follows it in each direction is read
     * as a fresh conversation, greeting first.
     */
    private void startTunnel(long ts) {
        tunnel = ProxyTunnel.start(clientSniff[0]);
        clientWire = TUNNEL;
        serverWire = TUNNEL;
        byte[] head = java.util.Arrays.copyOf(clientSniff, clientSniffLen);
        clientSniff = null;
        clientSniffLen = 0;
        clientBytes(head, 0, head.length, ts);
    }

    private void tunnelProgress(long ts) {
        ProxyTunnel t = tunnel;
        if (t == null) return;
        if (t.failed()) {
            tunnel = null;
            notConversation(t.failure(), ts);
            return;
        }
        if (clientWire == TUNNEL && t.clientDone()) {
            clientWire = SNIFF;
            clientSniff = null;
            clientSniffLen = 0;
        }
        if (serverWire == TUNNEL && t.serverDone()) {
            serverWire = SNIFF;
            serverSniff = null;
            serverSniffLen = 0;
        }
        if (t.established()) {
            tunnel = null;
            tunnelled(t.description(), ts);
        }
    }

    // ------------------------------------------------------------------ server side

    private void serverBytes(byte[] b, int i, int end, long ts) {
        serverSpoke = true;
        while (i < end) {
            switch (serverWire) {
                case SNIFF:
                    if (serverSniff == null) serverSniff = new byte[3];
                    serverSniff[serverSniffLen++] = b[i++];
                    sniffServer(ts);
                    break;
                case PLAIN:
                    i = serverPlain(b, i, end, ts);
                    break;
                case TUNNEL:
                    i = tunnel.server(b, i, end);
                    tunnelProgress(ts);
                    break;
                default:
                    opaqueBytes(end - i);
                    return;
            }
        }
    }

    private void sniffServer(long ts) {
        int verdict = TlsRecord.verdict(serverSniff, serverSniffLen);
        if (verdict < 0) return;
        byte[] sniffed = serverSniff;
        int n = serverSniffLen;
        serverSniff = null;
        serverSniffLen = 0;
        if (verdict > 0) {
            // A server never speaks TLS first: the client's hello was not captured.
            if (!tlsExpected) implicitTls();
            opaqueBytes(n);
            goOpaque(true);
            return;
        }
        serverWire = PLAIN;
        serverBytes(sniffed, 0, n, ts);
    }

    // ------------------------------------------------------------------ holes

    private void gap(boolean fromClient, long bytes, long ts) {
        byte wire = fromClient ? clientWire : serverWire;
        holeIn(fromClient, ts);
        if (wire == TUNNEL) {
            // Where the handshake ends, and so where the protocol starts, is lost in the hole.
            opaqueBytes(bytes);
            tunnel = null;
            notConversation("gap in the proxy handshake", ts);
            return;
        }
        if (fromClient) {
            tunnelAllowed = false; // the first bytes are in the hole
            clientSpoke = true;
        } else {
            serverSpoke = true;
        }
        if (wire == OPAQUE) {
            opaqueBytes(bytes);
            return;
        }
        // Sniffed bytes before a hole cannot be told apart: the direction is read as plain from here.
        if (fromClient) {
            clientWire = PLAIN;
            clientSniff = null;
            clientSniffLen = 0;
        } else {
            serverWire = PLAIN;
            serverSniff = null;
            serverSniffLen = 0;
        }
        plainGap(fromClient, bytes, ts);
    }
}
