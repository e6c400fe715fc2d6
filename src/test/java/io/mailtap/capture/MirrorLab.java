package io.mailtap.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;

/**
 * A mirror port for live-capture tests: an SMTP client and server in two network namespaces of
 * their own, joined by a veth pair, and the kernel mirroring both directions of the server's link
 * ({@code tc … mirred}) into a veth whose far end, {@link #device()}, lives in this process's
 * namespace with no address — what a sensor on a SPAN port sees; {@link #injectConnections}
 * adds hand-made VLAN/QinQ-tagged connections to the mirror. Names start with
 * {@code mtfan} plus the pid and a counter (no collision with lab/e2e.sh or another run); addresses
 * live only inside the namespaces; {@link #close()} deletes everything. Root only: without root the
 * test is skipped.
 */
public final class MirrorLab implements AutoCloseable {
    private static final AtomicInteger SEQ = new AtomicInteger();

    /** A threaded SMTP server on 10.79.0.2:25 that accepts every transaction. */
    private static final String SERVER_PY = String.join("\n",
            "import socketserver",
            "class H(socketserver.StreamRequestHandler):",
            "    def handle(self):",
            "        w = self.wfile.write; w(b'220 mx.example ESMTP\\r\\n')",
            "        for line in self.rfile:",
            "            l = line.strip().upper()",
            "            if l.startswith(b'EHLO') or l.startswith(b'HELO'): w(b'250 mx.example\\r\\n')",
            "            elif l.startswith(b'MAIL') or l.startswith(b'RCPT') or l == b'RSET': w(b'250 ok\\r\\n')",
            "            elif l == b'DATA':",
            "                w(b'354 go\\r\\n')",
            "                for body in self.rfile:",
            "                    if body == b'.\\r\\n': break",
            "                w(b'250 queued\\r\\n')",
            "            elif l == b'QUIT': w(b'221 bye\\r\\n'); break",
            "class S(socketserver.ThreadingTCPServer):",
            "    allow_reuse_address = True; daemon_threads = True; request_queue_size = 128",
            "s = S(('10.79.0.2', 25), H); print('ready', flush=True); s.serve_forever()");
    /** argv[1] connections, one transaction each, sender s<i>@example.org: each its own source port. */
    private static final String CLIENT_PY = String.join("\n",
            "import smtplib, sys",
            "for i in range(int(sys.argv[1])):",
            "    m = smtplib.SMTP('10.79.0.2', 25, local_hostname='client%d.example' % i, timeout=10)",
            "    m.sendmail('s%d@example.org' % i, ['r@mx.example'], 'Subject: %d\\r\\n\\r\\nbody\\r\\n' % i)",
            "    m.quit()");

    /**
     * argv: connections, then VLAN ids outermost first (802.1ad outer, 802.1Q inner). Injects, on
     * the mirror, 8 frames per connection 10.79.1.1:(20000+i) <-> 10.79.1.2:25, alternating
     * directions: handshake, one line each way, FINs (the kernel cannot tag frames here: no
     * 8021q, no act_vlan, so tagged traffic is written by hand).
     */
    private static final String INJECT_PY = String.join("\n",
            "import socket, struct, sys",
            "n = int(sys.argv[1]); tags = [int(t) for t in sys.argv[2:]]",
            "s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW); s.bind(('m0', 0))",
            "def csum(b):",
            "    t = sum(struct.unpack('!%dH' % (len(b) // 2), b)); t = (t >> 16) + (t & 0xffff); t += t >> 16",
            "    return ~t & 0xffff",
            "def frame(src, dst, sp, dp, seq, ack, flags, data):",
            "    tcp = struct.pack('!HHIIBBHHH', sp, dp, seq, ack, 5 << 4, flags, 65535, 0, 0) + data",
            "    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(tcp), 1, 0x4000, 64, 6, 0, socket.inet_aton(src), socket.inet_aton(dst))",
            "    ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]",
            "    eth = b'\\x02\\x00\\x00\\x00\\x00\\x02' + b'\\x02\\x00\\x00\\x00\\x00\\x01'",
            "    for k, t in enumerate(tags): eth += struct.pack('!HH', 0x88a8 if k < len(tags) - 1 else 0x8100, t)",
            "    return eth + b'\\x08\\x00' + ip + tcp",
            "C, S = '10.79.1.1', '10.79.1.2'",
            "for i in range(n):",
            "    p = 20000 + i",
            "    for f in [(C, S, p, 25, 1, 0, 0x02, b''), (S, C, 25, p, 1, 2, 0x12, b''), (C, S, p, 25, 2, 2, 0x10, b''),",
            "              (C, S, p, 25, 2, 2, 0x18, b'EHLO x\\r\\n'), (S, C, 25, p, 2, 10, 0x18, b'250 ok\\r\\n'),",
            "              (C, S, p, 25, 10, 10, 0x11, b''), (S, C, 25, p, 10, 11, 0x11, b''), (C, S, p, 25, 11, 11, 0x10, b'')]:",
            "        s.send(frame(*f))");

    private final String client, server, device;
    private Process smtpServer;

    private MirrorLab(String tag) {
        String base = "mtfan" + ProcessHandle.current().pid() + tag;
        client = base + "-c";
        server = base + "-s";
        device = base; // at most 5 + 7 + 2 characters: under IFNAMSIZ
    }

    /** Builds the lab, or skips the test without root. */
    public static MirrorLab start() throws Exception {
        Assumptions.assumeTrue("0".equals(run(false, "id", "-u").trim()), "the mirror lab needs root (network namespaces, tc)");
        MirrorLab lab = new MirrorLab(Integer.toString(SEQ.incrementAndGet(), 36));
        try {
            lab.build();
        } catch (Exception | Error e) {
            lab.close();
            throw e;
        }
        return lab;
    }

    private void build() throws Exception {
        for (String ns : List.of(client, server)) {
            run(true, "ip", "netns", "add", ns);
            run(true, "ip", "-n", ns, "link", "set", "lo", "up");
        }
        run(true, "ip", "-n", server, "link", "add", "s0", "type", "veth", "peer", "name", "c0", "netns", client);
        run(true, "ip", "link", "add", device, "type", "veth", "peer", "name", "m0", "netns", server);
        run(true, "ip", "-n", client, "addr", "add", "10.79.0.1/24", "dev", "c0");
        run(true, "ip", "-n", server, "addr", "add", "10.79.0.2/24", "dev", "s0");
        // frames as sent, not GSO super-frames: the capture counts real packets
        run(false, "ip", "netns", "exec", client, "ethtool", "-K", "c0", "tso", "off", "gso", "off", "gro", "off");
        run(false, "ip", "netns", "exec", server, "ethtool", "-K", "s0", "tso", "off", "gso", "off", "gro", "off");
        run(false, "sysctl", "-q", "-w", "net.ipv6.conf." + device + ".disable_ipv6=1"); // no router solicitations
        for (String[] dev : List.of(new String[] {client, "c0"}, new String[] {server, "s0"}, new String[] {server, "m0"})) {
            run(true, "ip", "-n", dev[0], "link", "set", dev[1], "up");
        }
        run(true, "ip", "link", "set", device, "up");
        run(true, "ip", "netns", "exec", server, "tc", "qdisc", "add", "dev", "s0", "clsact");
        for (String way : List.of("ingress", "egress")) {
            run(true, "ip", "netns", "exec", server, "tc", "filter", "add", "dev", "s0", way, "protocol", "all",
                    "u32", "match", "u32", "0", "0", "action", "mirred", "egress", "mirror", "dev", "m0");
        }
        smtpServer = new ProcessBuilder("ip", "netns", "exec", server, "python3", "-c", SERVER_PY)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String ready = new BufferedReader(new InputStreamReader(smtpServer.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertThat(ready).as("SMTP server in %s", server).isEqualTo("ready");
    }

    /** The mirror's end in this namespace: capture here. */
    public String device() { return device; }

    /** Runs {@code connections} SMTP sessions, one after the other, each on a new connection. */
    public void sendMail(int connections) throws Exception {
        run(true, "ip", "netns", "exec", client, "python3", "-c", CLIENT_PY, Integer.toString(connections));
    }

    /**
     * Writes {@code connections} hand-made TCP connections (8 frames each, client ports 20000 + i)
     * onto the mirror, tagged with {@code vlanIds} (outermost first; none: untagged).
     */
    public void injectConnections(int connections, int... vlanIds) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("ip", "netns", "exec", server, "python3", "-c", INJECT_PY,
                Integer.toString(connections)));
        for (int v : vlanIds) cmd.add(Integer.toString(v));
        run(true, cmd.toArray(String[]::new));
    }

    /** {@link #injectConnections} in the background; wait for the returned process to end. */
    public Process injectConnectionsInBackground(int connections) throws Exception {
        return new ProcessBuilder("ip", "netns", "exec", server, "python3", "-c", INJECT_PY, Integer.toString(connections))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    @Override
    public void close() throws Exception {
        if (smtpServer != null) {
            smtpServer.destroy();
            smtpServer.waitFor(5, TimeUnit.SECONDS);
        }
        run(false, "ip", "link", "del", device);
        for (String ns : List.of(client, server)) run(false, "ip", "netns", "del", ns);
    }

    private static String run(boolean mustSucceed, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean done = p.waitFor(120, TimeUnit.SECONDS);
        if (!done) p.destroyForcibly();
        if (mustSucceed) assertThat(done && p.exitValue() == 0).as("%s: %s", String.join(" ", cmd), out).isTrue();
        return out;
    }
}
