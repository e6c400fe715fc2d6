package io.mailtap.sensor;

import io.mailtap.config.MailtapConfig;
import io.mailtap.txlog.OutputHealth;
import io.mailtap.txlog.ReopenRequest;
import io.mailtap.metrics.MailtapMetrics;
import io.mailtap.metrics.MetricsEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The live sensor ({@code mailtap run}): the {@link SensorAssembly} a replay runs, with the live
 * runtime around it — agents under one {@link AgentRunner} ({@link LiveRuntime} builds them), the
 * metrics endpoint, reload, rotation and the lifecycle (start, ready, stop). This class holds only
 * the lifecycle: open the capture, assemble, start the runtime, run until stopped or failed, stop.
 * The other jobs are beside it: {@link LiveCapture}, {@link RunOutputs} and {@link AlertGenerations}
 * (what start opens), {@link MetricsServing}, {@link SensorWatchers}, {@link LifecycleLog}.
 *
 * <p>Before it opens the capture it {@link WarmUp warms up} (bounded), so it reports READY=1 with
 * the hot path compiled. {@link #reload()} (SIGHUP, {@link Reloader}) and {@link #stop()}
 * (SIGTERM/SIGINT) are plain methods, so tests drive them without signals; {@link SensorSignals}
 * wires the signals. What a reload changes live and what needs a restart: {@link ReloadPlan}.
 */
public final class LiveSensor {
    private static final Logger LOG = LoggerFactory.getLogger(LiveSensor.class);

    private enum State { NEW, STARTING, RUNNING, STOPPING, STOPPED }

    private final MailtapConfig started;
    private final Path configFile;
    private final String version;
    private final CaptureOpener opener;
    private final AlertGenerations alerts;
    private final SystemdNotifier notifier;
    private final WarmUp warmUp;

    private final Object lifecycle = new Object();
    private State state = State.NEW;                       // guarded by lifecycle
    private CompletableFuture<Boolean> stopped;            // guarded by lifecycle
    private final AgentRunner runner = new AgentRunner();
    private volatile WarmUp.Done warmedUp;

    // Built by start().
    private LiveCapture capture;
    private EventChannel channel;
    private LiveRuntime runtime;
    private volatile LiveRuntime running; // set once its agents run: its volatile write publishes the fields above
    private LiveDetection events;
    private DetectionSlot detection;
    private Reloader reloader;
    private MailtapMetrics metrics;
    private MetricsEndpoint endpoint;
    private final SensorWatchers helpers = new SensorWatchers(runner);
    /** Write counters of smtp.jsonl, alerts.jsonl and anomalies.jsonl, across reloads. */
    private final OutputHealth outputs = new OutputHealth();
    /** output.stdout / output.syslog of this run (restart to change); closed after the event agent. */
    private volatile io.mailtap.txlog.Forwarding forwarding;
    /** Log rotation: bumped by {@link #reopenOutputs()}, followed by the event agent's writers. */
    private final ReopenRequest rotation = new ReopenRequest();

    /**
     * The live sensor on {@code cfg.capture().interface}.
     *
     * @param configFile the file {@code cfg} came from, re-read by {@link #reload()}; null: reload fails
     * @param version    the build's version (for the log and {@code mailtap_build_info})
     */
    public LiveSensor(MailtapConfig cfg, Path configFile, String version) {
        this(cfg, configFile, version, CaptureOpener.live(cfg), SinkFactory.standard(), SystemdNotifier.fromEnvironment(),
                WarmUp.of(cfg));
    }

    /** For tests: no warm-up. */
    LiveSensor(MailtapConfig cfg, Path configFile, String version, CaptureOpener opener, SinkFactory sinkFactory,
               SystemdNotifier notifier) {
        this(cfg, configFile, version, opener, sinkFactory, notifier, WarmUp.NONE);
    }

    LiveSensor(MailtapConfig cfg, Path configFile, String version, CaptureOpener opener, SinkFactory sinkFactory,
               SystemdNotifier notifier, WarmUp warmUp) {
        this.started = cfg;
        this.configFile = configFile;
        this.version = version;
        this.opener = opener;
        this.alerts = new AlertGenerations(sinkFactory, cfg.outputDir(), outputs);
        this.notifier = notifier;
        this.warmUp = warmUp;
    }

    // ================================================================== start

    /**
     * Warms up, opens the capture, the outputs and the metrics endpoint, starts every agent, and
     * tells systemd READY=1. On failure everything opened so far is closed again.
     */
    public void start() throws SensorException {
        synchronized (lifecycle) {
            if (state != State.NEW) throw new IllegalStateException("start() called twice");
            state = State.STARTING;
        }
        MailtapConfig cfg = started;
        MailtapConfig.Capture cap = cfg.capture();
        SensorAssembly assembly = SensorAssembly.of(cfg);
        warmedUp = warmUp.run(assembly, cfg);
        LiveCapture capture;
        try {
            capture = LiveCapture.open(opener, cap.iface());
        } catch (SensorException e) {
            setState(State.STOPPED);
            throw e;
        }
        this.capture = capture;
        RunOutputs writing = null;
        boolean starting = false;
        try {
            PacketClock clock = new PacketClock(cap.workers());
            events = new LiveDetection(clock, Math.max(1, cap.heartbeat().toNanos()));
            writing = RunOutputs.open(cfg, assembly, rotation, outputs, events, alerts);
            forwarding = writing.forwarding;
            detection = new DetectionSlot(writing.generation);
            events.bind(detection);
            reloader = new Reloader(cfg, configFile, alerts.sinks(), detection, events);
            channel = new EventChannel(cap.eventQueueSize());
            runtime = new LiveRuntime(runner, cap, capture.sources, assembly, channel, writing.consumers, events, events.pollNanos(),
                    clock, capture.counters);
            metrics = new MailtapMetrics(MetricsServing.source(runtime, channel, runner, reloader, detection, clock,
                    capture.counters, this::healthy, outputs, forwarding), version, cfg.sensor().name(), cfg.sensor().site());
            if (cfg.metrics().listen() != null) endpoint = MetricsServing.start(cfg.metrics(), metrics);
            starting = true;
            runtime.start(); // from here the agents own the handle, the outputs and the sinks
            running = runtime;
        } catch (SensorException | RuntimeException e) {
            if (endpoint != null) endpoint.close();
            if (!starting) {
                if (writing != null) writing.closeUnstarted(detection);
                capture.close();
            }
            setState(State.STOPPED);
            throw e;
        }
        setState(State.RUNNING);
        LifecycleLog.running(version, cfg, capture.sources, capture.filter, capture.fanoutGroup, runtime.rings()[0], endpoint);
        notifier.ready("capturing on " + cap.iface());
        helpers.start(cfg, capture.sources.get(0), notifier, runtime, this::healthy, metrics);
    }

    private void setState(State s) {
        synchronized (lifecycle) {
            state = s;
        }
    }

    // ================================================================== health

    /** The capture agent, every worker and the event agent are alive. */
    public boolean healthy() {
        LiveRuntime r = running;
        return r != null && r.healthy();
    }

    // ================================================================== rotation

    /**
     * Log rotation (SIGUSR1, and SIGHUP after its reload): smtp.jsonl, alerts.jsonl and
     * anomalies.jsonl are closed and reopened by their paths. Only a flag is set here; the event
     * agent, which writes all three, reopens each at a record boundary within one poll interval
     * (at most 100 ms), so logrotate's renamed file holds every record written before and the new
     * file every record after. Counted in {@code mailtap_output_reopens_total{output,result}}.
     */
    public void reopenOutputs() {
        rotation.request();
        LOG.info("reopening the output files (log rotation)");
    }

    // ================================================================== reload

    /**
     * Re-reads the configuration file (SIGHUP); see {@link Reloader}.
     *
     * @return true if the new configuration was accepted
     */
    public boolean reload() {
        synchronized (lifecycle) {
            if (state != State.RUNNING) {
                LOG.warn("config reload ignored: the sensor is not running");
                return false;
            }
        }
        notifier.reloading();
        try {
            return reloader.reload();
        } finally {
            notifier.ready("capturing on " + started.capture().iface());
        }
    }

    // ================================================================== stop

    /**
     * Stops the sensor (SIGTERM/SIGINT): breaks the capture read, lets the workers drain their rings
     * and flush every flow, lets the event thread write the last transactions and close the sinks
     * (bounded waits: {@link LiveRuntime#STOP_CAPTURE}, {@link LiveRuntime#STOP_WORKERS}, {@link LiveRuntime#STOP_EVENTS}), then
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
        LifecycleLog.stopping(started.capture().workers());
        boolean clean = runtime.stop();
        if (forwarding != null) forwarding.close(); // the writers are closed: send what is queued (bounded)
        helpers.stop();
        if (endpoint != null) endpoint.close();
        LifecycleLog.stopped(metrics.refresh(), outputs);
        return clean;
    }

    /** Blocks until the sensor's pipeline has finished: after {@link #stop} or when the capture ended by itself. */
    public void awaitTermination() throws InterruptedException {
        LiveRuntime r = running;
        if (r != null) r.eventRun().thread().join();
    }

    /** As {@link #awaitTermination()}, at most {@code bound}; true if finished. */
    public boolean awaitTermination(Duration bound) throws InterruptedException {
        LiveRuntime r = running;
        if (r == null) return true;
        r.eventRun().thread().join(Math.max(1, bound.toMillis()));
        return !r.eventRun().isAlive();
    }

    // ================================================================== accessors

    /** Why the capture ended by itself (interface gone, read error), or null. */
    public String failure() {
        LiveRuntime r = running;
        return r == null ? null : r.failure();
    }

    /** The configuration whose live parts are in effect (the last accepted reload). */
    public MailtapConfig config() { return reloader == null ? started : reloader.applied(); }

    /** The BPF filter in use, or null. */
    public String filter() { return capture == null ? null : capture.filter; }

    public int linkType() { return capture == null ? 0 : capture.linkType(); }

    /** Write counters and state of smtp.jsonl and alerts.jsonl. */
    public OutputHealth outputs() { return outputs; }

    /** The metrics endpoint's bound address, or null when metrics.listen is null. */
    public InetSocketAddress metricsAddress() { return endpoint == null ? null : endpoint.address(); }

    /** The metrics endpoint's URL, or null. */
    public String metricsUrl() { return endpoint == null ? null : endpoint.url(); }

    /** The sensor's meters (also usable without the endpoint). */
    public MailtapMetrics metrics() { return metrics; }

    long reloadsSucceeded() { return reloader.succeeded(); }

    long reloadsFailedCount() { return reloader.failedCount(); }

    DetectionSlot detection() { return detection; }

    WorkerAgent[] workers() { return runtime.workers(); }

    LiveDetection events() { return events; }

    AgentRunner runner() { return runner; }

    /** What the warm-up did (null before start). */
    WarmUp.Done warmedUp() { return warmedUp; }
}
