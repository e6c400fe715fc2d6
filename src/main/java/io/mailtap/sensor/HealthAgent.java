package io.mailtap.sensor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The systemd watchdog (only when $WATCHDOG_USEC is set, and only after READY=1): once an interval
 * (half of $WATCHDOG_USEC) it sends WATCHDOG=1 while every agent is alive and making progress — the
 * capture agents read (or sit in a read on a quiet wire) and every worker loops (a parked worker
 * still wakes at least every {@link WorkerAgent#MAX_PARK_NANOS}). A hung or dead thread stops the
 * petting, so systemd restarts the sensor.
 */
final class HealthAgent implements Agent {
    private static final Logger LOG = LoggerFactory.getLogger(HealthAgent.class);

    private final SystemdNotifier notifier;
    private final List<CaptureAgent> captures;
    private final List<AgentRunner.Running> workers;
    private final BooleanSupplier alive;
    private final long[] lastCapture;
    private final long[] lastWorker;
    private boolean warned;

    /** @param alive every agent of the sensor is alive */
    HealthAgent(SystemdNotifier notifier, List<CaptureAgent> captures, List<AgentRunner.Running> workers, BooleanSupplier alive) {
        this.notifier = notifier;
        this.captures = List.copyOf(captures);
        this.workers = List.copyOf(workers);
        this.alive = alive;
        this.lastCapture = new long[captures.size()];
        this.lastWorker = new long[workers.size()];
        java.util.Arrays.fill(lastCapture, -1);
    }

    @Override
    public String roleName() { return "mailtap-health"; }

    @Override
    public int doWork() {
        boolean progress = true;
        for (int i = 0; i < lastCapture.length; i++) {
            CaptureAgent c = captures.get(i);
            long reads = c.reads();
            if (reads == lastCapture[i] && !c.inRead()) progress = false; // blocked in a read on a quiet wire is fine
            lastCapture[i] = reads;
        }
        for (int i = 0; i < lastWorker.length; i++) {
            long w = workers.get(i).loops();
            if (w == lastWorker[i]) progress = false;
            lastWorker[i] = w;
        }
        if (alive.getAsBoolean() && progress) {
            notifier.watchdog();
            warned = false;
        } else if (!warned) {
            LOG.error("sensor unhealthy (a thread died or stopped making progress); not petting the systemd watchdog");
            warned = true;
        }
        return 0;
    }
}
