package io.mailtap.sensor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Watches the capture interface's link state (Linux {@code /sys/class/net/IFACE}) and says when it
 * goes down and when it comes back. libpcap keeps a handle on an interface that is set down and
 * simply delivers nothing (no error, no drop counted), so without this a sensor on a dead link
 * looks like a sensor on a quiet wire. One WARN per transition down, one INFO per return: at most
 * two lines per flap, so a flapping link cannot flood the log.
 */
final class InterfaceWatch implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(InterfaceWatch.class);
    private static final int IFF_UP = 0x1;

    private final String iface;
    private final Path sys;
    private final long intervalNanos;
    private volatile String down; // why the interface is not usable, or null while it is up

    InterfaceWatch(String iface, long intervalNanos) {
        this(iface, Path.of("/sys/class/net"), intervalNanos);
    }

    InterfaceWatch(String iface, Path sysClassNet, long intervalNanos) {
        this.iface = iface;
        this.sys = sysClassNet.resolve(iface);
        this.intervalNanos = intervalNanos;
    }

    /** Whether this platform shows the interface's state (Linux with /sys mounted); otherwise nothing to watch. */
    boolean watchable() {
        return Files.isDirectory(sys);
    }

    /** True unless the last check found the interface down or gone. */
    boolean up() {
        return down == null;
    }

    /** One check: logs a transition, returns why the interface is unusable (null: up). */
    String check() {
        String why = state();
        String was = down;
        if (why != null && was == null) {
            LOG.warn("capture interface '{}' went away ({}): no packets can be captured until it is back", iface, why);
        } else if (why == null && was != null) {
            LOG.info("capture interface '{}' is back up (was {}): capturing again", iface, was);
        }
        down = why;
        return why;
    }

    private String state() {
        if (!Files.isDirectory(sys)) return "removed";
        try {
            String flags = Files.readString(sys.resolve("flags")).trim();
            int f = Integer.decode(flags);
            if ((f & IFF_UP) == 0) return "set down";
            String oper = Files.readString(sys.resolve("operstate")).trim();
            // "unknown" is what lo and many virtual devices report while working
            if (oper.equals("down") || oper.equals("lowerlayerdown") || oper.equals("notpresent")) return "link " + oper;
            return null;
        } catch (IOException | NumberFormatException e) {
            return down; // unreadable for a moment (being removed): keep the last verdict
        }
    }

    @Override
    public void run() {
        while (!Thread.currentThread().isInterrupted()) {
            check();
            try {
                TimeUnit.NANOSECONDS.sleep(intervalNanos);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
