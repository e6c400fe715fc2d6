package io.mailtap.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The "mix" traffic: complete SMTP sessions interleaved with HTTPS-like and DNS noise, from a
 * fixed number of concurrent slots. Each call to {@link #emitNext} writes one packet of a randomly
 * picked running session; a finished session is replaced by a new one until {@link #stopStarting}
 * is called, after which the running sessions drain to their end (so every session is complete).
 */
final class MixSource {
    /** Share of packets that are not SMTP. */
    static final double NOISE_SHARE = 0.20;

    private static final int[] VLANS = {10, 20, 30, 40, 100, 200};
    private static final int[] QINQ_OUTER = {1000, 2000};
    private static final String[] WORDS = ("the quarterly report attached please review before monday meeting agenda "
            + "invoice payment due account balance shipment order confirmed delivery schedule update project "
            + "status team lunch friday server maintenance window tonight backup restore completed successfully "
            + "customer feedback survey results budget forecast draft version final approval required thanks "
            + "regards best kind note minutes action items follow up question answer").split(" ");
    private static final String[] RCPT_DOMAINS = {"example.net", "example.org", "example.com", "corp.example",
            "partner.example", "mail.example.net"};
    private static final String[] SUBJECTS = {"Quarterly report", "Invoice", "Meeting notes", "Re: project status",
            "Delivery schedule", "Fwd: budget", "Backup completed", "Survey results"};

    private final Rng rng;
    private final FrameBuilder fb;
    private final Counters n;
    private final double retransmitP, reorderP;
    private final Script[] slots;
    private final int[] active;
    private int activeCount;
    private boolean starting = true;

    private final Server[] relays, externals;
    private final Server submission;
    private final byte[] textPool;
    private final int[] lineStarts;
    private final byte[] randomPool;
    private final ByteBuf msg = new ByteBuf(16 * 1024);
    private final ByteBuf tmp = new ByteBuf(256);

    /** A mail server with its banner and EHLO reply, built once. */
    private static final class Server {
        final String name;
        final int v4;
        final long v6Hi, v6Lo;
        final boolean internal;
        final byte[] banner, ehloReply;

        Server(String name, int v4, long v6Hi, long v6Lo, boolean internal, boolean multiLineBanner, boolean auth) {
            this.name = name;
            this.v4 = v4;
            this.v6Hi = v6Hi;
            this.v6Lo = v6Lo;
            this.internal = internal;
            String b = multiLineBanner
                    ? "220-" + name + " ESMTP ready\r\n220-Unsolicited bulk mail is not accepted here\r\n220 " + name + " ESMTP\r\n"
                    : "220 " + name + " ESMTP Postfix\r\n";
            this.banner = b.getBytes(StandardCharsets.US_ASCII);
            String r = "250-" + name + "\r\n250-PIPELINING\r\n250-SIZE 52428800\r\n250-ETRN\r\n"
                    + (auth ? "250-AUTH PLAIN LOGIN\r\n" : "")
                    + "250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-CHUNKING\r\n250 SMTPUTF8\r\n";
            this.ehloReply = r.getBytes(StandardCharsets.US_ASCII);
        }
    }

    MixSource(long seed, int concurrency, double retransmitP, double reorderP, FrameBuilder fb, Counters counters) {
        if (concurrency < 1) throw new IllegalArgumentException("concurrency must be at least 1");
        Rng root = new Rng(seed);
        this.rng = root.fork(1);
        this.fb = fb;
        this.n = counters;
        this.retransmitP = retransmitP;
        this.reorderP = reorderP;

        relays = new Server[] {
                new Server("mx1.corp.example", ip4(10, 0, 0, 25), 0xFD00000000000025L, 0x25, true, false, true),
                new Server("mx2.corp.example", ip4(10, 0, 0, 26), 0xFD00000000000025L, 0x26, true, true, true),
                new Server("relay.branch.corp.example", ip4(10, 64, 0, 25), 0xFD00000000000025L, 0x64, true, false, true)};
        submission = new Server("smtp.corp.example", ip4(10, 0, 5, 87), 0xFD00000000000587L, 0x1, true, false, true);
        String[] tlds = {"example.net", "example.org", "example.com"};
        externals = new Server[24];
        for (int i = 0; i < externals.length; i++) {
            int v4 = i < 12 ? ip4(198, 51, 100, 10 + i) : ip4(203, 0, 113, 10 + i);
            externals[i] = new Server("mx" + (i % 4 + 1) + ".mail" + i + "." + tlds[i % 3], v4,
                    0x20010DB800250000L, 0x100 + i, false, i % 3 == 0, false);
        }

        Rng poolRng = root.fork(2);
        // Text lines for message bodies: words, 30..76 characters, CRLF; never starting with '.'.
        ByteBuf t = new ByteBuf(256 * 1024);
        lineStarts = new int[4096];
        for (int i = 0; i < lineStarts.length; i++) {
            lineStarts[i] = t.len;
            int target = poolRng.between(30, 76);
            int start = t.len;
            while (t.len - start < target) {
                if (t.len > start) t.ascii(' ');
                t.ascii(WORDS[poolRng.nextInt(WORDS.length)]);
            }
            if (poolRng.chance(0.1)) t.ascii('.');
            t.crlf();
        }
        textPool = java.util.Arrays.copyOf(t.a, t.len);
        randomPool = new byte[256 * 1024];
        for (int i = 0; i < randomPool.length; i += 8) {
            long v = poolRng.nextLong();
            for (int j = 0; j < 8; j++) randomPool[i + j] = (byte) (v >>> (8 * j));
        }

        slots = new Script[concurrency];
        active = new int[concurrency];
        for (int i = 0; i < concurrency; i++) {
            slots[i] = new Script();
            start(slots[i]);
            active[i] = i;
        }
        activeCount = concurrency;
    }

    /** No new sessions from now on; the running ones finish. */
    void stopStarting() { starting = false; }

    /** Writes one packet at {@code tsMicros}; false when nothing is left (only after {@link #stopStarting}). */
    boolean emitNext(long tsMicros, PcapFileWriter out) throws IOException {
        if (activeCount == 0) return false;
        int ai = rng.nextInt(activeCount);
        Script s = slots[active[ai]];
        int len = s.emitNext(fb);
        out.write(tsMicros, fb.frame, 0, len);
        if (s.smtp) n.smtpPackets++;
        else n.noisePackets++;
        if (s.done()) {
            if (starting) start(s);
            else active[ai] = active[--activeCount];
        }
        return true;
    }

    private void start(Script s) {
        long built = n.smtpPacketsBuilt + n.noisePacketsBuilt;
        if (n.noisePacketsBuilt < NOISE_SHARE * built) {
            if (rng.chance(0.35)) dns(s);
            else https(s);
            n.noiseSessions++;
            n.noisePacketsBuilt += s.stepCount();
        } else {
            smtp(s);
            n.smtpPacketsBuilt += s.stepCount();
        }
    }

    // ---- addressing ----

    private static int ip4(int a, int b, int c, int d) {
        return (a << 24) | (b << 16) | (c << 8) | d;
    }

    /** An internal client (10.1-40.x.y or fd00:10:...), link tags, ports. */
    private void client(Endpoints e, boolean v6) {
        e.ipVersion = v6 ? 6 : 4;
        int a = rng.between(1, 40), b = rng.nextInt(256), c = rng.between(1, 254);
        e.cliV4 = ip4(10, a, b, c);
        e.cliHi = 0xFD00001000000000L | a;
        e.cliLo = ((long) b << 8) | c | ((long) rng.nextInt(0x10000) << 16);
        e.cliPort = rng.between(32768, 60999);
        e.cliTtl = rng.chance(0.8) ? 64 : 128;
        e.cliIpId = rng.nextInt(0x10000);
        e.srvIpId = rng.nextInt(0x10000);
        double tag = rng.nextInt(1000) / 1000.0;
        if (tag < 0.09) e.vlan(VLANS[rng.nextInt(VLANS.length)]);
        else if (tag < 0.10) e.qinq(QINQ_OUTER[rng.nextInt(QINQ_OUTER.length)], VLANS[rng.nextInt(VLANS.length)]);
        else e.untagged();
    }

    private void server(Endpoints e, Server s) {
        e.srvV4 = s.v4;
        e.srvHi = s.v6Hi;
        e.srvLo = s.v6Lo;
        e.srvTtl = s.internal ? 64 : rng.between(44, 58);
        e.macsFromAddresses();
    }

    // ---- SMTP ----

    private void smtp(Script s) {
        s.reset(rng.nextInt(), rng.nextInt());
        s.smtp = true;
        Endpoints e = s.e;
        boolean v6 = rng.chance(0.05);
        boolean submit = rng.chance(0.30);
        Server srv = submit ? submission
                : rng.chance(0.5) ? relays[rng.nextInt(relays.length)] : externals[rng.nextInt(externals.length)];
        client(e, v6);
        server(e, srv);
        e.srvPort = submit ? 587 : 25;
        s.mss = v6 ? 1440 : 1460;
        n.smtpSessions++;
        if (v6) n.ipv6Sessions++;
        if (e.outerTpid != 0) n.vlanSessions++;
        if (e.outerTpid == Endpoints.TPID_8021AD) n.qinqSessions++;

        int user = rng.nextInt(5000);
        ByteBuf c = s.cli, r = s.srv;
        s.handshake();
        int st = r.len;
        r.bytes(srv.banner);
        s.send(false, st);

        st = c.len;
        c.ascii("EHLO ");
        if (rng.chance(0.02)) c.ascii("localhost");
        else c.ascii("ws").hex(user, 4).ascii(".corp.example");
        c.crlf();
        s.send(true, st);
        st = r.len;
        r.bytes(srv.ehloReply);
        s.send(false, st);

        boolean authed = true;
        if (submit) {
            n.authSessions++;
            authed = auth(s, user);
        }
        if (authed) {
            int transactions = rng.chance(0.1) ? 2 : 1;
            for (int t = 0; t < transactions; t++) {
                if (t > 0 && rng.chance(0.5)) exchange(s, "RSET", "250 2.0.0 Ok");
                transaction(s, user, srv);
            }
        }
        exchange(s, "QUIT", "221 2.0.0 Bye");
        close(s);
    }

    /** A one-line command and a one-line reply, each its own segment. */
    private void exchange(Script s, String command, String reply) {
        int st = s.cli.len;
        s.cli.ascii(command).crlf();
        s.send(true, st);
        st = s.srv.len;
        s.srv.ascii(reply).crlf();
        s.send(false, st);
    }

    /** AUTH PLAIN or LOGIN with base64 credentials; true when it succeeded (~5 % fail). */
    private boolean auth(Script s, int user) {
        String name = "user" + user + "@corp.example";
        tmp.clear();
        for (int i = 0; i < 12; i++) tmp.ascii("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789".charAt(rng.nextInt(56)));
        String password = new String(tmp.a, 0, tmp.len, StandardCharsets.US_ASCII);
        boolean ok = !rng.chance(0.05);
        Base64.Encoder b64 = Base64.getEncoder();
        if (rng.chance(0.6)) {
            String plain = b64.encodeToString(("\0" + name + "\0" + password).getBytes(StandardCharsets.US_ASCII));
            exchange(s, "AUTH PLAIN " + plain, ok ? "235 2.7.0 Authentication successful"
                    : "535 5.7.8 Error: authentication failed: authentication failure");
        } else {
            exchange(s, "AUTH LOGIN", "334 VXNlcm5hbWU6");
            exchange(s, b64.encodeToString(name.getBytes(StandardCharsets.US_ASCII)), "334 UGFzc3dvcmQ6");
            exchange(s, b64.encodeToString(password.getBytes(StandardCharsets.US_ASCII)),
                    ok ? "235 2.7.0 Authentication successful" : "535 5.7.8 Error: authentication failed: UGFzc3dvcmQ6");
        }
        if (!ok) n.authFailures++;
        return ok;
    }

    private void transaction(Script s, int user, Server srv) {
        ByteBuf c = s.cli, r = s.srv;
        boolean nullSender = rng.chance(0.15);
        int rcpts = rng.between(1, 5);
        message(user, nullSender, rcpts);
        int mode = rng.nextInt(100);   // <5 BDAT, <30 PIPELINING, else one command at a time
        n.transactions++;
        n.mailCommands++;
        n.rcptCommands += rcpts;
        if (nullSender) n.nullSenders++;

        if (mode < 30 && mode >= 5) {
            n.pipelinedTransactions++;
            n.dataTransactions++;
            int st = c.len;
            mailFrom(c, user, nullSender);
            for (int i = 0; i < rcpts; i++) rcptTo(c, i);
            c.ascii("DATA").crlf();
            s.send(true, st);
            st = r.len;
            r.ascii("250 2.1.0 Ok").crlf();
            for (int i = 0; i < rcpts; i++) rcptReply(r, i);
            r.ascii("354 End data with <CR><LF>.<CR><LF>").crlf();
            s.send(false, st);
            dataBody(s);
            return;
        }

        int st = c.len;
        mailFrom(c, user, nullSender);
        s.send(true, st);
        st = r.len;
        r.ascii("250 2.1.0 Ok").crlf();
        s.send(false, st);
        for (int i = 0; i < rcpts; i++) {
            st = c.len;
            rcptTo(c, i);
            s.send(true, st);
            st = r.len;
            rcptReply(r, i);
            s.send(false, st);
        }
        if (mode < 5) {
            n.bdatTransactions++;
            bdat(s);
        } else {
            n.dataTransactions++;
            exchange(s, "DATA", "354 End data with <CR><LF>.<CR><LF>");
            dataBody(s);
        }
    }

    private void mailFrom(ByteBuf c, int user, boolean nullSender) {
        c.ascii("MAIL FROM:<");
        if (!nullSender) c.ascii("user").num(user).ascii("@corp.example");
        c.ascii('>');
        if (rng.chance(0.5)) c.ascii(" SIZE=").num(msg.len);
        c.crlf();
    }

    private void rcptTo(ByteBuf c, int i) {
        c.ascii("RCPT TO:<").ascii(WORDS[rng.nextInt(WORDS.length)]).num(rng.nextInt(1000)).ascii('@')
                .ascii(RCPT_DOMAINS[rng.nextInt(RCPT_DOMAINS.length)]).ascii('>').crlf();
    }

    private void rcptReply(ByteBuf r, int i) {
        if (i > 0 && rng.chance(0.03)) {
            n.rcptRejected++;
            r.ascii("550 5.1.1 Recipient address rejected: User unknown in virtual mailbox table").crlf();
        } else {
            r.ascii("250 2.1.5 Ok").crlf();
        }
    }

    /** Builds the message (headers and 2-8 KB of text lines) into {@link #msg}. */
    private void message(int user, boolean nullSender, int rcpts) {
        ByteBuf m = msg;
        m.clear();
        if (nullSender) m.ascii("From: MAILER-DAEMON@corp.example (Mail Delivery System)").crlf();
        else m.ascii("From: user").num(user).ascii("@corp.example").crlf();
        m.ascii("To: ").ascii(WORDS[rng.nextInt(WORDS.length)]).ascii("@example.net").crlf();
        m.ascii("Subject: ").ascii(SUBJECTS[rng.nextInt(SUBJECTS.length)]).ascii(" ").num(rng.nextInt(10000)).crlf();
        m.ascii("Date: Mon, 1 Jan 2024 00:00:00 +0000").crlf();
        m.ascii("Message-ID: <").hex(rng.nextLong(), 16).ascii("@corp.example>").crlf();
        m.ascii("MIME-Version: 1.0").crlf();
        m.ascii("Content-Type: text/plain; charset=us-ascii").crlf();
        m.crlf();
        int target = rng.between(2048, 8192);
        int line = rng.nextInt(lineStarts.length);
        while (m.len < target) {
            int from = lineStarts[line];
            int to = line + 1 < lineStarts.length ? lineStarts[line + 1] : textPool.length;
            m.bytes(textPool, from, to - from);
            line = (line + 1) % lineStarts.length;
        }
    }

    /** The message after a 354, dot-terminated, then the server's 250. */
    private void dataBody(Script s) {
        int st = s.cli.len;
        s.cli.bytes(msg.a, 0, msg.len).ascii(".").crlf();
        long rr = s.bulk(true, st, rng, retransmitP, reorderP);
        n.retransmissions += rr >>> 32;
        n.reorders += (int) rr;
        st = s.srv.len;
        s.srv.ascii("250 2.0.0 Ok: queued as ").hex(rng.nextLong(), 10).crlf();
        s.send(false, st);
    }

    /**
     * The message as one or two BDAT chunks (RFC 3030), each acknowledged. The BDAT line goes in a
     * segment of its own: Wireshark does not parse a BDAT command that shares a segment with
     * chunk data (it shows the whole segment as DATA), and tshark is the reference here.
     */
    private void bdat(Script s) {
        int total = msg.len;
        int first = total;
        if (rng.chance(0.4)) {
            // Chunk at a line end: RFC 3030 allows any split, but Wireshark's line-based
            // desegmentation loses track of a chunk that ends mid-line.
            first = rng.between(total / 4, total * 3 / 4);
            while (first < total && msg.a[first - 1] != '\n') first++;
        }
        int done = 0;
        while (done < total) {
            int size = done == 0 ? first : total - done;
            boolean last = done + size == total;
            int st = s.cli.len;
            s.cli.ascii("BDAT ").num(size).ascii(last ? " LAST" : "").crlf();
            s.send(true, st);
            st = s.cli.len;
            s.cli.bytes(msg.a, done, size);
            s.bulk(true, st, rng, 0, 0);
            done += size;
            st = s.srv.len;
            if (last) s.srv.ascii("250 2.0.0 Ok: queued as ").hex(rng.nextLong(), 10).crlf();
            else s.srv.ascii("250 2.0.0 Ok: ").num(size).ascii(" octets received").crlf();
            s.send(false, st);
        }
    }

    /** FIN/ACK both ways; the server closes first in 60 % of sessions (as after a 221). */
    private void close(Script s) {
        boolean serverFirst = rng.chance(0.6);
        s.fin(!serverFirst);
        s.fin(serverFirst);
        s.ack(!serverFirst);
    }

    // ---- noise ----

    /** HTTPS-like: handshake, TLS application-data records of random bytes both ways, close. */
    private void https(Script s) {
        s.reset(rng.nextInt(), rng.nextInt());
        Endpoints e = s.e;
        boolean v6 = rng.chance(0.05);
        client(e, v6);
        int host = rng.nextInt(64);
        e.srvV4 = ip4(192, 0, 2, 64 + host);
        e.srvHi = 0x20010DB800440000L;
        e.srvLo = 0x100 + host;
        e.srvTtl = rng.between(44, 58);
        e.srvPort = 443;
        e.macsFromAddresses();
        s.mss = v6 ? 1440 : 1460;
        s.handshake();
        int rounds = rng.between(1, 3);
        for (int i = 0; i < rounds; i++) {
            tlsRecords(s, true, rng.between(80, 600));
            tlsRecords(s, false, rng.between(200, i == 0 ? 12000 : 3000));
        }
        close(s);
    }

    /** {@code bytes} of payload as TLS records of at most one MSS each, the peer ACKing every second. */
    private void tlsRecords(Script s, boolean fromClient, int bytes) {
        ByteBuf b = s.stream(fromClient);
        int segs = 0;
        while (bytes > 0) {
            int body = Math.min(bytes, s.mss - 5);
            int st = b.len;
            b.u8(0x17).u16(0x0303).u16(body);
            int from = rng.nextInt(randomPool.length - body);
            b.bytes(randomPool, from, body);
            bytes -= body;
            s.sendOne(fromClient, st, bytes == 0);
            if (++segs % 2 == 0 && bytes > 0) s.ack(!fromClient);
        }
        if (segs > 1 || rng.chance(0.3)) s.ack(!fromClient);
    }

    /** A DNS A query and its answer over UDP. */
    private void dns(Script s) {
        s.reset(0, 0);
        Endpoints e = s.e;
        client(e, rng.chance(0.05));
        e.proto = Endpoints.UDP;
        e.srvV4 = ip4(10, 0, 0, 53);
        e.srvHi = 0xFD00000000000053L;
        e.srvLo = 0x53;
        e.srvPort = 53;
        e.cliPort = rng.between(49152, 65535);   // above 33434-33534, which Wireshark flags as traceroute
        e.macsFromAddresses();
        int id = rng.nextInt(0x10000);
        int host = rng.nextInt(100000);
        boolean aaaa = e.ipVersion == 6;
        ByteBuf q = s.cli;
        q.u16(id).u16(0x0100).u16(1).u16(0).u16(0).u16(0);
        int nameStart = q.len;
        question(q, host, aaaa);
        int nameEnd = q.len;
        s.udp(true, 0);
        ByteBuf a = s.srv;
        a.u16(id).u16(0x8180).u16(1).u16(1).u16(0).u16(0);
        a.bytes(q.a, nameStart, nameEnd - nameStart);
        a.u16(0xC00C).u16(aaaa ? 28 : 1).u16(1).u32(300);
        if (aaaa) {
            a.u16(16).u32(0x20010DB8).u32(0x00440000).u32(0).u32(host);
        } else {
            a.u16(4).u32(ip4(192, 0, 2, host & 0xFF));
        }
        s.udp(false, 0);
    }

    private static void question(ByteBuf q, int host, boolean aaaa) {
        int labelStart = q.len;
        q.u8(0).ascii("host").num(host);
        q.a[labelStart] = (byte) (q.len - labelStart - 1);
        q.u8(4).ascii("corp").u8(7).ascii("example").u8(0);
        q.u16(aaaa ? 28 : 1).u16(1);
    }
}
