package io.mailtap.sensor;

import io.mailtap.alert.AlertSink;
import io.mailtap.alert.MonitoredSink;
import io.mailtap.config.ConfigException;
import io.mailtap.config.ConfigLoader;
import io.mailtap.config.MailtapConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A live reload (SIGHUP): re-reads the configuration file; a valid file takes effect without
 * losing flow state — detection and alert settings are rebuilt off the event thread and swapped in
 * between two batches ({@link LiveDetection#swap}); keys that need a restart are logged and keep
 * their running value ({@link ReloadPlan}). An invalid file is logged in one line and the running
 * configuration stays. Counted in {@code mailtap_config_reloads_total{result}}.
 */
final class Reloader {
    private static final Logger LOG = LoggerFactory.getLogger(Reloader.class);
    static final Duration RELOAD_SWAP = Duration.ofSeconds(10);

    private final MailtapConfig started;
    private final Path configFile;
    private final SinkFactory sinkFactory;
    private final DetectionSlot detection;
    private final LiveDetection events;
    private volatile MailtapConfig applied;
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile boolean lastOk = true;

    Reloader(MailtapConfig started, Path configFile, SinkFactory sinkFactory, DetectionSlot detection, LiveDetection events) {
        this.started = started;
        this.applied = started;
        this.configFile = configFile;
        this.sinkFactory = sinkFactory;
        this.detection = detection;
        this.events = events;
    }

    /** @return true if the new configuration was accepted */
    synchronized boolean reload() {
        if (configFile == null) return failed("the sensor was started without --config");
        MailtapConfig next;
        try {
            next = ConfigLoader.load(configFile);
        } catch (ConfigException e) {
            return failed(oneLine(e.getMessage()));
        }
        ReloadPlan plan = ReloadPlan.of(started, applied, next);
        if (plan.detectionChanged()) {
            DetectionSlot.Generation g;
            try {
                g = prepare(plan, next);
            } catch (IOException | RuntimeException e) {
                return failed("cannot set up alerting: " + oneLine(String.valueOf(e.getMessage())));
            }
            DetectionSlot.Generation old;
            try {
                old = awaitSwap(events.swap(g));
            } catch (IllegalStateException e) {
                g.change.discard();
                return failed(e.getMessage());
            }
            closeReplaced(old, g.change);
        }
        applied = next;
        ok.incrementAndGet();
        lastOk = true;
        for (String k : plan.needsRestart()) {
            LOG.warn("config reload: {} changed; it takes effect after a restart (the running value is kept)", k);
        }
        LOG.info("config reloaded from {}: {}", configFile,
                plan.detectionChanged() ? "detection and alert settings applied (open alerts and unchanged rules keep their state)"
                        : "no live setting changed");
        for (String w : next.warnings()) LOG.warn("config: {}", w);
        return true;
    }

    private DetectionSlot.Generation awaitSwap(CompletableFuture<DetectionSlot.Generation> swapped) {
        try {
            return swapped.get(RELOAD_SWAP.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            if (events.withdraw(swapped)) throw new IllegalStateException("the event thread did not take the new settings in time");
            return swapped.join(); // taken just now
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (events.withdraw(swapped)) throw new IllegalStateException("interrupted");
            return swapped.join();
        }
    }

    /**
     * The running detection after {@code plan}: only the sinks whose settings changed are opened;
     * rule state and open alerts stay (applied on the event thread, {@link Detection.Change}).
     */
    private DetectionSlot.Generation prepare(ReloadPlan plan, MailtapConfig next) throws IOException {
        DetectionSlot.Generation cur = detection.current();
        List<AlertSink> extra = plan.alertSinksChanged() ? sinkFactory.create(next) : null;
        Detection.Change change;
        try {
            change = cur.detection.prepare(next, started.outputDir(), true, extra);
        } catch (IOException | RuntimeException e) {
            if (extra != null) for (AlertSink s : extra) s.close();
            throw e;
        }
        List<MonitoredSink> monitored = new ArrayList<>();
        if (extra == null) monitored.addAll(cur.sinks);
        else for (AlertSink s : extra) if (s instanceof MonitoredSink m) monitored.add(m);
        return new DetectionSlot.Generation(cur.detection, change, next, monitored);
    }

    /** Closes (drains) the sinks a reload replaced, then folds the old generation's counters. */
    private void closeReplaced(DetectionSlot.Generation old, Detection.Change change) {
        for (AlertSink s : change.replaced()) {
            try {
                s.close();
            } catch (RuntimeException e) {
                LOG.warn("closing a replaced alert sink failed", e);
            }
        }
        if (!change.disabled().isEmpty()) LOG.info("config reload: rules switched off, their open alerts resolved: {}", change.disabled());
        detection.retired(old);
    }

    boolean failed(String why) {
        failed.incrementAndGet();
        lastOk = false;
        LOG.error("config reload failed, keeping the running configuration: {}", why);
        return false;
    }

    private static String oneLine(String s) {
        return s.strip().replaceAll("\\s*[\\r\\n]+\\s*", "; ");
    }

    MailtapConfig applied() { return applied; }
    long succeeded() { return ok.get(); }
    long failedCount() { return failed.get(); }
    boolean lastOk() { return lastOk; }
}
