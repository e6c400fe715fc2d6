package io.mailtap.sensor;

import com.sun.jna.Library;
import com.sun.jna.Native;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class SystemdNotifierTest {
    @TempDir
    Path dir;

    @Test
    void sendsTheProtocolMessages() {
        List<String> sent = new ArrayList<>();
        SystemdNotifier n = new SystemdNotifier(s -> {
            sent.add(s);
            return 1;
        }, 30_000_000);
        n.ready("capturing on eth1");
        n.reloading();
        n.ready("capturing\non eth1");
        n.watchdog();
        n.stopping("stopping");
        assertThat(sent.get(0)).isEqualTo("READY=1\nSTATUS=capturing on eth1");
        assertThat(sent.get(1)).startsWith("RELOADING=1\nMONOTONIC_USEC=");
        assertThat(sent.get(2)).isEqualTo("READY=1\nSTATUS=capturing on eth1");
        assertThat(sent.get(3)).isEqualTo("WATCHDOG=1");
        assertThat(sent.get(4)).isEqualTo("STOPPING=1\nSTATUS=stopping");
        assertThat(n.watchdogIntervalNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(15));
    }

    @Test
    void isANoOpOutsideSystemdAndNeverThrows() {
        SystemdNotifier off = SystemdNotifier.fromEnvironment(Map.of(), 1);
        assertThat(off.enabled()).isFalse();
        assertThat(off.watchdogIntervalNanos()).isZero();
        off.ready("x");
        off.watchdog();
        SystemdNotifier broken = new SystemdNotifier(s -> {
            throw new IllegalStateException("boom");
        }, 0);
        broken.ready("x");
        new SystemdNotifier(s -> -13, 0).ready("x"); // -EACCES is logged, not thrown
    }

    @Test
    void readsTheWatchdogOnlyWhenItIsMeantForThisProcess() {
        assertThat(SystemdNotifier.watchdogUsec(Map.of("WATCHDOG_USEC", "30000000"), 42)).isEqualTo(30_000_000);
        assertThat(SystemdNotifier.watchdogUsec(Map.of("WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "42"), 42)).isEqualTo(30_000_000);
        assertThat(SystemdNotifier.watchdogUsec(Map.of("WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "43"), 42)).isZero();
        assertThat(SystemdNotifier.watchdogUsec(Map.of("WATCHDOG_USEC", "soon"), 42)).isZero();
        assertThat(SystemdNotifier.watchdogUsec(Map.of(), 42)).isZero();
    }

    interface LibC extends Library {
        int setenv(String name, String value, int overwrite);

        int unsetenv(String name);
    }

    /** Through the real libsystemd, to a datagram socket a python3 helper listens on. */
    @Test
    @EnabledOnOs(OS.LINUX)
    void reachesANotifySocketThroughLibsystemd() throws Exception {
        Path socket = dir.resolve("notify.sock");
        Path script = dir.resolve("listen.py");
        Files.writeString(script, String.join("\n",
                "import socket, sys",
                "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)",
                "s.bind(sys.argv[1])",
                "s.settimeout(20)",
                "print('listening', flush=True)",
                "for _ in range(3):",
                "    print(s.recv(4096).decode().replace('\\n', '|'), flush=True)",
                ""));
        Process py;
        try {
            py = new ProcessBuilder("python3", script.toString(), socket.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("python3 is not installed: " + e.getMessage());
            return;
        }
        LibC libc = Native.load("c", LibC.class);
        try {
            var out = new java.io.BufferedReader(new java.io.InputStreamReader(py.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("listening");
            libc.setenv("NOTIFY_SOCKET", socket.toString(), 1); // what libsystemd reads
            SystemdNotifier n = SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", socket.toString()),
                    ProcessHandle.current().pid());
            Assumptions.assumeTrue(n.enabled(), "libsystemd.so.0 is not installed");
            n.ready("capturing on lo");
            n.watchdog();
            n.stopping("bye");
            assertThat(out.readLine()).isEqualTo("READY=1|STATUS=capturing on lo");
            assertThat(out.readLine()).isEqualTo("WATCHDOG=1");
            assertThat(out.readLine()).isEqualTo("STOPPING=1|STATUS=bye");
            assertThat(py.waitFor(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            libc.unsetenv("NOTIFY_SOCKET");
            py.destroy();
        }
    }
}
