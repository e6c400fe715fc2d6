package io.mailtap.sensor;

import io.mailtap.txlog.AnomalyLogWriter;
import io.mailtap.txlog.TransactionLogWriter;
import io.mailtap.smtp.SmtpEvent;
import io.mailtap.smtp.SmtpEventListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;

/**
 * The ordered consumers of SMTP events, the same chain in a replay and live: the transaction log
 * and the anomaly log first (the record of what was said is written before it is judged), then
 * detection, then what the runtime adds (a replay's summary, the live one-way notice). A new
 * consumer (an evidence writer, a Kafka forwarder) is one more entry in {@code then}.
 *
 * <p>What a failing consumer does is the one runtime choice ({@link Failures}): a replay stops with
 * the reason (a full disk must not produce a short answer that looks whole); the live sensor counts
 * the failure, logs it rate-limited and goes on with the next event. Event thread only.
 */
public final class EventConsumers implements SmtpEventListener, java.io.Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(EventConsumers.class);

    public enum Failures {
        /** Rethrow: the event channel fails and the replay stops with the reason. */
        STOP,
        /** Count, log (rate-limited) and go on with the next consumer and event. */
        COUNT
    }

    private final TransactionLogWriter log;
    private final AnomalyLogWriter anomalies;
    private final SmtpEventListener[] then;
    private final Failures failures;
    private long logErrors;
    private long consumerErrors;

    EventConsumers(TransactionLogWriter log, AnomalyLogWriter anomalies, List<SmtpEventListener> then, Failures failures) {
        this.log = log;
        this.anomalies = anomalies;
        this.then = then.toArray(new SmtpEventListener[0]);
        this.failures = failures;
    }

    @Override
    public void onEvent(SmtpEvent e) {
        if (failures == Failures.STOP) {
            record(e);
            for (SmtpEventListener c : then) c.onEvent(e);
            return;
        }
        try {
            record(e);
        } catch (RuntimeException ex) { // UncheckedIOException: disk full, file gone
            if (logErrors++ % 10_000 == 0) {
                LOG.error("cannot write {} ({} lines lost so far)", e instanceof SmtpEvent.Anomaly ? Replay.ANOMALY_LOG
                        : Replay.TRANSACTION_LOG, logErrors, ex);
            }
        }
        for (SmtpEventListener c : then) {
            try {
                c.onEvent(e);
            } catch (RuntimeException ex) {
                if (consumerErrors++ < 10) LOG.error("an event consumer failed on {}", e.getClass().getSimpleName(), ex);
            }
        }
    }

    private void record(SmtpEvent e) {
        if (e instanceof SmtpEvent.Transaction t) log.write(t.conn(), t.record());
        else if (e instanceof SmtpEvent.Anomaly a) anomalies.write(a);
    }

    /** Log rotation: the writers reopen their files here, between two events, on the thread that writes them. */
    void reopenIfRequested() {
        log.reopenIfRequested();
        anomalies.reopenIfRequested();
    }

    /** Every smtp.jsonl and anomalies.jsonl line also goes to {@code tap} (output.stdout / output.syslog). */
    void forwardTo(io.mailtap.txlog.LineTap tap) {
        log.forwardTo(tap);
        anomalies.forwardTo(tap);
    }

    /** Lines written to smtp.jsonl. */
    long transactionLines() { return log.lines(); }

    /** Records lost because smtp.jsonl or anomalies.jsonl could not be written ({@link Failures#COUNT}). */
    long logErrors() { return logErrors; }

    /** Closes both record files (flushing what is buffered); both are tried, the first failure thrown. */
    @Override
    public void close() throws IOException {
        try {
            log.close();
        } finally {
            anomalies.close();
        }
    }
}
