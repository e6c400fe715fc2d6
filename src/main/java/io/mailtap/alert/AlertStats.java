package io.mailtap.alert;

import io.mailtap.detect.RuleId;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Counters of the alert stage. Written on the detection thread, readable from any thread. */
public final class AlertStats {
    private final Map<RuleId, RuleStats> rules = new EnumMap<>(RuleId.class);
    private final AtomicLong notifications = new AtomicLong();
    private final AtomicLong sinkErrors = new AtomicLong();

    AlertStats() {
        for (RuleId r : RuleId.values()) rules.put(r, new RuleStats());
    }

    public RuleStats rule(RuleId id) { return rules.get(id); }

    public Map<RuleId, RuleStats> rules() { return Collections.unmodifiableMap(rules); }

    /** Notifications handed to the sinks (one per alerts.jsonl line). */
    public long notifications() { return notifications.get(); }

    /** Exceptions that escaped a sink's {@code publish} (each sink counts its own drops too). */
    public long sinkErrors() { return sinkErrors.get(); }

    void notified() { notifications.incrementAndGet(); }

    void sinkError() { sinkErrors.incrementAndGet(); }

    /** Counters of one rule's alerts. */
    public static final class RuleStats {
        private final AtomicLong opened = new AtomicLong();
        private final AtomicLong renotified = new AtomicLong();
        private final AtomicLong resolved = new AtomicLong();
        private final AtomicLong suppressed = new AtomicLong();
        private volatile int open;

        public long opened() { return opened.get(); }
        public long renotified() { return renotified.get(); }
        public long resolved() { return resolved.get(); }
        /** New alerts not opened because {@code alerts.dedup.max_open_alerts} of this rule were open. */
        public long suppressed() { return suppressed.get(); }
        public int open() { return open; }

        void countOpened() { opened.incrementAndGet(); }
        void countRenotified() { renotified.incrementAndGet(); }
        void countResolved() { resolved.incrementAndGet(); }
        void countSuppressed() { suppressed.incrementAndGet(); }
        void setOpen(int n) { open = n; }
    }
}
