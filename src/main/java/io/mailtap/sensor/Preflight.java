package io.mailtap.sensor;

import io.mailtap.capture.BpfFilters;
import io.mailtap.capture.CaptureException;
import io.mailtap.config.ConfigException;
import io.mailtap.config.MailtapConfig;
import io.mailtap.decode.LinkType;
import io.mailtap.metrics.MetricsEndpoint;

import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a loaded configuration must also pass before the live sensor opens anything: the checks
 * that need the machine (libpcap, the resolver, the file system) rather than the file alone.
 * {@code run} and {@code check-config} both apply exactly these, so a file check-config accepts
 * is one run starts with (and {@code systemctl reload}, which runs check-config first, refuses
 * what run would refuse).
 */
public final class Preflight {
    private Preflight() {}

    /** Every problem as {@code config error: <key>: <problem>}, or none. */
    public static List<String> problems(MailtapConfig cfg) {
        List<String> p = new ArrayList<>();
        filter(cfg.capture(), p);
        metrics(cfg.metrics(), p);
        outputDir(cfg.outputDir(), p);
        return p;
    }

    /** @throws ConfigException listing every problem */
    public static void check(MailtapConfig cfg) {
        List<String> p = problems(cfg);
        if (!p.isEmpty()) throw new ConfigException(p);
    }

    /**
     * An explicit filter is compiled for Ethernet, the link type of nearly every mirror port (the
     * interface's own type is only known once it is open); {@code auto} is built by mailtap.
     */
    private static void filter(MailtapConfig.Capture c, List<String> p) {
        if (c.autoFilter() || c.filter() == null || c.filter().isBlank()) return;
        try {
            BpfFilters.validate(c.filter(), LinkType.ETHERNET);
        } catch (CaptureException e) {
            p.add("config error: capture.filter: " + e.getMessage());
        }
    }

    private static void metrics(MailtapConfig.Metrics m, List<String> p) {
        if (m.listen() == null) return;
        try {
            MetricsEndpoint.parseListen(m.listen());
        } catch (UnknownHostException e) {
            p.add("config error: metrics.listen: cannot resolve the host of " + m.listen());
        } catch (IllegalArgumentException e) {
            p.add("config error: metrics.listen: " + e.getMessage());
        }
        readable("metrics.tls.cert", m.tls().cert(), p);
        readable("metrics.tls.key", m.tls().key(), p);
    }

    private static void readable(String key, String file, List<String> p) {
        if (file == null) return;
        Path f = Path.of(file);
        if (!Files.isRegularFile(f)) p.add("config error: " + key + ": " + file + ": no such file");
        else if (!Files.isReadable(f)) p.add("config error: " + key + ": " + file + ": not readable");
    }

    /** The directory, or the nearest existing ancestor it would be created in, must be a writable directory. */
    private static void outputDir(Path dir, List<String> p) {
        Path d = dir.toAbsolutePath().normalize();
        Path existing = d;
        while (existing != null && !Files.exists(existing)) existing = existing.getParent();
        if (existing == null) return;
        if (!Files.isDirectory(existing)) {
            p.add("config error: output.dir: " + dir + ": " + (existing.equals(d) ? "" : existing + " ")
                    + "is a file, not a directory");
        } else if (!Files.isWritable(existing)) {
            p.add("config error: output.dir: " + dir + ": " + (existing.equals(d) ? "" : existing + " ")
                    + "is not writable by this user");
        }
    }
}
