package io.mailtap.sensor;

import io.mailtap.config.MailtapConfig;
import io.mailtap.metrics.MailtapMetrics;
import io.mailtap.metrics.MetricsEndpoint;
import io.mailtap.txlog.Forwarding;
import io.mailtap.txlog.OutputHealth;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The live sensor's meters and their endpoint: which running part feeds which meter, and opening
 * {@code metrics.listen} with an error that names the setting at fault. Apart from the lifecycle so
 * a new meter is wired here, not between the start and stop steps.
 */
final class MetricsServing {
    private MetricsServing() {}

    /** The meters of a started runtime; every source is read at scrape time, never copied. */
    static SensorMetrics source(LiveRuntime runtime, EventChannel channel, AgentRunner runner, Reloader reloader,
                                DetectionSlot detection, PacketClock clock, List<SensorMetrics.CaptureCounters> capture,
                                BooleanSupplier healthy, OutputHealth outputs, Forwarding forwarding) {
        SensorMetrics m = new SensorMetrics(runtime.shards(), detection);
        m.capture = capture.toArray(SensorMetrics.CaptureCounters[]::new);
        m.ringDrops = runtime::ringDrops;
        m.handleRingDrops = runtime::ringDrops;
        m.eventQueueDepth = channel::size;
        m.eventWaits = channel::waits;
        m.eventsLost = channel::lost;
        m.agentErrors = runner::errors;
        m.reloadsSuccess = reloader::succeeded;
        m.reloadsFailure = reloader::failedCount;
        m.lastReloadSuccessful = reloader::lastOk;
        m.packetTimeMicros = clock::slowest;
        m.healthy = healthy;
        m.outputs = outputs;
        m.forwarding = forwarding;
        return m;
    }

    /**
     * Opens the endpoint of {@code m}. A TLS file that cannot be read or loaded is a configuration
     * error (exit code of a bad config); a port that cannot be bound is not.
     */
    static MetricsEndpoint start(MailtapConfig.Metrics m, MailtapMetrics metrics) throws SensorException {
        MetricsEndpoint.Settings s = new MetricsEndpoint.Settings(m.listen(), m.path(), m.basicAuth().username(),
                m.basicAuth().password(), m.tls().cert() == null ? null : Path.of(m.tls().cert()),
                m.tls().key() == null ? null : Path.of(m.tls().key()));
        try {
            return MetricsEndpoint.start(s, metrics);
        } catch (GeneralSecurityException e) {
            throw new SensorException("cannot load metrics.tls: " + e.getMessage(), true, e);
        } catch (IOException e) {
            boolean tlsFile = e instanceof NoSuchFileException || e instanceof AccessDeniedException;
            throw new SensorException((tlsFile ? "cannot read metrics.tls file " : "cannot listen on metrics.listen " + m.listen() + ": ")
                    + e.getMessage(), tlsFile, e);
        }
    }
}
