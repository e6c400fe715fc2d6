package io.mailtap.sensor;

import io.mailtap.capture.PacketSource;
import io.mailtap.config.MailtapConfig;
import io.mailtap.smtp.SmtpEventListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The live packet runtime around an assembly: per capture handle a {@link CaptureAgent} with its
 * own {@link FrameRing} and {@link WorkerAgent} per shard, and one {@link EventAgent} draining the
 * {@link EventChannel} into the consumers. With {@code capture.threads} N (a PACKET_FANOUT group,
 * issue 12) handle h owns workers {@code h*W/N .. (h+1)*W/N-1}; nothing is shared between handles
 * but the event channel. One handle ending (stop, interface gone, read error) breaks the others: a
 * sensor that silently watches only part of the wire would be worse than one that stops. It starts them consumers-first (so nothing produced
 * waits for a thread not yet running) and stops them producers-first, each with its bound: break
 * the capture read, let the workers drain their rings and flush every flow, let the event agent
 * write the last records and close the sinks.
 *
 * <pre>
 *  CaptureAgent ──ring 0──► WorkerAgent 0 (decode→flow→smtp, shard 0) ──┐
 *   (pcap read,  ──ring 1──► WorkerAgent 1 (decode→flow→smtp, shard 1) ──┼─► EventChannel ──► EventAgent
 *    shard by a                          ...                             │    (bounded,       smtp.jsonl, detection,
 *    symmetric hash)                                                     ┘     batching)      alert sinks
 * </pre>
 *
 * <ul>
 *   <li>{@link CaptureAgent}: reads, shards, copies into the rings — the one drop point; never waits.</li>
 *   <li>Capture threads ({@code capture.threads} N, issue 12): the opener returns N handles of one
 *   PACKET_FANOUT group ({@code capture.CaptureGroup}); {@link LiveRuntime} gives each its own
 *   capture agent, counters and workers/N of the workers. One handle ending ends them all.</li>
 *   <li>{@link WorkerAgent}s: each owns a pipeline of its shard, a ring, a heartbeat, and parks on
 *   an empty ring until the capture agent wakes it.</li>
 *   <li>{@link EventAgent} with {@link LiveDetection}: smtp.jsonl (flushed per line), detection,
 *   alert tracking and sinks. When it falls behind the workers wait, so packets drop (counted) at
 *   the rings rather than events being lost.</li>
 *   <li>The capture waker (here); {@link HealthAgent} (only under a systemd watchdog), the stats
 *   line and the interface watch beside it ({@link SensorWatchers}).</li>
 * </ul>
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
    private final List<PacketSource> sources;
    private final FrameRing[] rings;
    private final WorkerAgent[] workers;
    private final CaptureAgent[] captures;
    private final EventAgent eventAgent;
    private final long statsEveryNanos;
    private final List<AgentRunner.Running> workerRuns = new ArrayList<>();
    private final List<AgentRunner.Running> captureRuns = new ArrayList<>();
    private AgentRunner.Running eventRun;
    private AgentRunner.Running waker;

    /**
     * @param sources  the capture handles (one, or the handles of one fanout group)
     * @param counters one per handle, same order
     */
    LiveRuntime(AgentRunner runner, MailtapConfig.Capture cap, List<PacketSource> sources, SensorAssembly assembly,
                EventChannel channel, SmtpEventListener consumers, EventAgent.Between between, long pollNanos,
                PacketClock clock, List<SensorMetrics.CaptureCounters> counters) {
        this.runner = runner;
        this.sources = List.copyOf(sources);
        int n = cap.workers();
        int handles = this.sources.size();
        if (handles < 1 || counters.size() != handles || n % handles != 0) {
            throw new IllegalArgumentException(n + " workers for " + handles + " capture handles (" + counters.size() + " counters)");
        }
        long heartbeatNanos = Math.max(1, cap.heartbeat().toNanos());
        SensorAssembly.Pipelines pipelines = assembly.pipelines(n);
        rings = new FrameRing[n];
        workers = new WorkerAgent[n];
        statsEveryNanos = CaptureAgent.statsEveryNanos(heartbeatNanos);
        captures = new CaptureAgent[handles];
        int per = n / handles;
        for (int h = 0; h < handles; h++) {
            PacketSource source = this.sources.get(h);
            int arena = arenaBytes(cap.ringSize(), source.snaplen());
            for (int i = h * per; i < (h + 1) * per; i++) {
                rings[i] = new FrameRing(cap.ringSize(), arena);
                workers[i] = new WorkerAgent(i, rings[i], source.linkType(), pipelines, channel, clock, heartbeatNanos,
                        cap.timeoutMs() * 1000L);
            }
            captures[h] = new CaptureAgent(handles == 1 ? "mailtap-capture" : "mailtap-capture-" + h, h, source,
                    Arrays.copyOfRange(rings, h * per, (h + 1) * per), counters.get(h), statsEveryNanos, this::breakAll);
        }
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
        for (CaptureAgent c : captures) captureRuns.add(runner.add(c, IdleStrategy.NONE));
        try {
            runner.start(eventRun);
            for (AgentRunner.Running w : workerRuns) runner.start(w);
            for (AgentRunner.Running c : captureRuns) runner.start(c);
            waker = runner.start(wakers(), IdleStrategy.sleeping(statsEveryNanos));
        } catch (RuntimeException | Error e) {
            for (int h = 0; h < captures.length; h++) {
                if (captureRuns.get(h).isAlive()) {
                    captures[h].breakLoop(); // the capture agent closes its handle and its rings
                } else {
                    captures[h].closeUnstarted();
                }
            }
            throw e;
        }
    }

    /** Every capture agent's waker in one thread (one timer, not one per handle). */
    private Agent wakers() {
        Agent[] each = new Agent[captures.length];
        for (int h = 0; h < each.length; h++) each[h] = captures[h].waker();
        return new Agent() {
            @Override
            public String roleName() { return "mailtap-capture-wakeup"; }

            @Override
            public int doWork() throws Exception {
                boolean any = false;
                for (Agent a : each) any |= a.doWork() != DONE;
                return any ? 0 : DONE;
            }
        };
    }

    /** Breaks every handle's read (stop, or one handle ended by itself). */
    private void breakAll() {
        for (CaptureAgent c : captures) c.breakLoop();
    }

    /** Stops producers first, each within its bound; true if every agent finished in time. */
    boolean stop() {
        boolean clean = true;
        breakAll();
        long captureDeadline = System.nanoTime() + STOP_CAPTURE.toNanos();
        boolean captureEnded = true;
        for (AgentRunner.Running c : captureRuns) {
            captureEnded &= c.join(Duration.ofNanos(Math.max(1, captureDeadline - System.nanoTime())));
        }
        if (!captureEnded) {
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

    /** Every capture agent, every worker and the event agent are alive. */
    boolean healthy() {
        if (captureRuns.isEmpty() || eventRun == null || !eventRun.isAlive()) return false;
        for (AgentRunner.Running c : captureRuns) if (!c.isAlive()) return false;
        for (AgentRunner.Running w : workerRuns) if (!w.isAlive()) return false;
        return true;
    }

    /** Frames dropped at the rings (the one drop point). */
    long ringDrops() {
        long d = 0;
        for (FrameRing r : rings) d += r.dropped();
        return d;
    }

    /** Frames dropped at the rings of capture handle {@code h}'s workers. */
    long ringDrops(int h) {
        int per = rings.length / captures.length;
        long d = 0;
        for (int i = h * per; i < (h + 1) * per; i++) d += rings[i].dropped();
        return d;
    }

    /** Why the capture ended by itself (interface gone, read error, an agent failed), or null: the first handle's reason. */
    String failure() {
        for (int h = 0; h < captureRuns.size(); h++) {
            Throwable t = captureRuns.get(h).failure();
            if (t != null) return (captures.length == 1 ? "" : "capture handle " + h + ": ") + "capture thread failed: " + t;
            String f = captures[h].failure();
            if (f != null) return (captures.length == 1 ? "" : "capture handle " + h + ": ") + f;
        }
        return null;
    }

    /** One capture agent per handle. */
    List<CaptureAgent> captures() { return List.of(captures); }

    /** The number of capture handles. */
    int handles() { return captures.length; }
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
