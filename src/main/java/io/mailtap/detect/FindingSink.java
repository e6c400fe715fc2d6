package io.mailtap.detect;

/**
 * Where the detection engine sends what it finds (the alert stage implements it; data flows one
 * way, so {@code detect} defines the interface and {@code alert} depends on {@code detect}).
 * Called on the engine's thread only, in packet-time order.
 */
public interface FindingSink {
    void onFinding(Finding finding);

    /**
     * As {@link #onFinding}, and returns a handle on the open alert the finding went into (for
     * O(1) repeats), or null when the sink keeps none (e.g. the alert was suppressed).
     */
    default OpenFinding track(Finding finding) {
        onFinding(finding);
        return null;
    }

    /** Packet time has reached {@code tsMicros} (alerts that went quiet may now resolve). */
    default void advanceTime(long tsMicros) {}

    /**
     * Connection {@code uid} turned out to have missing data (a capture or reassembly gap), which
     * may be learnt only after findings about it were made: alerts citing it get {@code gaps=true}.
     */
    default void connectionGaps(String uid, long tsMicros) {}
}
