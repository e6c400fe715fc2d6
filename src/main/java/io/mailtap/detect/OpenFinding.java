package io.mailtap.detect;

/**
 * The alert stage's handle on the open alert a finding went into. A rule that matches the same key
 * again hands the repeat to the handle instead of building a new {@link Finding}: the alert's count
 * and last-seen move at once, in O(1), and the rule's {@link Latest} view is turned into a Finding
 * only when the alert is written (re-notified, resolved or listed). So the cost of a repeat does not
 * grow with the finding's evidence, and the written alert is the one the repeats' findings would
 * have made.
 */
public interface OpenFinding {

    /**
     * The latest match of a rule's key, held by the rule and updated in place on every match (no
     * allocation per event); {@link #finding()} builds the Finding that match would have emitted.
     */
    interface Latest {
        Finding finding();
    }

    /**
     * One more match of the alert's key.
     *
     * @param tsMicros packet time of the match
     * @param count    as {@link Finding#count}: the window count now (window rules) or the
     *                 occurrences this match adds (other rules)
     * @param uid      the matching connection's uid, or null
     * @param latest   the rule's view of this match, built into a Finding when the alert is written
     * @return false when the handle cannot take the repeat (the alert resolved or the match is from a
     *         connection the alert does not cite yet): the rule emits a full finding instead
     */
    boolean repeat(long tsMicros, long count, String uid, Latest latest);
}
