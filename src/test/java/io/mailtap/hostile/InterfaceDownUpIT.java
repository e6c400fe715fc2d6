package io.mailtap.hostile;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Interface down and up under a running {@code mailtap run} (the packaged jar): two network
 * namespaces made here, joined by a veth pair; the sensor captures the client's end. One SMTP
 * session, the capture interface set down for a few seconds, up again, a second session. The
 * sensor must stay alive, say in its log that the interface went away and came back, and log the
 * transactions of both sessions. Every address is inside the two namespaces; names carry this
 * JVM's pid (mt-fault-PID-*) so they never meet the lab's mt-* namespaces, and everything is
 * removed afterwards, on failure too. Needs root; skipped otherwise (a failure on CI).
 */
@EnabledOnOs(OS.LINUX)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class InterfaceDownUpIT {
    private static final long PID = ProcessHandle.current().pid();
    private static final String NS_SENSOR = "mt-fault-" + PID + "-c", NS_SERVER = "mt-fault-" + PID + "-s";
    private static final String DEV = "mtf" + (PID % 100_000) + "c", PEER = "mtf" + (PID % 100_000) + "s";
    private static final String CLIENT_IP = "10.201.7.1", SERVER_IP = "10.201.7.2";
    private static final Path JAR = Path.of("target", "mailtap.jar");
    private static boolean created;

    @TempDir
    Path dir;

    @BeforeAll
    static void namespaces() throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        String why = !root ? "needs root to create network namespaces" : !Files.isRegularFile(JAR) ? "no " + JAR + " (run after package)" : null;
        if (why != null) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) throw new AssertionError(why);
            Assumptions.abort(why);
        }
        created = true;
        sh("ip", "netns", "add", NS_SENSOR);
        sh("ip", "netns", "add", NS_SERVER);
        sh("ip", "link", "add", DEV, "netns", NS_SENSOR, "type", "veth", "peer", "name", PEER, "netns", NS_SERVER);
        in(NS_SENSOR, "ip", "addr", "add", CLIENT_IP + "/30", "dev", DEV);
        in(NS_SERVER, "ip", "addr", "add", SERVER_IP + "/30", "dev", PEER);
        for (String[] nd : new String[][] {{NS_SENSOR, DEV}, {NS_SERVER, PEER}}) {
            in(nd[0], "ip", "link", "set", "lo", "up");
            in(nd[0], "ip", "link", "set", nd[1], "up");
        }
    }

    @AfterAll
    static void removeNamespaces() throws Exception {
        if (!created) return;
        run(List.of("ip", "netns", "del", NS_SENSOR)); // deleting a namespace deletes its veth end, and so the pair
        run(List.of("ip", "netns", "del", NS_SERVER));
    }

    @Test
    void sensorSurvivesInterfaceDownAndCapturesAfterItComesBack() throws Exception {
        Path server = dir.resolve("server.py");
        Files.writeString(server, SERVER);
        Path out = dir.resolve("out");
        Path cfg = dir.resolve("mailtap.yml");
        Files.writeString(cfg, String.join("\n",
                "capture:", "  interface: " + DEV, "  timeout_ms: 10", "  heartbeat: 200ms",
                "metrics:", "  listen: \"127.0.0.1:9877\"", // the sensor namespace's own loopback
                "output:", "  dir: " + out, ""));
        Path log = dir.resolve("sensor.log");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process srv = new ProcessBuilder("ip", "netns", "exec", NS_SERVER, "python3", server.toString(), SERVER_IP, "2")
                .redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile()).start();
        ProcessBuilder pb = new ProcessBuilder("ip", "netns", "exec", NS_SENSOR, java, "-Xmx256m", "-jar",
                JAR.toAbsolutePath().toString(), "run", "--config", cfg.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("MAILTAP_LOG_LEVEL", "INFO");
        Process sensor = pb.start();
        try {
            awaitLog(log, "running: interface", 20);
            converse("before");
            awaitLines(out.resolve("smtp.jsonl"), 1, 10);

            in(NS_SENSOR, "ip", "link", "set", DEV, "down");
            awaitLog(log, "went away", 10);
            Thread.sleep(3000);
            assertThat(sensor.isAlive()).as("sensor alive while its interface is down; log:%n%s", Files.readString(log)).isTrue();
            in(NS_SENSOR, "ip", "link", "set", DEV, "up");
            awaitLog(log, "is back up", 10);
            awaitCarrier();

            converse("after");
            awaitLines(out.resolve("smtp.jsonl"), 2, 10);
            assertThat(sensor.isAlive()).as("sensor alive after the flap").isTrue();
        } finally {
            sensor.destroy(); // SIGTERM: drain and stop
            if (!sensor.waitFor(20, TimeUnit.SECONDS)) sensor.destroyForcibly().waitFor();
            srv.destroyForcibly().waitFor();
        }
        String text = Files.readString(log);
        assertThat(sensor.exitValue()).as("clean stop; log:%n%s", text).isZero();
        assertThat(text).contains("capture interface '" + DEV + "' went away (set down)")
                .contains("capture interface '" + DEV + "' is back up").doesNotContain("capture stopped");
        List<String> tx = Files.readAllLines(out.resolve("smtp.jsonl"));
        assertThat(tx).hasSize(2);
        assertThat(tx.get(0)).contains("\"helo\":\"before.example\"").contains("\"mail_from\":\"<before@example.org>\"")
                .contains("\"message_status\":\"accepted\"").contains("\"client_ip\":\"" + CLIENT_IP + "\"");
        assertThat(tx.get(1)).contains("\"helo\":\"after.example\"").contains("\"mail_from\":\"<after@example.org>\"")
                .contains("\"message_status\":\"accepted\"").contains("\"gaps\":false");
    }

    /** One SMTP session from the sensor's namespace to the server's, by a small Python client. */
    private static void converse(String tag) throws Exception {
        String client = String.join("\n",
                "import socket,sys",
                "c=socket.create_connection(('" + SERVER_IP + "',25),timeout=5); f=c.makefile('rb'); f.readline()",
                "for cmd in [b'EHLO " + tag + ".example',b'MAIL FROM:<" + tag + "@example.org>',b'RCPT TO:<x@example.net>',b'DATA',"
                        + "b'Subject: " + tag + "\\r\\n\\r\\nhi\\r\\n.',b'QUIT']:",
                "    c.sendall(cmd+b'\\r\\n'); r=f.readline()",
                "    if not r: sys.exit('no reply to '+cmd.decode())",
                "c.close()");
        in(NS_SENSOR, "python3", "-c", client);
    }

    /** After `up` the veth's carrier takes a moment; a connect before it would wait for TCP's retry. */
    private static void awaitCarrier() throws Exception {
        List<String> cmd = List.of("ip", "netns", "exec", NS_SENSOR, "cat", "/sys/class/net/" + DEV + "/operstate");
        for (int i = 0; i < 100; i++) {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String state = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            p.waitFor();
            if (state.equals("up")) return;
            Thread.sleep(100);
        }
        throw new AssertionError(DEV + " did not come back up");
    }

    private static void awaitLog(Path log, String text, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(text)) return;
            Thread.sleep(100);
        }
        throw new AssertionError("sensor never logged '" + text + "'; log:\n" + (Files.exists(log) ? Files.readString(log) : "(none)"));
    }

    private static void awaitLines(Path file, int n, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (Files.exists(file) && Files.readAllLines(file).size() >= n) return;
            Thread.sleep(100);
        }
        throw new AssertionError(file + " has " + (Files.exists(file) ? Files.readAllLines(file).size() : 0) + " lines, want " + n);
    }

    private static void in(String ns, String... cmd) throws Exception {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(List.of(cmd));
        String err = run(c);
        if (!err.isEmpty()) throw new AssertionError(String.join(" ", c) + ": " + err);
    }

    private static void sh(String... cmd) throws Exception {
        String err = run(List.of(cmd));
        if (!err.isEmpty()) throw new AssertionError(String.join(" ", cmd) + ": " + err);
    }

    /** Runs a command; returns "" on exit 0, else its output. */
    private static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "timed out";
        }
        return p.exitValue() == 0 ? "" : "exit " + p.exitValue() + ": " + text;
    }

    /** A minimal SMTP server for N sessions, bound to the server namespace's address. */
    private static final String SERVER = String.join("\n",
            "import socket,sys",
            "s=socket.socket(); s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1); s.bind((sys.argv[1],25)); s.listen(5)",
            "for _ in range(int(sys.argv[2])):",
            "    c,_=s.accept(); f=c.makefile('rb'); c.sendall(b'220 ns ESMTP\\r\\n'); data=False",
            "    for line in f:",
            "        l=line.rstrip(b'\\r\\n')",
            "        if data:",
            "            if l==b'.':",
            "                data=False; c.sendall(b'250 2.0.0 queued\\r\\n')",
            "            continue",
            "        v=l[:4].upper()",
            "        r={b'EHLO':b'250 ns',b'MAIL':b'250 2.1.0 ok',b'RCPT':b'250 2.1.5 ok',b'DATA':b'354 go',b'QUIT':b'221 bye'}.get(v,b'500 ?')",
            "        c.sendall(r+b'\\r\\n'); data = v==b'DATA'",
            "        if v==b'QUIT': break",
            "    c.close()",
            "");
}
