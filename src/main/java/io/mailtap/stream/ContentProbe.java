package io.mailtap.stream;

import io.mailtap.stream.tunnel.ProxyTunnel;
import io.mailtap.util.Ascii;

import java.util.Arrays;

/**
 * Dynamic protocol detection (Zeek's DPD, for SMTP) for one flow whose server port is not a
 * configured SMTP port: it holds the flow's first payload bytes, each chunk with its direction and
 * packet time, until they show whether the flow is SMTP. Nothing is reported before that, so
 * HTTPS, HTTP, SSH and the rest of a busy link never become SMTP sessions.
 *
 * <h2>Proof</h2>
 * <ul>
 * <li>The client's first word is HELO, EHLO or LHLO (any case) followed by a space or the line
 *   end: SMTP at once — except after a bare 220 greeting (one that does not name SMTP), where the
 *   server's answer to it decides: a 2xx is SMTP, anything else is not (an FTP server answers a
 *   scanner's EHLO probe with 500); no answer at all leaves the hello standing.</li>
 * <li>A {@code 220} greeting alone is not SMTP: FTP greets with 220 too ("220 ProFTPD ready",
 *   "220 (vsFTPd 2.3.4)"), and a port scanner that connects and says nothing sees only that. The
 *   server's first line (220 followed by a space, a dash or the line end) proves SMTP when it
 *   names the protocol ({@code SMTP} or {@code ESMTP}, any case, as Postfix, Exim, Sendmail and
 *   Exchange do) and the client says nothing else first, or when the client answers it with a
 *   command only SMTP has (MAIL, RCPT, DATA, BDAT, RSET, STARTTLS, VRFY, EXPN). QUIT, NOOP, HELP
 *   and AUTH prove nothing (FTP has them too); a word that is no SMTP verb at all ("USER") is not
 *   SMTP.</li>
 * <li>Anything else is not SMTP: a first client byte that cannot start a verb (a TLS record, a
 *   binary protocol), a first word that is not a verb (GET, SSH-2.0-...), a server line that is not
 *   220 while the client did not say HELLO.</li>
 * <li>A client that opens with a proxy handshake (HTTP CONNECT, SOCKS4/5, see {@link ProxyTunnel})
 *   is judged by what it says inside the tunnel, as the session will read it; a refused or
 *   malformed handshake is not SMTP. A flow picked up mid-stream never counts as a tunnel.</li>
 * </ul>
 *
 * <h2>Bounds</h2>
 * At most {@link #MAX_BYTES_PER_DIRECTION} bytes of each direction and {@link #MAX_CHUNKS} chunks
 * are held (chunks of one direction with the same packet time are merged); reaching either bound
 * decides with what is known. Buffers are allocated only when a chunk leaves the flow undecided,
 * so a flow rejected by its first segment (the usual HTTPS or HTTP flow) never allocates them.
 */
public final class ContentProbe implements FlowState {
    public static final int MAX_BYTES_PER_DIRECTION = 1024;
    public static final int MAX_CHUNKS = 64;
    /** The longest verb a first word may be (STARTTLS). */
    private static final int MAX_VERB = 8;
    private static final byte[] GREETING_CODE = {'2', '2', '0'};
    private static final byte[] NO_WORD = new byte[0];

    public enum Verdict { UNDECIDED, SMTP, NOT_SMTP }

    /**
     * What one direction's first bytes say. Client: HELLO, SMTP_VERB (only SMTP has it), VERB (FTP
     * has it too). Server: GREETING (a 220 line), SMTP_GREETING (one that names SMTP/ESMTP).
     */
    private enum Says { NOTHING_YET, HELLO, SMTP_VERB, VERB, GREETING, SMTP_GREETING, OTHER }

    private static final byte[] SMTP_WORD = {'S', 'M', 'T', 'P'};

    /** The flow was opened by the client's SYN (so the session reports the attempt). */
    final boolean synStart;
    private final boolean tunnelAllowed;
    /** The protocol's commands, which tell what the client's first word says. */
    private final ClientWords words;
    private boolean established;
    private long establishedTs;
    private boolean handshakeSeen;

    // --- held chunks: bytes per direction, and per chunk its packet time and signed length
    //     (positive: client, negative: server), in arrival order
    private byte[] clientBytes, serverBytes;
    private int clientHeld, serverHeld;
    private long[] chunkTs;
    private int[] chunkLen;
    private int chunks;

    // --- what the bytes scanned so far say
    private Says client = Says.NOTHING_YET;
    private Says server = Says.NOTHING_YET;
    private int clientScanned, serverScanned;
    private boolean serverStarted;
    private ProxyTunnel tunnel;
    private boolean clientInTunnel, serverInTunnel;
    private byte[] word;
    private int wordLen;
    /** Bytes of "220" the server's first line matched so far. */
    private int codeMatched;
    /** The greeting line is still being read for the word SMTP; bytes of it matched so far. */
    private boolean greetingOpen;
    private int smtpMatched;
    /** The first byte of the server's line after a bare greeting (its answer to a hello), 0 before it. */
    private byte afterGreeting;

    /**
     * @param synStart      the flow began with the client's SYN
     * @param tunnelAllowed the flow's start was seen (not a mid-stream pick-up), so its first client
     *                      bytes may be a proxy handshake
     * @param words         the protocol's vocabulary for the client's first word
     */
    public ContentProbe(boolean synStart, boolean tunnelAllowed, ClientWords words) {
        this.synStart = synStart;
        this.tunnelAllowed = tunnelAllowed;
        this.words = words;
    }

    void established(long tsMicros, boolean handshake) {
        if (established) return;
        established = true;
        establishedTs = tsMicros;
        handshakeSeen = handshake;
    }

    boolean isEstablished() { return established; }

    long establishedTs() { return establishedTs; }

    boolean handshakeSeen() { return handshakeSeen; }

    /** Some payload was seen (a flow without any has nothing to decide). */
    boolean sawPayload() { return clientScanned > 0 || serverScanned > 0; }

    /**
     * Payload of one direction. Returns the verdict these bytes lead to; only while it is
     * {@link Verdict#UNDECIDED} are they held. Otherwise they are not: on SMTP the caller replays
     * what is held ({@link #replay}) and then hands these bytes on itself.
     */
    public Verdict onData(boolean fromClient, byte[] b, int off, int len, long ts) {
        if (len <= 0) return decide(false);
        if (fromClient) scanClient(b, off, off + len);
        else scanServer(b, off, off + len);
        Verdict v = decide(false);
        if (v != Verdict.UNDECIDED) return v;
        return hold(fromClient, b, off, len, ts) ? Verdict.UNDECIDED : decide(true);
    }

    /** The flow ended (or a bound was hit): decide with what is known. Never UNDECIDED. */
    public Verdict atEnd() {
        return decide(true);
    }

    /** Feeds every held chunk to {@code session}, in arrival order with its own packet time, and lets go of them. */
    public void replay(Conversation session) {
        int c = 0, s = 0;
        for (int k = 0; k < chunks; k++) {
            int n = chunkLen[k];
            if (n > 0) {
                session.onClientData(clientBytes, c, n, chunkTs[k]);
                c += n;
            } else {
                session.onServerData(serverBytes, s, -n, chunkTs[k]);
                s -= n;
            }
        }
        release();
    }

    public void release() {
        clientBytes = serverBytes = null;
        chunkTs = null;
        chunkLen = null;
        word = null;
        tunnel = null;
        clientHeld = serverHeld = chunks = 0;
    }

    /** Bytes held now (both directions); for tests and bounds. */
    public int heldBytes() { return clientHeld + serverHeld; }

    /** Bytes of buffers allocated now; never more than the bounds allow. */
    public int allocatedBytes() {
        return (clientBytes == null ? 0 : clientBytes.length) + (serverBytes == null ? 0 : serverBytes.length)
                + (chunkTs == null ? 0 : chunkTs.length * 8) + (chunkLen == null ? 0 : chunkLen.length * 4);
    }

    // ------------------------------------------------------------------ verdict

    private Verdict decide(boolean atEnd) {
        if (tunnel != null && tunnel.failed()) return Verdict.NOT_SMTP;
        if (client == Says.HELLO) {
            if (server != Says.GREETING) return Verdict.SMTP;
            if (afterGreeting != 0) return afterGreeting == '2' ? Verdict.SMTP : Verdict.NOT_SMTP;
            return atEnd ? Verdict.SMTP : Verdict.UNDECIDED;
        }
        if (client == Says.OTHER) return Verdict.NOT_SMTP;
        boolean spoke = client != Says.NOTHING_YET; // a verb: SMTP_VERB or VERB
        switch (server) {
            case SMTP_GREETING:
                return spoke || atEnd ? Verdict.SMTP : Verdict.UNDECIDED;
            case GREETING:
                if (client == Says.SMTP_VERB) return Verdict.SMTP;
                if (atEnd) return Verdict.NOT_SMTP;
                return spoke && !greetingOpen ? Verdict.NOT_SMTP : Verdict.UNDECIDED;
            case OTHER:
                return spoke || atEnd ? Verdict.NOT_SMTP : Verdict.UNDECIDED;
            default: // the server has not spoken: wait for it, or for a hello
                return atEnd ? Verdict.NOT_SMTP : Verdict.UNDECIDED;
        }
    }

    // ------------------------------------------------------------------ scanning

    private void scanClient(byte[] b, int i, int end) {
        int stop = i + Math.min(end - i, MAX_BYTES_PER_DIRECTION - clientScanned);
        int from = i;
        while (i < stop && client == Says.NOTHING_YET) {
            if (clientScanned == 0 && i == from && tunnelAllowed && !serverStarted && opensTunnel(b[i])) {
                tunnel = ProxyTunnel.start(b[i]);
                clientInTunnel = serverInTunnel = true;
            }
            if (clientInTunnel) {
                i = tunnel.client(b, i, stop);
                if (tunnel.failed()) client = Says.OTHER;
                else if (tunnel.clientDone()) clientInTunnel = false;
                continue;
            }
            client = word(b[i++]);
        }
        clientScanned += i - from;
        if (client == Says.NOTHING_YET && clientScanned >= MAX_BYTES_PER_DIRECTION) client = Says.OTHER;
    }

    private static boolean opensTunnel(byte first) {
        return first == 0x05 || first == 0x04 || first == 'C' || first == 'c';
    }

    /** One byte of the client's first word. */
    private Says word(byte c) {
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            switch (words.firstWord(word == null ? NO_WORD : word, wordLen)) {
                case HELLO: return c != '\t' ? Says.HELLO : Says.VERB;
                case OWN_VERB: return Says.SMTP_VERB;
                case SHARED_VERB: return Says.VERB;
                default: return Says.OTHER;
            }
        }
        boolean letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
        if (!letter || wordLen == MAX_VERB) return Says.OTHER;
        if (word == null) word = new byte[MAX_VERB];
        word[wordLen++] = c;
        return Says.NOTHING_YET;
    }

    private void scanServer(byte[] b, int i, int end) {
        serverStarted = true;
        int stop = i + Math.min(end - i, MAX_BYTES_PER_DIRECTION - serverScanned);
        int from = i;
        while (i < stop && (server == Says.NOTHING_YET || greetingOpen || (server == Says.GREETING && afterGreeting == 0))) {
            if (greetingOpen) {
                i = scanGreeting(b, i, stop);
                continue;
            }
            if (server == Says.GREETING) { // the greeting line is done: the next line starts here
                afterGreeting = b[i++];
                continue;
            }
            if (serverInTunnel) {
                i = tunnel.server(b, i, stop);
                if (tunnel.failed()) server = Says.OTHER;
                else if (tunnel.serverDone()) serverInTunnel = false;
                continue;
            }
            byte c = b[i++];
            if (codeMatched < 3) {
                if (c == GREETING_CODE[codeMatched]) codeMatched++;
                else server = Says.OTHER;
            } else {
                server = c == ' ' || c == '-' || c == '\r' || c == '\n' ? Says.GREETING : Says.OTHER;
                greetingOpen = server == Says.GREETING && c != '\n';
            }
        }
        serverScanned += i - from;
        if (server == Says.NOTHING_YET && serverScanned >= MAX_BYTES_PER_DIRECTION) server = Says.OTHER;
        if (serverScanned >= MAX_BYTES_PER_DIRECTION) greetingOpen = false;
    }

    /** The rest of the greeting line, up to its end: does it name SMTP (ESMTP contains it)? */
    private int scanGreeting(byte[] b, int i, int stop) {
        while (i < stop) {
            byte c = b[i++];
            if (c == '\n') {
                greetingOpen = false;
                return i;
            }
            int u = Ascii.upper(c);
            smtpMatched = u == SMTP_WORD[smtpMatched] ? smtpMatched + 1 : (u == 'S' ? 1 : 0);
            if (smtpMatched == SMTP_WORD.length) {
                server = Says.SMTP_GREETING;
                greetingOpen = false;
                return i;
            }
        }
        return i;
    }

    // ------------------------------------------------------------------ holding

    /** Keeps a chunk; false when that would pass a bound (the chunk is then not kept). */
    private boolean hold(boolean fromClient, byte[] b, int off, int len, long ts) {
        int held = fromClient ? clientHeld : serverHeld;
        if (len > MAX_BYTES_PER_DIRECTION - held) return false;
        boolean merge = chunks > 0 && chunkTs[chunks - 1] == ts && (chunkLen[chunks - 1] > 0) == fromClient;
        if (!merge && chunks == MAX_CHUNKS) return false;
        if (fromClient) {
            clientBytes = room(clientBytes, clientHeld + len);
            System.arraycopy(b, off, clientBytes, clientHeld, len);
            clientHeld += len;
        } else {
            serverBytes = room(serverBytes, serverHeld + len);
            System.arraycopy(b, off, serverBytes, serverHeld, len);
            serverHeld += len;
        }
        if (merge) {
            chunkLen[chunks - 1] += fromClient ? len : -len;
            return true;
        }
        if (chunkTs == null || chunks == chunkTs.length) {
            int n = chunkTs == null ? 8 : Math.min(MAX_CHUNKS, chunkTs.length * 2);
            chunkTs = chunkTs == null ? new long[n] : Arrays.copyOf(chunkTs, n);
            chunkLen = chunkLen == null ? new int[n] : Arrays.copyOf(chunkLen, n);
        }
        chunkTs[chunks] = ts;
        chunkLen[chunks] = fromClient ? len : -len;
        chunks++;
        return true;
    }

    private static byte[] room(byte[] buf, int need) {
        if (buf != null && buf.length >= need) return buf;
        int n = Math.min(MAX_BYTES_PER_DIRECTION, Math.max(need, buf == null ? 128 : buf.length * 2));
        return buf == null ? new byte[n] : Arrays.copyOf(buf, n);
    }
}
