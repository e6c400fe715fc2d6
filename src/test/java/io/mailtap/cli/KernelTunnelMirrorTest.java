package io.mailtap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real SMTP session between two network namespaces, mirrored by the kernel ({@code tc … mirred})
 * into a tunnel device and captured at the tunnel's far end: the transaction line replayed from
 * that capture equals the one from a direct capture of the same session. Namespaces are named
 * {@code mt-tun-<pid>-*} (no collision with the lab's or another run's), addresses live only
 * inside them, and everything is deleted in {@code finally}. Root only; without root the test is
 * skipped, unless CI is set (then it fails: CI must run it). A tunnel type the kernel lacks
 * ("Unknown device type") is skipped with that message.
 */
class KernelTunnelMirrorTest {
    @TempDir Path dir;

    private final String prefix = "mt-tun-" + ProcessHandle.current().pid();
    private final String client = prefix + "-c", server = prefix + "-s", far = prefix + "-m";

    private static final String SERVER_PY = String.join("\n",
            "import socket, sys",
            "s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
            "s.bind(('10.77.0.2', 25)); s.listen(1); print('ready', flush=True)",
            "c, _ = s.accept(); f = c.makefile('rb'); c.sendall(b'220 mx.example ESMTP\\r\\n')",
            "for line in f:",
            "    l = line.strip().upper()",
            "    if l.startswith(b'EHLO'): c.sendall(b'250 mx.example\\r\\n')",
            "    elif l.startswith(b'MAIL') or l.startswith(b'RCPT'): c.sendall(b'250 ok\\r\\n')",
            "    elif l == b'DATA':",
            "        c.sendall(b'354 go\\r\\n')",
            "        for body in f:",
            "            if body == b'.\\r\\n': break",
            "        c.sendall(b'250 queued\\r\\n')",
            "    elif l == b'QUIT': c.sendall(b'221 bye\\r\\n'); break",
            "c.close()");
    private static final String CLIENT_PY = String.join("\n",
            "import smtplib",
            "m = smtplib.SMTP('10.77.0.2', 25, local_hostname='client.example', timeout=10)",
            "m.sendmail('a@example.org', ['r@mx.example'], 'Subject: hi\\r\\n\\r\\nbody\\r\\n')",
            "m.quit()");

    @Test
    void vxlanMirror() throws Exception {
        mirrored("vxlan", "type vxlan id 42 local 10.78.0.1 remote 10.78.0.2 dstport 4789 dev u0", "udp port 4789");
    }

    @Test
    void gretapMirror() throws Exception {
        mirrored("gretap", "type gretap local 10.78.0.1 remote 10.78.0.2 key 7", "proto 47");
    }

    @Test
    void erspanMirror() throws Exception {
        mirrored("erspan", "type erspan seq key 10 local 10.78.0.1 remote 10.78.0.2 erspan_ver 1 erspan 123", "proto 47");
    }

    private void mirrored(String name, String tunnelSpec, String farFilter) throws Exception {
        boolean root = "0".equals(run(false, "id", "-u").trim());
        if (!root) {
            assertThat(System.getenv("CI")).as("CI must run the kernel tunnel test as root").isNull();
            Assumptions.abort("kernel tunnel test needs root (network namespaces, tc)");
        }
        try {
            for (String ns : List.of(client, server, far)) {
                run(true, "ip", "netns", "add", ns);
                run(true, "ip", "-n", ns, "link", "set", "lo", "up");
            }
            run(true, "ip", "-n", server, "link", "add", "s0", "type", "veth", "peer", "name", "c0", "netns", client);
            run(true, "ip", "-n", server, "link", "add", "u0", "type", "veth", "peer", "name", "u1", "netns", far);
            address(server, "s0", "10.77.0.2/24");
            address(client, "c0", "10.77.0.1/24");
            address(server, "u0", "10.78.0.1/24");
            address(far, "u1", "10.78.0.2/24");
            List<String> add = new ArrayList<>(List.of("ip", "-n", server, "link", "add", "tun0"));
            add.addAll(List.of(tunnelSpec.split(" ")));
            String added = run(false, add.toArray(String[]::new));
            Assumptions.assumeFalse(added.contains("Unknown device type"), "this kernel has no " + name + " device: " + added.trim());
            run(true, "ip", "-n", server, "link", "set", "tun0", "up");
            run(true, "ip", "netns", "exec", server, "tc", "qdisc", "add", "dev", "s0", "clsact");
            for (String way : List.of("ingress", "egress")) {
                run(true, "ip", "netns", "exec", server, "tc", "filter", "add", "dev", "s0", way, "protocol", "all",
                        "u32", "match", "u32", "0", "0", "action", "mirred", "egress", "mirror", "dev", "tun0");
            }
            Path direct = dir.resolve(name + "-direct.pcap"), tunnelled = dir.resolve(name + "-tunnelled.pcap");
            Process directDump = tcpdump(server, "s0", direct, "tcp port 25");
            Process farDump = tcpdump(far, "u1", tunnelled, farFilter);
            Process smtpServer = start("ip", "netns", "exec", server, "python3", "-c", SERVER_PY);
            String ready = new BufferedReader(new InputStreamReader(smtpServer.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertThat(ready).isEqualTo("ready");
            run(true, "ip", "netns", "exec", client, "python3", "-c", CLIENT_PY);
            assertThat(smtpServer.waitFor(20, TimeUnit.SECONDS)).isTrue();
            stop(directDump);
            stop(farDump);

            List<JsonNode> fromDirect = replay(direct, dir.resolve(name + "-direct-out"));
            List<JsonNode> fromTunnel = replay(tunnelled, dir.resolve(name + "-tunnelled-out"));
            assertThat(fromDirect).hasSize(1);
            assertThat(fromDirect.get(0).get("mail_from").asText()).isEqualTo("<a@example.org>");
            assertThat(fromTunnel).hasSize(1);
            // ts: the two captures stamp the same packet microseconds apart; uid: it hashes both
            assertThat(comparable(fromTunnel.get(0))).isEqualTo(comparable(fromDirect.get(0)));
        } finally {
            for (String ns : List.of(client, server, far)) run(false, "ip", "netns", "del", ns);
        }
    }

    private static List<JsonNode> replay(Path pcap, Path out) throws IOException {
        assertThat(Cli.run("replay", "--out", out.toString(), pcap.toString()).exit()).isZero();
        return ReplayCommandTest.jsonLines(out.resolve("smtp.jsonl"));
    }

    private static JsonNode comparable(JsonNode line) {
        ObjectNode c = line.deepCopy();
        c.remove("uid");
        c.remove("ts");
        return c;
    }

    private static void address(String ns, String dev, String cidr) throws Exception {
        run(true, "ip", "-n", ns, "addr", "add", cidr, "dev", dev);
        run(true, "ip", "-n", ns, "link", "set", dev, "up");
    }

    /** tcpdump in a namespace, returned once it says it is listening; -Z root: it would drop to a user that cannot write the test's temp dir. */
    private static Process tcpdump(String ns, String dev, Path file, String filter) throws IOException {
        Process p = new ProcessBuilder("ip", "netns", "exec", ns, "tcpdump", "-Z", "root", "--immediate-mode", "-i", dev, "-U", "-s", "0", "-w", file.toString(), filter)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = err.readLine()) != null && !line.contains("listening on")) { /* banner lines */ }
        assertThat(line).as("tcpdump on %s in %s started", dev, ns).isNotNull();
        return p;
    }

    /** SIGTERM; tcpdump writes out what it has and exits (immediate mode: no packets wait in a ring block). */
    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    private static Process start(String... cmd) throws IOException {
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static String run(boolean mustSucceed, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean done = p.waitFor(30, TimeUnit.SECONDS);
        if (mustSucceed) assertThat(done && p.exitValue() == 0).as("%s: %s", String.join(" ", cmd), out).isTrue();
        return out;
    }
}
