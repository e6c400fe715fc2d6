package io.mailtap.sensor;

import io.mailtap.capture.PacketSource;
import io.mailtap.config.MailtapConfig;
import io.mailtap.smtp.SmtpEventListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The live packet runtime around an assembly, on one capture handle: its {@link CaptureAgent}, a
 * {@link FrameRing} and {@link WorkerAgent} per shard, and the {@link EventAgent} draining the
 * {@link EventChannel} into the consumers. It starts them consumers-first (so nothing produced
 * waits for a thread not yet running) and stops them producers-first, each with its bound: break
 * the capture read, let the workers drain their rings and flush every flow, let the event agent
 * write the last records and close the sinks.
 */
final class LiveRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(LiveRuntime.class);
    /** Arena bytes per ring slot: frames average well under this on a mail link (ACKs, MTU-sized data). */
    static final int ARENA_BYTES_PER_SLOT = 1024;
    static final Duration STOP_CAPTURE = Duration.ofSeconds(5);
    static final Duration STOP_WORKERS = Duration.ofSeconds(10);
    /** The event agent's last job is closing the sinks, which drain within their own timeouts. */
    static final Duration STOP_EVENTS = Duration.ofSeconds(20);

    private final AgentRunner runner;
    private final PacketSource source;
    private final FrameRing[] rings;
    private final WorkerAgent[] workers;
    private final CaptureAgent capture;
    private final EventAgent eventAgent;
    private final long statsEveryNanos;
    private final List<AgentRunner.Running> workerRuns = new ArrayList<>();
    private AgentRunner.Running captureRun;
    private AgentRunner.Running eventRun;
    private AgentRunner.Running waker;

    LiveRuntime(AgentRunner runner, MailtapConfig.Capture cap, PacketSource source, SensorAssembly assembly,
                EventChannel channel, SmtpEventListener consumers, EventAgent.Between between, long pollNanos,
                PacketClock clock, SensorMetrics.CaptureCounters counters) {
        this.runner = runner;
        this.source = source;
        int n = cap.workers();
        long heartbeatNanos = Math.max(1, cap.heartbeat().toNanos());
        int arena = arenaBytes(cap.ringSize(), source.snaplen());
        SensorAssembly.Pipelines pipelines = assembly.pipelines(n);
        rings = new FrameRing[n];
        workers = new WorkerAgent[n];
        for (int i = 0; i < n; i++) {
            rings[i] = new FrameRing(cap.ringSize(), arena);
            workers[i] = new WorkerAgent(i, rings[i], source.linkType(), pipelines, channel, clock, heartbeatNanos,
                    cap.timeoutMs() * 1000L);
        }
        statsEveryNanos = CaptureAgent.statsEveryNanos(heartbeatNanos);
        capture = new CaptureAgent("mailtap-capture", source, rings, counters, statsEveryNanos);
        eventAgent = new EventAgent(channel, consumers, between, pollNanos);
    }

    /** Arena bytes per ring: ARENA_BYTES_PER_SLOT per slot, at least 1 MiB and 4 full frames, at most 1 GiB. */
    static int arenaBytes(int ringSize, int snaplen) {
        long want = (long) ringSize * ARENA_BYTES_PER_SLOT;
        long min = Math.max(1L << 20, 4L * Math.max(snaplen, 1));
        return (int) Math.min(1L << 30, Math.max(want, min));
    }

    /**
     * Starts the event agent, the workers, then the capture agent and its waker. If a thread cannot
     * be started (out of native threads) what runs is wound down and the error thrown.
     */
    void start() {
        eventRun = runner.add(eventAgent, IdleStrategy.NONE);
        for (WorkerAgent w : workers) workerRuns.add(runner.add(w, w.idleStrategy()));
        captureRun = runner.add(capture, IdleStrategy.NONE);
        try {
            runner.start(eventRun);
            for (AgentRunner.Running w : workerRuns) runner.start(w);
            runner.start(captureRun);
            waker = runner.start(capture.waker(), IdleStrategy.sleeping(statsEveryNanos));
        } catch (RuntimeException | Error e) {
            if (captureRun.isAlive()) {
                capture.breakLoop(); // the capture agent closes the handle and the rings
            } else {
                source.close();
                for (FrameRing r : rings) r.close();
            }
            throw e;
        }
    }

    /** Stops producers first, each within its bound; true if every agent finished in time. */
    boolean stop() {
        boolean clean = true;
        capture.breakLoop();
        if (!captureRun.join(STOP_CAPTURE)) {
            LOG.error("the capture thread did not return from libpcap within {} s; stopping the workers anyway",
                    STOP_CAPTURE.toSeconds());
            for (WorkerAgent w : workers) w.abort();
            clean = false;
        }
        long deadline = System.nanoTime() + STOP_WORKERS.toNanos();
        for (AgentRunner.Running w : workerRuns) {
            if (!w.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) clean = false;
        }
        if (!clean) {
            for (WorkerAgent w : workers) w.abort();
            for (AgentRunner.Running w : workerRuns) w.join(Duration.ofSeconds(2));
        }
        if (!eventRun.join(STOP_EVENTS)) {
            LOG.error("the event thread did not finish within {} s (alert sinks still draining?); exiting anyway",
                    STOP_EVENTS.toSeconds());
            clean = false;
        }
        if (waker != null) {
            waker.stop();
            waker.join(Duration.ofSeconds(1));
        }
        return clean;
    }

    /** The capture agent, every worker and the event agent are alive. */
    boolean healthy() {
        if (captureRun == null || !captureRun.isAlive() || !eventRun.isAlive()) return false;
        for (AgentRunner.Running w : workerRuns) if (!w.isAlive()) return false;
        return true;
    }

    /** Frames dropped at the rings (the one drop point). */
    long ringDrops() {
        long d = 0;
        for (FrameRing r : rings) d += r.dropped();
        return d;
    }

    /** Why the capture ended by itself (interface gone, read error, the agent failed), or null. */
    String failure() {
        Throwable t = captureRun == null ? null : captureRun.failure();
        return t != null ? "capture thread failed: " + t : capture.failure();
    }

    CaptureAgent capture() { return capture; }
    List<AgentRunner.Running> workerRuns() { return List.copyOf(workerRuns); }
    AgentRunner.Running eventRun() { return eventRun; }
    WorkerAgent[] workers() { return workers.clone(); }
    FrameRing[] rings() { return rings.clone(); }

    List<PacketPipeline> shards() {
        List<PacketPipeline> l = new ArrayList<>(workers.length);
        for (WorkerAgent w : workers) l.add(w.pipeline());
        return l;
    }
}
