package io.mailtap.sensor;

import com.sun.jna.Library;
import com.sun.jna.Native;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * systemd's readiness protocol ({@code Type=notify}): READY=1, RELOADING=1, STOPPING=1, STATUS=
 * and WATCHDOG=1, sent with libsystemd's {@code sd_notify} through JNA. A no-op when
 * {@code $NOTIFY_SOCKET} is unset (not started by systemd) or libsystemd.so.0 cannot be loaded;
 * never throws.
 */
public class SystemdNotifier {
    private static final Logger LOG = LoggerFactory.getLogger(SystemdNotifier.class);

    /** Sends one notification; returns sd_notify's result (&gt; 0 sent, 0 not under systemd, &lt; 0 -errno). */
    @FunctionalInterface
    interface Backend {
        int notify(String state);
    }

    /** libsystemd, direct JNA interface mapping. */
    interface LibSystemd extends Library {
        int sd_notify(int unsetEnvironment, String state);
    }

    private static final SystemdNotifier DISABLED = new SystemdNotifier(null, 0);

    private final Backend backend;
    private final long watchdogUsec;
    private int failures;

    SystemdNotifier(Backend backend, long watchdogUsec) {
        this.backend = backend;
        this.watchdogUsec = watchdogUsec;
    }

    /** A notifier that sends nothing. */
    public static SystemdNotifier disabled() { return DISABLED; }

    /** From this process's environment: $NOTIFY_SOCKET, $WATCHDOG_USEC, $WATCHDOG_PID. */
    public static SystemdNotifier fromEnvironment() {
        return fromEnvironment(System.getenv(), ProcessHandle.current().pid());
    }

    static SystemdNotifier fromEnvironment(Map<String, String> env, long pid) {
        String socket = env.get("NOTIFY_SOCKET");
        if (socket == null || socket.isEmpty()) return DISABLED;
        Backend backend;
        try {
            LibSystemd lib = load();
            backend = state -> lib.sd_notify(0, state);
        } catch (LinkageError | RuntimeException e) {
            LOG.warn("$NOTIFY_SOCKET is set but libsystemd.so.0 cannot be loaded ({}); systemd will not hear that mailtap is ready",
                    e.getMessage());
            return DISABLED;
        }
        return new SystemdNotifier(backend, watchdogUsec(env, pid));
    }

    private static LibSystemd load() {
        try {
            return Native.load("libsystemd.so.0", LibSystemd.class);
        } catch (UnsatisfiedLinkError e) {
            return Native.load("systemd", LibSystemd.class);
        }
    }

    /** $WATCHDOG_USEC when it is meant for this process ($WATCHDOG_PID unset or ours), else 0. */
    static long watchdogUsec(Map<String, String> env, long pid) {
        String usec = env.get("WATCHDOG_USEC");
        if (usec == null) return 0;
        String forPid = env.get("WATCHDOG_PID");
        try {
            if (forPid != null && !forPid.isEmpty() && Long.parseLong(forPid.trim()) != pid) return 0;
            long v = Long.parseLong(usec.trim());
            return Math.max(0, v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    public boolean enabled() { return backend != null; }

    /** How often to send WATCHDOG=1: half of $WATCHDOG_USEC; 0 when the watchdog is off. */
    public long watchdogIntervalNanos() {
        return watchdogUsec <= 0 ? 0 : TimeUnit.MICROSECONDS.toNanos(watchdogUsec) / 2;
    }

    public void ready(String status) { send("READY=1\nSTATUS=" + oneLine(status)); }

    /** Before a reload; {@link #ready} after it. MONOTONIC_USEC lets systemd ≥ 253 match the pair. */
    public void reloading() {
        send("RELOADING=1\nMONOTONIC_USEC=" + monotonicUsec());
    }

    public void stopping(String status) { send("STOPPING=1\nSTATUS=" + oneLine(status)); }

    public void watchdog() { send("WATCHDOG=1"); }

    public void status(String status) { send("STATUS=" + oneLine(status)); }

    /** CLOCK_MONOTONIC in microseconds (HotSpot's nanoTime on Linux reads that clock). */
    private static long monotonicUsec() { return System.nanoTime() / 1000; }

    private static String oneLine(String s) { return s.replace('\n', ' '); }

    void send(String state) {
        if (backend == null) return;
        try {
            int rc = backend.notify(state);
            if (rc < 0 && failures++ < 3) LOG.warn("sd_notify({}) failed: errno {}", state.lines().findFirst().orElse(""), -rc);
        } catch (RuntimeException | LinkageError e) {
            if (failures++ < 3) LOG.warn("sd_notify failed", e);
        }
    }
}
