package io.mailtap.sensor;

import io.mailtap.smtp.SmtpCounter;
import io.mailtap.alert.AlertSink;
import io.mailtap.alert.MonitoredSink;
import io.mailtap.capture.CaptureException;
import io.mailtap.capture.CaptureStats;
import io.mailtap.capture.LiveSource;
import io.mailtap.capture.PacketSource;
import io.mailtap.capture.RawFrame;
import io.mailtap.config.ConfigException;
import io.mailtap.config.ConfigLoader;
import io.mailtap.config.MailtapConfig;
import io.mailtap.decode.DecodeStats;
import io.mailtap.decode.FrameDecoder;
import io.mailtap.decode.PacketView;
import io.mailtap.flow.FlowSettings;
import io.mailtap.log.Output;
import io.mailtap.log.OutputHealth;
import io.mailtap.log.RecordFile;
import io.mailtap.log.ReopenRequest;
import io.mailtap.log.AnomalyLogWriter;
import io.mailtap.log.TransactionLogWriter;
import io.mailtap.metrics.MailtapMetrics;
import io.mailtap.metrics.MetricsEndpoint;
import io.mailtap.metrics.SensorTotals;
import io.mailtap.smtp.SmtpEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live sensor ({@code mailtap run}): one capture thread, {@code capture.workers} worker
 * threads, one event thread, and the metrics endpoint.
 *
 * <pre>
 *  capture thread ──ring 0──► worker 0 (decode→flow→smtp, shard 0) ──┐
 *   (pcap read,    ──ring 1──► worker 1 (decode→flow→smtp, shard 1) ──┼─► event queue ──► event thread
 *    shard by a                          ...                          │    (bounded)      smtp.jsonl, detection,
 *    symmetric hash)                                                  ┘                   alert sinks
 * </pre>
 *
 * <ul>
 *   <li><b>Capture thread</b>: reads packets, picks the worker by a symmetric hash of the 5-tuple
 *   and VLAN tags (both directions of a connection go to the same worker; the frame is decoded
 *   there just to find the tuple), and copies the frame into that worker's {@link FrameRing}. A
 *   full ring drops the packet and counts it — the sensor's <em>one</em> drop point
 *   ({@code mailtap_capture_packets_dropped_total{where="ring"}}); the capture thread never waits.
 *   It alone calls pcap_stats (not thread-safe) about once a heartbeat, into volatile fields. On
 *   an idle wire it sits in {@code pcap_next_ex}; {@link #stop} breaks that with pcap_breakloop,
 *   and a small timer thread wakes it ({@code PacketSource.wakeUp}) once a stats interval when it
 *   has been stuck in one read, so the pcap counters do not freeze on a quiet wire.</li>
 *   <li><b>Capture threads</b> (fanout, issue 12): with {@code capture.threads} N the opener
 *   returns N handles of one PACKET_FANOUT group ({@code capture.CaptureGroup}); handle h has its
 *   own capture thread, counters and the workers {@code h*W/N .. (h+1)*W/N-1}, and the thread
 *   works exactly as above on that slice. One handle ending breaks the others.</li>
 *   <li><b>Workers</b> ({@link Worker}): each owns a {@link PacketPipeline} with its share of
 *   {@code flow.max_flows} and {@code flow.max_buffered_bytes_total}, and advances its packet
 *   time with a heartbeat when its ring is idle.</li>
 *   <li><b>Event thread</b> ({@link EventLoop}): smtp.jsonl (flushed per line), detection, alert
 *   tracking and sinks. When it falls behind, workers wait for room in its queue, so packets are
 *   dropped (and counted) at the rings rather than events being lost.</li>
 *   <li><b>Health thread</b> (only under a systemd watchdog): sends WATCHDOG=1 at half of
 *   $WATCHDOG_USEC while every thread is alive and making progress.</li>
 * </ul>
 *
 * <p>{@link #reload()} (SIGHUP) and {@link #stop()} (SIGTERM/SIGINT) are plain methods, so tests
 * drive them without signals; {@link SensorSignals} wires the signals. What a reload changes live
 * and what needs a restart: {@link ReloadPlan}.
 */
public final class LiveSensor {
    private static final Logger LOG = LoggerFactory.getLogger(LiveSensor.class);
    /** The stats line's own logger, so it can be routed or silenced apart from the sensor's log. */
    private static final Logger STATS = LoggerFactory.getLogger("io.mailtap.stats");

    /** Arena bytes per ring slot: frames average well under this on a mail link (ACKs, MTU-sized data). */
    static final int ARENA_BYTES_PER_SLOT = 1024;
    static final Duration STOP_CAPTURE = Duration.ofSeconds(5);
    static final Duration STOP_WORKERS = Duration.ofSeconds(10);
    /** The event thread's last job is closing the sinks, which drain within their own timeouts. */
    static final Duration STOP_EVENTS = Duration.ofSeconds(20);
    static final Duration RELOAD_SWAP = Duration.ofSeconds(10);

    private enum State { NEW, STARTING, RUNNING, STOPPING, STOPPED }

    private final MailtapConfig started;
    private final Path configFile;
    private final String version;
    private final CaptureOpener opener;
    private final SinkFactory sinkFactory;
    private final SystemdNotifier notifier;

    private final Object lifecycle = new Object();
    private State state = State.NEW;                       // guarded by lifecycle
    private CompletableFuture<Boolean> stopped;            // guarded by lifecycle
    private final Object reloadLock = new Object();
    private volatile MailtapConfig applied;
    private final AtomicLong reloadsOk = new AtomicLong();
    private final AtomicLong reloadsFailed = new AtomicLong();
    private volatile boolean lastReloadOk = true;

    // Built by start().
    // fanout (issue 12): capture.threads handles, each with its own capture thread and workers/threads workers
    private PacketSource[] sources;
    private int fanoutGroup = -1;
    private String filter;
    private int linkType;
    private FrameRing[] rings;
    private Worker[] workers;
    private BlockingQueue<SmtpEvent> events;
    private EventLoop eventLoop;
    private DetectionSlot detection;
    private SensorMetrics metricsSource;
    private MailtapMetrics metrics;
    private MetricsEndpoint endpoint;
    private volatile Thread[] captureThreads; // assigned last: its volatile write publishes the other threads
    private Thread[] workerThreads;
    private Thread eventThread;
    private Thread healthThread;
    private Thread interfaceThread;
    private Thread wakeThread;
    private Thread statsThread;
    private SensorMetrics.CaptureCounters[] captureCounters; // one per handle
    /** Write counters of smtp.jsonl and alerts.jsonl, across reloads. */
    private final OutputHealth outputs = new OutputHealth();
    /** output.stdout / output.syslog of this run (restart to change); closed after the event thread. */
    private volatile io.mailtap.log.Forwarding forwarding;
    /** Log rotation: bumped by {@link #reopenOutputs()}, followed by the event thread's writers. */
    private final ReopenRequest rotation = new ReopenRequest();

    /** A capture thread's progress, for the watchdog and the wake-up timer (hints, not synchronisation). */
    private static final class CaptureProgress {
        final AtomicLong loops = new AtomicLong(); // opaque stores: no fence on the packet path
        volatile boolean inRead;
        boolean startReported; // capture thread only
    }

    private CaptureProgress[] progress; // one per handle
    private volatile String failure;

    /**
     * The live sensor on {@code cfg.capture().interface}.
     *
     * @param configFile the file {@code cfg} came from, re-read by {@link #reload()}; null: reload fails
     * @param version    the build's version (for the log and {@code mailtap_build_info})
     */
    public LiveSensor(MailtapConfig cfg, Path configFile, String version) {
        this(cfg, configFile, version, CaptureOpener.live(cfg), SinkFactory.standard(), SystemdNotifier.fromEnvironment());
    }

    LiveSensor(MailtapConfig cfg, Path configFile, String version, CaptureOpener opener, SinkFactory sinkFactory,
               SystemdNotifier notifier) {
        this.started = cfg;
        this.applied = cfg;
        this.configFile = configFile;
        this.version = version;
        this.opener = opener;
        this.sinkFactory = c -> {
            // every generation of alert sinks also hands its notifications to the run's forwarders
            List<AlertSink> l = new ArrayList<>(sinkFactory.create(c));
            if (forwarding != null) l.add(new io.mailtap.alert.ForwardedAlerts(forwarding));
            return l;
        };
        this.notifier = notifier;
    }

    // ================================================================== start

    /**
     * Opens the capture, the outputs and the metrics endpoint, starts every thread, and tells
     * systemd READY=1. On failure everything opened so far is closed again.
     */
    public void start() throws SensorException {
        synchronized (lifecycle) {
            if (state != State.NEW) throw new IllegalStateException("start() called twice");
            state = State.STARTING;
        }
        MailtapConfig cfg = started;
        MailtapConfig.Capture cap = cfg.capture();
        CaptureOpener.Opened opened;
        try {
            opened = opener.open();
        } catch (CaptureException e) {
            setState(State.STOPPED);
            throw SensorException.capture(cap.iface(), e);
        }
        sources = opened.sources().toArray(PacketSource[]::new);
        fanoutGroup = opened.fanoutGroup();
        filter = opened.filter();
        linkType = sources[0].linkType();
        captureCounters = new SensorMetrics.CaptureCounters[sources.length];
        progress = new CaptureProgress[sources.length];
        for (int h = 0; h < sources.length; h++) {
            captureCounters[h] = new SensorMetrics.CaptureCounters();
            progress[h] = new CaptureProgress();
        }
        TransactionLogWriter log = null;
        AnomalyLogWriter anomalies = null;
        DetectionSlot.Generation generation = null;
        boolean threadsStarted = false;
        try {
            Path outDir = cfg.outputDir();
            Path logPath = outDir.resolve(Replay.TRANSACTION_LOG);
            try {
                Files.createDirectories(outDir);
                forwarding = ForwardingSinks.create(cfg);
                log = new TransactionLogWriter(RecordFile.open(Output.SMTP, logPath, true, outputs.of(Output.SMTP))
                        .reopenOn(rotation), cfg.sensor().name());
                anomalies = new AnomalyLogWriter(RecordFile.open(Output.ANOMALIES, outDir.resolve(Replay.ANOMALY_LOG), true,
                        outputs.of(Output.ANOMALIES)).reopenOn(rotation), cfg.sensor().name());
                log.forwardTo(forwarding);
                anomalies.forwardTo(forwarding);
                generation = buildGeneration(cfg);
            } catch (IOException e) {
                String why = e instanceof java.nio.file.AccessDeniedException ? "permission denied: " + e.getMessage() : e.toString();
                throw new SensorException("cannot write the outputs in " + outDir.toAbsolutePath() + " (output.dir): " + why, false, e);
            } catch (RuntimeException e) {
                throw new SensorException("cannot set up alerting: " + e.getMessage(), false, e);
            }
            detection = new DetectionSlot(generation);

            int n = cap.workers();
            long heartbeatNanos = Math.max(1, cap.heartbeat().toNanos());
            long lagMicros = cap.timeoutMs() * 1000L;
            if (n % sources.length != 0) throw new IllegalStateException(n + " workers for " + sources.length + " capture handles");
            int arena = arenaBytes(cap.ringSize(), sources[0].snaplen());
            events = new ArrayBlockingQueue<>(cap.eventQueueSize());
            eventLoop = new EventLoop(events, log, anomalies, detection, heartbeatNanos); // closes logs and generation when it ends
            FlowSettings share = shardFlowSettings(cfg.flowSettings(), n);
            rings = new FrameRing[n];
            workers = new Worker[n];
            List<PacketPipeline> pipelines = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                rings[i] = new FrameRing(cap.ringSize(), arena);
                workers[i] = new Worker(i, rings[i], linkType, share, cfg.smtpSettings(), events, eventLoop,
                        heartbeatNanos, lagMicros);
                pipelines.add(workers[i].pipeline());
            }
            eventLoop.setWorkers(workers);

            metricsSource = new SensorMetrics(pipelines, detection);
            metricsSource.capture = captureCounters;
            metricsSource.handleRingDrops = h -> {
                long d = 0;
                for (FrameRing r : handleRings(h)) d += r.dropped();
                return d;
            };
            metricsSource.ringDrops = () -> {
                long d = 0;
                for (FrameRing r : rings) d += r.dropped();
                return d;
            };
            metricsSource.eventQueueDepth = events::size;
            metricsSource.reloadsSuccess = reloadsOk::get;
            metricsSource.reloadsFailure = reloadsFailed::get;
            metricsSource.lastReloadSuccessful = () -> lastReloadOk;
            metricsSource.packetTimeMicros = eventLoop::slowestWorkerTime;
            metricsSource.healthy = this::healthy;
            metricsSource.outputs = outputs;
            metricsSource.forwarding = forwarding;
            metrics = new MailtapMetrics(metricsSource, version, cfg.sensor().name(), cfg.sensor().site());
            if (cfg.metrics().listen() != null) endpoint = startEndpoint(cfg.metrics());

            eventThread = thread("mailtap-events", eventLoop);
            workerThreads = new Thread[n];
            for (int i = 0; i < n; i++) workerThreads[i] = thread("mailtap-worker-" + i, workers[i]);
            Thread[] capture = new Thread[sources.length];
            for (int h = 0; h < capture.length; h++) {
                int handle = h;
                capture[h] = thread(capture.length == 1 ? "mailtap-capture" : "mailtap-capture-" + h, () -> captureLoop(handle));
            }
            captureThreads = capture;
            threadsStarted = true;
            eventThread.start();
            for (Thread t : workerThreads) t.start();
            for (Thread t : capture) t.start();
            wakeThread = thread("mailtap-capture-wakeup", this::captureWakeLoop);
            wakeThread.start();
        } catch (SensorException | RuntimeException e) {
            if (endpoint != null) endpoint.close();
            if (threadsStarted) { // a Thread.start failed (out of native threads): wind down what runs
                for (int h = 0; h < sources.length; h++) {
                    if (captureThreads[h].isAlive()) {
                        sources[h].breakLoop(); // the capture thread closes the handle and the rings
                    } else {
                        sources[h].close();
                        for (FrameRing r : handleRings(h)) r.close();
                    }
                }
            } else {
                if (log != null) closeQuietly(log);
                if (anomalies != null) closeQuietly(anomalies);
                if (generation != null) closeGeneration(generation);
                if (forwarding != null) forwarding.close();
                for (PacketSource src : sources) src.close();
            }
            setState(State.STOPPED);
            throw e;
        }
        setState(State.RUNNING);
        String line = "mailtap " + version + " running: interface '" + cap.iface() + "' (link type " + linkType + ")"
                + ", filter '" + (filter == null ? "" : filter) + "'"
                + ", " + workers.length + (workers.length == 1 ? " worker" : " workers")
                + (sources.length == 1 ? "" : " behind " + sources.length + " capture threads (PACKET_FANOUT group " + fanoutGroup + ")")
                + " (ring " + rings[0].capacity() + " frames / " + (rings[0].arenaBytes() >> 20) + " MiB each)"
                + ", heartbeat " + cap.heartbeat().toMillis() + " ms"
                + ", metrics " + (endpoint == null ? "off" : endpoint.url())
                + ", output " + cfg.outputDir().toAbsolutePath().normalize();
        LOG.info(line);
        for (String w : cfg.warnings()) LOG.warn("config: {}", w);
        notifier.ready("capturing on " + cap.iface());
        if (sources[0] instanceof LiveSource) {
            InterfaceWatch watch = new InterfaceWatch(cap.iface(), Math.max(TimeUnit.MILLISECONDS.toNanos(200), cap.heartbeat().toNanos()));
            if (watch.watchable()) {
                interfaceThread = thread("mailtap-interface", watch);
                interfaceThread.start();
            }
        }
        if (notifier.watchdogIntervalNanos() > 0) { // WATCHDOG=1 only after READY=1
            healthThread = thread("mailtap-health", this::healthLoop);
            healthThread.start();
        }
        Duration statsEvery = cfg.output().statsInterval();
        if (!statsEvery.isZero()) {
            statsThread = thread("mailtap-stats", () -> statsLoop(statsEvery));
            statsThread.start();
        }
    }

    private MetricsEndpoint startEndpoint(MailtapConfig.Metrics m) throws SensorException {
        MetricsEndpoint.Settings s = new MetricsEndpoint.Settings(m.listen(), m.path(), m.basicAuth().username(),
                m.basicAuth().password(), m.tls().cert() == null ? null : Path.of(m.tls().cert()),
                m.tls().key() == null ? null : Path.of(m.tls().key()));
        try {
            return MetricsEndpoint.start(s, metrics);
        } catch (GeneralSecurityException e) {
            throw new SensorException("cannot load metrics.tls: " + e.getMessage(), true, e);
        } catch (IOException e) {
            boolean tlsFile = e instanceof java.nio.file.NoSuchFileException || e instanceof java.nio.file.AccessDeniedException;
            throw new SensorException((tlsFile ? "cannot read metrics.tls file " : "cannot listen on metrics.listen " + m.listen() + ": ")
                    + e.getMessage(), tlsFile, e);
        }
    }

    /** The alert stage of {@code cfg}: detection, tracker, alert log and the configured sinks. */
    private DetectionSlot.Generation buildGeneration(MailtapConfig cfg) throws IOException {
        List<AlertSink> extra = sinkFactory.create(cfg);
        Detection d;
        try {
            d = Detection.build(cfg, started.outputDir(), true, extra, outputs.of(Output.ALERTS), rotation);
        } catch (IOException | RuntimeException e) {
            for (AlertSink s : extra) s.close();
            throw e;
        }
        List<MonitoredSink> monitored = new ArrayList<>();
        for (AlertSink s : extra) if (s instanceof MonitoredSink m) monitored.add(m);
        return new DetectionSlot.Generation(d, cfg, monitored);
    }

    private void closeGeneration(DetectionSlot.Generation g) {
        try {
            g.detection.close();
        } catch (RuntimeException e) {
            LOG.warn("closing the previous alert sinks failed", e);
        }
        if (detection != null) detection.retired(g);
    }

    /** A worker's part of the flow limits: max_flows and the total buffer budget are split evenly. */
    static FlowSettings shardFlowSettings(FlowSettings s, int workers) {
        if (workers <= 1) return s;
        int maxFlows = (int) Math.max(1, (s.maxFlows() + (long) workers - 1) / workers);
        long total = Math.max(1, s.maxBufferedBytesTotal() / workers);
        int perDirection = (int) Math.min(s.maxBufferedBytesPerDirection(), total);
        return new FlowSettings(s.smtpPorts(), s.trackAllTcp(), maxFlows, perDirection, total,
                s.attemptTimeoutMicros(), s.idleTimeoutMicros(), s.closedTimeoutMicros(),
                s.ackWaitMicros(), s.ackWaitMaxBytes(), Math.max(1, s.overlapCheckBuffers() / workers));
    }

    /** Arena bytes per ring: ARENA_BYTES_PER_SLOT per slot, at least 1 MiB and 4 full frames, at most 1 GiB. */
    static int arenaBytes(int ringSize, int snaplen) {
        long want = (long) ringSize * ARENA_BYTES_PER_SLOT;
        long min = Math.max(1L << 20, 4L * Math.max(snaplen, 1));
        return (int) Math.min(1L << 30, Math.max(want, min));
    }

    private static Thread thread(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.setUncaughtExceptionHandler((th, e) -> LOG.error("thread {} died", th.getName(), e));
        return t;
    }

    private void setState(State s) {
        synchronized (lifecycle) {
            state = s;
        }
    }

    // ================================================================== capture thread

    /** The rings of capture handle {@code h}: workers/threads consecutive workers. */
    private FrameRing[] handleRings(int h) {
        int per = rings.length / sources.length;
        return Arrays.copyOfRange(rings, h * per, h * per + per);
    }

    private void captureLoop(int handle) {
        PacketSource src = sources[handle];
        FrameRing[] rs = handleRings(handle);
        CaptureProgress mark = progress[handle];
        SensorMetrics.CaptureCounters counters = captureCounters[handle];
        int n = rs.length;
        RawFrame f = new RawFrame(Math.min(Math.max(src.snaplen(), 64), 1 << 16));
        FrameDecoder peek = new FrameDecoder(new DecodeStats()); // only to find the tuple; not counted
        PacketView view = new PacketView();
        long statsEvery = statsEveryNanos();
        long nextStats = System.nanoTime() + statsEvery;
        int roundRobin = 0;
        long k = 0;
        boolean statsBroken = false;
        try {
            while (true) {
                mark.inRead = true;
                int r = src.read(f);
                mark.inRead = false;
                mark.loops.setOpaque(++k);
                if (r == PacketSource.PACKET) {
                    counters.packetAt(f.tsMicros);
                    int shard;
                    if (n == 1) {
                        shard = 0;
                    } else if (peek.decode(linkType, f.data, f.capturedLength, f.wireLength, f.tsMicros, view)) {
                        shard = FlowHash.shard(view, n);
                    } else {
                        // Not TCP (or not decodable): no flow to keep together; the worker counts the skip.
                        shard = roundRobin = roundRobin + 1 == n ? 0 : roundRobin + 1;
                    }
                    rs[shard].offer(f.data, f.capturedLength, f.wireLength, f.tsMicros);
                    if ((k & 63) != 0) continue;
                } else if (r == PacketSource.END) {
                    break;
                }
                long now = System.nanoTime();
                if (!statsBroken && now - nextStats >= 0) {
                    nextStats = now + statsEvery;
                    statsBroken = !pollStats(handle);
                }
            }
        } catch (RuntimeException | Error e) {
            failure = "capture thread failed: " + e;
            LOG.error("capture thread failed", e);
        } finally {
            mark.inRead = false;
            if (!statsBroken) pollStats(handle);
            CaptureException err = src.error();
            if (err != null) {
                failure = err.getMessage();
                LOG.error("capture stopped: {}", err.getMessage());
            }
            src.close(); // from the capture thread, as libpcap wants
            for (FrameRing ring : rs) ring.close();
            // One handle ending (stop, interface gone, read error) ends the capture: a sensor that
            // silently watches only part of the wire would be worse than one that stops.
            for (PacketSource other : sources) if (other != src) other.breakLoop();
        }
    }

    private long statsEveryNanos() {
        return Math.max(TimeUnit.MILLISECONDS.toNanos(100), started.capture().heartbeat().toNanos());
    }

    /**
     * On an idle wire pcap_next_ex never returns (libpcap 1.10, TPACKET_V3), so pcap_stats, which
     * only the capture thread may call, would freeze at the last busy moment. Every stats interval,
     * if the capture thread is still in the same read, wake it: the read returns TIMEOUT and the
     * loop polls the counters. A busy wire is never woken.
     */
    private void captureWakeLoop() {
        long every = statsEveryNanos();
        long[] last = new long[sources.length];
        Arrays.fill(last, -1);
        Thread[] capture = captureThreads;
        while (anyAlive(capture)) {
            try {
                TimeUnit.NANOSECONDS.sleep(every);
            } catch (InterruptedException e) {
                return;
            }
            for (int h = 0; h < capture.length; h++) {
                long loops = progress[h].loops.getOpaque();
                if (loops == last[h] && progress[h].inRead) sources[h].wakeUp();
                last[h] = loops;
            }
        }
    }

    private static boolean anyAlive(Thread[] threads) {
        for (Thread t : threads) if (t.isAlive()) return true;
        return false;
    }

    /** pcap_stats of one handle into its volatile counters; its capture thread only. False if stats are unavailable. */
    private boolean pollStats(int handle) {
        PacketSource src = sources[handle];
        CaptureProgress mark = progress[handle];
        if (!mark.startReported && src.packetsRead() > 0) {
            mark.startReported = true;
            if (src instanceof LiveSource l && l.discardedAtStart() > 0) {
                LOG.info("capture handle {}: {} frames captured before every handle had joined the fanout group were dropped (duplicates)",
                        handle, l.discardedAtStart());
            }
        }
        SensorMetrics.CaptureCounters captureCounters = this.captureCounters[handle];
        try {
            CaptureStats s = src.stats();
            captureCounters.received = s.received();
            captureCounters.droppedByKernel = s.droppedByKernel();
            captureCounters.droppedByInterface = s.droppedByInterface();
            return true;
        } catch (CaptureException | RuntimeException e) {
            LOG.warn("capture statistics unavailable; kernel/interface drop counters stay at their last value: {}", e.getMessage());
            return false;
        }
    }

    // ================================================================== health

    /** The capture thread, every worker and the event thread are alive. */
    public boolean healthy() {
        Thread[] capture = captureThreads;
        if (capture == null || !eventThread.isAlive()) return false;
        for (Thread c : capture) if (!c.isAlive()) return false;
        for (Thread t : workerThreads) if (!t.isAlive()) return false;
        return true;
    }

    private void healthLoop() {
        long interval = notifier.watchdogIntervalNanos();
        long[] lastCapture = new long[sources.length];
        Arrays.fill(lastCapture, -1);
        long[] lastWorker = new long[workers.length];
        boolean warned = false;
        while (true) {
            synchronized (lifecycle) {
                if (state == State.STOPPED) return;
            }
            boolean progress = true;
            for (int h = 0; h < sources.length; h++) {
                long loops = this.progress[h].loops.getOpaque();
                if (loops == lastCapture[h] && !this.progress[h].inRead) progress = false; // blocked in a read on a quiet wire is fine
                lastCapture[h] = loops;
            }
            for (int i = 0; i < workers.length; i++) {
                long w = workers[i].loops();
                if (w == lastWorker[i]) progress = false; // a worker loops at least every millisecond
                lastWorker[i] = w;
            }
            boolean ok = healthy() && progress;
            if (ok) {
                notifier.watchdog();
                warned = false;
            } else if (!warned) {
                LOG.error("sensor unhealthy (a thread died or stopped making progress); not petting the systemd watchdog");
                warned = true;
            }
            try {
                TimeUnit.NANOSECONDS.sleep(interval);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** output.stats_interval: one stats line per interval until stopped (interrupted). */
    private void statsLoop(Duration every) {
        StatsLine line = new StatsLine();
        while (true) {
            try {
                TimeUnit.NANOSECONDS.sleep(every.toNanos());
            } catch (InterruptedException e) {
                return;
            }
            STATS.info(line.next(metrics.refresh()));
        }
    }

    // ================================================================== rotation

    /**
     * Log rotation (SIGUSR1, and SIGHUP after its reload): smtp.jsonl, alerts.jsonl and
     * anomalies.jsonl are closed and reopened by their paths. Only a flag is set here; the event
     * thread, which writes all three, reopens each at a record boundary within one poll interval
     * (at most 100 ms), so logrotate's renamed file holds every record written before and the new
     * file every record after. Counted in {@code mailtap_output_reopens_total{output,result}}.
     */
    public void reopenOutputs() {
        rotation.request();
        LOG.info("reopening the output files (log rotation)");
    }

    // ================================================================== reload

    /**
     * Re-reads the configuration file (SIGHUP). A valid file takes effect without losing flow state:
     * detection and alert settings are rebuilt and swapped in between two events; keys that need a
     * restart are logged and keep their running value ({@link ReloadPlan}). An invalid file is
     * logged in one line and the running configuration stays. Counted in
     * {@code mailtap_config_reloads_total{result}}.
     *
     * @return true if the new configuration was accepted
     */
    public boolean reload() {
        synchronized (reloadLock) {
            synchronized (lifecycle) {
                if (state != State.RUNNING) {
                    LOG.warn("config reload ignored: the sensor is not running");
                    return false;
                }
            }
            if (configFile == null) return reloadFailed("the sensor was started without --config");
            notifier.reloading();
            try {
                return doReload();
            } finally {
                notifier.ready("capturing on " + started.capture().iface());
            }
        }
    }

    private boolean doReload() {
        MailtapConfig next;
        try {
            next = ConfigLoader.load(configFile);
        } catch (ConfigException e) {
            return reloadFailed(oneLine(e.getMessage()));
        }
        ReloadPlan plan = ReloadPlan.of(started, applied, next);
        if (plan.detectionChanged()) {
            DetectionSlot.Generation g;
            try {
                g = prepareGeneration(plan, next);
            } catch (IOException | RuntimeException e) {
                return reloadFailed("cannot set up alerting: " + oneLine(String.valueOf(e.getMessage())));
            }
            CompletableFuture<DetectionSlot.Generation> swapped = eventLoop.swap(g);
            DetectionSlot.Generation old;
            try {
                old = awaitSwap(swapped);
            } catch (IllegalStateException e) {
                g.change.discard();
                return reloadFailed(e.getMessage());
            }
            closeReplaced(old, g.change);
        }
        applied = next;
        reloadsOk.incrementAndGet();
        lastReloadOk = true;
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
            if (eventLoop.withdraw(swapped)) throw new IllegalStateException("the event thread did not take the new settings in time");
            return swapped.join(); // taken just now
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (eventLoop.withdraw(swapped)) throw new IllegalStateException("interrupted");
            return swapped.join();
        }
    }

    /**
     * The running detection after {@code plan}: only the sinks whose settings changed are opened;
     * rule state and open alerts stay (applied on the event thread, {@link Detection.Change}).
     */
    private DetectionSlot.Generation prepareGeneration(ReloadPlan plan, MailtapConfig next) throws IOException {
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

    private boolean reloadFailed(String why) {
        reloadsFailed.incrementAndGet();
        lastReloadOk = false;
        LOG.error("config reload failed, keeping the running configuration: {}", why);
        return false;
    }

    private static String oneLine(String s) {
        return s.strip().replaceAll("\\s*[\\r\\n]+\\s*", "; ");
    }

    // ================================================================== stop

    /**
     * Stops the sensor (SIGTERM/SIGINT): breaks the capture read, lets the workers drain their rings
     * and flush every flow, lets the event thread write the last transactions and close the sinks
     * (bounded waits: {@link #STOP_CAPTURE}, {@link #STOP_WORKERS}, {@link #STOP_EVENTS}), then
     * closes the metrics endpoint. Idempotent; concurrent callers wait for the first.
     *
     * @return true if every stage finished within its bound
     */
    public boolean stop() {
        CompletableFuture<Boolean> mine;
        synchronized (lifecycle) {
            if (stopped != null) {
                mine = null;
            } else {
                stopped = new CompletableFuture<>();
                mine = stopped;
                if (state == State.NEW || state == State.STOPPED) {
                    state = State.STOPPED;
                    stopped.complete(true);
                    return true;
                }
                state = State.STOPPING;
            }
        }
        if (mine == null) return stopped.join();
        boolean clean;
        try {
            clean = doStop();
        } catch (RuntimeException e) {
            LOG.error("stopping failed", e);
            clean = false;
        }
        setState(State.STOPPED);
        mine.complete(clean);
        return clean;
    }

    private boolean doStop() {
        notifier.stopping("stopping: draining the workers");
        LOG.info("stopping: draining {} workers and flushing every flow", workers.length);
        boolean clean = true;
        for (PacketSource src : sources) src.breakLoop();
        long captureDeadline = System.nanoTime() + STOP_CAPTURE.toNanos();
        boolean captureEnded = true;
        for (Thread t : captureThreads) {
            captureEnded &= join(t, Duration.ofNanos(Math.max(1, captureDeadline - System.nanoTime())));
        }
        if (!captureEnded) {
            LOG.error("the capture thread did not return from libpcap within {} s; stopping the workers anyway",
                    STOP_CAPTURE.toSeconds());
            for (Worker w : workers) w.abort();
            clean = false;
        }
        long deadline = System.nanoTime() + STOP_WORKERS.toNanos();
        for (Thread t : workerThreads) {
            if (!join(t, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) {
                clean = false;
            }
        }
        if (!clean) {
            for (Worker w : workers) w.abort();
            for (Thread t : workerThreads) join(t, Duration.ofSeconds(2));
        }
        if (!join(eventThread, STOP_EVENTS)) {
            LOG.error("the event thread did not finish within {} s (alert sinks still draining?); exiting anyway",
                    STOP_EVENTS.toSeconds());
            clean = false;
        }
        if (forwarding != null) forwarding.close(); // the writers are closed: send what is queued (bounded)
        if (interfaceThread != null) {
            interfaceThread.interrupt();
            join(interfaceThread, Duration.ofSeconds(1));
        }
        if (statsThread != null) {
            statsThread.interrupt();
            join(statsThread, Duration.ofSeconds(1));
        }
        if (healthThread != null) {
            healthThread.interrupt();
            join(healthThread, Duration.ofSeconds(1));
        }
        if (endpoint != null) endpoint.close();
        SensorTotals t = metrics.refresh();
        LOG.info("stopped: {} packets received, dropped {} by the kernel, {} by the interface, {} at the rings; {} transactions; {}",
                t.captureReceived, t.captureDroppedKernel, t.captureDroppedInterface, t.captureDroppedRing,
                t.smtp.get(io.mailtap.smtp.SmtpCounter.TRANSACTIONS), outputs.summary());
        return clean;
    }

    private static boolean join(Thread t, Duration bound) {
        if (t == null) return true;
        try {
            t.join(Math.max(1, bound.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !t.isAlive();
    }

    /** Blocks until the sensor's pipeline has finished: after {@link #stop} or when the capture ended by itself. */
    public void awaitTermination() throws InterruptedException {
        Thread t = eventThread;
        if (t != null) t.join();
    }

    /** As {@link #awaitTermination()}, at most {@code bound}; true if finished. */
    public boolean awaitTermination(Duration bound) throws InterruptedException {
        Thread t = eventThread;
        if (t == null) return true;
        t.join(Math.max(1, bound.toMillis()));
        return !t.isAlive();
    }

    private static void closeQuietly(java.io.Closeable w) {
        try {
            w.close();
        } catch (IOException e) {
            LOG.warn("cannot close an output", e);
        }
    }

    // ================================================================== accessors

    /** Why the capture ended by itself (interface gone, read error), or null. */
    public String failure() { return failure; }

    /** The configuration whose live parts are in effect (the last accepted reload). */
    public MailtapConfig config() { return applied; }

    /** The BPF filter in use, or null. */
    public String filter() { return filter; }

    public int linkType() { return linkType; }

    /** Write counters and state of smtp.jsonl and alerts.jsonl. */
    public OutputHealth outputs() { return outputs; }

    /** The metrics endpoint's bound address, or null when metrics.listen is null. */
    public InetSocketAddress metricsAddress() { return endpoint == null ? null : endpoint.address(); }

    /** The metrics endpoint's URL, or null. */
    public String metricsUrl() { return endpoint == null ? null : endpoint.url(); }

    /** The sensor's meters (also usable without the endpoint). */
    public MailtapMetrics metrics() { return metrics; }

    long reloadsSucceeded() { return reloadsOk.get(); }

    long reloadsFailedCount() { return reloadsFailed.get(); }

    DetectionSlot detection() { return detection; }

    Worker[] workers() { return workers.clone(); }

    EventLoop eventLoop() { return eventLoop; }
}
