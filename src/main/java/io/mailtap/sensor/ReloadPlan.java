package io.mailtap.sensor;

import io.mailtap.config.MailtapConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * What a reloaded configuration changes for a running sensor.
 *
 * <p><b>Live</b> (taken between two events, flow state untouched): {@code sensor.name},
 * {@code network.*}, {@code smtp.policy_ports}, {@code detect.*}, {@code alerts.*} (alert log path,
 * de-duplication, Alertmanager, webhook). Open alerts stay open and every rule whose own settings
 * did not change keeps its state; a rule switched off has its open alerts resolved; only the sinks
 * whose settings changed are rebuilt: the alert log when {@code alerts.log.path} changed, the
 * Alertmanager and webhook sinks when {@code alerts.alertmanager}, {@code alerts.webhook} or
 * {@code sensor.name} changed.
 *
 * <p><b>Restart</b> (the running value is kept and the key is logged): every {@code capture.*} key
 * (the handle, filter, threads and rings are built once), {@code smtp.ports},
 * {@code smtp.detect_on_any_port} and the SMTP limits, every {@code flow.*} key (the flow tables
 * take their settings when built, and rebuilding them would lose every open connection),
 * {@code metrics.*} (the endpoint is bound once), {@code output.dir}, {@code output.stats_interval},
 * and the {@code sensor}/{@code site} labels of the metrics (alerts take a new {@code sensor.site} live).
 *
 * @param detectionChanged  a live detection or alert setting changed
 * @param alertSinksChanged the Alertmanager/webhook sinks must be rebuilt
 * @param needsRestart      keys whose new value only a restart applies (names only: values may be secrets)
 */
record ReloadPlan(boolean detectionChanged, boolean alertSinksChanged, List<String> needsRestart) {

    ReloadPlan(boolean detectionChanged, List<String> needsRestart) {
        this(detectionChanged, false, needsRestart);
    }

    private record Key(String name, Function<MailtapConfig, Object> value) {}

    private static final List<Key> RESTART_KEYS = List.of(
            key("capture.interface", c -> c.capture().iface()),
            key("capture.snaplen", c -> c.capture().snaplen()),
            key("capture.promiscuous", c -> c.capture().promiscuous()),
            key("capture.buffer_size", c -> c.capture().bufferSize()),
            key("capture.immediate_mode", c -> c.capture().immediateMode()),
            key("capture.timeout_ms", c -> c.capture().timeoutMs()),
            key("capture.filter", c -> c.capture().filter()),
            key("capture.workers", c -> c.capture().workers()),
            key("capture.threads", c -> c.capture().threads()),
            key("capture.fanout_id", c -> c.capture().fanoutId()),
            key("capture.ring_size", c -> c.capture().ringSize()),
            key("capture.event_queue_size", c -> c.capture().eventQueueSize()),
            key("capture.heartbeat", c -> c.capture().heartbeat()),
            key("smtp.ports", c -> c.smtp().ports()),
            key("smtp.detect_on_any_port", c -> c.smtp().detectOnAnyPort()),
            key("smtp.max_command_line_bytes", c -> c.smtp().maxCommandLineBytes()),
            key("smtp.max_reply_line_bytes", c -> c.smtp().maxReplyLineBytes()),
            key("smtp.max_pending_commands", c -> c.smtp().maxPendingCommands()),
            key("smtp.max_rcpt_per_transaction", c -> c.smtp().maxRcptPerTransaction()),
            key("smtp.max_reply_lines_kept", c -> c.smtp().maxReplyLinesKept()),
            key("flow.max_flows", c -> c.flow().maxFlows()),
            key("flow.max_buffered_bytes_per_direction", c -> c.flow().maxBufferedBytesPerDirection()),
            key("flow.max_buffered_bytes_total", c -> c.flow().maxBufferedBytesTotal()),
            key("flow.attempt_timeout", c -> c.flow().attemptTimeout()),
            key("flow.idle_timeout", c -> c.flow().idleTimeout()),
            key("flow.closed_timeout", c -> c.flow().closedTimeout()),
            key("flow.ack_wait", c -> c.flow().ackWait()),
            key("flow.ack_wait_max_bytes", c -> c.flow().ackWaitMaxBytes()),
            key("flow.max_overlap_check_buffers", c -> c.flow().maxOverlapCheckBuffers()),
            key("metrics.listen", c -> c.metrics().listen()),
            key("metrics.path", c -> c.metrics().path()),
            key("metrics.basic_auth", c -> c.metrics().basicAuth()),
            key("metrics.tls", c -> c.metrics().tls()),
            key("output.dir", c -> c.output().dir()),
            key("alerts.spool", c -> c.spool()),
            key("output.stats_interval", c -> c.output().statsInterval()),
            key("output.stdout", c -> c.output().stdout()),
            key("output.syslog", c -> c.output().syslog()),
            key("sensor.name and sensor.site as metric labels", c -> c.sensor()));

    private static Key key(String name, Function<MailtapConfig, Object> value) {
        return new Key(name, value);
    }

    /**
     * @param started the configuration the sensor started with (what restart-only keys still run with)
     * @param applied the configuration whose live parts are in effect now
     * @param next    the configuration just loaded
     */
    static ReloadPlan of(MailtapConfig started, MailtapConfig applied, MailtapConfig next) {
        List<String> restart = new ArrayList<>();
        for (Key k : RESTART_KEYS) {
            if (!Objects.equals(k.value().apply(started), k.value().apply(next))) restart.add(k.name());
        }
        boolean detection = !applied.detectSettings().equals(next.detectSettings())
                || !applied.alertSettings().equals(next.alertSettings())
                || !applied.alerts().equals(next.alerts());
        boolean sinks = !applied.alerts().alertmanager().equals(next.alerts().alertmanager())
                || !applied.alerts().webhook().equals(next.alerts().webhook())
                || !applied.sensor().name().equals(next.sensor().name());
        return new ReloadPlan(detection || sinks, sinks, List.copyOf(restart));
    }
}
