package io.mailtap.sensor;

import io.mailtap.capture.LiveSource;
import io.mailtap.capture.PacketSource;
import io.mailtap.config.MailtapConfig;
import io.mailtap.metrics.MailtapMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The agents beside the pipeline: the interface watch, the systemd watchdog and the stats line.
 * None of them touches a packet, so they start after READY=1 (WATCHDOG=1 must not come before it)
 * and stop after the pipeline drained (the last stats line still reads a live runtime).
 */
final class SensorWatchers {
    /** The stats line's own logger, so it can be routed or silenced apart from the sensor's log. */
    private static final Logger STATS = LoggerFactory.getLogger("io.mailtap.stats");

    private final AgentRunner runner;
    private final List<AgentRunner.Running> running = new ArrayList<>();

    SensorWatchers(AgentRunner runner) {
        this.runner = runner;
    }

    /** Starts the helpers {@code cfg} and the environment ask for. */
    void start(MailtapConfig cfg, PacketSource first, SystemdNotifier notifier, LiveRuntime runtime,
               BooleanSupplier healthy, MailtapMetrics metrics) {
        MailtapConfig.Capture cap = cfg.capture();
        if (first instanceof LiveSource) {
            InterfaceWatch watch = new InterfaceWatch(cap.iface(), Math.max(TimeUnit.MILLISECONDS.toNanos(200), cap.heartbeat().toNanos()));
            if (watch.watchable()) running.add(runner.start(once("mailtap-interface", watch), IdleStrategy.NONE));
        }
        if (notifier.watchdogIntervalNanos() > 0) {
            running.add(runner.start(new HealthAgent(notifier, runtime.captures(), runtime.workerRuns(), healthy),
                    IdleStrategy.sleeping(notifier.watchdogIntervalNanos())));
        }
        Duration every = cfg.output().statsInterval();
        if (!every.isZero()) {
            StatsLine line = new StatsLine();
            running.add(runner.start(new Agent() {
                private boolean first = true; // the first line after one interval

                @Override
                public String roleName() { return "mailtap-stats"; }

                @Override
                public int doWork() {
                    if (!first) STATS.info(line.next(metrics.refresh()));
                    first = false;
                    return 0;
                }
            }, IdleStrategy.sleeping(every.toNanos())));
        }
    }

    /** Stops every helper, then waits for each (bounded). */
    void stop() {
        for (AgentRunner.Running h : running) h.stop();
        for (AgentRunner.Running h : running) h.join(Duration.ofSeconds(1));
    }

    /** An agent that runs {@code body} once (it loops until interrupted by its own design). */
    private static Agent once(String name, Runnable body) {
        return new Agent() {
            @Override
            public String roleName() { return name; }

            @Override
            public int doWork() {
                body.run();
                return DONE;
            }
        };
    }
}
