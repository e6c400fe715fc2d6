package io.mailtap.sensor;

import io.mailtap.flow.Connection;
import io.mailtap.smtp.SmtpEvent;

/**
 * Per-flow load shedding on a worker's way into the event queue. While the queue is under pressure
 * (at most a quarter of it free) the worker counts, per connection, the events it hands over in
 * this pressure episode (a fixed table of the {@value #SLOTS} heaviest connections, Misra–Gries,
 * no allocation); a connection that made at least half of them, and at least {@value #MIN_EVENTS},
 * has its per-command events (HELO, AUTH, MAIL, RCPT, refusals) shed instead of queued, so one
 * hostile flow cannot fill the queue, stall the workers and make the rings drop every other flow's
 * packets. Connection and transaction events are never shed: the flow's smtp.jsonl lines are still
 * written (from the session's own counts); what detection did not see is counted, logged and said
 * in an anomaly of the flow. The episode ends when half the queue is free again. Single-threaded:
 * one per worker.
 */
final class FlowShedder {
    static final int SLOTS = 8;
    static final int MIN_EVENTS = 64;

    private final Connection[] conns = new Connection[SLOTS];
    private final long[] counts = new long[SLOTS];
    private final boolean[] announced = new boolean[SLOTS];
    private long episodeEvents;
    private boolean pressure;
    private long shed;

    /** What to do with one event. */
    enum Verdict { QUEUE, SHED, SHED_FIRST }

    /**
     * @param free     free places in the event queue now
     * @param capacity the queue's capacity
     */
    Verdict judge(SmtpEvent e, int free, int capacity) {
        if (!pressure) {
            if (free > capacity / 4) return Verdict.QUEUE;
            pressure = true;
        } else if (free > capacity / 2) {
            endEpisode();
            return Verdict.QUEUE;
        }
        Connection c = e.conn();
        if (c == null) return Verdict.QUEUE;
        episodeEvents++;
        int slot = count(c);
        if (!sheddable(e) || slot < 0) return Verdict.QUEUE;
        if (counts[slot] < MIN_EVENTS || counts[slot] * 2 < episodeEvents) return Verdict.QUEUE;
        shed++;
        if (announced[slot]) return Verdict.SHED;
        announced[slot] = true;
        return Verdict.SHED_FIRST;
    }

    /** Counts {@code c} in the table; its slot, or -1 if it holds none (it was one of the light ones). */
    private int count(Connection c) {
        int free = -1;
        for (int i = 0; i < SLOTS; i++) {
            if (conns[i] == c) {
                counts[i]++;
                return i;
            }
            if (conns[i] == null && free < 0) free = i;
        }
        if (free >= 0) {
            conns[free] = c;
            counts[free] = 1;
            announced[free] = false;
            return free;
        }
        // Misra–Gries: a new key lowers every count; keys that reach zero give their slot up
        for (int i = 0; i < SLOTS; i++) {
            if (--counts[i] <= 0) {
                conns[i] = null;
                counts[i] = 0;
            }
        }
        return -1;
    }

    private void endEpisode() {
        pressure = false;
        episodeEvents = 0;
        java.util.Arrays.fill(conns, null);
        java.util.Arrays.fill(counts, 0);
        java.util.Arrays.fill(announced, false);
    }

    /** Per-command events; connection, transaction and anomaly events always go through. */
    static boolean sheddable(SmtpEvent e) {
        return e instanceof SmtpEvent.Rcpt || e instanceof SmtpEvent.MailFrom || e instanceof SmtpEvent.Helo
                || e instanceof SmtpEvent.Auth || e instanceof SmtpEvent.Rejection;
    }

    /** Events shed so far. */
    long shed() { return shed; }
}
